"""Placing an order from a checked cart: the write a confirmed checkout runs, in the
transaction that consumes its stored proposal.

``Placement.write`` moves the cart past the version checked (a conditional update: a cart
changed since applies nothing), decrements each counted variant's stock only while enough is
left (``stock >= quantity``, so two checkouts for the last unit sell it once and the other
gets ``SoldOut``; a variant sold out becomes unavailable), moves a gift card's balance only
from the balance checked, inserts the order (status pending, one order line per unit as every
order in the shop, the payment in ``payment_history``) with an id in the shop's own format,
records the purchase events and empties the cart. Any refusal rolls the whole of it back.

Not here: checking and proposing (``tools.checkout``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from store.models import Event, EventKind, Item, Order, OrderItem, OrderStatus, PaymentMethod
from tools import cart_rows as rows
from tools import policy
from tools.base import ToolResult
from tools.cart import CartLineOut, CartOut, OutOfStock
from tools.errors import Conflict, SoldOut
from tools.service_change import address_text, method_name, money
from tools.service_read import order_out


def sold_out(line: CartLineOut, left: int) -> SoldOut:
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
                    raise sold_out(line, left)
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
