"""The service-turn guards for small models, through the agent on the real tau2-bench data
with the scripted model: the reads a request needs run in code before the model's first
step (``assistant.reads``); a change the model only talks about is asked for again with the
write tool forced; the variant and payment method the shopper names win over the model's ids
(``assistant.resolve``); a request for a person is handed off and another customer's order
is refused, not handed off; a change asked for stays open across the model's questions.
Each test names the embedded model's measured failure it guards against."""

from __future__ import annotations

import pytest
from tau2_agent import EMAIL, ETHAN, YUSUF, YUSUF_CARD, agent, order, pending, snapshot

from assistant.conversation import load_state
from assistant.llm.scripted import ChatRequest, call
from assistant.llm.types import ForcedTool
from store.db import Store


def test_the_reads_a_service_request_needs_run_in_code_once_identified(shop: Store) -> None:
    """The shopper names an order and a payment method: with the email the agent identifies
    them, then reads the order and the account before the model's first step, so the model
    sees the ids it needs (the original payment method, the gift card) without asking."""
    seen: list[str] = []

    def answer(request: ChatRequest) -> str:
        seen.extend(m.content for m in request.messages if m.role == "tool")
        return "Which item would you like to return?"

    bot, llm = agent(shop, [answer, "Your order is delivered.", "Fine."])
    reply = bot.chat(f"I'm {EMAIL[YUSUF]}. I want to return something from #W2378156, "
                     "refund to my credit card.", session_id="s-reads")
    assert [(t.tool, t.ok) for t in reply.trace] == [
        ("find_user_id_by_email", True), ("get_order_details", True), ("get_user_details", True)]
    assert len(llm.requests) == 1 and len(seen) == 3
    assert "4202497723" in seen[1] and YUSUF_CARD in seen[2]  # the item and the method ids
    # Naming an order without payment words reads only that order; no service words, nothing.
    assert [t.tool for t in bot.chat("what is the status of #W2378156?",
                                     session_id="s-reads").trace] == ["get_order_details"]
    assert bot.chat("thanks, bye", session_id="s-reads").trace == []


def test_a_change_talked_about_instead_of_proposed_is_asked_for_again_with_the_call_forced(
    shop: Store,
) -> None:
    """Measured with the embedded 1.5B model: after the order is read in code it answered
    "I have received your order. I will cancel it and refund your payment." without calling
    anything. A claim (or a yes asked for in words) on a turn that asks for a change to a named
    order is never shown: the model is asked once more with that write tool forced, and the
    proposal ends the turn as a confirmation like any other."""
    bot, llm = agent(shop, [
        "I will cancel it and refund your payment.",
        call("cancel_pending_order", order_id="#W6779827", reason="no longer needed"),
    ])
    before = snapshot(shop)
    reply = bot.chat("Please cancel my order #W6779827, I no longer need it.", session_id="s",
                     user_id=ETHAN)
    assert [r.tool_choice for r in llm.requests] == [
        "auto", ForcedTool("cancel_pending_order")]
    assert reply.kind == "confirmation" and reply.confirmation is not None
    assert reply.confirmation.arguments == {"order_id": "#W6779827", "reason": "no longer needed"}
    assert "refund your payment" not in reply.text and snapshot(shop) == before


@pytest.mark.parametrize(("said", "forced"), [
    ("Please confirm that you want to cancel order #W6779827.", True),
    ("Shall I cancel it?", True),
    ("Your order is pending. Would you like to cancel it?", True),
    ("Why would you like to cancel it?", False),  # a real question for the shopper
])
def test_only_a_question_for_the_shopper_is_left_unforced(
    shop: Store, said: str, forced: bool
) -> None:
    bot, llm = agent(shop, [said, "Okay."])
    reply = bot.chat("cancel #W6779827", session_id="s", user_id=ETHAN)
    assert (llm.requests[-1].tool_choice == ForcedTool("cancel_pending_order")) is forced
    assert len(llm.requests) == (2 if forced else 1)
    assert reply.kind == "answer" and pending(shop, "s") is None
    if not forced:
        assert reply.text == said


def test_a_forced_call_is_asked_for_once_and_never_before_identification(shop: Store) -> None:
    bot, llm = agent(shop, ["I will cancel it.", "I cannot do that right now."])
    bot.chat("cancel #W6779827 please", session_id="s", user_id=ETHAN)
    assert [r.tool_choice for r in llm.requests] == ["auto", ForcedTool("cancel_pending_order")]

    anonymous, llm = agent(shop, ["I will cancel it once you tell me your email."])
    anonymous.chat("cancel #W6779827 please", session_id="anon")
    assert [r.tool_choice for r in llm.requests] == ["auto"]
    # Nothing to change in the message (no order named, or no change asked for): no force.
    for message in ("cancel my order please", "what is the status of #W6779827?"):
        plain, llm = agent(shop, ["Sure."])
        plain.chat(message, session_id="plain", user_id=ETHAN)
        assert [r.tool_choice for r in llm.requests] == ["auto"]


