"""Checkout: the cart becomes a pending order, paid with one of the shopper's payment methods,
only after the shopper's yes to exactly what they saw.

``checkout`` is a write tool (``tools.base``): called, it checks the cart, stock, the
shopper's address and payment method (a gift card must cover the total) and returns a
``Proposed`` order whose stored arguments are bound to the cart as checked: each line's item
id, quantity and price, the total, the cart's version, the address and the payment method.
The yes re-checks all of it against the current data; a cart changed since (a line added,
removed or re-counted, a price changed) applies nothing. The write itself, in the transaction
that consumes the stored proposal, is ``tools.order_placement``: stock decremented only while
enough is left (two checkouts for the last unit sell it once: the other gets ``SoldOut``),
the gift card charged, a pending order placed, the cart emptied. Identity is the
conversation's (``ToolContext.session_user_id``), never an argument.

With a checkout page configured (``AISLE_CHECKOUT_URL``, ``ToolContext.checkout_url``), the
tool places nothing and returns a ``CheckoutLink`` to that page with the cart in its URL. The
template's placeholders: ``{items}`` the lines as ``ITEM_ID:QUANTITY`` joined by commas
(Shopify's cart permalink, ``https://shop.example/cart/{items}``), ``{cart_id}``, ``{total}``
(``123.45``) and ``{count}`` (units); ids are URL-escaped.

Not here: the cart tools (``tools.cart``), cart rows (``tools.cart_rows``), the order write
(``tools.order_placement``).
"""

from __future__ import annotations

from string import Formatter
from typing import Annotated, Any
from urllib.parse import quote

from pydantic import BaseModel, Field

from store.models import (
    Item,
)
from tools import cart_rows as rows
from tools import policy
from tools.base import Handover, Proposed, ToolContext, tool
from tools.cart import CartOut, cart_out
from tools.errors import BadArgument, Conflict, PolicyViolation
from tools.order_placement import Placement, sold_out
from tools.service_change import address_text, method_text, money
from tools.service_read import Code, Text, load_method, load_methods, load_user
from tools.variants import sellable

PLACEHOLDERS = ("items", "cart_id", "total", "count")


class BoundLine(BaseModel):
    item_id: Code
    quantity: Annotated[int, Field(ge=1, le=rows.MAX_QUANTITY)]
    price: float


class ShipTo(BaseModel):
    address1: Text
    address2: Text = ""
    city: Text
    state: Text
    country: Text
    zip: Code


class CheckoutLink(Handover):
    """The shop's own checkout page with the cart in its URL; nothing was ordered here."""

    cart: CartOut


def check_template(template: str) -> str:
    """``template`` if every placeholder in it is known, else ``ValueError`` naming them."""
    names = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
    if unknown := sorted(names - set(PLACEHOLDERS)):
        raise ValueError(
            f"AISLE_CHECKOUT_URL has unknown placeholders {unknown}; use "
            + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        )
    return template


def checkout_link(template: str, cart: CartOut) -> str:
    items = ",".join(f"{quote(li.item_id, safe='')}:{li.quantity}" for li in cart.lines)
    return check_template(template).format(
        items=items, cart_id=cart.cart_id, total=f"{cart.total:.2f}", count=cart.count
    )


def _ship_to(user_address: dict[str, Any] | None, given: ShipTo | None) -> dict[str, str]:
    if given is not None:
        return given.model_dump()
    address = {k: str(v) for k, v in (user_address or {}).items()}
    if not address.get("address1") or not address.get("zip"):
        raise PolicyViolation(
            "the shopper has no shipping address on file; ask for one and pass it as address"
        )
    return address


@tool(write=True)
def checkout(
    ctx: ToolContext,
    payment_method_id: Code = "",
    address: ShipTo | None = None,
    lines: list[BoundLine] | None = None,
    total: float | None = None,
    cart_version: int | None = None,
) -> Proposed | CheckoutLink:
    """Place an order for everything in the shopper's cart, paid with one of their payment
    methods and shipped to their address. Needs the shopper's explicit yes.

    Args:
        payment_method_id: The payment method id, such as 'gift_card_0000000', from
            get_user_details.
        address: Where to ship, if not the shopper's default address.
        lines: Leave out: the cart's lines, filled in when the order is proposed.
        total: Leave out: the cart's total, filled in when the order is proposed.
        cart_version: Leave out: the cart's version, filled in when the order is proposed.
    """
    conversation_id, user_id = rows.owner(ctx)
    if ctx.checkout_url:
        with ctx.store.session() as session:
            cart = cart_out(session, rows.cart_for(session, conversation_id, user_id))
        if not cart.lines:
            raise PolicyViolation("the cart is empty; add something first")
        return CheckoutLink(url=checkout_link(ctx.checkout_url, cart), cart=cart)
    policy.require_identified(ctx)
    if user_id is None:
        raise PolicyViolation("an operator cannot check out a shopper's cart")
    with ctx.store.session() as session:
        cart = cart_out(session, rows.cart_for(session, conversation_id, user_id))
        user = load_user(session, user_id)
        if not payment_method_id:
            methods = load_methods(session, user_id)
            raise BadArgument(
                "payment_method_id is missing; ask the shopper which of theirs to pay with: "
                + ", ".join(method_text(m) for m in methods.values())
            )
        method = load_method(session, user_id, payment_method_id)
        items = {li.item_id: session.get(Item, li.item_id) for li in cart.lines}
    if not cart.lines:
        raise PolicyViolation("the cart is empty; add something first")
    seen = [(li.item_id, li.quantity, li.unit_price) for li in cart.lines]
    if lines is not None and (
        [(b.item_id, b.quantity, round(b.price, 2)) for b in lines] != seen
        or (total is not None and round(total, 2) != cart.total)
        or (cart_version is not None and cart_version != cart.version)
    ):
        raise Conflict(
            "the cart changed since this checkout was shown to the shopper; nothing was "
            "ordered. Show the cart again and propose the checkout again"
        )
    for li in cart.lines:
        item = items[li.item_id]
        if item is None or not sellable(item, li.quantity):
            left = 0 if item is None or not item.available else max(0, item.stock or 0)
            raise sold_out(li, left)
    policy.require_gift_card_covers(method, cart.total, "the order total")
    ship_to = _ship_to(user.address, address)
    listed = "\n".join(
        f"- {li.quantity} x {li.title}"
        + (f" ({', '.join(f'{k}: {v}' for k, v in li.options.items())})" if li.options else "")
        + f": {money(li.line_total)}"
        for li in cart.lines
    )
    return Proposed(
        summary=(
            f"Place an order:\n{listed}\nTotal: {money(cart.total)}. Ship to "
            f"{address_text(ship_to)}. Pay with {method_text(method)}."
        ),
        write=Placement(user_id, cart, ship_to, method).write,
        bound={
            "payment_method_id": method.id,
            "address": ship_to,
            "lines": [
                {"item_id": li.item_id, "quantity": li.quantity, "price": li.unit_price}
                for li in cart.lines
            ],
            "total": cart.total,
            "cart_version": cart.version,
        },
    )
