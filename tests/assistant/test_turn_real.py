"""The issue's behaviours through ``Assistant.chat`` with the embedded model for real.

The assistant consults the model on every turn here (``Limits(consult="always")``), so each
turn really reads a 1.5B model's proposal beside the shopper's words; the policy still
decides, and these tests check that the real model's proposals never change what the words
decide. Assertions are on state and typed replies, never on the model's wording. Marked
``llm``; skipped without the weights. The same conversations through llama-cpp-python's
OpenAI-compatible server (the vLLM code path) are also ``slow``: a second cold start of the
system prompt.

Behaviours (issue #18): 1 vague request, 2 help me choose, 3 not sold and unchecked wishes,
4 refinements, 5 positions and comparison, 6 nothing fits, 7 signed-in orders, 8 confirmation
once, 9 reasons, 10 stock.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from assistant_shops import Shop
from sqlmodel import select

from assistant.agent import Assistant
from assistant.deps import Deps, Limits
from assistant.events import Final, StepStarted
from assistant.llm import LlamaCppChat, OpenAICompatibleChat
from assistant.llm.server import free_port, llm_server_command, stop_server, wait_until_ready
from assistant.llm.types import ChatModel
from assistant.llm.weights import DEFAULT_MODEL, WeightsSpec
from retrieval.documents import load_product_records
from store.models import Item, Order

pytestmark = pytest.mark.llm


@pytest.fixture(scope="module", params=["embedded", pytest.param("server", marks=pytest.mark.slow)])
def model(
    request: pytest.FixtureRequest, gguf_for: Callable[[WeightsSpec], Path]
) -> Iterator[ChatModel]:
    """One model per backend for the module, so later tests reuse the system prompt's cache
    (the embedded one also keeps it on disk beside the GGUF, in pytest's cache dir)."""
    gguf = gguf_for(DEFAULT_MODEL)
    if request.param == "embedded":
        yield LlamaCppChat(gguf)
        return
    port = free_port()
    command = llm_server_command(gguf, "127.0.0.1", port, False, "", model_alias="aisle-real")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base_url = f"http://127.0.0.1:{port}/v1"
        wait_until_ready(base_url, timeout=900, process=process)
        yield OpenAICompatibleChat(base_url, "aisle-real", timeout=900)
    finally:
        stop_server(process)


def real_bot(shop: Shop, model: ChatModel) -> Assistant:
    return Assistant(
        Deps(
            store=shop.store,
            llm=model,
            searcher=shop.searcher,
            help_searcher=shop.help_searcher,
            vocab=shop.vocab,
            limits=Limits(consult="always", prefill_between_turns=False),
        )
    )


def consulted(assistant: Assistant, message: str, session: str, user: str | None = None):
    """One turn, streamed; the reply, and whether the model was asked this turn."""
    asked = False
    for event in assistant.stream(message, session, user):
        asked |= isinstance(event, StepStarted) and event.tool == "choose_action"
        if isinstance(event, Final):
            return event.reply, asked
    raise AssertionError("no Final event")


def leaves(shop: Shop, ids: list[str]) -> set[str]:
    return {r.category_leaf for r in load_product_records(shop.store, ids)}


def test_discovery_behaviours_with_the_real_model(demo: Shop, model: ChatModel) -> None:
    bot = real_bot(demo, model)
    vague, asked = consulted(bot, "I want a gift for my dad", "v")
    assert asked and vague.kind == "question" and vague.question is not None
    assert "dad" not in vague.text.lower()
    choose, _ = consulted(bot, "Help me choose headphones", "h")
    assert choose.kind == "question" and choose.question is not None
    shown, _ = consulted(bot, choose.question.options[0], "h")
    assert shown.kind == "recommendations" and leaves(
        demo, [p.product_id for p in shown.products]
    ) == {"Headphones"}
    kayak, _ = consulted(bot, "I need a kayak", "k")
    assert not kayak.products and "don't sell kayaks" in kayak.text
    first, _ = consulted(bot, "running shoes under $150", "r")
    assert first.products and all(p.price <= 150 for p in first.products)
    cheaper, _ = consulted(bot, "anything cheaper?", "r")
    assert cheaper.products
    assert all(p.price < min(q.price for q in first.products) for p in cheaper.products)
    compared, _ = consulted(bot, "compare the first two", "r")
    assert [p.product_id for p in compared.products] == [p.product_id for p in cheaper.products[:2]]
    none, _ = consulted(bot, "a laptop under $50", "n")
    assert none.kind == "question" and not none.products
    raised, _ = consulted(bot, "ok, raise the price cap", "n")
    assert raised.kind == "recommendations" and raised.products
    for card in first.products:
        assert card.reasons and not any("matches your words" in r for r in card.reasons)


def test_unchecked_wishes_with_the_real_model(outdoor: Shop, model: ChatModel) -> None:
    reply, _ = consulted(real_bot(outdoor, model), "a tent for 4 people", "t")
    assert reply.kind == "recommendations", (reply.text, reply.question)
    assert leaves(outdoor, [p.product_id for p in reply.products]) == {"Tents"}
    assert "couldn't check \u201cfor 4 people\u201d" in reply.text


def test_signed_in_order_help_with_the_real_model(demo: Shop, model: ChatModel) -> None:
    bot, user = real_bot(demo, model), "julian_young_8948"
    recent, _ = consulted(bot, "what did I order recently?", "o", user)
    assert recent.kind == "answer" and re.search(r"#W\d{7}", recent.text)
    with demo.store.session() as s:
        order = s.exec(select(Order).where(Order.user_id == user, Order.status == "pending")).one()
    reply, _ = consulted(
        bot, "I want to cancel my pending order, I ordered it by mistake", "o", user
    )
    assert reply.kind == "confirmation" and reply.confirmation is not None
    assert reply.confirmation.arguments["order_id"] == order.order_id
    done, _ = consulted(bot, "yes", "o", user)
    assert done.text.startswith("Done.")
    again, _ = consulted(bot, "yes", "o", user)
    assert again.text.startswith("That's already done")
    with demo.store.session() as s:
        assert s.get(Order, order.order_id).status == "cancelled"  # type: ignore[union-attr]


def test_stock_with_the_real_model(home: Shop, model: ChatModel) -> None:
    reply, _ = consulted(real_bot(home, model), "a dutch oven", "s")
    for card in reply.products:
        with home.store.session() as s:
            item = s.get(Item, card.item_id)
            others = s.exec(select(Item).where(Item.product_id == card.product_id)).all()
        assert item is not None and (item.available or not any(o.available for o in others))
