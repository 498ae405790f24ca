"""The chat in a real browser: Debian's chromium driven by Playwright (never a downloaded
browser). A shopper searches and sees product cards, rates a card and a reply, answers a
clarifying question with a click, compares two products, and confirms a cancellation with the
Confirm button. Each step saves a screenshot to the artifacts folder (see conftest).

Skipped, saying why, when /usr/bin/chromium is missing; ``.ci/run`` installs it with apt.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from store.models import Event, EventKind, Order, OrderStatus
from ui.web.views import demo_shoppers

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian chromium is not installed at /usr/bin/chromium (apt-get install -y chromium; "
    ".ci/run does this)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


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
    prices = [float(t.strip("$").replace(",", ""))
              for t in page.locator("#aisle-chat .aisle-card-price").all_inner_texts()]
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
        (1.0, "running shoes under $100")]
    shoot(page, artifacts, "2-feedback")


def test_clarifying_option_and_comparison(page: Any, artifacts: Any) -> None:
    send(page, "Help me choose office chairs")
    options = page.locator("#aisle-chat .options button.option")
    options.first.wait_for()
    labels = options.all_inner_texts()
    assert len(labels) >= 2
    shoot(page, artifacts, "3-clarifying-question")

    options.first.click()
    page.locator("#aisle-chat .aisle-card").first.wait_for()
    assert page.locator("#aisle-chat [data-testid='user']").last.inner_text().strip() == labels[0]
    shoot(page, artifacts, "4-after-option")

    page.get_by_role("button", name="Compare the first two").click()
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
            select(Order).where(Order.status == OrderStatus.PENDING,
                                col(Order.user_id).in_(list(names))).order_by(col(Order.seq))
        ).first()
    assert order is not None, "a demo shopper with a pending order"
    page.locator("#aisle-who input").click()
    page.get_by_role("option", name=names[order.user_id]).click()
    page.wait_for_timeout(500)

    send(page, f"Please cancel order {order.order_id}, I no longer need it")
    confirm = page.locator("#aisle-chat .options button.option", has_text="Confirm")
    confirm.wait_for()
    assert page.locator("#aisle-chat .aisle-confirm").count() == 1
    shoot(page, artifacts, "6-confirmation")
    with store.session() as session:
        assert session.get(Order, order.order_id).status == OrderStatus.PENDING

    confirm.click()
    page.get_by_text("Done.").wait_for()
    assert page.locator("#aisle-chat [data-testid='user']").last.inner_text().strip() == "yes"
    shoot(page, artifacts, "7-confirmed")
    with store.session() as session:
        assert session.get(Order, order.order_id).status == OrderStatus.CANCELLED
