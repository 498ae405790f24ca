"""The agent loop with the scripted fake model on a small demo shop: outcomes are decided by
what the tools did, constraints and grounding hold whatever the model says, writes wait for an
explicit yes and run once, a stuck loop ends with a helpful message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import func, select

from assistant.agent import HANDOFF_TEXT, Assistant
from assistant.deps import Deps, Limits
from assistant.events import Final, StepFinished, StepStarted, TextDelta, TurnEvent
from assistant.llm.scripted import ScriptedChat, call
from assistant.llm.types import Delta
from retrieval.embedder import HashEmbedder
from retrieval.help import HelpIndex, HelpSearcher
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import Store, open_store, sqlite_url
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from store.models import Conversation, Order, PaymentMethod, Product, Turn, User
from tools.vocabulary import CatalogVocabulary


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    root = tmp_path_factory.mktemp("agent-shop")
    store = open_store(sqlite_url(root / "shop.db"))
    generate_demo(store, DemoConfig(products=300, users=30, seed=5))
    yield store, root
    store.dispose()


@pytest.fixture(scope="module")
def parts(shop: tuple[Store, Path]) -> dict[str, object]:
    store, root = shop
    embedder = HashEmbedder()
    client = open_chroma(root / "chroma")
    products, help_index = ProductIndex(client), HelpIndex(client)
    products.sync(store, embedder)
    help_index.sync(store, embedder)
    return {
        "searcher": ProductSearcher(store, products, embedder),
        "help": HelpSearcher(store, help_index, embedder),
        "vocab": CatalogVocabulary.from_store(store),
    }


def assistant(shop: tuple[Store, Path], parts: dict[str, object], script: list) -> Assistant:
    store, _ = shop
    return Assistant(
        Deps(
            store=store,
            llm=ScriptedChat(script),
            searcher=parts["searcher"],  # type: ignore[arg-type]
            help_searcher=parts["help"],
            vocab=parts["vocab"],  # type: ignore[arg-type]
            limits=Limits(max_steps=4),
        )
    )


def test_price_cap_holds_and_invented_products_are_replaced(shop, parts) -> None:
    # The model forgets the price cap and then invents a product in its answer.
    bot = assistant(
        shop,
        parts,
        [
            call("search_products", query="running shoes"),
            "Try the Nike Air Max 97 for $80, a classic!",
        ],
    )
    reply = bot.chat("running shoes under $100", session_id="s-price")
    assert reply.kind == "recommendations"
    assert reply.products
    assert all(p.price <= 100 for p in reply.products)
    assert "Nike" not in reply.text
    assert all(p.title in reply.text for p in reply.products[:3])
    assert [t.tool for t in reply.trace] == ["search_products"]


def test_discovery_answer_without_a_search_triggers_one(shop, parts) -> None:
    bot = assistant(shop, parts, ["We have lots of laptops, the best is the UltraBook 9000."])
    reply = bot.chat("I need a laptop", session_id="s-nosearch")
    assert reply.kind == "recommendations"
    assert [t.tool for t in reply.trace] == ["search_products"]
    store, _ = shop
    with store.session() as s:
        for card in reply.products:
            product = s.get(Product, card.product_id)
            assert product is not None and product.category_leaf == "Laptops"


def test_cancel_needs_an_explicit_yes_and_runs_once(shop, parts) -> None:
    store, _ = shop
    with store.session() as s:
        order = s.exec(select(Order).where(Order.status == "pending")).first()
        assert order is not None
        user = s.get(User, order.user_id)
        assert user is not None
        order_id, email = order.order_id, user.email
    bot = assistant(
        shop,
        parts,
        [
            call("find_user_id_by_email", email=email),
            call("cancel_pending_order", order_id=order_id.lstrip("#"), reason="no longer needed"),
            "Nothing else to do.",
        ],
    )
    reply = bot.chat(
        f"Please cancel order {order_id}, I no longer need it. I'm {email}", session_id="s-cancel"
    )
    assert reply.kind == "confirmation"
    assert reply.confirmation is not None
    assert reply.confirmation.action == "cancel_pending_order"
    assert reply.confirmation.arguments["order_id"] == order_id
    with store.session() as s:
        assert s.get(Order, order_id).status == "pending"  # type: ignore[union-attr]

    done = bot.chat("yes", session_id="s-cancel")  # answered in code: the model is not asked
    assert done.kind == "answer" and done.text.startswith("Done.")
    assert f"Order {order_id} is cancelled" in done.text and "{" not in done.text  # no raw JSON
    with store.session() as s:
        cancelled = s.get(Order, order_id)
        assert cancelled is not None and cancelled.status == "cancelled"
        refunds = [p for p in cancelled.payment_history or [] if p["transaction_type"] == "refund"]
        assert len(refunds) == 1

    again = bot.chat("yes", session_id="s-cancel")  # nothing pending: the model answers
    assert again.kind == "answer"
    with store.session() as s:
        cancelled = s.get(Order, order_id)
        assert cancelled is not None
        refunds = [p for p in cancelled.payment_history or [] if p["transaction_type"] == "refund"]
        assert len(refunds) == 1
        turns = s.exec(select(func.count()).select_from(Turn).where(Turn.session_id == "s-cancel"))
        assert turns.one() == 3
        assert s.get(Conversation, "s-cancel").user_id == order.user_id  # type: ignore[union-attr]


def test_a_no_drops_the_pending_change(shop, parts) -> None:
    store, _ = shop
    with store.session() as s:
        order = s.exec(select(Order).where(Order.status == "pending")).all()[-1]
        user = s.get(User, order.user_id)
        assert user is not None
        card = s.exec(select(PaymentMethod).where(PaymentMethod.user_id == user.user_id)).first()
        assert card is not None
    bot = assistant(
        shop,
        parts,
        [
            call("find_user_id_by_email", email=user.email),
            call("cancel_pending_order", order_id=order.order_id, reason="ordered by mistake"),
        ],
    )
    assert bot.chat("cancel my order", session_id="s-no").kind == "confirmation"
    reply = bot.chat("no, keep it", session_id="s-no")
    assert reply.text == "Okay, I have not changed anything."
    with store.session() as s:
        assert s.get(Order, order.order_id).status == "pending"  # type: ignore[union-attr]


def test_clarifying_question_comes_with_options(shop, parts) -> None:
    bot = assistant(
        shop,
        parts,
        [
            call("search_products", query="headphones"),
            call("ask_clarifying_question"),
        ],
    )
    reply = bot.chat("headphones", session_id="s-question")
    assert reply.kind == "question"
    assert reply.question is not None and len(reply.question.options) >= 2


def test_handoff(shop, parts) -> None:
    bot = assistant(shop, parts, [call("transfer_to_human_agents", summary="wants a lawyer")])
    reply = bot.chat("I want to sue you", session_id="s-handoff")
    assert reply.kind == "handoff" and reply.text == HANDOFF_TEXT


def test_stuck_loop_ends_with_a_helpful_message(shop, parts) -> None:
    bot = assistant(shop, parts, [call("calculate", expression="1+1")] * 4)
    reply = bot.chat("what is one plus one, repeatedly", session_id="s-stuck")
    assert reply.kind == "answer"
    assert "could not finish" in reply.text
    assert len(reply.trace) == 4


def test_bad_arguments_go_back_to_the_model(shop, parts) -> None:
    seen: list[str] = []

    def second(request):  # the observation the model gets after its bad call
        seen.append(request.last.content)
        return "Sorry, which order?"

    bot = assistant(shop, parts, [call("get_order_details", order="x"), second])
    reply = bot.chat("where is my order", session_id="s-bad")
    assert reply.kind == "answer"
    assert seen and seen[0].startswith("Error:")


# --- the streaming turn: steps, grounded sentences, one Final ----------------------------


def events_of(bot: Assistant, message: str, session_id: str) -> list[TurnEvent]:
    return list(bot.stream(message, session_id=session_id))


def test_steps_then_grounded_text_then_one_final(
    shop: tuple[Store, Path], parts: dict[str, object]
) -> None:
    probe = assistant(shop, parts, [call("search_products", query="running shoes"), ""])
    first = probe.chat("running shoes under $100", session_id="s-stream-probe")
    top = first.products[0]
    text = f"My top pick is {top.title} at ${top.price:.2f}. It fits your budget. Enjoy!"
    bot = assistant(shop, parts, [call("search_products", query="running shoes"), text])
    events = events_of(bot, "running shoes under $100", "s-stream")
    kinds = [type(e) for e in events]
    assert kinds[:2] == [StepStarted, StepFinished]
    assert kinds[-1] is Final and kinds.count(Final) == 1
    finished = events[1]
    assert isinstance(finished, StepFinished) and finished.tool == "search_products"
    assert finished.ok and finished.ms >= 0 and finished.summary
    streamed = "".join(e.text for e in events if isinstance(e, TextDelta))
    final = events[-1]
    assert isinstance(final, Final)
    assert final.reply.kind == "recommendations"
    assert streamed.strip() == final.reply.text
    assert not final.replaces_text
    assert final.session_id == "s-stream"
    assert len([e for e in events if isinstance(e, TextDelta)]) >= 2  # sentence by sentence


def test_an_invented_product_is_never_streamed(
    shop: tuple[Store, Path], parts: dict[str, object]
) -> None:
    text = "Great choices here. Try the Nike Air Max 97 for $80, a classic! Have fun."
    bot = assistant(shop, parts, [call("search_products", query="running shoes"), text])
    events = events_of(bot, "running shoes under $100", "s-stream-invented")
    streamed = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert "Nike" not in streamed and "$80" not in streamed
    final = events[-1]
    assert isinstance(final, Final)
    assert "Nike" not in final.reply.text
    assert final.replaces_text == bool(streamed)


def test_discovery_text_without_a_search_is_not_streamed(
    shop: tuple[Store, Path], parts: dict[str, object]
) -> None:
    bot = assistant(shop, parts, ["We have lots of laptops. The best is the UltraBook 9000."])
    events = events_of(bot, "I need a laptop", "s-stream-nosearch")
    assert not [e for e in events if isinstance(e, TextDelta)]
    assert [e.tool for e in events if isinstance(e, StepStarted)] == ["search_products"]
    final = events[-1]
    assert isinstance(final, Final) and final.reply.kind == "recommendations"


def test_chat_returns_the_final_reply_of_the_stream(
    shop: tuple[Store, Path], parts: dict[str, object]
) -> None:
    bot = assistant(shop, parts, [call("transfer_to_human_agents", summary="wants a human")])
    reply = bot.chat("I want to talk to a person", session_id="s-stream-handoff")
    assert reply.kind == "handoff"
    assert [t.tool for t in reply.trace] == ["transfer_to_human_agents"]


# --- service turns: no forced product search, service facts grounded in tool results --------


def _a_delivered_order(store: Store) -> tuple[str, str]:
    with store.session() as s:
        order = s.exec(select(Order).where(Order.status == "delivered")).first()
        assert order is not None
        user = s.get(User, order.user_id)
        assert user is not None
        return order.order_id, user.email


def test_a_return_request_naming_a_category_is_not_turned_into_a_search(shop, parts) -> None:
    order_id, _ = _a_delivered_order(shop[0])
    bot = assistant(shop, parts, ["Sure, could you tell me the email on your account?"])
    reply = bot.chat(f"I'd like to return the headphones from order {order_id}", "s-svc-return")
    assert reply.kind == "answer"
    assert reply.trace == []  # the model asked; code did not force a catalog search
    assert reply.text.startswith("Sure, could you tell me the email")


def test_an_order_state_no_tool_returned_is_not_shown(shop, parts) -> None:
    order_id, _ = _a_delivered_order(shop[0])
    bot = assistant(shop, parts, [f"Your order {order_id} is currently processing."])
    reply = bot.chat(f"What is the status of my order {order_id}?", "s-svc-status")
    assert "processing" not in reply.text
    assert reply.text.startswith("I can only share facts I have looked up")


def test_service_facts_from_this_turns_tools_are_allowed(shop, parts) -> None:
    order_id, email = _a_delivered_order(shop[0])
    store, _ = shop
    with store.session() as s:
        order = s.get(Order, order_id)
        assert order is not None
        total = sum(p["amount"] for p in order.payment_history or [])
    text = f"Your order {order_id} was delivered; you paid ${total:,.2f} in total."
    bot = assistant(
        shop,
        parts,
        [
            call("find_user_id_by_email", email=email),
            call("get_order_details", order_id=order_id),
            text,
        ],
    )
    reply = bot.chat(f"I'm {email}. What happened to order {order_id}?", "s-svc-facts")
    assert reply.kind == "answer"
    assert reply.text == text


def test_without_phrasing_the_fact_list_comes_right_after_the_search(shop, parts) -> None:
    store, _ = shop
    bot = Assistant(
        Deps(
            store=store,
            llm=ScriptedChat([call("search_products", query="running shoes")]),  # one step only
            searcher=parts["searcher"],  # type: ignore[arg-type]
            help_searcher=parts["help"],  # type: ignore[arg-type]
            vocab=parts["vocab"],  # type: ignore[arg-type]
            limits=Limits(max_steps=4, phrase_recommendations=False),
        )
    )
    reply = bot.chat("running shoes under $100", session_id="s-no-phrase")
    assert reply.kind == "recommendations" and reply.products
    assert all(card.title in reply.text for card in reply.products[:3])
    assert bot.deps.llm.remaining == 0  # type: ignore[attr-defined]


def test_an_email_in_the_message_identifies_the_shopper_in_code(shop, parts) -> None:
    store, _ = shop
    with store.session() as s:
        order = s.exec(select(Order).where(Order.status == "pending")).all()[-1]
        user = s.get(User, order.user_id)
        assert user is not None
        order_id, email = order.order_id, user.email
    # The model skips identification and goes straight to the write tool.
    bot = assistant(shop, parts, [call("cancel_pending_order", order_id=order_id,
                                       reason="no longer needed")])
    reply = bot.chat(f"I'm {email}, cancel {order_id}, I no longer need it", "s-email-id")
    # Identified, the order the message names is read in code too, before the model's step.
    assert [t.tool for t in reply.trace] == ["find_user_id_by_email", "get_order_details",
                                             "cancel_pending_order"]
    assert reply.kind == "confirmation"
    with store.session() as s:
        still = s.get(Order, order_id)
        assert still is not None and still.status == "pending"  # nothing before the yes


class _CountingChat(ScriptedChat):
    """ScriptedChat that counts the text pieces the agent actually pulled from its stream."""

    pulled = 0

    def stream(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        for event in super().stream(*args, **kwargs):
            if isinstance(event, Delta):
                self.pulled += 1
            yield event


def test_a_discovery_reply_without_a_search_stops_generating_at_once(shop, parts) -> None:
    store, _ = shop
    chatty = _CountingChat(["We have " + "so many great laptops here " * 40, ""])
    bot = Assistant(
        Deps(
            store=store,
            llm=chatty,
            searcher=parts["searcher"],  # type: ignore[arg-type]
            help_searcher=parts["help"],  # type: ignore[arg-type]
            vocab=parts["vocab"],  # type: ignore[arg-type]
            limits=Limits(max_steps=4),
        )
    )
    reply = bot.chat("I need a laptop", session_id="s-stop-early")
    assert reply.kind == "recommendations"
    assert [t.tool for t in reply.trace] == ["search_products"]
    assert chatty.pulled == 1  # the first piece of text ended the generation


class PrefillingChat(ScriptedChat):
    """The scripted model, also recording what the agent asks it to prefill."""

    def __init__(self, script: list) -> None:
        super().__init__(script)
        self.prefilled: list[list] = []

    def prefill_later(self, messages, tools=()) -> None:
        self.prefilled.append(list(messages))


def test_after_a_turn_the_next_prompt_start_is_prefilled(shop, parts) -> None:
    """What the agent prefills after a turn is exactly how the next turn's prompt starts, so
    llama.cpp's prefix reuse leaves only the new message to evaluate."""
    bot = assistant(shop, parts, [])
    chat = PrefillingChat(["Our return window is 30 days.", "You are welcome."])
    bot.deps.llm = chat
    bot.chat("how long is the return window?", session_id="s-prefill")
    assert len(chat.prefilled) == 1
    bot.chat("thanks", session_id="s-prefill")
    prefix, next_prompt = chat.prefilled[0], list(chat.requests[-1].messages)
    assert [m.role for m in prefix] == ["system", "user", "assistant"]
    assert next_prompt[: len(prefix)] == prefix
    assert next_prompt[len(prefix)].content == "thanks"

    bot.deps.limits = Limits(max_steps=4, prefill_between_turns=False)
    chat.prefilled.clear()
    bot.deps.llm = PrefillingChat(["Fine."])
    bot.chat("ok", session_id="s-prefill")
    assert chat.prefilled == []


def test_when_nothing_fits_the_reply_says_so_with_the_nearest_options(shop, parts) -> None:
    """Measured in the dialogue suite: a search that found nothing ended in "How can I
    help?". The reply is built from the search's facts instead: what was asked for and the
    nearest relaxations, whatever the model wrote."""
    bot = assistant(shop, parts, ["We have the LaptopPro X for $5!"])
    reply = bot.chat("a laptop under $5", session_id="s-nothing")
    assert reply.kind == "answer" and reply.products == []
    assert [t.tool for t in reply.trace] == ["search_products"]
    assert reply.text.startswith("Nothing in the shop fits all of that (Laptops, under $5.00)")
    assert "raise the price cap from $5.00 to $" in reply.text
    assert "LaptopPro" not in reply.text
