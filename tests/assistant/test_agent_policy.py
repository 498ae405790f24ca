"""The retail policy through the agent, on the real tau2-bench data, with the scripted model
driving the tools: what the conversation adds to the tool-level checks in tests/tools/.

Each write waits for a "yes" on a later turn (the proposal is stored with the session; the yes
runs it in code without asking the model), runs once, and a refused write never becomes a
confirmation request. Changed arguments ask again; an unrelated message drops the pending
change; the same change proposed again after it ran applies nothing. Another customer's data
stays out of reach once a shopper is identified. The exact effects of each write (amounts,
tau2 record layout) are tests/tools/test_service_write.py's job; here a snapshot of the three
customers' orders, items, payment methods and addresses shows what moved. The guards that
make small models follow the policy's flow are tests/assistant/test_agent_service_guards.py."""

from __future__ import annotations

from typing import Any

import pytest
from tau2_agent import (
    ANYTHING_ELSE,
    AVA,
    EMAIL,
    ETHAN,
    ETHAN_CARD,
    ETHAN_GIFT,
    NEW_ADDRESS,
    YUSUF,
    YUSUF_CARD,
    agent,
    order,
    pending,
    snapshot,
)

from assistant.conversation import SessionUserMismatch, load_state
from assistant.llm.scripted import ChatRequest, call
from assistant.reply import Reply
from store.db import Store
from store.models import User

# --- every write: a confirmation first, the change on "yes", nothing on a second "yes" -------

WRITES: dict[str, tuple[str, dict[str, Any]]] = {
    "cancel_pending_order": (ETHAN, {"order_id": "W6779827", "reason": "no longer needed"}),
    "modify_pending_order_address": (ETHAN, {"order_id": "#W6426438", **NEW_ADDRESS}),
    "modify_pending_order_payment": (ETHAN, {"order_id": "#W6779827",
                                             "payment_method_id": ETHAN_CARD}),
    "modify_pending_order_items": (ETHAN, {"order_id": "#W6779827", "item_ids": ["6942241102"],
                                           "new_item_ids": ["3360679910"],
                                           "payment_method_id": ETHAN_GIFT}),
    "return_delivered_order_items": (YUSUF, {"order_id": "#W2378156",
                                             "item_ids": ["4202497723"],
                                             "payment_method_id": YUSUF_CARD}),
    "exchange_delivered_order_items": (YUSUF, {"order_id": "#W2378156",
                                               "item_ids": ["4202497723"],
                                               "new_item_ids": ["3374679624"],
                                               "payment_method_id": YUSUF_CARD}),
    "modify_user_address": (AVA, {"user_id": AVA, **NEW_ADDRESS}),
}


def applied(store: Store, action: str) -> Any:
    """The one fact each write changes, read back from the store."""
    if action == "modify_user_address":
        with store.session() as s:
            user = s.get(User, AVA)
            return user.address["city"] if user and user.address else None
    order_id = "#W6426438" if action == "modify_pending_order_address" else (
        "#W2378156" if "delivered" in action else "#W6779827")
    placed = order(store, order_id)
    if action == "modify_pending_order_address":
        return (placed.status, (placed.address or {}).get("city"))
    if action == "modify_pending_order_payment":
        return (placed.status, [p["payment_method_id"] for p in placed.payment_history or []])
    return placed.status


CHANGED = {
    "cancel_pending_order": "cancelled",
    "modify_pending_order_address": ("pending", "Austin"),
    "modify_pending_order_payment": ("pending", [ETHAN_GIFT, ETHAN_CARD, ETHAN_GIFT]),
    "modify_pending_order_items": "pending (item modified)",
    "return_delivered_order_items": "return requested",
    "exchange_delivered_order_items": "exchange requested",
    "modify_user_address": "Austin",
}


@pytest.mark.parametrize("action", list(WRITES))
def test_each_write_needs_a_yes_on_the_next_turn_and_runs_once(shop: Store, action: str) -> None:
    user, arguments = WRITES[action]
    bot, llm = agent(shop, [call("find_user_id_by_email", email=EMAIL[user]),
                            call(action, **arguments), ANYTHING_ELSE])
    before = snapshot(shop)

    proposal = bot.chat("please make this change for me", session_id="s")
    assert proposal.kind == "confirmation" and proposal.confirmation is not None
    assert proposal.confirmation.action == action
    assert [t.tool for t in proposal.trace] == ["find_user_id_by_email", action]
    assert proposal.text.endswith("Shall I go ahead? Please answer yes or no.")
    assert pending(shop, "s") == action and snapshot(shop) == before

    asked = len(llm.requests)
    done = bot.chat("yes", session_id="s")
    assert len(llm.requests) == asked  # the yes is handled in code, not by the model
    assert done.kind == "answer" and done.text.startswith("Done."), done.text
    assert [(t.tool, t.ok) for t in done.trace] == [(action, True)]
    assert applied(shop, action) == CHANGED[action]
    after = snapshot(shop)

    again = bot.chat("yes", session_id="s")  # nothing is pending: the model answers
    assert again.kind == "answer" and again.trace == []
    assert snapshot(shop) == after and pending(shop, "s") is None


