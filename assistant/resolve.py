"""Arguments of a change that the shopper's own words fix, resolved in code against the
order, its products and the account: which items "the Cookware Sets" are, which variant "the
same one with color White" is, and which payment method "my original payment method" or "my
gift card" is.

Measured with the embedded 1.5B model: shown the order and the product's variants, it proposed
exchanging the item for itself, three times running. As shopping constraints are read from
the shopper's words (``tools.constraints``), the option values a message names are matched
here against the variants of each order line it names; ``resolve_swaps`` gives, per old item
id, the one available variant that differs from it in exactly the named values (nothing when
the words fit none or several). ``resolve_payment`` reads the payment method the same way
(measured: the model wrote the schema's example id, ``credit_card_0000000``). The agent puts
what the words fix into a proposal (``with_resolved``); the shopper still sees and confirms
the exact change. Measured too: asked to return "the Cookware Sets" of a two-line order, the
model returned both lines; ``named_items`` keeps the lines the message names.

Not here: reading the order and product (``assistant.reads``), the write tools' rules
(``tools.policy``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.llm.types import ToolCall

ITEM_SWAPS = frozenset({"exchange_delivered_order_items", "modify_pending_order_items"})
# Changes that pick items of the order, and whose payment method pays or receives money for
# them (changing the order's own payment method is not about "the original" one).
ITEM_CHANGES = PAYING = ITEM_SWAPS | {"return_delivered_order_items"}
_ORIGINAL = re.compile(r"\b(original|same) (payment( method)?|card|method)\b", re.IGNORECASE)
_SOURCES = (("gift_card", r"\bgift ?card\b"), ("paypal", r"\bpay ?pal\b"),
            ("credit_card", r"\bcredit ?card\b"))


@dataclass
class Resolved:
    """What the shopper's words fix: the items to change, new item ids by old item id, and
    the payment method."""

    swaps: dict[str, str] = field(default_factory=dict)
    payment_method_id: str | None = None
    items: list[str] = field(default_factory=list)  # item ids of the order lines named


def _named_lines(order: Any, message: str) -> list[Any]:
    said = message.casefold()
    return [line for line in getattr(order, "items", None) or []
            if line.name and line.name.casefold() in said]


def named_items(order: Any, message: str) -> list[str]:
    """Item ids of the order's lines whose name the message contains ("the T-Shirt"), one
    per line (a repeated id is several units)."""
    return [line.item_id for line in _named_lines(order, message)]


def named_products(order: Any, message: str) -> list[str]:
    """Product ids of the order's lines whose name the message contains."""
    return list(dict.fromkeys(line.product_id for line in _named_lines(order, message)))


def resolve_swaps(message: str, order: Any, products: Mapping[str, Any]) -> dict[str, str]:
    """Old item id -> new item id, for the lines of ``order`` (a ``get_order_details``
    result) whose name the message contains, using ``products`` (``get_product_details``
    results by product id)."""
    said = message.casefold()
    out: dict[str, str] = {}
    for line in _named_lines(order, message):
        product = products.get(line.product_id)
        if product is None:
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


def resolve_payment(message: str, order: Any, user: Any) -> str | None:
    """The payment method id the message names: the order's original one ("refund it to the
    original payment method"), or the account's only method of a named kind ("my gift
    card"); None when it names none or the words fit several."""
    if _ORIGINAL.search(message):
        history = getattr(order, "payment_history", None) or []
        return str(history[0].payment_method_id) if history else None
    methods = list((getattr(user, "payment_methods", None) or {}).values())
    for source, words in _SOURCES:
        if re.search(words, message, re.IGNORECASE):
            fits = [m.id for m in methods if m.source == source]
            return fits[0] if len(fits) == 1 else None
    return None


def with_resolved(call: ToolCall, resolved: Resolved) -> ToolCall:
    """``call`` with what the shopper's words fix put in: the items the message names (for a
    return or item swap whose items differ), each resolved new item id of an item swap, and
    the payment method of a change that pays or refunds."""
    arguments = dict(call.arguments)
    items, new = arguments.get("item_ids"), arguments.get("new_item_ids")
    if call.name in ITEM_CHANGES and resolved.items and isinstance(items, list) and \
            sorted(map(str, items)) != sorted(resolved.items):
        chosen = dict(zip(map(str, items), new, strict=False)) if isinstance(new, list) else {}
        arguments["item_ids"] = items = list(resolved.items)
        if call.name in ITEM_SWAPS:
            arguments["new_item_ids"] = new = [chosen.get(i, i) for i in items]
    if call.name in ITEM_SWAPS and isinstance(items, list) and isinstance(new, list):
        fixed = [resolved.swaps.get(str(old), n) for old, n in zip(items, new, strict=False)]
        arguments["new_item_ids"] = fixed + new[len(fixed):]
    if call.name in PAYING and resolved.payment_method_id is not None:
        arguments["payment_method_id"] = resolved.payment_method_id
    if arguments == call.arguments:
        return call
    return ToolCall(call.name, arguments, call.id)
