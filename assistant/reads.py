"""The reads the policy's flow needs next, run in code before the model's first step.

Small models skip these reads, or ask the shopper for ids the reads hold, so the agent does
them itself and shows each to the model as its own call and result:
- an unidentified shopper who writes their email is looked up by it (the policy's first
  step); a signed-in or already identified shopper is left alone;
- once identified, each order the message names is read (``get_order_details``, at most
  ``MAX_ORDERS``), and the account (``get_user_details``: payment methods, order ids) when
  the message names no order or talks about paying;
- when the message asks to swap an item of a named order for another option (an exchange or
  an item change), the product of each order line it names is read (``get_product_details``,
  at most ``MAX_PRODUCTS``): the model needs the variants' item ids, which nobody else says;
  the option values the message names are resolved against them, and the payment method it
  names against the order and account (``assistant.resolve``).
The guards apply as to any call (own orders only).

Not here: running a tool and recording it (``assistant.agent``), reading words
(``assistant.reading``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator

from assistant.events import TurnEvent
from assistant.reading import EMAIL, ORDER_ID, PAYMENT_WORDS, SERVICE, write_intent
from assistant.resolve import (
    ITEM_CHANGES,
    ITEM_SWAPS,
    Resolved,
    named_items,
    named_products,
    resolve_payment,
    resolve_swaps,
)
from tools.base import ToolResult
from tools.shop_context import ShopContext

MAX_ORDERS = 2  # orders named in one message whose details are read
MAX_PRODUCTS = 2  # products of named order lines read for an item swap
# Runs one read tool and returns its result (None when the shop has no such tool).
Read = Callable[..., Generator[TurnEvent, None, ToolResult | None]]


def reads_first(ctx: ShopContext, text: str, read: Read
                ) -> Generator[TurnEvent, None, Resolved]:
    """The reads of the module docstring, in that order, for the shopper's ``text`` (their
    message, with the change they asked for earlier when it continues it: ``continued``);
    returns what its words fix of a change (``assistant.resolve``)."""
    resolved = Resolved()
    email = EMAIL.search(ctx.message)
    if ctx.session_user_id is None and email is not None:
        yield from read("find_user_id_by_email", email=email.group(0))
    about_orders = SERVICE.search(text) or PAYMENT_WORDS.search(text)
    if ctx.session_user_id is None or not about_orders:
        return resolved
    orders = list(dict.fromkeys(f"#{m.group(1)}" for m in ORDER_ID.finditer(text)))
    intent = write_intent(text)
    first_order = None
    for order_id in orders[:MAX_ORDERS]:
        result = yield from read("get_order_details", order_id=order_id)
        if result is None or not result.ok:
            continue
        if first_order is None:
            first_order = result.data
            if intent in ITEM_CHANGES:
                resolved.items = named_items(first_order, text)
        if intent in ITEM_SWAPS:
            products = {}
            for product_id in named_products(result.data, text)[:MAX_PRODUCTS]:
                found = yield from read("get_product_details", product_id=product_id)
                if found is not None and found.ok:
                    products[product_id] = found.data
            resolved.swaps.update(resolve_swaps(text, result.data, products))
    if not orders or PAYMENT_WORDS.search(text):
        account = yield from read("get_user_details", user_id=ctx.session_user_id)
        if account is not None and account.ok:
            resolved.payment_method_id = resolve_payment(text, first_order, account.data)
    return resolved