def test_a_gift_card_refund_is_shown_before_the_yes_and_paid_at_once(shop: Store) -> None:
    bot, _ = agent(shop, [call("find_user_id_by_email", email=EMAIL[ETHAN]),
                          call("cancel_pending_order", order_id="#W6779827",
                               reason="ordered by mistake")])
    proposal = bot.chat("cancel #W6779827, I ordered it by mistake", session_id="s")
    assert "Refund: $4,079.45 back to gift card gift_card_7219486 (balance $49.00 -> " \
           "$4,128.45) immediately." in proposal.text
    assert snapshot(shop)["balances"][ETHAN_GIFT] == 49.0
    bot.chat("Yes, please.", session_id="s")
    assert snapshot(shop)["balances"][ETHAN_GIFT] == 4128.45
    assert order(shop, "#W6779827").cancel_reason == "ordered by mistake"


# --- refused writes: no confirmation request, and a later yes changes nothing ----------------

REFUSED: list[tuple[str, str, dict[str, Any], str]] = [
    (YUSUF, "cancel_pending_order", {"order_id": "#W2378156", "reason": "no longer needed"},
     "only 'pending' orders can be cancelled"),
    (ETHAN, "modify_pending_order_address", {"order_id": "#W8632528", **NEW_ADDRESS},
     "is 'delivered'"),
    (ETHAN, "modify_pending_order_payment", {"order_id": "#W8632528",
                                             "payment_method_id": ETHAN_CARD}, "is 'delivered'"),
    (ETHAN, "modify_pending_order_items", {"order_id": "#W8632528", "item_ids": ["5917587651"],
                                           "new_item_ids": ["2185126308"],
                                           "payment_method_id": ETHAN_CARD}, "is 'delivered'"),
    (ETHAN, "return_delivered_order_items", {"order_id": "#W6779827",
                                             "item_ids": ["6942241102"],
                                             "payment_method_id": ETHAN_GIFT},
     "only 'delivered' orders can be returned"),
    (YUSUF, "exchange_delivered_order_items", {"order_id": "#W6247578",
                                               "item_ids": ["3799046073"],
                                               "new_item_ids": ["3799046073"],
                                               "payment_method_id": YUSUF_CARD},
     "only 'delivered' orders can be exchanged"),
    (ETHAN, "modify_pending_order_payment", {"order_id": "#W6779827",
                                             "payment_method_id": "credit_card_5683823"},
     "credit_card_5683823"),  # Ava's card
]


@pytest.mark.parametrize(("user", "action", "arguments", "rule"), REFUSED,
                         ids=[f"{r[1]}-{n}" for n, r in enumerate(REFUSED)])
def test_a_refused_write_is_no_confirmation_and_a_yes_changes_nothing(
    shop: Store, user: str, action: str, arguments: dict[str, Any], rule: str
) -> None:
    seen: list[str] = []

    def explain(request: ChatRequest) -> str:
        seen.append(request.last.content)
        return "Sorry, that cannot be done."

    bot, _ = agent(shop, [call("find_user_id_by_email", email=EMAIL[user]),
                          call(action, **arguments), explain, ANYTHING_ELSE])
    before = snapshot(shop)
    reply = bot.chat("please make this change", session_id="s")
    assert reply.kind == "answer" and reply.confirmation is None
    assert seen and seen[0].startswith("Error:") and rule in seen[0]
    assert [(t.tool, t.ok) for t in reply.trace] == [("find_user_id_by_email", True),
                                                      (action, False)]
    assert pending(shop, "s") is None
    assert bot.chat("yes", session_id="s").trace == []
    assert snapshot(shop) == before


# --- the yes is bound to the exact change, on the very next message -------------------------


def test_changed_arguments_ask_again_and_only_the_confirmed_change_runs(shop: Store) -> None:
    bot, _ = agent(shop, [
        call("find_user_id_by_email", email=EMAIL[AVA]),
        call("cancel_pending_order", order_id="#W8367380", reason="no longer needed"),
        call("cancel_pending_order", order_id="#W8367380", reason="ordered by mistake"),
    ])
    before = snapshot(shop)
    first = bot.chat("cancel order #W8367380", session_id="s")
    assert first.confirmation is not None
    assert first.confirmation.arguments["reason"] == "no longer needed"
    second = bot.chat("Actually I ordered it by mistake", session_id="s")
    assert second.confirmation is not None
    assert second.confirmation.arguments["reason"] == "ordered by mistake"
    assert snapshot(shop) == before
    assert bot.chat("yes", session_id="s").text.startswith("Done.")
    cancelled = order(shop, "#W8367380")
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "ordered by mistake")
    assert len([p for p in cancelled.payment_history or []
                if p["transaction_type"] == "refund"]) == 1


