"""What a customer's words fix of a service request: the order lines they name, the payment
method they name, and the variant they ask for instead.

Measured with the embedded 1.5B model in the previous release: shown an order and a product's
variants, it proposed exchanging an item for itself three times running, and wrote the
schema's example payment id. These are read in code: the lines whose name or listing title
the words contain; the original payment method ("the same card") or the one method of a kind
the words name (its id, last four digits, "gift card", "PayPal"); and the one available variant
that differs from the line in exactly the option values the words name ("the same one in
White"; a short value such as "S" only after its option's name).

Not here: the flow that asks when the words fix nothing (``assistant.act.service``).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.act.orders import first_payment
from assistant.outcomes import OrderView
from assistant.state import ServiceRequest
from store.models import Order, OrderItem, PaymentMethod

_ORIGINAL = re.compile(r"\b(original|same) (payment( method)?|card|method)\b", re.I)
_SOURCES = (
    ("gift_card", r"\bgift ?card\b"),
    ("paypal", r"\bpay ?pal\b"),
    ("credit_card", r"\bcredit ?card\b|\b(visa|mastercard|amex)\b"),
)


def named_items(words: str, lines: list[OrderItem], view: OrderView) -> list[str]:
    """The lines the words name, by their own name ("the Blenders") or their listing's title."""
    said = words.casefold()
    titles = {line.item_id: line.title.casefold() for line in view.lines}
    return [
        li.item_id
        for li in lines
        if (li.name and li.name.casefold() in said) or (titles.get(li.item_id) or "\0") in said
    ]


def refund_methods(order: Order, methods: dict[str, PaymentMethod]) -> list[PaymentMethod]:
    """The original payment method, then any gift card (tau2's refund rule)."""
    original = first_payment(order)
    out = [methods[original]] if original in methods else []
    out += [m for m in methods.values() if m.source == "gift_card" and m.id != original]
    return out


def named_method(words: str, methods: list[PaymentMethod]) -> str | None:
    """The one method the words name: by its id, its last four digits, or its kind."""
    said = words.casefold()
    for method in methods:
        if method.id.casefold() in said or (
            method.last_four and re.search(rf"\b{re.escape(method.last_four)}\b", said)
        ):
            return method.id
    for source, pattern in _SOURCES:
        if re.search(pattern, words, re.I):
            fits = [m.id for m in methods if m.source == source]
            return fits[0] if len(fits) == 1 else None
    return None


def payment_for(
    request: ServiceRequest, order: Order, methods: dict[str, PaymentMethod], intent: str
) -> str | None:
    if request.payment_method_id:
        return request.payment_method_id
    options = refund_methods(order, methods)
    if _ORIGINAL.search(request.words) or len(options) == 1:
        return options[0].id if options else None
    return named_method(request.words, options)


def variant_named(words: str, line: OrderItem, variants: list[Any]) -> str | None:
    """The one available variant that differs from the line in exactly the option values
    the words name (a short value such as "S" only after its option's name)."""
    said = words.casefold()
    current = {k: str(v) for k, v in (line.options or {}).items()}
    wanted, changed = dict(current), False
    for key, value in current.items():
        others = {str(v.options.get(key)) for v in variants} - {"None", value}
        named = [o for o in others if mentions(said, key, o)]
        if len(named) > 1:
            return None
        if named:
            wanted[key], changed = named[0], True
    if not changed:
        return None
    fits = [v.item_id for v in variants if {k: str(x) for k, x in v.options.items()} == wanted]
    return fits[0] if len(fits) == 1 else None


def mentions(said: str, key: str, value: str) -> bool:
    value = re.escape(value.casefold())
    if len(value) <= 2:
        return re.search(rf"\b{re.escape(key.casefold())}\s*:?\s*{value}(?!\w)", said) is not None
    return re.search(rf"(?<!\w){value}(?!\w)", said) is not None


def variant_label(options: dict[str, str], current: dict[str, str], price: float) -> str:
    changed = [f"{k}: {v}" for k, v in options.items() if current.get(k) != str(v)]
    return f"{', '.join(changed) or 'same options'} (${price:,.2f})"
