"""The shopper's option words resolved against an order line's variants (assistant.swaps)."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from assistant.llm.types import ToolCall
from assistant.swaps import resolve_swaps, with_resolved_items


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


def test_resolved_ids_replace_the_models_only_where_resolved() -> None:
    call = ToolCall("exchange_delivered_order_items", {
        "order_id": "#W1", "item_ids": ["s-blue-m", "mug-1"], "new_item_ids": ["s-blue-m", "mug-2"],
        "payment_method_id": "card"}, "c1")
    fixed = with_resolved_items(call, {"s-blue-m": "s-red-m"})
    assert fixed.arguments["new_item_ids"] == ["s-red-m", "mug-2"] and fixed.id == "c1"
    assert with_resolved_items(call, {}) is call
    other = ToolCall("cancel_pending_order", {"order_id": "#W1"})
    assert with_resolved_items(other, {"s-blue-m": "s-red-m"}) is other
