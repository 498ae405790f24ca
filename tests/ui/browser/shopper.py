"""A shopper at the chat in a real browser: ``Chat`` types, clicks the options under a reply,
signs in as a demo shopper, waits for each turn to end and reads what the page shows (the
reply's words, option labels, product cards, the comparison table), and saves screenshots.

A turn has ended when the page script's end-of-turn hook has run (``ui.web.style``:
``__aisleTurnEnded``, which the app calls once a turn's event has finished, after its last
message update): the driver counts its calls, so it waits for the reply's final state rather
than a fixed time (a screenshot alone adds a short pause for the last paint). Not here: what a
reply should say (the tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

TURN_MS = 20_000  # a turn without the model takes well under a second; this is slack

# Counts the turns that ended (module docstring).
COUNT_TURNS = """() => {
  if (typeof window.__aisleTurnEnded !== 'function') return false;
  if (window.__turnsEnded === undefined) {
    const ended = window.__aisleTurnEnded;
    window.__turnsEnded = 0;
    window.__aisleTurnEnded = () => { window.__turnsEnded += 1; ended(); };
  }
  return true;
}"""
# No Gradio progress indicator showing (the examples refresh after each turn and on sign-in).
IDLE = """() => ![...document.querySelectorAll('[data-testid="status-tracker"]')]
  .some((t) => !t.classList.contains('hide') && t.getClientRects().length > 0)"""
# The reply's own words: its paragraphs, lists and confirmation, without cards or table.
PROSE = """(reply) => [...reply.querySelectorAll('.message-content > .prose > *')]
  .filter((n) => !n.matches('.aisle-cards, .aisle-compare, .aisle-sources, .aisle-details'))
  .map((n) => n.innerText.trim()).filter(Boolean).join('\\n')"""
CARDS = """(reply) => [...reply.querySelectorAll('.aisle-card')].map((c) => ({
  id: c.id.replace('aisle-card-', ''),
  title: c.querySelector('.aisle-card-title').innerText.trim(),
  price: c.querySelector('.aisle-card-price').innerText.trim(),
  meta: (c.querySelector('.aisle-card-meta') || {innerText: ''}).innerText.trim(),
  text: c.innerText}))"""
TABLE = """(reply) => {
  const table = reply.querySelector('.aisle-compare table');
  if (!table) return null;
  const cells = (row) => [...row.children].map((c) => c.innerText.trim());
  return {head: cells(table.querySelector('thead tr')).slice(1),
          rows: [...table.querySelectorAll('tbody tr')].map(cells)};
}"""


@dataclass(frozen=True)
class Card:
    product_id: str
    title: str
    price: float
    category: str  # the leaf, the meta line's last part
    text: str


@dataclass(frozen=True)
class Table:
    titles: list[str]
    rows: dict[str, list[str]]  # row label -> one cell per product


def dollars(text: str) -> float:
    return float(text.strip().lstrip("$").replace(",", ""))


class Chat:
    """One browser tab on the chat, driven the way a shopper drives it."""

    def __init__(self, page: Any, artifacts: Path, turn_ms: int = TURN_MS) -> None:
        self.page, self.artifacts, self.turn_ms = page, artifacts, turn_ms
        self.box = page.get_by_placeholder("Ask for a product")
        page.wait_for_function(COUNT_TURNS)

    def send(self, text: str) -> None:
        """Type a message and press Enter; returns once the turn has ended."""
        self._turn(text, lambda: (self.box.fill(text), self.box.press("Enter")))

    def choose(self, label: str) -> None:
        """Click the option under the last reply that reads ``label``."""
        button = self.page.locator("#aisle-chat .options").get_by_role(
            "button", name=label, exact=True
        )
        self._turn(label, button.click)

    def sign_in(self, name: str) -> None:
        """Pick ``name`` in "Shopping as". Signing in starts a fresh conversation, which
        clears the text box: the box is filled first so that its clearing shows the sign-in
        has run (it has no other visible sign)."""
        self.box.fill("signing in")
        self.page.locator("#aisle-who input").click()
        self.page.get_by_role("option", name=name, exact=True).click()
        expect(self.box).to_have_value("", timeout=self.turn_ms)

    def _turn(self, said: str, act: Callable[[], object]) -> None:
        before = self.page.evaluate("() => window.__turnsEnded")
        act()
        self.page.wait_for_function(
            "(n) => window.__turnsEnded > n", arg=before, timeout=self.turn_ms
        )
        expect(self.page.locator("#aisle-chat [data-testid='user']").last).to_have_text(said)

    @property
    def reply(self) -> Any:
        return self.page.locator("#aisle-chat [data-testid='bot']").last

    def prose(self) -> str:
        return str(self.reply.evaluate(PROSE))

    def options(self) -> list[str]:
        return [
            t.strip()
            for t in self.page.locator("#aisle-chat .options button.option").all_inner_texts()
        ]

    def cards(self) -> list[Card]:
        return [
            Card(c["id"], c["title"], dollars(c["price"]), c["meta"].split(" · ")[-1], c["text"])
            for c in self.reply.evaluate(CARDS)
        ]

    def table(self) -> Table | None:
        raw = self.reply.evaluate(TABLE)
        if raw is None:
            return None
        return Table(raw["head"], {row[0]: row[1:] for row in raw["rows"]})

    def shoot(self, name: str) -> None:
        self.page.wait_for_function(IDLE, timeout=self.turn_ms)
        self.page.wait_for_timeout(200)  # the last paint after the stream's final update
        path = self.artifacts / f"{name}.png"
        self.page.screenshot(path=str(path))
        print(f"screenshot: {path}")


@contextmanager
def open_chat(browser: Any, url: str, artifacts: Path, turn_ms: int) -> Iterator[Chat]:
    """A fresh tab (a fresh Gradio session, so a fresh conversation) on ``url``."""
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url)
    page.get_by_placeholder("Ask for a product").wait_for()
    try:
        yield Chat(page, artifacts, turn_ms)
    finally:
        context.close()
