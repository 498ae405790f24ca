"""The agent with a real model, over both backends: the embedded 1.5B GGUF in-process
(``LlamaCppChat``) and the same GGUF behind llama-cpp-python's OpenAI-compatible server started
here on a free loopback port (``OpenAICompatibleChat``, the vLLM code path). Every turn is
streamed (``Assistant.stream``).

Three turns, asserted on state and typed replies, never on wording: a discovery request with a
price cap (recommendations, all within the cap and the category), a vague request (a question
with options or recommendations, after a catalog search either way: what the guards
guarantee), and a signed-in shopper's cancellation on the tau2 shop (nothing changes until the
shopper's "yes", then exactly one cancellation with its refund). Marked ``llm``; skipped
without the weights. The server backend is also ``slow``: a second cold start of the
~3,600-token system prompt."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlmodel import col, select

from assistant.agent import Assistant
from assistant.deps import Deps, Limits
from assistant.events import Final, StepFinished, StepStarted, TextDelta, TurnEvent
from assistant.llm import LlamaCppChat, OpenAICompatibleChat
from assistant.llm.server import free_port, llm_server_command, stop_server, wait_until_ready
from assistant.llm.types import ChatModel
from assistant.llm.weights import DEFAULT_MODEL, WeightsSpec
from assistant.reply import Reply
from retrieval.embedder import HashEmbedder
from retrieval.help import HelpIndex, HelpSearcher
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import Store, open_store, sqlite_url
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from store.models import Order, Product
from tools.vocabulary import CatalogVocabulary

pytestmark = pytest.mark.llm

LIMITS = Limits(max_steps=5, max_seconds=600, max_tokens=96)  # a loaded CI machine is slow


# The server backend pays a second cold start of the ~3,600-token system prompt (two minutes
# on a busy 2-core machine), so it runs with ``-m slow``.
@pytest.fixture(scope="module", params=["embedded", pytest.param("server", marks=pytest.mark.slow)])
def model(request: pytest.FixtureRequest,
          gguf_for: Callable[[WeightsSpec], Path]) -> Iterator[ChatModel]:
    """One model per backend for the whole module, so every test after the first reuses the
    KV cache of the shared system prompt and tools. The embedded one also keeps that prefix on
    disk beside the GGUF (pytest's cache dir), so later runs skip its cold evaluation."""
    gguf = gguf_for(DEFAULT_MODEL)
    if request.param == "embedded":
        yield LlamaCppChat(gguf)
        return
    port = free_port()
    command = llm_server_command(gguf, "127.0.0.1", port, False, "", model_alias="aisle-real")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base_url = f"http://127.0.0.1:{port}/v1"
        wait_until_ready(base_url, timeout=600, process=process)
        yield OpenAICompatibleChat(base_url, "aisle-real", timeout=600)
    finally:
        stop_server(process)


@dataclass
class Shop:
    store: Store
    searcher: ProductSearcher | None = None
    help_searcher: HelpSearcher | None = None
    vocab: CatalogVocabulary | None = None

    def agent(self, model: ChatModel) -> Assistant:
        # As ui.runtime does: the embedded model does not phrase recommendations.
        limits = replace(LIMITS, phrase_recommendations=not isinstance(model, LlamaCppChat))
        return Assistant(Deps(store=self.store, llm=model, searcher=self.searcher,
                              help_searcher=self.help_searcher, vocab=self.vocab,
                              limits=limits))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    root = tmp_path_factory.mktemp("real-demo")
    store = open_store(sqlite_url(root / "shop.db"))
    generate_demo(store, DemoConfig(products=300, users=30, seed=5))
    embedder, client = HashEmbedder(), open_chroma(root / "chroma")
    products, articles = ProductIndex(client), HelpIndex(client)
    products.sync(store, embedder)
    articles.sync(store, embedder)
    yield Shop(store, ProductSearcher(store, products, embedder),
               HelpSearcher(store, articles, embedder), CatalogVocabulary.from_store(store))
    store.dispose()


@pytest.fixture
def tau2(tau2_store: Store) -> Shop:
    return Shop(tau2_store)


def turn(bot: Assistant, message: str, session_id: str, user: str | None = None) -> Reply:
    """One streamed turn; checks the event protocol and that streamed text is never shown
    unless the final reply keeps it (or says it replaces it)."""
    events: list[TurnEvent] = list(bot.stream(message, session_id=session_id, user_id=user))
    finals = [e for e in events if isinstance(e, Final)]
    assert len(finals) == 1 and events[-1] is finals[0]
    started = [e.tool for e in events if isinstance(e, StepStarted)]
    assert started == [e.tool for e in events if isinstance(e, StepFinished)]
    assert started == [t.tool for t in finals[0].reply.trace]
    shown = "".join(e.text for e in events if isinstance(e, TextDelta))
    squash = " ".join(shown.split())
    if squash and not finals[0].replaces_text:
        assert " ".join(finals[0].reply.text.split()).startswith(squash)
    return finals[0].reply


def categories(store: Store, product_ids: list[str]) -> set[str]:
    with store.session() as s:
        rows = s.exec(select(Product).where(col(Product.product_id).in_(product_ids))).all()
        assert len(rows) == len(product_ids)  # every card is a real product
        return {p.category_leaf for p in rows}


def test_discovery_with_a_price_cap(model: ChatModel, demo: Shop) -> None:
    reply = turn(demo.agent(model), "Show me running shoes under $100", "price-cap")
    assert reply.kind == "recommendations", reply.text
    assert "search_products" in [t.tool for t in reply.trace]
    assert reply.products and all(card.price <= 100 for card in reply.products)
    assert categories(demo.store, [card.product_id for card in reply.products]) == {
        "Running Shoes"}


def test_a_vague_request_gets_a_question_or_searched_results(model: ChatModel,
                                                             demo: Shop) -> None:
    reply = turn(demo.agent(model), "I need headphones", "vague")
    assert "search_products" in [t.tool for t in reply.trace]  # never an answer from thin air
    assert reply.kind in ("question", "recommendations"), reply.text
    if reply.kind == "question":
        assert reply.question is not None and len(reply.question.options) >= 2
        assert reply.question.attribute != "category"  # the shopper already said that
    else:
        assert categories(demo.store, [c.product_id for c in reply.products]) == {"Headphones"}


ORDER = "#W6247578"  # Yusuf Rossi's pending T-shirt order, paid by card
YUSUF = "yusuf_rossi_9620"


def _order(store: Store) -> Order:
    with store.session() as s:
        found = s.get(Order, ORDER)
        assert found is not None
        return found


def _said(replies: list[Reply]) -> list[tuple[str, list[str], str]]:
    return [(r.kind, [t.tool for t in r.trace], r.text[:80]) for r in replies]


def test_a_cancellation_waits_for_the_shoppers_yes(model: ChatModel, tau2: Shop) -> None:
    """A signed-in shopper (the user id comes from the session, as in the web app), so the
    turn is about the confirmation guard. (Identification by email through the model is left
    to the scripted tests: measured here, the 1.5B behind the server repeats its request for
    an email after being given one.)"""
    bot = tau2.agent(model)
    replies = [turn(bot, f"Please cancel my order {ORDER}, I no longer need it.", "cancel",
                    user=YUSUF)]
    if replies[-1].kind != "confirmation":  # a small model may ask for the reason first
        assert _order(tau2.store).status == "pending"
        replies.append(turn(bot, f"Cancel {ORDER}; the reason is that I no longer need it.",
                            "cancel", user=YUSUF))
    proposal = replies[-1]
    assert proposal.kind == "confirmation", _said(replies)
    assert proposal.confirmation is not None
    assert proposal.confirmation.action == "cancel_pending_order"
    assert proposal.confirmation.arguments["order_id"] == ORDER
    before = _order(tau2.store)
    assert before.status == "pending" and len(before.payment_history or []) == 1

    done = turn(bot, "yes", "cancel", user=YUSUF)
    assert done.kind == "answer" and [t.tool for t in done.trace] == ["cancel_pending_order"]
    after = _order(tau2.store)
    assert after.status == "cancelled"
    assert after.cancel_reason == proposal.confirmation.arguments["reason"]
    assert [p["transaction_type"] for p in after.payment_history or []] == ["payment", "refund"]
