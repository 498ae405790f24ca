"""The simulated customer's answers and the state snapshot helpers of the service suite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.reply import ConfirmationOut, Reply
from eval.harness.cases import GoldAction, ServiceScenario
from eval.harness.customer import Customer, matches
from eval.harness.dbstate import Snapshot, changed_owners, copy_shop, differences, digest

GOLD = GoldAction(
    name="return_delivered_order_items",
    arguments={"order_id": "#W0000001", "item_ids": ["2", "1"], "payment_method_id": "paypal_1"},
)
SCENARIO = ServiceScenario(
    case_id="s1",
    shop="demo",
    kind="return",
    user_id="ann_lee_1",
    opening="Hi, I'm ann@example.com. Return the Mug from order #W0000001.",
    request="Return the Mug from order #W0000001.",
    answers={
        "email": "ann@example.com",
        "name": "Ann Lee",
        "zip": "12345",
        "order_id": "#W0000001",
    },
    gold=[GOLD],
)


def confirmation(**arguments: object) -> Reply:
    return Reply(
        kind="confirmation",
        text="Shall I go ahead?",
        confirmation=ConfirmationOut(action=GOLD.name, arguments={**GOLD.arguments, **arguments}),
    )


def test_a_proposal_matches_with_normalised_ids_and_unordered_lists() -> None:
    assert matches(
        ConfirmationOut(
            action=GOLD.name,
            arguments={
                "order_id": "W0000001",
                "item_ids": ["1", "2"],
                "payment_method_id": "paypal_1",
            },
        ),
        GOLD,
    )
    assert not matches(
        ConfirmationOut(
            action=GOLD.name, arguments={**GOLD.arguments, "payment_method_id": "gift_card_9"}
        ),
        GOLD,
    )
    assert not matches(ConfirmationOut(action="cancel_pending_order", arguments={}), GOLD)


def test_yes_only_to_the_gold_change() -> None:
    customer = Customer(SCENARIO)
    refused = customer.respond(confirmation(payment_method_id="gift_card_9"))
    assert refused is not None and refused.startswith("No,")
    assert customer.wrong_proposals == 1 and not customer.said_yes
    assert customer.respond(confirmation()) == "yes"
    assert customer.said_yes and customer.remaining == []
    assert customer.respond(Reply(kind="answer", text="Done. The return is requested.")) is None


def test_answers_what_is_asked_and_then_name_and_zip() -> None:
    customer = Customer(SCENARIO)
    first = customer.respond(Reply(kind="answer", text="Could you give me your email?"))
    assert first == "My email is ann@example.com."
    again = customer.respond(
        Reply(kind="answer", text="I could not find that email, could you verify your identity?")
    )
    assert again == "My name is Ann Lee and my zip code is 12345."
    order = customer.respond(Reply(kind="answer", text="Which order is it?"))
    assert order == "The order id is #W0000001."
    nudge = customer.respond(Reply(kind="answer", text="I see."))
    assert nudge is not None and nudge.startswith("Please go ahead")
    assert customer.respond(Reply(kind="handoff", text="...")) is None


def test_differences_and_owners_of_changed_rows() -> None:
    before: Snapshot = {
        "order:#W1": {"order_id": "#W1", "user_id": "ann", "status": "pending"},
        "order_item:7": {"id": 7, "order_id": "#W1", "item_id": "5"},
        "user:bob": {"user_id": "bob", "zip": "10001"},
    }
    after: Snapshot = {
        **before,
        "order:#W1": {**before["order:#W1"], "status": "cancelled"},
        "order_item:7": {**before["order_item:7"], "item_id": "6"},
    }
    assert differences(before, after) == [
        'order:#W1 status: "pending" -> "cancelled"',
        'order_item:7 item_id: "5" -> "6"',
    ]
    assert changed_owners(before, after) == {"ann"}
    assert digest(before) != digest(after)
    assert digest(before) == digest(dict(reversed(list(before.items()))))


def test_copy_shop_copies_a_wal_database(tmp_path: Path) -> None:
    source = tmp_path / "shop.db"
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1), (2)")
    copy = copy_shop(source, tmp_path / "copy" / "shop.db")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (2,)
