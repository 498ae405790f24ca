"""Wording the customer-service outcomes: orders (number, date, status, items by title),
an order's status, the account, confirmations in words, what was done, refusals, and the
questions the flows ask.

Not here: the facts (``assistant.act.service``), discovery wording (``respond.discovery``).
"""

from __future__ import annotations

from assistant.outcomes import (
    AccountShown,
    ConfirmationAsked,
    OrderShown,
    OrdersListed,
    OrderView,
)
from assistant.respond.texts import say
from assistant.respond.words import date_label, grouped, line_label, money, status_word


def _items(view: OrderView, lang: str) -> str:
    return "; ".join(grouped([line_label(li) for li in view.lines])) or say(lang, "no_items")


def _placed(view: OrderView, lang: str, key: str) -> str:
    return say(lang, key, date=date_label(view, lang)) if view.placed else ""


def order_line(view: OrderView, lang: str) -> str:
    return say(
        lang,
        "order_line",
        order_id=view.order_id,
        placed=_placed(view, lang, "placed_line"),
        status=status_word(view.status, lang),
        items=_items(view, lang),
    )


def orders_text(o: OrdersListed, lang: str) -> list[str]:
    if not o.orders:
        return [say(lang, "orders_none")]
    if o.purpose == "none_fit":
        act = "act_return_or_exchange" if o.wanted == "delivered" else "act_cancel_or_change"
        head = say(lang, "orders_none_fit", wanted=status_word(o.wanted, lang), act=say(lang, act))
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
            status=status_word(v.status, lang),
        ),
        say(lang, "order_items", items=_items(v, lang)),
        say(lang, "order_total", total=money(v.total)),
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
            methods=", ".join(o.methods) or say(lang, "none"),
            address=o.address or say(lang, "none"),
        )
    ]


def confirmation_text(o: ConfirmationAsked, lang: str) -> list[str]:
    return [
        say(lang, "confirm", act=o.act),
        *(f"- {d}" for d in o.details),
        say(lang, "confirm_ask"),
    ]