def test_an_item_swap_reads_the_named_lines_product_so_the_model_sees_its_variants(
    shop: Store,
) -> None:
    """Measured with the embedded model: without the variants it proposed exchanging an item
    for itself. The product of each order line the message names is read in code."""
    seen: list[str] = []

    def answer(request: ChatRequest) -> str:
        seen.extend(m.content for m in request.messages if m.role == "tool")
        return "Which colour would you like?"

    bot, _ = agent(shop, [answer])
    reply = bot.chat("I'd like to exchange the Headphones in order #W2378156 for the same "
                     "one in black.", session_id="s", user_id=YUSUF)
    assert [(t.tool, t.arguments) for t in reply.trace] == [
        ("get_order_details", {"order_id": "#W2378156"}),
        ("get_product_details", {"product_id": "6992792935"})]  # the Headphones only
    assert "3374679624" in seen[1]  # a variant the exchange can name


def test_a_request_for_a_person_is_a_handoff_whatever_the_model_would_do(shop: Store) -> None:
    bot, llm = agent(shop, [call("transfer_to_human_agents", summary="warranty claim")])
    reply = bot.chat("The Headphones from order #W2378156 stopped working and I want a "
                     "warranty claim. Can I talk to a person, please?", session_id="s",
                     user_id=YUSUF)
    assert llm.requests[0].tool_choice == ForcedTool("transfer_to_human_agents")
    assert reply.kind == "handoff"
    assert [t.tool for t in reply.trace] == ["get_order_details", "transfer_to_human_agents"]


def test_another_customers_order_is_refused_not_handed_off(shop: Store) -> None:
    bot, _ = agent(shop, [call("transfer_to_human_agents", summary="neighbour's order"),
                          "I can only help with orders on your own account."])
    reply = bot.chat("What is the status of order #W8367380? It is my neighbour's.",
                     session_id="s", user_id=YUSUF)  # Ava's order
    assert reply.kind == "answer" and reply.text.startswith("I can only help")
    assert [(t.tool, t.ok) for t in reply.trace] == [
        ("get_order_details", False), ("transfer_to_human_agents", False)]


def test_a_no_that_asks_for_something_else_goes_to_the_model(shop: Store) -> None:
    proposal = call("cancel_pending_order", order_id="#W6779827", reason="no longer needed")
    bot, llm = agent(shop, [proposal, "Which order would you like to change instead?", proposal])
    assert bot.chat("cancel #W6779827", session_id="s", user_id=ETHAN).kind == "confirmation"
    reply = bot.chat("No, that is not what I asked for. I want to change something else.",
                     session_id="s", user_id=ETHAN)
    assert reply.text == "Which order would you like to change instead?"
    assert pending(shop, "s") is None and len(llm.requests) == 2
    # A plain no still answers in code.
    assert bot.chat("cancel #W6779827", session_id="s", user_id=ETHAN).kind == "confirmation"
    assert bot.chat("no, thanks", session_id="s", user_id=ETHAN).text.startswith("Okay")
    assert len(llm.requests) == 3 and pending(shop, "s") is None


def test_the_variant_the_shopper_names_replaces_the_models_no_op_swap(shop: Store) -> None:
    bot, _ = agent(shop, [call("exchange_delivered_order_items", order_id="#W2378156",
                               item_ids=["4202497723"], new_item_ids=["4202497723"],
                               payment_method_id=YUSUF_CARD),
                          call("get_order_details", order_id="#W2378156"),
                          "Which colour would you like?"])
    reply = bot.chat("I'd like to exchange the Headphones in order #W2378156 for the same one "
                     "in black, using my credit card.", session_id="s", user_id=YUSUF)
    assert reply.kind == "confirmation" and reply.confirmation is not None
    # over-ear and wireless as ordered, black as asked: the one available variant that fits
    assert reply.confirmation.arguments["new_item_ids"] == ["7493556126"]
    # A read the code already did is not run again; the model is told to use it.
    again = bot.chat("I'd like to exchange the Headphones in order #W2378156 for the same one "
                     "in black.", session_id="s2", user_id=YUSUF)
    assert [(t.tool, t.ok) for t in again.trace][-1] == ("get_order_details", False)


def test_an_answer_to_the_models_question_continues_the_change_asked_for(shop: Store) -> None:
    """Measured: asked which payment method to use, the shopper's "Use my credit card." named
    no order, so the model saw no order or product and wrote the schema's example id. The
    open request is read with the answer: the reads run again, and what the words fix
    (the variant, the card) goes into the proposal."""
    bot, llm = agent(shop, [
        "Which payment method should I use for the difference?",
        "Okay, I will do that.",
        call("exchange_delivered_order_items", order_id="#W2378156", item_ids=["4202497723"],
             new_item_ids=["4202497723"], payment_method_id="credit_card_0000000"),
    ])
    bot.chat("I'd like to exchange the Headphones in order #W2378156 for the same one in black.",
             session_id="s", user_id=YUSUF)
    reply = bot.chat("Use my credit card.", session_id="s", user_id=YUSUF)
    assert [t.tool for t in reply.trace][:3] == [
        "get_order_details", "get_product_details", "get_user_details"]
    assert [r.tool_choice for r in llm.requests] == [
        "auto", "auto", ForcedTool("exchange_delivered_order_items")]
    assert reply.kind == "confirmation" and reply.confirmation is not None
    assert reply.confirmation.arguments["new_item_ids"] == ["7493556126"]
    assert reply.confirmation.arguments["payment_method_id"] == YUSUF_CARD
    assert bot.chat("yes", session_id="s", user_id=YUSUF).text.startswith("Done.")
    assert order(shop, "#W2378156").status == "exchange requested"
    with shop.session() as s:  # done: the request is closed, nothing continues it
        assert load_state(s, "s", None).request is None
