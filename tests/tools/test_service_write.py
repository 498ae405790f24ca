"""Each customer-service write on the real tau2-bench retail data: the rule that refuses it
(changing nothing), and the exact effects of the happy path after confirmation, read back
through ``export_tau2`` so they are checked in tau2's own layout."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from store.db import Store
from store.importers.tau2 import export_tau2
from tools.base import ConfirmationRequest, ToolContext, ToolResult
from tools.service import RETAIL_TOOLS, confirm

ETHAN, YUSUF, AVA, HARPER = (
    "ethan_lopez_6291",
    "yusuf_rossi_9620",
    "ava_nguyen_6646",
    "harper_brown_7363",
)
ETHAN_GIFT, ETHAN_CARD = "gift_card_7219486", "credit_card_9789590"


def confirmed(store: Store, user: str, name: str, **arguments: Any) -> ToolResult:
    """Propose, store the proposal as the conversation does, and confirm it."""
    ctx = ToolContext(store=store, session_user_id=user)
    proposed = RETAIL_TOOLS.call(ctx, name, arguments)
    assert proposed.ok, proposed.content
    assert isinstance(proposed.data, ConfirmationRequest)
    ctx.pending = proposed.data
    return confirm(ctx, proposed.data.request_id)


def refused(store: Store, user: str, name: str, **arguments: Any) -> ToolResult:
    ctx = ToolContext(store=store, session_user_id=user)
    result = RETAIL_TOOLS.call(ctx, name, arguments)
    assert not result.ok and result.data is None and ctx.pending is None
    return result


def exported(store: Store, tmp_path: Path) -> dict[str, Any]:
    return json.loads(export_tau2(store, tmp_path / "out").read_text())


def balance(db: dict[str, Any], user: str, method: str) -> float:
    return db["users"][user]["payment_methods"][method]["balance"]


def line(db: dict[str, Any], product_id: str, item_id: str, name: str) -> dict[str, Any]:
    variant = db["products"][product_id]["variants"][item_id]
    return {
        "name": name,
        "product_id": product_id,
        "item_id": item_id,
        "price": variant["price"],
        "options": variant["options"],
    }


# --- cancel ----------------------------------------------------------------------------------


def test_cancel_refuses_a_delivered_order_and_changes_nothing(
    shop: Store, tmp_path: Path, original: dict[str, Any]
) -> None:
    result = refused(
        shop, YUSUF, "cancel_pending_order", order_id="#W2378156", reason="no longer needed"
    )
    assert result.content == (
        "Error: order #W2378156 is 'delivered'; only 'pending' orders can "
        "be cancelled. Tell the shopper; nothing was changed"
    )
    assert exported(shop, tmp_path) == original
    bad_reason = refused(
        shop, ETHAN, "cancel_pending_order", order_id="#W6779827", reason="too expensive"
    )
    assert bad_reason.error_kind == "bad_argument"


def test_cancel_refunds_a_gift_card_at_once(
    shop: Store, tmp_path: Path, original: dict[str, Any]
) -> None:
    done = confirmed(
        shop, ETHAN, "cancel_pending_order", order_id="W6779827", reason=" No longer needed"
    )
    assert done.ok and "immediately" in done.content
    db = exported(shop, tmp_path)
    want = copy.deepcopy(original["orders"]["#W6779827"])
    want["status"], want["cancel_reason"] = "cancelled", "no longer needed"
    want["payment_history"].append(
        {"transaction_type": "refund", "amount": 4079.45, "payment_method_id": ETHAN_GIFT}
    )
    assert db["orders"]["#W6779827"] == want
    assert balance(db, ETHAN, ETHAN_GIFT) == 4128.45  # 49.0 + 4079.45


def test_cancel_refunds_a_card_in_days(
    shop: Store, tmp_path: Path, original: dict[str, Any]
) -> None:
    done = confirmed(
        shop, AVA, "cancel_pending_order", order_id="#W8367380", reason="ordered by mistake"
    )
    assert "within 5 to 7 business days" in done.content
    db = exported(shop, tmp_path)
    assert db["orders"]["#W8367380"]["payment_history"][-1] == {
        "transaction_type": "refund",
        "amount": 1003.22,
        "payment_method_id": "credit_card_5683823",
    }
    assert db["orders"]["#W8367380"]["cancel_reason"] == "ordered by mistake"
    assert balance(db, AVA, "gift_card_1994993") == 78.0
    db["orders"].pop("#W8367380")
    assert db == {
        **original,
        "orders": {k: v for k, v in original["orders"].items() if k != "#W8367380"},
    }  # nothing else moved


# --- modify a pending order --------------------------------------------------------------------


def test_modify_address(shop: Store, tmp_path: Path, original: dict[str, Any]) -> None:
    new = {
        "address1": "1 Elm St",
        "address2": "",
        "city": "Austin",
        "state": "TX",
        "country": "USA",
        "zip": "78701",
    }
    assert (
        refused(shop, ETHAN, "modify_pending_order_address", order_id="#W8632528", **new).error_kind
        == "policy"
    )  # delivered
    assert confirmed(shop, ETHAN, "modify_pending_order_address", order_id="#W6426438", **new).ok
    db = exported(shop, tmp_path)
    want = copy.deepcopy(original["orders"]["#W6426438"])
    want["address"] = {
        "address1": "1 Elm St",
        "address2": "",
        "city": "Austin",
        "country": "USA",
        "state": "TX",
        "zip": "78701",
    }
    assert db["orders"]["#W6426438"] == want
    assert list(db["orders"]["#W6426438"]["address"]) == list(want["address"])  # tau2 key order


def test_modify_payment_moves_money_both_ways(
    shop: Store, tmp_path: Path, original: dict[str, Any]
) -> None:
    assert (
        refused(
            shop,
            ETHAN,
            "modify_pending_order_payment",
            order_id="#W6779827",
            payment_method_id=ETHAN_GIFT,
        ).error_kind
        == "policy"
    )  # same method
    short = refused(
        shop,
        AVA,
        "modify_pending_order_payment",
        order_id="#W8367380",
        payment_method_id="gift_card_1994993",
    )
    assert short.content == (
        "Error: gift card gift_card_1994993 has a balance of $78.00, which "
        "does not cover the order total of $1,003.22; ask for another "
        "payment method"
    )
    assert (
        refused(
            shop,
            ETHAN,
            "modify_pending_order_payment",
            order_id="#W6779827",
            payment_method_id="credit_card_5683823",
        ).error_kind
        == "unknown_id"
    )
    done = confirmed(
        shop,
        ETHAN,
        "modify_pending_order_payment",
        order_id="#W6779827",
        payment_method_id=ETHAN_CARD,
    )
    assert done.ok
    db = exported(shop, tmp_path)
    want = copy.deepcopy(original["orders"]["#W6779827"])
    want["payment_history"] += [
        {"transaction_type": "payment", "amount": 4079.45, "payment_method_id": ETHAN_CARD},
        {"transaction_type": "refund", "amount": 4079.45, "payment_method_id": ETHAN_GIFT},
    ]
    assert db["orders"]["#W6779827"] == want
    assert balance(db, ETHAN, ETHAN_GIFT) == 4128.45


def test_modify_items_refusals(shop: Store) -> None:
    cases = {
        "same": (["6942241102"], ["6942241102"], ETHAN_CARD, "replaced by itself"),
        "other product": (["6942241102"], ["2444431651"], ETHAN_CARD, "not a variant of the same"),
        "unavailable": (["7896397433"], ["8140269513"], ETHAN_CARD, "is not available"),
        "gift card short": (["7896397433"], ["2444431651"], ETHAN_GIFT, "does not cover"),
        "not in order": (["2444431651"], ["7896397433"], ETHAN_CARD, "does not contain"),
        "count": (["6942241102"], ["3360679910", "6499892866"], ETHAN_CARD, "has 1 entries"),
    }
    for label, (old, new, method, message) in cases.items():
        result = refused(
            shop,
            ETHAN,
            "modify_pending_order_items",
            order_id="#W6779827",
            item_ids=old,
            new_item_ids=new,
            payment_method_id=method,
        )
        assert result.error_kind == "policy" and message in result.content, label
    assert refused(
        shop,
        ETHAN,
        "modify_pending_order_items",
        order_id="#W8632528",
        item_ids=["x"],
        new_item_ids=["y"],
        payment_method_id=ETHAN_CARD,
    ).content.startswith("Error: order #W8632528 is 'delivered'")


def test_modify_items_refund_to_card(shop: Store, tmp_path: Path, original: dict[str, Any]) -> None:
    done = confirmed(
        shop,
        ETHAN,
        "modify_pending_order_items",
        order_id="#W6779827",
        item_ids="1323134954, 3379843752",
        new_item_ids=[3020722515, "3709608322"],
        payment_method_id=ETHAN_CARD,
    )
    assert done.ok and "$457.37 is refunded" in done.content
    db = exported(shop, tmp_path)
    want = copy.deepcopy(original["orders"]["#W6779827"])
    want["status"] = "pending (item modified)"
    want["items"][1] = line(original, "4354588079", "3709608322", "Espresso Machine")
    want["items"][2] = line(original, "7996920482", "3020722515", "Coffee Maker")
    # tau2 does not round this difference: (238.64 - 236.95) + (2744.7 - 3203.76)
    want["payment_history"].append(
        {"transaction_type": "refund", "amount": 457.3700000000004, "payment_method_id": ETHAN_CARD}
    )
    assert db["orders"]["#W6779827"] == want
    assert balance(db, ETHAN, ETHAN_GIFT) == 49.0
    again = refused(
        shop,
        ETHAN,
        "modify_pending_order_items",
        order_id="#W6779827",
        item_ids=["6942241102"],
        new_item_ids=["3360679910"],
        payment_method_id=ETHAN_CARD,
    )
    assert "is 'pending (item modified)'" in again.content  # only once per order


def test_modify_items_paid_by_gift_card(shop: Store, tmp_path: Path) -> None:
    assert confirmed(
        shop,
        ETHAN,
        "modify_pending_order_items",
        order_id="#W6779827",
        item_ids=["6942241102"],
        new_item_ids=["3360679910"],
        payment_method_id=ETHAN_GIFT,
    ).ok
    db = exported(shop, tmp_path)
    assert db["orders"]["#W6779827"]["payment_history"][-1] == {
        "transaction_type": "payment",
        "amount": 195.26 - 180.93,
        "payment_method_id": ETHAN_GIFT,
    }
    assert balance(db, ETHAN, ETHAN_GIFT) == 34.67


# --- return and exchange a delivered order -----------------------------------------------------


def test_return_refusals(shop: Store) -> None:
    base = {"order_id": "#W1840144", "payment_method_id": "paypal_2306935"}
    three = refused(
        shop, HARPER, "return_delivered_order_items", **{**base, "item_ids": ["8590708195"] * 3}
    )
    assert "does not contain item(s) 8590708195 that many times" in three.content
    other_card = refused(
        shop,
        HARPER,
        "return_delivered_order_items",
        **{**base, "item_ids": ["8590708195"], "payment_method_id": "credit_card_3240550"},
    )
    assert other_card.content == (
        "Error: a refund can only go to the original payment method "
        "(paypal_2306935) or a gift card, not credit_card_3240550"
    )
    pending = refused(
        shop,
        ETHAN,
        "return_delivered_order_items",
        order_id="#W6779827",
        item_ids=["6942241102"],
        payment_method_id=ETHAN_GIFT,
    )
    assert "only 'delivered' orders can be returned" in pending.content


def test_return_duplicates_and_gift_card(
    shop: Store, tmp_path: Path, original: dict[str, Any]
) -> None:
    done = confirmed(
        shop,
        HARPER,
        "return_delivered_order_items",
        order_id="#W1840144",
        item_ids=["8590708195", "6017636844", "8590708195"],
        payment_method_id="paypal_2306935",
    )
    assert done.ok and "$2,607.59" in done.content  # 157.61 * 2 + 2292.37
    first_item = original["orders"]["#W8632528"]["items"][0]["item_id"]
    assert confirmed(
        shop,
        ETHAN,
        "return_delivered_order_items",
        order_id="#W8632528",
        item_ids=[first_item],
        payment_method_id=ETHAN_GIFT,
    ).ok
    db = exported(shop, tmp_path)
    want = copy.deepcopy(original["orders"]["#W1840144"])
    want.update(
        status="return requested",
        return_items=["6017636844", "8590708195", "8590708195"],
        return_payment_method_id="paypal_2306935",
    )
    assert db["orders"]["#W1840144"] == want
    assert db["orders"]["#W8632528"]["return_payment_method_id"] == ETHAN_GIFT
    assert balance(db, ETHAN, ETHAN_GIFT) == 49.0  # refunded when the items come back


def test_exchange_refusals(shop: Store) -> None:
    base = {"order_id": "#W2378156", "payment_method_id": "credit_card_9513926"}
    other_product = refused(
        shop,
        YUSUF,
        "exchange_delivered_order_items",
        **{**base, "item_ids": ["4202497723"], "new_item_ids": ["2860956907"]},
    )
    assert "is not a variant of the same product as item 4202497723" in other_product.content
    unavailable = refused(
        shop,
        YUSUF,
        "exchange_delivered_order_items",
        **{**base, "item_ids": ["4202497723"], "new_item_ids": ["9314474252"]},
    )
    assert "item 9314474252 is not available" in unavailable.content
    pending = refused(
        shop,
        YUSUF,
        "exchange_delivered_order_items",
        order_id="#W6247578",
        item_ids=["x"],
        new_item_ids=["y"],
        payment_method_id="credit_card_9513926",
    )
    assert "only 'delivered' orders can be exchanged" in pending.content


def test_exchange(shop: Store, tmp_path: Path, original: dict[str, Any]) -> None:
    done = confirmed(
        shop,
        YUSUF,
        "exchange_delivered_order_items",
        order_id="#W2378156",
        item_ids=["9408160950", "4202497723"],
        new_item_ids=["2860956907", "3374679624"],
        payment_method_id="credit_card_9513926",
    )
    assert done.ok and "$37.93 is refunded" in done.content
    db = exported(shop, tmp_path)
    want = copy.deepcopy(original["orders"]["#W2378156"])
    want.update(
        status="exchange requested",
        exchange_items=["4202497723", "9408160950"],
        exchange_new_items=["2860956907", "3374679624"],
        exchange_payment_method_id="credit_card_9513926",
        exchange_price_difference=-37.93,
    )
    assert db["orders"]["#W2378156"] == want
    assert list(db["orders"]["#W2378156"])[-4:] == [
        "exchange_items",
        "exchange_new_items",
        "exchange_payment_method_id",
        "exchange_price_difference",
    ]


# --- the customer's default address ------------------------------------------------------------


def test_modify_user_address(shop: Store, tmp_path: Path, original: dict[str, Any]) -> None:
    new = {
        "address1": "9 Pine Rd",
        "address2": "Apt 2",
        "city": "Boston",
        "state": "MA",
        "country": "USA",
        "zip": "02108",
    }
    assert (
        refused(shop, AVA, "modify_user_address", user_id=ETHAN, **new).error_kind == "unknown_id"
    )
    assert confirmed(shop, AVA, "modify_user_address", user_id=AVA, **new).ok
    db = exported(shop, tmp_path)
    assert db["users"][AVA]["address"] == {
        "address1": "9 Pine Rd",
        "address2": "Apt 2",
        "city": "Boston",
        "country": "USA",
        "state": "MA",
        "zip": "02108",
    }
    assert db["orders"] == original["orders"]
    found = RETAIL_TOOLS.call(
        ToolContext(store=shop, shopper_typed=("Ava Nguyen 02108",)),
        "find_user_id_by_name_zip",
        {"first_name": "Ava", "last_name": "Nguyen", "zip": "02108"},
    )
    assert found.content == AVA
