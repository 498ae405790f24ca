"""Checkout: the cart becomes a pending order, paid with one of the shopper's payment methods,
only after the shopper's yes to exactly what they saw.

``checkout`` is a write tool (``tools.base``): called, it checks the cart, stock, the
shopper's address and payment method (a gift card must cover the total) and returns a
``Proposed`` order whose stored arguments are bound to the cart as checked: each line's item
id, quantity and price, the total, the cart's version, the address and the payment method.
The yes re-checks all of it against the current data; a cart changed since (a line added,
removed or re-counted, a price changed) applies nothing. The write, in the transaction that
consumes the stored proposal: the cart moves past the version checked (conditional), each
counted variant's stock is decremented only while enough is left (``stock >= quantity``, so
two checkouts for the last unit sell it once: the other gets ``SoldOut``), a gift card's
balance moves only from the balance checked, the order (status pending, one order line per
unit as every order in the shop, a payment in ``payment_history``) is inserted and the cart
emptied. Identity is the conversation's (``ToolContext.session_user_id``), never an argument.

With a checkout page configured (``AISLE_CHECKOUT_URL``, ``ToolContext.checkout_url``), the
tool places nothing and returns a ``CheckoutLink`` to that page with the cart in its URL. The
template's placeholders: ``{items}`` the lines as ``ITEM_ID:QUANTITY`` joined by commas
(Shopify's cart permalink, ``https://shop.example/cart/{items}``), ``{cart_id}``, ``{total}``
(``123.45``) and ``{count}`` (units); ids are URL-escaped.

Not here: the cart tools (``tools.cart``), cart rows (``tools.cart_rows``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from string import Formatter
from typing import Annotated, Any
from urllib.parse import quote

from pydantic import BaseModel, Field
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from store.models import (
    Event,
    EventKind,
    Item,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
)
from tools import cart_rows as rows
from tools import policy
from tools.base import Handover, Proposed, ToolContext, ToolResult, tool
from tools.cart import CartOut, OutOfStock, cart_out
from tools.errors import BadArgument, Conflict, PolicyViolation, SoldOut
from tools.service_change import address_text, method_name, method_text, money
from tools.service_read import Code, Text, load_method, load_methods, load_user, order_out
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


def _sold_out(line: Any, left: int) -> SoldOut:
    what = line.title + (f" ({', '.join(line.options.values())})" if line.options else "")
    return SoldOut(
        f"{what} is sold out" if left == 0 else f"only {left} of {what} left",
        data=OutOfStock(
            product_id=line.product_id,
            item_id=line.item_id,
            title=line.title,
            options=line.options,
            left=left,
        ),
    )


@dataclass(frozen=True)
class Placement:
    """The order to write, as checked (see the module docstring for the write)."""

    user_id: str
    cart: CartOut
    address: dict[str, str]
    method: PaymentMethod

    def write(self, session: Session) -> ToolResult:
        cart = self.cart
        if not rows.bump(session, cart.cart_id, cart.version):
            raise Conflict("the cart changed since it was checked; nothing was ordered")
        for line in cart.lines:
            tracked = session.execute(
                update(Item)
                .where(
                    col(Item.item_id) == line.item_id,
                    col(Item.available).is_(True),
                    col(Item.stock).is_not(None),
                    col(Item.stock) >= line.quantity,
                )
                .values(stock=col(Item.stock) - line.quantity)
            )
            if tracked.rowcount != 1:  # type: ignore[attr-defined]
                item = session.get(Item, line.item_id)
                if item is None or item.stock is not None or not item.available:
                    left = 0 if item is None or not item.available else max(0, item.stock or 0)
                    raise _sold_out(line, left)
            session.execute(
                update(Item)
                .where(col(Item.item_id) == line.item_id, col(Item.stock) <= 0)
                .values(available=False)
            )
        before = float(self.method.balance or 0.0)
        if policy.is_gift_card(self.method):
            moved = session.execute(
                update(PaymentMethod)
                .where(
                    col(PaymentMethod.id) == self.method.id, col(PaymentMethod.balance) == before
                )
                .values(balance=round(before - cart.total, 2))
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(
                    "the gift card's balance changed since it was checked; nothing was ordered"
                )
        order = Order(
            order_id=_new_order_id(session),
            user_id=self.user_id,
            status=OrderStatus.PENDING.value,
            address=self.address,
            fulfillments=[],
            payment_history=[
                {
                    "transaction_type": "payment",
                    "amount": cart.total,
                    "payment_method_id": self.method.id,
                }
            ],
            seq=(session.exec(select(func.max(Order.seq))).one() or 0) + 1,
        )
        session.add(order)
        session.flush()
        lines: list[OrderItem] = []
        for line in cart.lines:
            for _ in range(line.quantity):
                lines.append(
                    OrderItem(
                        order_id=order.order_id,
                        seq=len(lines),
                        product_id=line.product_id,
                        item_id=line.item_id,
                        name=line.title,
                        price=line.unit_price,
                        options=dict(line.options),
                    )
                )
            session.add(
                Event(
                    user_id=self.user_id,
                    kind=EventKind.PURCHASE.value,
                    product_id=line.product_id,
                    item_id=line.item_id,
                    value=float(line.quantity),
                )
            )
        session.add_all(lines)
        rows.empty(session, cart.cart_id)
        session.flush()
        paid = (
            f"your gift card (balance now {money(round(before - cart.total, 2))})"
            if policy.is_gift_card(self.method)
            else method_name(self.method)
        )
        units = "item" if cart.count == 1 else "items"
        done = (
            f"Order {order.order_id} is placed: {cart.count} {units}, {money(cart.total)}, "
            f"paid with {paid}, shipping to {address_text(self.address)}."
        )
        return ToolResult.success(order_out(order, lines), note=done)


def _new_order_id(session: Session) -> str:
    """A fresh id in the shop's own format (the latest order's prefix and digit count)."""
    latest = session.exec(select(Order.order_id).order_by(col(Order.seq).desc())).first()
    prefix, digits = "#W", 7
    if latest:
        head = latest.rstrip("0123456789")
        if len(latest) > len(head):
            prefix, digits = head, len(latest) - len(head)
    while True:
        candidate = f"{prefix}{secrets.randbelow(10**digits):0{digits}d}"
        if session.get(Order, candidate) is None:
            return candidate


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
            raise _sold_out(li, left)
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
