"""Buying from the chat in a real browser (Debian's chromium, Playwright): a demo shopper
searches, picks a size on a product card, adds it to the cart, sees it in the cart panel, adds
a second size and removes it in the panel, checks out, confirms with the button that names the
order's total, and finds the new order when asking what they ordered recently. Screenshots of
each step go to the artifacts folder (see conftest), named ``cartui_*``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from shopper import Chat, dollars, open_chat
from sqlmodel import col, select

from store.models import Order, OrderStatus
from ui.web.cart import add_words
from ui.web.views import demo_shoppers


@pytest.fixture
def chat(browser: Any, web_url: str, artifacts: Path) -> Iterator[Chat]:
    with open_chat(browser, web_url, artifacts, 20_000) as tab:
        yield tab


def _orders(web_shop: Any, user_id: str) -> dict[str, Order]:
    with web_shop.store.session() as session:
        rows = session.exec(select(Order).where(col(Order.user_id) == user_id)).all()
        return {o.order_id: o for o in rows}


def _cancel_new(
    web_shop: Any, user_id: str, before: dict[str, Order], keep_pending: bool = False
) -> None:
    """Cancel the orders this test placed (``keep_pending``: only when the turn failed, so
    the test can go on to read the order it placed)."""
    if keep_pending and not sys.exc_info()[0]:
        return
    with web_shop.store.session() as session:
        for order in session.exec(select(Order).where(col(Order.user_id) == user_id)).all():
            if order.order_id not in before and order.status == OrderStatus.PENDING:
                order.status = OrderStatus.CANCELLED
                session.add(order)
        session.commit()


def test_pick_a_size_add_to_cart_check_out_and_find_the_order(chat: Chat, web_shop: Any) -> None:
    name, user_id = demo_shoppers(web_shop.store)[0]
    before = _orders(web_shop, user_id)
    page = chat.page
    chat.sign_in(name)
    expect(page.locator("#aisle-cart")).to_contain_text("Your cart is empty")

    chat.send("running shoes under $100")
    cards = chat.reply.locator(".aisle-card")
    expect(cards.first.locator("button.aisle-add")).to_be_visible()
    # A card whose only open choice is the size (its other options have one value in stock).
    only_size = [
        i
        for i in range(cards.count())
        if cards.nth(i).locator(".aisle-picker-name").all_inner_texts() == ["Size"]
    ]
    assert only_size, "no card offers a size picker alone"
    position = only_size[0] + 1
    card = cards.nth(position - 1)
    title = card.locator(".aisle-card-title").inner_text().strip()
    sizes = card.locator("button.aisle-pick")
    size = sizes.nth(sizes.count() - 1).inner_text().strip()  # the largest in stock
    chat.shoot("cartui_1-cards")

    card.locator(".aisle-picks").get_by_role("button", name=size, exact=True).click()
    expect(card.locator("button.aisle-pick.aisle-on")).to_have_text(size)
    chat.shoot("cartui_2-size-picked")

    chat._turn(add_words(position, {"size": size}), card.locator("button.aisle-add").click)
    assert chat.prose().startswith(f"Added 1 × {title}")
    panel = page.locator("#aisle-cart")
    expect(panel.locator(".aisle-cart-line")).to_have_count(1)
    expect(panel.locator(".aisle-cart-title")).to_have_text(title)
    expect(panel.locator(".aisle-cart-options")).to_contain_text(f"Size {size}")
    total = dollars(panel.locator(".aisle-cart-total b").inner_text())
    line = dollars(panel.locator(".aisle-cart-price b").inner_text())
    assert total == line > 0
    chat.shoot("cartui_3-in-cart")

    # A second size, then taken out again with the panel's Remove.
    card = page.locator("#aisle-chat [data-testid='bot'] .aisle-card").nth(position - 1)
    other = card.locator("button.aisle-pick").first.inner_text().strip()
    assert other != size
    card.locator(".aisle-picks").get_by_role("button", name=other, exact=True).click()
    chat._turn(add_words(position, {"size": other}), card.locator("button.aisle-add").click)
    expect(panel.locator(".aisle-cart-line")).to_have_count(2)
    expect(panel.locator(".aisle-cart-total")).to_contain_text("Total (2 items)")
    panel.locator(".aisle-cart-line").nth(1).get_by_role("button", name="Remove").click()
    expect(panel.locator(".aisle-cart-line")).to_have_count(1)
    expect(panel.locator(".aisle-cart-options")).to_contain_text(f"Size {size}")
    assert dollars(panel.locator(".aisle-cart-total b").inner_text()) == total

    checkout = page.get_by_role("button", name="Check out", exact=True)
    chat._turn("Check out", checkout.click)
    if chat.options() and not chat.options()[0].startswith("Yes"):  # which card to pay with
        chat.choose(chat.options()[0])
    assert chat.options() == [f"Yes, place order for ${total:,.2f}", "Not now"]
    assert f"Total: ${total:,.2f}" in chat.prose()
    assert title in chat.prose()
    chat.shoot("cartui_4-confirm")

    try:
        chat.choose(f"Yes, place order for ${total:,.2f}")
    finally:
        _cancel_new(web_shop, user_id, before, keep_pending=True)
    new = {k: o for k, o in _orders(web_shop, user_id).items() if k not in before}
    assert len(new) == 1
    order_id, order = next(iter(new.items()))
    assert order.status == OrderStatus.PENDING
    assert order_id in chat.prose()
    expect(panel).to_contain_text("Your cart is empty")
    expect(checkout).to_be_hidden()
    chat.shoot("cartui_5-placed")

    try:
        chat.send("what did I order recently?")
        recent = chat.prose()
        assert order_id in recent and title in recent
        earlier = [recent.index(k) for k in before if k in recent]
        assert all(recent.index(order_id) < i for i in earlier)  # the newest first
        chat.shoot("cartui_6-recent")
    finally:  # the shared shop's other tests count this shopper's pending orders
        _cancel_new(web_shop, user_id, before)


def test_the_widget_shows_the_cart_and_a_checkout_button_naming_the_total(
    browser: Any, web_shop: Any, artifacts: Path
) -> None:
    """The widget (ui/static/widget.js) over the bot API: an add shows the cart's lines and
    total under the reply; the checkout's confirmation offers the buttons that name the act,
    not a second Confirm / Cancel."""
    from pydantic import SecretStr

    from ui.api import create_app
    from ui.api.identity import sign_identity
    from ui.cli_serve import running

    secret = "the-shop-and-aisle-share-this-secret"
    settings = web_shop.runtime.settings.model_copy(
        update={"identity_secret": SecretStr(secret), "api_keys": "off"}
    )
    runtime = replace(web_shop.runtime, settings=settings)
    runtime.__dict__["store"] = web_shop.store
    _, user_id = demo_shoppers(web_shop.store)[1]
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    bot = page.locator(".aisle-msg.aisle-bot")

    def say(text: str) -> Any:
        count = bot.count()
        page.get_by_placeholder("Ask about products").fill(text)
        page.get_by_placeholder("Ask about products").press("Enter")
        expect(bot).to_have_count(count + 1)
        reply = bot.last
        expect(reply.locator(".aisle-row").last).to_be_visible()  # the thumbs: the reply is in
        return reply

    def buttons(reply: Any) -> list[str]:
        return [
            t.strip()
            for t in reply.locator(".aisle-row button:not(.aisle-thumb)").all_inner_texts()
        ]

    try:
        with running(create_app(runtime, assistant=web_shop.assistant)) as url:
            page.goto(f"{url}widget?identity={sign_identity(secret, user_id)}")
            page.locator(".aisle-launch").click()
            say("running shoes under $100")
            reply = say("add the first one to my cart")
            for _ in range(3):  # answer the size (width, colour) questions with the first value
                if reply.locator(".aisle-cart").count():
                    break
                first = buttons(reply)[0]
                reply.get_by_role("button", name=first, exact=True).click()
                expect(bot.last.locator(".aisle-row").last).to_be_visible()
                reply = bot.last
            box = reply.locator(".aisle-cart")
            expect(box).to_contain_text("Your cart")
            expect(box.locator("li")).to_have_count(1)
            total_text = box.locator(".aisle-total").inner_text()
            assert total_text.startswith("Total (1 item): $")
            total = dollars(total_text.split(": ")[1])
            assert dollars(box.locator("li").inner_text().rsplit(": ", 1)[1]) == total

            reply = say("check out")
            if buttons(reply) and not buttons(reply)[0].startswith("Yes"):  # which card
                reply.get_by_role("button", name=buttons(reply)[0], exact=True).click()
                expect(bot).to_have_count(bot.count())
                reply = bot.last
                expect(reply.locator(".aisle-row").last).to_be_visible()
            expect(reply.locator(".aisle-row button").first).to_have_text(
                f"Yes, place order for ${total:,.2f}"
            )
            assert buttons(reply) == [f"Yes, place order for ${total:,.2f}", "Not now"]
            page.screenshot(path=str(artifacts / "cartui_7-widget.png"))
    finally:
        context.close()
