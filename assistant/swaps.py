"""Which variant a shopper means by "the same one with color White": their own words, resolved
in code against the variants of the order line they name.

Measured with the embedded 1.5B model: shown the order and the product's variants, it proposed
exchanging the item for itself, three times running. As shopping constraints are read from
the shopper's words (``tools.constraints``), the option values a message names are matched
here against the variants of each order line it names; ``resolve_swaps`` gives, per old item
id, the one available variant that differs from it in exactly the named values (nothing when
the words fit none or several). The agent puts those ids into an item-swap proposal; the
shopper still sees and confirms the exact change.

Not here: reading the order and product (``assistant.reads``), the write tools' rules
(``tools.policy``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assistant.llm.types import ToolCall

ITEM_SWAPS = frozenset({"exchange_delivered_order_items", "modify_pending_order_items"})


def resolve_swaps(message: str, order: Any, products: Mapping[str, Any]) -> dict[str, str]:
    """Old item id -> new item id, for the lines of ``order`` (a ``get_order_details``
    result) whose name the message contains, using ``products`` (``get_product_details``
    results by product id)."""
    said = message.casefold()
    out: dict[str, str] = {}
    for line in getattr(order, "items", None) or []:
        product = products.get(line.product_id)
        if product is None or not line.name or line.name.casefold() not in said:
            continue
        wanted = _named_options(said, dict(line.options), product.variants.values())
        if wanted is None:
            continue
        fits = [v.item_id for v in product.variants.values()
                if v.available and v.item_id != line.item_id and dict(v.options) == wanted]
        if len(fits) == 1:
            out[line.item_id] = fits[0]
    return out


def _named_options(said: str, current: dict[str, str], variants: Any) -> dict[str, str] | None:
    """``current`` with each option the message names another value of changed to it; None
    when it names none, or two values of one option."""
    wanted, changed = dict(current), False
    for key, value in current.items():
        others = {str(v.options.get(key)) for v in variants} - {"None", value}
        named = [o for o in others if _mentions(said, key, o)]
        if len(named) > 1:
            return None
        if named:
            wanted[key], changed = named[0], True
    return wanted if changed else None


def _mentions(said: str, key: str, value: str) -> bool:
    """The value as a word of its own; a short one ("S", "XL") only after its option's name
    ("size S"), since alone it is any letter."""
    value = re.escape(value.casefold())
    if len(value) <= 2:
        return re.search(rf"\b{re.escape(key.casefold())}\s*:?\s*{value}(?!\w)", said) is not None
    return re.search(rf"(?<!\w){value}(?!\w)", said) is not None


def with_resolved_items(call: ToolCall, swaps: Mapping[str, str]) -> ToolCall:
    """``call`` (an item swap) with each new item id the shopper's words resolved put in."""
    items, new = call.arguments.get("item_ids"), call.arguments.get("new_item_ids")
    if call.name not in ITEM_SWAPS or not isinstance(items, list) or not isinstance(new, list):
        return call
    fixed = [swaps.get(str(old), n) for old, n in zip(items, new, strict=False)]
    fixed += new[len(fixed):]
    if fixed == new:
        return call
    return ToolCall(call.name, {**call.arguments, "new_item_ids": fixed}, call.id)
