"""The shopper's orders and payment methods as the service flow shows them: numbers, dates,
statuses, items by title and options, payment methods by their display names, never ids a
shopper does not know.

Not here: the flow (``assistant.act.service``), the reads (``tools.service_read``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlmodel import col, select

from assistant.outcomes import OrderLine, OrderView
from assistant.respond.words import date_label, grouped, status_word
from assistant.state import Choice
from store.db import Store
from store.models import Order, OrderItem, PaymentMethod, Product
from tools.service_change import method_name

# Which orders each request can act on (tau2's rules: ``tools.policy``).
CANCELLABLE = frozenset({"pending"})
PENDING_LIKE = frozenset({"pending", "pending (item modified)"})
DELIVERED = frozenset({"delivered"})
ALLOWED = {
    "cancel": CANCELLABLE,
    "modify_address": PENDING_LIKE,
    "modify_payment": PENDING_LIKE,
    "modify_items": CANCELLABLE,
    "return": DELIVERED,
    "exchange": DELIVERED,
}


def order_view(
    order: Order, lines: Sequence[OrderItem], titles: Mapping[str, str] | None = None
) -> OrderView:
    """The order as the shopper sees it; ``titles`` are the listings' titles by product id
    (an order line stores only its product's type, "Blenders")."""
    tracking = tuple(t for f in order.fulfillments or [] for t in f.get("tracking_id", []))
    named = titles or {}
    return OrderView(
        order_id=order.order_id,
        status=order.status,
        placed=order.created_at,
        lines=tuple(
            OrderLine(
                named.get(li.product_id) or li.name,
                tuple((k, str(v)) for k, v in (li.options or {}).items()),
                float(li.price),
                li.item_id,
                li.product_id,
                li.name,
            )
            for li in lines
        ),
        total=round(sum(float(li.price) for li in lines), 2),
        tracking=tracking,
    )


def listing_titles(store: Store, lines: Sequence[OrderItem]) -> dict[str, str]:
    """Product id -> the listing's title, for the products of ``lines`` the shop still has."""
    ids = list({li.product_id for li in lines})
    with store.session() as session:
        rows = (
            session.exec(
                select(Product.product_id, Product.title).where(col(Product.product_id).in_(ids))
            ).all()
            if ids
            else []
        )
    return {pid: title for pid, title in rows if title}


def items_label(view: OrderView, limit: int = 3) -> str:
    names = grouped([line.title for line in view.lines])
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" +{more}" if more > 0 else "")


def order_label(view: OrderView, lang: str = "en") -> str:
    """ "#W1234567 · Oct 21, 2026 · pending · Running Shoes, Tent" (an option's label)."""
    parts = [
        view.order_id,
        date_label(view, lang),
        status_word(view.status, lang),
        items_label(view, 2),
    ]
    return " · ".join(p for p in parts if p)


def order_choices(views: Sequence[OrderView], lang: str = "en") -> list[Choice]:
    return [Choice(label=order_label(v, lang), kind="order", value=v.order_id) for v in views]


def method_choices(methods: Sequence[PaymentMethod]) -> list[Choice]:
    return [Choice(label=method_name(m), kind="payment", value=m.id) for m in methods]


def first_payment(order: Order) -> str | None:
    history = order.payment_history or []
    paid = [p for p in history if p.get("transaction_type") == "payment"]
    return str(paid[0]["payment_method_id"]) if paid else None
