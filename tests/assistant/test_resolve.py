"""Arguments the shopper's words fix (assistant.resolve): the variant of an item swap and the
payment method."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from assistant.llm.types import ToolCall
from assistant.resolve import (
    Resolved,
    named_items,
    resolve_payment,
    resolve_swaps,
    with_resolved,
)


def _variant(item_id: str, available: bool = True, **options: str) -> NS:
    return NS(item_id=item_id, options=options, available=available)


SHIRT = NS(variants={v.item_id: v for v in [
    _variant("s-blue-m", size="M", color="Blue"),
    _variant("s-red-m", size="M", color="Red"),
    _variant("s-blue-s", size="S", color="Blue"),
    _variant("s-red-s", False, size="S", color="Red"),
    _variant("s-white-m", size="M", color="White"),
]})
ORDER = NS(items=[NS(name="T-Shirt", product_id="shirt", item_id="s-blue-m",
                     options={"size": "M", "color": "Blue"}),
                  NS(name="Mug", product_id="mug", item_id="mug-1", options={"size": "L"})])


@pytest.mark.parametrize(("message", "swaps"), [
    ("exchange the T-Shirt in #W1 for the same one with color Red", {"s-blue-m": "s-red-m"}),
    ("change the t-shirt to size S please", {"s-blue-m": "s-blue-s"}),
    ("the T-Shirt in red, size S", {}),  # that variant is not available
    ("the T-Shirt in red or white", {}),  # two values of one option: ask, do not guess
    ("the T-Shirt, it's the wrong one", {}),  # "s" alone is no size
    ("exchange the mug for a red one", {}),  # the mug's product was not read
    ("exchange the hat for a red one", {}),  # no such line
])
def test_resolve_swaps(message: str, swaps: dict[str, str]) -> None:
    assert resolve_swaps(message, ORDER, {"shirt": SHIRT}) == swaps


PAID = NS(payment_history=[NS(payment_method_id="credit_card_1"),
                           NS(payment_method_id="gift_card_9")])
ACCOUNT = NS(payment_methods={m.id: m for m in [
    NS(id="credit_card_1", source="credit_card"), NS(id="credit_card_2", source="credit_card"),
    NS(id="gift_card_9", source="gift_card"), NS(id="paypal_3", source="paypal")]})


@pytest.mark.parametrize(("message", "method"), [
    ("Please refund it to the original payment method.", "credit_card_1"),
    ("Use my original payment method for any price difference.", "credit_card_1"),
    ("refund to my gift card please", "gift_card_9"),
    ("I'll pay the difference with PayPal", "paypal_3"),
    ("charge my credit card", None),  # two credit cards: the model or the shopper must say
    ("exchange it for the red one", None),
])
def test_resolve_payment(message: str, method: str | None) -> None:
    assert resolve_payment(message, PAID, ACCOUNT) == method


def test_resolved_arguments_replace_the_models_only_where_resolved() -> None:
    call = ToolCall("exchange_delivered_order_items", {
        "order_id": "#W1", "item_ids": ["s-blue-m", "mug-1"], "new_item_ids": ["s-blue-m", "mug-2"],
        "payment_method_id": "credit_card_0000000"}, "c1")
    fixed = with_resolved(call, Resolved({"s-blue-m": "s-red-m"}, "credit_card_1"))
    assert fixed.arguments["new_item_ids"] == ["s-red-m", "mug-2"] and fixed.id == "c1"
    assert fixed.arguments["payment_method_id"] == "credit_card_1"
    assert with_resolved(call, Resolved()) is call
    other = ToolCall("modify_pending_order_payment", {"order_id": "#W1",
                                                      "payment_method_id": "paypal_3"})
    assert with_resolved(other, Resolved({"s-blue-m": "s-red-m"}, "credit_card_1")) is other


def test_the_lines_the_shopper_names_replace_the_models_item_choice() -> None:
    assert named_items(ORDER, "I'd like to return the Mug from order #W1") == ["mug-1"]
    assert named_items(ORDER, "return everything from #W1") == []
    both = ToolCall("return_delivered_order_items", {
        "order_id": "#W1", "item_ids": ["s-blue-m", "mug-1"], "payment_method_id": "paypal_3"})
    fixed = with_resolved(both, Resolved(items=["mug-1"]))
    assert fixed.arguments["item_ids"] == ["mug-1"]
    assert with_resolved(both, Resolved(items=["mug-1", "s-blue-m"])) is both  # same items
    swap = ToolCall("exchange_delivered_order_items", {
        "order_id": "#W1", "item_ids": ["s-blue-m", "mug-1"], "new_item_ids": ["s-blue-m", "mug-2"],
        "payment_method_id": "paypal_3"})
    fixed = with_resolved(swap, Resolved(swaps={"s-blue-m": "s-red-m"}, items=["s-blue-m"]))
    assert (fixed.arguments["item_ids"], fixed.arguments["new_item_ids"]) == (
        ["s-blue-m"], ["s-red-m"])