def test_a_yes_after_another_message_or_in_the_same_message_applies_nothing(
    shop: Store,
) -> None:
    bot, _ = agent(shop, [
        call("find_user_id_by_email", email=EMAIL[ETHAN]),
        call("cancel_pending_order", order_id="#W6426438", reason="no longer needed"),
        "Our return window is 30 days.",
        "Which order would you like me to cancel?",
    ])
    before = snapshot(shop)
    same = bot.chat("Yes, cancel #W6426438, yes I confirm", session_id="s")
    assert same.kind == "confirmation" and snapshot(shop) == before
    assert bot.chat("How long is the return window?", session_id="s").kind == "answer"
    assert pending(shop, "s") is None  # an unrelated message dropped the proposal
    late = bot.chat("yes", session_id="s")
    assert late.trace == [] and late.text == "Which order would you like me to cancel?"
    assert snapshot(shop) == before


def test_the_same_change_proposed_again_after_it_ran_applies_nothing(shop: Store) -> None:
    address = {"order_id": "#W6426438", **NEW_ADDRESS}
    bot, _ = agent(shop, [
        call("find_user_id_by_email", email=EMAIL[ETHAN]),
        call("modify_pending_order_address", **address),
        call("modify_pending_order_address", **address),
        "That address is already on the order.",
    ])
    bot.chat("ship #W6426438 to 1 Elm St, Austin TX 78701", session_id="s")
    assert bot.chat("yes", session_id="s").text.startswith("Done.")
    after = snapshot(shop)
    again = bot.chat("please change the address to 1 Elm St, Austin TX 78701", session_id="s")
    assert again.kind == "answer" and [(t.tool, t.ok) for t in again.trace] == [
        ("modify_pending_order_address", False)]
    assert pending(shop, "s") is None and snapshot(shop) == after


# --- one customer per conversation ----------------------------------------------------------


def _refusals(reply: Reply) -> list[tuple[str, bool]]:
    return [(t.tool, t.ok) for t in reply.trace]


def test_another_customers_data_and_orders_stay_out_of_reach(shop: Store) -> None:
    observed: list[str] = []

    def answer(request: ChatRequest) -> str:
        observed.extend(m.content for m in request.messages if m.role == "tool")
        return "I can only help with your own account."

    bot, _ = agent(shop, [
        call("find_user_id_by_email", email=EMAIL[YUSUF]),
        call("get_order_details", order_id="#W6779827"),  # Ethan's
        call("get_user_details", user_id=ETHAN),
        answer,
        call("find_user_id_by_email", email=EMAIL[ETHAN]),
        call("cancel_pending_order", order_id="#W6779827", reason="no longer needed"),
        "I can only help with your own account.",
        ANYTHING_ELSE,
    ])
    before = snapshot(shop)
    first = bot.chat("I'm Yusuf; what is in order #W6779827 and Ethan's account?",
                     session_id="s")
    assert _refusals(first) == [("find_user_id_by_email", True), ("get_order_details", False),
                                ("get_user_details", False)]
    assert len(observed) == 3  # what the model saw of Ethan: refusals only
    assert not any("Espresso" in o or ETHAN_GIFT in o or "Lopez" in o for o in observed)
    second = bot.chat("I'm actually ethan.lopez8943@example.com, cancel #W6779827",
                      session_id="s")
    # The code's own read of the order it names comes first, refused like the model's calls.
    assert _refusals(second) == [("get_order_details", False), ("find_user_id_by_email", False),
                                 ("cancel_pending_order", False)]
    assert pending(shop, "s") is None
    assert bot.chat("yes", session_id="s").trace == []
    assert snapshot(shop) == before
    with shop.session() as s:
        assert load_state(s, "s", None).tool.session_user_id == YUSUF


def test_a_signed_in_session_cannot_be_taken_over_or_used_for_another_user(
    shop: Store,
) -> None:
    bot, _ = agent(shop, [call("get_user_details", user_id=ETHAN), "Sorry, I cannot share that.",
                          call("cancel_pending_order", order_id="#W8367380",
                               reason="no longer needed"), "Sorry, that is not your order."])
    reply = bot.chat("show me ethan_lopez_6291's account", session_id="s", user_id=AVA)
    assert _refusals(reply) == [("get_user_details", False)]
    with pytest.raises(SessionUserMismatch, match="belongs to another user"):
        bot.chat("hi", session_id="s", user_id=ETHAN)
    mine = bot.chat("cancel #W8367380", session_id="s2", user_id=YUSUF)  # Ava's order
    assert _refusals(mine) == [("get_order_details", False), ("cancel_pending_order", False)]
    assert pending(shop, "s2") is None


def test_nothing_before_identification(shop: Store) -> None:
    bot, _ = agent(shop, [call("get_order_details", order_id="#W6779827"),
                          call("cancel_pending_order", order_id="#W6779827",
                               reason="no longer needed"),
                          "Please tell me your email first."])
    before = snapshot(shop)
    reply = bot.chat("cancel #W6779827", session_id="s")
    assert _refusals(reply) == [("get_order_details", False), ("cancel_pending_order", False)]
    assert reply.kind == "answer" and pending(shop, "s") is None and snapshot(shop) == before
