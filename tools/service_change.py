"""A checked customer-service change, and how it is written: conditionally, in one transaction.

A write tool computes an ``OrderChange`` (or ``AddressChange``) from what it read: the new
column values, gift card balances and order lines. Writing it, in the caller's transaction
(which also consumes the stored proposal), is a conditional UPDATE of the order on the status
and ``updated_at`` it was checked against (so two processes confirming the same request cannot
both apply it, and nothing applies if the order moved on), then conditional updates of each
gift card on the balance it was checked against, then the changed lines; any row that does not
match rolls the whole change back and the model is told nothing was applied.

Also here: pairing old and new items as tau2 does, and how amounts, payment methods and order
lines are described to the shopper.

Not here: deciding what the change is (``tools.service_write``) or the rules (``tools.policy``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from store.models import Order, OrderItem, PaymentMethod, User, utcnow
from tools import policy
from tools.base import ToolContext, ToolResult
from tools.errors import Conflict
from tools.policy import REFUND_DAYS, is_gift_card
from tools.service_read import load_item, load_order, order_out


@dataclass(frozen=True)
class CardUpdate:
    method_id: str
    before: float
    after: float


@dataclass(frozen=True)
class LineUpdate:
    line_id: int
    item_id_before: str
    item_id: str
    price: float
    options: dict[str, Any]


@dataclass(frozen=True)
class OrderChange:
    order_id: str
    status_before: str
    version: datetime  # the order's updated_at when it was checked
    values: dict[str, Any]
    done: str  # what to tell the shopper once applied
    cards: tuple[CardUpdate, ...] = ()
    lines: tuple[LineUpdate, ...] = ()

    def write(self, session: Session) -> ToolResult:
        """Apply in ``session``'s transaction; a ``Conflict`` leaves it to be rolled back."""
        stale = Conflict(
            f"order {self.order_id} changed since it was checked; nothing was "
            "applied. Look it up again with get_order_details"
        )
        written = session.execute(
            update(Order)
            .where(
                col(Order.order_id) == self.order_id,
                col(Order.status) == self.status_before,
                col(Order.updated_at) == self.version,
            )
            .values(**self.values, updated_at=utcnow())
        )
        if written.rowcount != 1:  # type: ignore[attr-defined]
            raise stale
        for card in self.cards:
            written = session.execute(
                update(PaymentMethod)
                .where(
                    col(PaymentMethod.id) == card.method_id,
                    col(PaymentMethod.balance) == card.before,
                )
                .values(balance=card.after)
            )
            if written.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict(
                    f"the balance of gift card {card.method_id} changed since it "
                    "was checked; nothing was applied. Check it again"
                )
        for line in self.lines:
            written = session.execute(
                update(OrderItem)
                .where(
                    col(OrderItem.id) == line.line_id, col(OrderItem.item_id) == line.item_id_before
                )
                .values(item_id=line.item_id, price=line.price, options=line.options)
            )
            if written.rowcount != 1:  # type: ignore[attr-defined]
                raise stale
        order, lines = load_order(session, self.order_id)
        return ToolResult.success(order_out(order, lines), note=self.done)


@dataclass(frozen=True)
class AddressChange:
    user_id: str
    address: dict[str, Any]
    done: str

    def write(self, session: Session) -> ToolResult:
        written = session.execute(
            update(User)
            .where(col(User.user_id) == self.user_id)
            .values(address=self.address, zip=self.address["zip"])
        )
        if written.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(f"user {self.user_id} no longer exists; nothing was applied")
        return ToolResult.success(
            {"user_id": self.user_id, "address": self.address}, note=self.done
        )


@dataclass
class Balances:
    """Gift card balances as a change moves money, rounded at each step as tau2 does."""

    methods: dict[str, PaymentMethod]
    now: dict[str, float] = field(default_factory=dict)

    def add(self, method_id: str, amount: float) -> None:
        method = self.methods[method_id]
        if is_gift_card(method):
            start = self.now.get(method_id, method.balance or 0.0)
            self.now[method_id] = round(start + amount, 2)

    def updates(self) -> tuple[CardUpdate, ...]:
        return tuple(
            CardUpdate(m, self.methods[m].balance or 0.0, after) for m, after in self.now.items()
        )


