"""Wording the customer-service outcomes: orders (number, date, status, items by title),
an order's status, the account, confirmations in words, what was done, refusals, and the
questions the flows ask.

Not here: the facts (``assistant.act.service``), discovery wording (``respond.discovery``).
"""

from __future__ import annotations

from assistant.act.orders import date_label, grouped, line_label
from assistant.outcomes import (
    AccountShown,
    ConfirmationAsked,
    OrderShown,
    OrdersListed,
    OrderView,
)
from assistant.respond.texts import say


def _items(view: OrderView) -> str:
    return "; ".join(grouped([line_label(li) for li in view.lines])) or "no items"


def _placed(view: OrderView, lang: str, key: str) -> str:
    return say(lang, key, date=date_label(view)) if view.placed else ""


def order_line(view: OrderView, lang: str) -> str:
    return say(
        lang,
        "order_line",
        order_id=view.order_id,
        placed=_placed(view, lang, "placed_line"),
        status=view.status,
        items=_items(view),
    )


def orders_text(o: OrdersListed, lang: str) -> list[str]:
    if not o.orders:
        return [say(lang, "orders_none")]
    if o.purpose == "none_fit":
        act = "return or exchange" if o.wanted == "delivered" else "cancel or change"
        head = say(lang, "orders_none_fit", wanted=o.wanted, act=act)
    elif o.purpose == "status":
        head = say(lang, "orders_status")
    else:
        head = say(lang, "orders_recent")
    return [head, *(order_line(v, lang) for v in o.orders)]


def order_text(o: OrderShown, lang: str) -> list[str]:
    v = o.order
    pieces = [
        say(
            lang,
            "order_shown",
            order_id=v.order_id,
            placed=_placed(v, lang, "placed"),
            status=v.status,
        ),
        say(lang, "order_items", items=_items(v)),
        say(lang, "order_total", total=f"${v.total:,.2f}"),
    ]
    if v.tracking:
        pieces.append(say(lang, "order_tracking", tracking=", ".join(v.tracking)))
    return pieces


def account_text(o: AccountShown, lang: str) -> list[str]:
    return [
        say(
            lang,
            "account",
            name=o.name,
            methods=", ".join(o.methods) or "none",
            address=o.address or "none",
        )
    ]


def confirmation_text(o: ConfirmationAsked, lang: str) -> list[str]:
    return [
        say(lang, "confirm", act=o.act),
        *(f"- {d}" for d in o.details),
        say(lang, "confirm_ask"),
    ]
