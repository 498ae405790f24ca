"""The chat in a real browser: Debian's chromium driven by Playwright (never a downloaded
browser). A shopper searches and sees product cards, rates a card and a reply, answers a
clarifying question with a click, compares two products, and confirms a cancellation with the
Confirm button; after a long reply the start of that reply is in view; the header names the
shop and the "About" panel holds the ranker and LLM; the example buttons follow the shopper
signed in. Each step saves a screenshot to the artifacts folder (see conftest).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlmodel import col, select

from store.models import Event, EventKind, Order, OrderStatus
from ui.web.views import (
    CANCEL_PENDING,
    RECENT_ORDER,
    demo_shoppers,
    discovery_prompts,
    order_prompts,
)


@pytest.fixture
def page(browser: Any, web_url: str) -> Iterator[Any]:
    """A fresh tab (a fresh Gradio session) on the chat."""
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.goto(web_url)
    tab.get_by_placeholder("Ask for a product").wait_for()
    yield tab
    context.close()


def send(page: Any, text: str) -> None:
    box = page.get_by_placeholder("Ask for a product")
    box.fill(text)
    box.press("Enter")


def shoot(page: Any, artifacts: Path, name: str) -> None:
    path = artifacts / f"{name}.png"
    page.wait_for_timeout(300)  # let the last stream update paint
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")


def feedback_events(web_shop: Any) -> list[Event]:
    with web_shop.store.session() as session:
        return list(session.exec(select(Event).where(Event.kind == EventKind.FEEDBACK)))


def test_discovery_shows_cards_and_stores_feedback(
    page: Any, web_shop: Any, artifacts: Any
) -> None:
    before = len(feedback_events(web_shop))
    send(page, "running shoes under $100")
    cards = page.locator("#aisle-chat .aisle-card")
    cards.first.wait_for()
    page.get_by_text("Searching the catalog").first.wait_for()
    prices = [
        float(t.strip("$").replace(",", ""))
        for t in page.locator("#aisle-chat .aisle-card-price").all_inner_texts()
    ]
    assert prices and all(p <= 100 for p in prices)
    assert "Running Shoes" in cards.first.inner_text()
    assert page.locator("#aisle-chat .aisle-reasons li").count() >= len(prices)
    shoot(page, artifacts, "1-discovery-cards")

    cards.first.locator("button.aisle-up").click()
    page.get_by_text("Your feedback shapes what we show you next").wait_for()
    page.locator("#aisle-chat button[aria-label='Like']").last.click()
    # The like has no visible answer: wait for its row in the store.
    deadline = time.monotonic() + 15
    while len(events := feedback_events(web_shop)[before:]) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    product = cards.first.get_attribute("id").removeprefix("aisle-card-")
    assert [(e.product_id, e.value) for e in events if e.product_id] == [(product, 1.0)]
    assert [(e.value, e.query) for e in events if e.product_id is None] == [
        (1.0, "running shoes under $100")
    ]
    shoot(page, artifacts, "2-feedback")


def test_clarifying_option_and_comparison(page: Any, web_shop: Any, artifacts: Any) -> None:
    choose = discovery_prompts(web_shop.store)[1]
    assert choose == "Help me choose office chairs"
    page.get_by_role("button", name=choose).click()  # an example, as the first message
    options = page.locator("#aisle-chat .options button.option")
    options.first.wait_for()
    labels = options.all_inner_texts()
    assert len(labels) >= 2
    shoot(page, artifacts, "3-clarifying-question")

    options.first.click()
    page.locator("#aisle-chat .aisle-card").first.wait_for()
    assert page.locator("#aisle-chat [data-testid='user']").last.inner_text().strip() == labels[0]
    shoot(page, artifacts, "4-after-option")

    send(page, "Compare the first two")
    table = page.locator("#aisle-chat .aisle-compare table")
    table.wait_for()
    assert table.locator("thead th").count() == 3  # the row labels and two products
    assert "Price" in table.inner_text()
    shoot(page, artifacts, "5-comparison")


def test_cancellation_needs_the_confirm_button(page: Any, web_shop: Any, artifacts: Any) -> None:
    store = web_shop.store
    names = dict((uid, name) for name, uid in demo_shoppers(store))
    with store.session() as session:
        order = session.exec(
            select(Order)
            .where(Order.status == OrderStatus.PENDING, col(Order.user_id).in_(list(names)))
            .order_by(col(Order.seq))
        ).first()
    assert order is not None, "a demo shopper with a pending order"
    page.locator("#aisle-who input").click()
    page.get_by_role("option", name=names[order.user_id]).click()
    cancel = page.locator(".aisle-side").get_by_role("button", name=CANCEL_PENDING)
    expect(cancel).to_be_visible()
    page.wait_for_timeout(500)  # the sign-in's fresh session has no visible sign of its own

    send(page, f"Please cancel order {order.order_id}, I no longer need it")
    yes = f"Yes, cancel order {order.order_id}"
    confirm = page.locator("#aisle-chat .options button.option", has_text=yes)
    confirm.wait_for()
    expect(
        page.locator("#aisle-chat .options button.option", has_text="Keep my order")
    ).to_be_visible()
    assert page.locator("#aisle-chat .aisle-confirm").count() == 1
    shoot(page, artifacts, "6-confirmation")
    with store.session() as session:
        assert session.get(Order, order.order_id).status == OrderStatus.PENDING

    confirm.click()
    page.get_by_text("Done.").wait_for()
    assert page.locator("#aisle-chat [data-testid='user']").last.inner_text().strip() == yes
    shoot(page, artifacts, "7-confirmed")
    with store.session() as session:
        assert session.get(Order, order.order_id).status == OrderStatus.CANCELLED
    # That was the shopper's only pending order: the example to cancel one goes with it.
    assert order_prompts(store, order.user_id) == [RECENT_ORDER]
    expect(cancel).to_be_hidden()


def select_shopper(page: Any, name: str) -> None:
    page.locator("#aisle-who input").click()
    page.get_by_role("option", name=name, exact=True).click()


def test_a_turn_shows_the_start_of_its_reply(page: Any, artifacts: Any) -> None:
    """Gradio's Chatbot would follow the stream to the last card; the newest message and the
    first line of its reply must be in view instead."""
    send(page, "running shoes under $100")
    page.locator("#aisle-chat .aisle-card").first.wait_for()
    send(page, "yoga mats under $100")
    reply = page.locator("#aisle-chat [data-testid='bot']").last
    reply.locator(".aisle-card", has_text="Yoga Mat").first.wait_for()
    page.wait_for_timeout(600)  # the turn's end, and the page script's last adjustment

    chat = page.locator("#aisle-chat .bubble-wrap").bounding_box()
    top, bottom = chat["y"], chat["y"] + chat["height"]
    question = page.locator("#aisle-chat [data-testid='user']").last
    assert question.inner_text().strip() == "yoga mats under $100"
    asked = question.bounding_box()
    assert top <= asked["y"] <= top + 40  # the newest message sits at the top of the chat
    first_line = reply.locator("p").first
    assert first_line.inner_text().strip()
    line = first_line.bounding_box()
    assert top <= line["y"] and line["y"] + line["height"] <= bottom
    first_card = reply.locator(".aisle-card").first.bounding_box()
    assert first_card["y"] < bottom
    # The reply is taller than the chat, so following the stream would have hidden its start.
    last_card = reply.locator(".aisle-card").last.bounding_box()
    assert reply.locator(".aisle-card").count() == 5
    assert last_card["y"] + last_card["height"] > bottom
    shoot(page, artifacts, "8-reply-start-in-view")


def test_header_names_the_shop_and_about_holds_the_status(
    page: Any, web_shop: Any, artifacts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    header = page.locator(".aisle-header")
    assert header.locator("h1").inner_text() == "Aisle Demo Shop"
    assert header.locator(".aisle-tagline").inner_text() == (
        "Clothing & Shoes, Electronics, Home & Kitchen and more"
    )
    status = page.locator(".aisle-status")
    expect(status).to_be_hidden()  # the About panel starts closed
    assert "LLM" not in page.locator("body").inner_text()
    shoot(page, artifacts, "9-header")

    page.locator("#aisle-about").get_by_text("About").click()
    expect(status).to_be_visible()
    assert [line for line in status.inner_text().splitlines() if line] == [
        "Aisle, an open-source shopping assistant, answers in this chat.",
        "Ranking: retrieval order (no trained ranker yet)",
        "LLM: scripted",
    ]
    shoot(page, artifacts, "10-about")

    # A ranker swapped in under the running app shows at the next refresh (the timer's, or
    # the one a new conversation triggers).
    trained = SimpleNamespace(state="fine-tuned ranker from 2026-01-05 09:30")
    monkeypatch.setitem(web_shop.runtime.__dict__, "ranker", trained)
    page.get_by_role("button", name="New conversation").click()
    expect(status).to_contain_text("Ranking: fine-tuned ranker from 2026-01-05 09:30")


def test_examples_follow_the_shopper(page: Any, web_shop: Any, artifacts: Any) -> None:
    store = web_shop.store
    shoppers = demo_shoppers(store)
    pending = next(n for n, uid in shoppers if CANCEL_PENDING in order_prompts(store, uid))
    settled = next(n for n, uid in shoppers if order_prompts(store, uid) == [RECENT_ORDER])
    side = page.locator(".aisle-side")
    heading = side.locator(".aisle-side-title").last  # after "Find products"

    def offered(*prompts: str) -> None:
        for prompt in (*discovery_prompts(store), "How do returns work?", *prompts):
            expect(side.get_by_role("button", name=prompt)).to_be_visible()
        for prompt in {RECENT_ORDER, CANCEL_PENDING} - set(prompts):
            expect(side.get_by_role("button", name=prompt)).to_be_hidden()

    offered()  # a guest: no orders to ask about
    expect(heading).to_have_text("Help")
    select_shopper(page, pending)
    offered(RECENT_ORDER, CANCEL_PENDING)
    expect(heading).to_have_text("Orders and help")
    shoot(page, artifacts, "11-examples-signed-in")
    select_shopper(page, settled)
    offered(RECENT_ORDER)
    select_shopper(page, "Guest")
    offered()
    expect(heading).to_have_text("Help")
