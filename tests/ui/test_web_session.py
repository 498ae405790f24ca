"""The chat's behaviour without a browser: a turn streamed into messages and per-tab state,
feedback stored as events (and refused for products the tab never showed), a busy gate and a
failing turn shown as messages, comparisons resolved from positions, the status line, and the
demo shoppers and example prompts read from the store."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import col, select

from assistant.act.cart import variants_for
from assistant.agent import Assistant
from assistant.conversation import load_state, turns_of
from assistant.deps import Deps
from assistant.llm.scripted import ScriptedChat
from assistant.reply import Reply, TraceStep
from assistant.settings import Settings
from retrieval.embedder import HashEmbedder
from retrieval.help import HelpIndex, HelpSearcher
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import Store, open_store, sqlite_url
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from store.models import Event, EventKind, Order, OrderStatus, Product
from tools.vocabulary import CatalogVocabulary
from ui.api.turns import TurnGate
from ui.web.session import BUSY, FAILED, THINKING, ChatController, WebSession
from ui.web.views import comparison_view, demo_shoppers, example_prompts


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("web-session")
    store = open_store(sqlite_url(root / "shop.db"))
    generate_demo(store, DemoConfig(products=120, users=12, seed=7))
    embedder, client = HashEmbedder(), open_chroma(root / "chroma")
    products, help_index = ProductIndex(client), HelpIndex(client)
    products.sync(store, embedder)
    help_index.sync(store, embedder)
    parts = {
        "searcher": ProductSearcher(store, products, embedder),
        "help_searcher": HelpSearcher(store, help_index, embedder),
        "vocab": CatalogVocabulary.from_store(store),
    }
    yield store, root, parts
    store.dispose()


def controller(
    shop: tuple[Store, Path, dict[str, Any]],
    script: list[Any],
    gate: TurnGate | None = None,
    **runtime: Any,
) -> ChatController:
    store, root, parts = shop
    bot = Assistant(Deps(store=store, llm=ScriptedChat(script), **parts))
    fake_runtime = SimpleNamespace(settings=Settings(data_dir=root), store=store, **runtime)
    return ChatController(fake_runtime, bot, gate or TurnGate(1, 5.0))  # type: ignore[arg-type]


def run(
    chat: ChatController,
    message: str,
    history: list[Any] | None = None,
    session: WebSession | None = None,
) -> list[tuple[list[Any], str, WebSession]]:
    async def collect() -> list[tuple[list[Any], str, WebSession]]:
        return [out async for out in chat.send(message, history, session)]

    return asyncio.run(collect())


def feedback(store: Store, session_id: str) -> list[Event]:
    with store.session() as s:
        return list(
            s.exec(
                select(Event).where(
                    Event.kind == EventKind.FEEDBACK, Event.session_id == session_id
                )
            )
        )


YOGA = "yoga mats under $100"  # a capped search gets cards (no question), without the model


def test_a_turn_streams_and_the_tab_remembers_it(shop: Any) -> None:
    chat = controller(shop, [])  # the script is empty: the turn needs no model
    outputs = run(chat, YOGA)
    first_history, first_box, session = outputs[0]
    assert first_history == [{"role": "user", "content": YOGA}, THINKING]
    assert first_box == ""
    history, box, session = outputs[-1]
    assert box == "" and session.turns == 1
    assert history[1]["metadata"]["status"] == "done"
    assert "aisle-card" in history[-1]["content"]
    assert set(session.reply_turns) == set(range(1, len(history)))
    with shop[0].session() as s:
        leaves = {s.get(Product, pid).category_leaf for pid in session.shown}
    assert leaves == {"Yoga Mats"}


def test_an_overlong_message_runs_no_turn(shop: Any) -> None:
    chat = controller(shop, [])
    ((history, box, session),) = run(chat, "yoga mats " * 1000)
    assert "longer than 4,000 characters" in history[-1]["content"] and len(box) == 4000
    assert session.turns == 0
    assert run(chat, "\x00\x07 ")[-1][0] == []  # control characters are no message


def test_feedback_is_stored_only_for_what_the_tab_showed(shop: Any) -> None:
    store = shop[0]
    chat = controller(shop, [])
    history, _, session = run(chat, YOGA)[-1]
    shown = sorted(session.shown)[0]
    with store.session() as s:
        other = s.exec(
            select(Product.product_id).where(col(Product.product_id).not_in(list(session.shown)))
        ).first()
    assert chat.rate_product(session, shown, 1)
    assert not chat.rate_product(session, str(other), 1)  # never shown in this tab
    assert not chat.rate_product(session, shown, 5)
    assert not chat.rate_product(None, shown, 1)

    reply_index = len(history) - 1
    assert chat.rate_reply(session, reply_index, False)
    assert not chat.rate_reply(session, reply_index, "")  # un-liking stores nothing
    assert not chat.rate_reply(session, 0, True)  # the shopper's own message
    events = feedback(store, session.session_id)
    assert [(e.product_id, e.value, e.query) for e in events] == [
        (shown, 1.0, None),
        (None, -1.0, YOGA),
    ]


def test_a_busy_gate_and_a_failing_turn_become_messages(shop: Any) -> None:
    gate = TurnGate(1, 0.05)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with gate.slot():
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        history, box, _ = run(controller(shop, ["unused"], gate), "hello")[-1]
    finally:
        release.set()
        holder.join()
    assert BUSY in history[-1]["content"] and box == "hello"  # the text stays to resend

    # "what's up" consults the model, whose script is empty: the turn fails
    history, box, session = run(controller(shop, []), "what's up")[-1]
    assert FAILED in history[-1]["content"] and session.turns == 0 and box == "what's up"


def test_a_comparison_resolves_positions_from_the_conversation(shop: Any) -> None:
    chat = controller(shop, [])  # "compare the first two" is resolved in code, no model
    history, _, session = run(chat, YOGA)[-1]
    state = load_state(shop[0], session.session_id, None)
    first_two = [c.product_id for c in state.shopping.candidates[:2]]
    history, _, session = run(chat, "compare the first two", history, session)[-1]
    assert FAILED not in history[-1]["content"]
    assert "aisle-compare" in history[-1]["content"]
    assert first_two[0] in session.shown and first_two[1] in session.shown
    last = turns_of(shop[0], session.session_id)[-1].reply
    # the positions were resolved before the trace: it names the products by id
    assert [(t["tool"], t["arguments"]) for t in last["trace"]] == [
        ("compare_products", {"product_ids": first_two})
    ]

    step = TraceStep(tool="compare_products", arguments={"product_ids": first_two[::-1]}, ms=1.0)
    view = comparison_view(shop[0], session.session_id, Reply(kind="answer", text="", trace=[step]))
    assert view is not None and view.product_ids == (first_two[1], first_two[0])
    assert view.rows[:3] == (
        ("Brand", ("Groundwell", "Stretchly")),
        ("Price", ("$34.99", "$20.99")),
        ("Rating", ("4.5 (2 reviews)", "2.8 (5 reviews)")),
    )
    assert [label for label, _ in view.rows[3:]] == [
        "Thickness (mm)",
        "Material",
        "Non slip",
        "Includes strap",
        "Length",
        "Color",
        "Eco friendly",
        "Reviewers praise",
        "Complaints",
    ]
    assert all(len(cells) == 2 for _, cells in view.rows)
    assert comparison_view(shop[0], session.session_id, Reply(kind="answer", text="")) is None


def test_status_line_names_the_ranker_and_the_llm(shop: Any) -> None:
    chat = controller(shop, [], ranker_state="fine-tuned ranker from 2025-06-01")
    assert chat.status() == ("fine-tuned ranker from 2025-06-01", "scripted")
    assert controller(shop, []).status()[0] == "retrieval order (no trained ranker)"


def test_demo_shoppers_put_pending_orders_first_and_examples_fit_the_catalog(shop: Any) -> None:
    store = shop[0]
    shoppers = demo_shoppers(store, limit=3)
    assert len(shoppers) == 3 and all(name and uid for name, uid in shoppers)
    with store.session() as s:
        pending = {
            o.user_id for o in s.exec(select(Order).where(Order.status == OrderStatus.PENDING))
        }
    assert shoppers[0][1] in pending
    # nothing that needs earlier results ("Compare the first two"); order examples only for a
    # shopper with orders, cancelling only with a pending one
    guest = example_prompts(store)
    assert guest.discovery == ["Smartphones under $450", "Help me choose blenders"]
    assert guest.service == ["How do returns work?"]
    assert example_prompts(store, shoppers[0][1]).service == [
        "Where is my most recent order?",
        "Cancel my pending order",
        "How do returns work?",
    ]


def test_a_cards_add_is_a_turn_in_words_and_the_panel_removes_by_line(shop: Any) -> None:
    chat = controller(shop, [])  # adding is decided in code, no model
    history, _, session = run(chat, YOGA)[-1]
    state = load_state(shop[0], session.session_id, None)
    second = state.shopping.candidates[1]
    variants = variants_for(shop[0], [second.product_id])[second.product_id]
    sellable = next(v for v in variants if v.in_stock)
    picked = {**sellable.options, "made_up": "x"}  # a tampered page's extra option is dropped
    words = chat.add_words(session, second.product_id, picked)
    said = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sellable.options.items())
    assert words == f"Add the second one in {said} to my cart"
    assert chat.add_words(session, "not-shown", {}) is None  # a card of no search on screen

    history, _, session = run(chat, words, history, session)[-1]
    assert session.cart is not None and [li.item_id for li in session.cart.lines] == [
        sellable.item_id
    ]
    assert session.cart.total == sellable.price
    assert chat.remove_line(session, "0000000000") is None  # not a line of this cart
    after = chat.remove_line(session, sellable.item_id)
    assert after is not None and after.lines == [] and after.total == 0
    assert session.cart == after