def money(amount: float) -> str:
    return f"${amount:,.2f}"


def address_text(address: dict[str, Any]) -> str:
    parts = [
        address.get(k, "") for k in ("address1", "address2", "city", "state", "zip", "country")
    ]
    return ", ".join(p for p in parts if p)


def method_text(method: PaymentMethod, after: float | None = None) -> str:
    """A payment method as the shopper knows it; a gift card with its balance, and with the
    balance it will have when ``after`` is given."""
    if is_gift_card(method):
        balance = money(method.balance or 0.0)
        moved = f" -> {money(after)}" if after is not None else ""
        return f"gift card {method.id} (balance {balance}{moved})"
    label = method.source.replace("_", " ")
    brand = f"{method.brand} " if method.brand else ""
    ending = f" ending {method.last_four}" if method.last_four else ""
    return f"{brand}{label}{ending} ({method.id})"


def method_name(method: PaymentMethod) -> str:
    """A payment method as the shopper knows it, without internal ids: "Visa credit card
    ending 1234", "PayPal", "gift card (balance $40.00)"."""
    if is_gift_card(method):
        return f"gift card (balance {money(method.balance or 0.0)})"
    if method.source == "paypal":
        return "PayPal"
    label = method.source.replace("_", " ")
    brand = f"{method.brand.title()} " if method.brand else ""
    ending = f" ending {method.last_four}" if method.last_four else ""
    return f"{brand}{label}{ending}"


def refund_text(method: PaymentMethod, amount: float, balances: Balances) -> str:
    """When the shopper sees the money: at once on a gift card, later on anything else."""
    shown = method_text(method, balances.now.get(method.id))
    when = "immediately" if is_gift_card(method) else f"within {REFUND_DAYS}"
    return f"{money(amount)} back to {shown} {when}"


def line_text(line: OrderItem) -> str:
    options = ", ".join(f"{k}: {v}" for k, v in (line.options or {}).items())
    return f"{line.name} ({options}), item {line.item_id}, {money(line.price)}"


def item_swaps(
    ctx: ToolContext,
    order: Order,
    lines: list[OrderItem],
    item_ids: list[str],
    new_item_ids: list[str],
) -> tuple[float, list[str], dict[int, LineUpdate]]:
    """Price difference (tau2's unrounded sum), shopper-readable pairs, and the line updates
    (each pair takes the first line that currently holds the old item, as tau2 does)."""
    policy.require_items_in_order(order.order_id, [li.item_id for li in lines], item_ids)
    current = {li.id or 0: li.item_id for li in lines}
    updates: dict[int, LineUpdate] = {}
    diff: float = 0
    pairs = []
    with ctx.store.session() as session:
        for old_id, new_id in zip(item_ids, new_item_ids, strict=True):
            line = next(li for li in lines if li.item_id == old_id)
            new = policy.require_same_product_available(
                old_id, line.product_id, load_item(session, new_id), new_id
            )
            diff += new.price - line.price
            pairs.append(
                f"- {line_text(line)} -> item {new.item_id} ("
                + ", ".join(f"{k}: {v}" for k, v in (new.options or {}).items())
                + f"), {money(new.price)}"
            )
            target = next(i for i, held in current.items() if held == old_id)
            current[target] = new_id
            before = next(li.item_id for li in lines if li.id == target)
            updates[target] = LineUpdate(target, before, new_id, new.price, dict(new.options or {}))
    return diff, pairs, updates


def difference_text(diff: float, method: str) -> str:
    if diff > 0:
        return f"you pay {money(diff)} more with {method}"
    if diff < 0:
        return f"{money(-diff)} is refunded to {method}"
    return "no price difference"
