"""What the customer-service flows (23-35 of /work/notes/flows.md) expect of a turn, by
facts: the reply's kind, the order a confirmation is for, order numbers and statuses in the
text, and the account tables before and after the turn (``Ctx.db_before``/``db_after``).

A confirmation's buttons travel in ``Reply.question.options`` (the reply JSON has no other
place for them), so "a confirmation with options >= 2" reads them there.

Not here: the signed-in user and the orders chosen for a flow (``slots``).
"""

from __future__ import annotations

import re

from eval.harness.dbstate import digest
from eval.harness.expect_common import kind_is, no_cards, says
from eval.harness.flow_types import Ctx, Failure, fail
from eval.harness.shopfacts import order_key

ALREADY = re.compile(r"\balready\b|已经|\bya (est[aá]|estaba|se ha|lo)\b", re.IGNORECASE)
NO_PENDING = re.compile(
    r"\b(no|not any|none of|zero)\b[^.?!]{0,40}\b(pending|open|cancell?able)\b|"
    r"\b(don'?t|do not|doesn'?t|does not)\s+have\s+(any\s+)?(pending|open)\b|"
    r"\bnothing\b[^.?!]{0,30}\b(pending|to cancel)\b|\b(pending|open) orders?:?\s+none\b|"
    r"没有待处理|没有(可以|能)取消|"
    r"\bninguno de tus pedidos est[aá] pendiente|\bno (tienes|hay) (ning[uú]n )?pedidos? "
    r"pendientes?",
    re.IGNORECASE,
)
KEPT = re.compile(
    r"\bnothing\b[^.?!]{0,30}\b(changed|cancell?ed|done|happened)\b|(\bnot\b|n't\b|\bnever\b)"
    r"[^.?!]{0,25}\b(cancel|chang|touch|modif)\w*|\b(kept|keep|keeping|unchanged|stays?|"
    r"remains?|left as)\b|\bstill (pending|active|open)\b|"
    r"什么都没(改|变)|没有(任何)?(改动|更改|变化)|保留|不变|"
    r"\bno (he|se ha) cambiado nada\b|\bsigue pendiente\b|\bse mantiene\b|\bmantener\b",
    re.IGNORECASE,
)


def _status_words(status: str) -> list[str]:
    words = [status, status.replace("cancelled", "canceled")]
    if status.startswith("pending"):
        words.append("pending")
    return words + STATUS_WORDS.get(status.split(" (")[0], [])


# an order's state as the Chinese and Spanish replies may word it (the zh and es banks)
STATUS_WORDS = {
    "pending": ["待处理", "待发货", "未发货", "pendiente"],
    "processed": ["已发货", "已处理", "enviado", "procesado"],
    "delivered": ["已送达", "已签收", "已收货", "entregado"],
    "cancelled": ["已取消", "cancelado"],
    "return requested": ["已申请退货", "devolución solicitada"],
    "exchange requested": ["已申请换货", "cambio solicitado"],
}


def _names_order(text: str, c: Ctx, order_id: str) -> bool:
    return any(order_key(o) == order_key(order_id) for o in c.facts.order_ids_in(text))


def _has_status(text: str, status: str) -> bool:
    lowered = text.casefold()
    return any(w in lowered for w in _status_words(status))


def _order_status(c: Ctx, order_id: str, snapshot_after: bool = True) -> str | None:
    rows = c.db_after if snapshot_after else c.db_before
    order = c.facts.order(order_id)
    if rows is None or order is None:
        return None
    return str((rows.get(f"order:{order.order_id}") or {}).get("status"))


def order_status_t1(c: Ctx) -> list[Failure]:
    """The slots' order (the most recent, or the one named) with its status in the text."""
    order = c.facts.order(c.slots.order_id or "")
    if order is None:
        return fail("slots", f"unknown order {c.slots.order_id}")
    out = [] if c.reply.kind != "confirmation" else fail("kind", "a confirmation, not an answer")
    if not _names_order(c.reply.text, c, order.order_id):
        out += fail("order", f"the text does not give the order number {order.order_id}")
    if not _has_status(c.reply.text, order.status):
        out += fail("status", f"the text does not give the status {order.status!r}")
    return out


def _confirms(c: Ctx, order_id: str) -> list[Failure]:
    out = kind_is(c, "confirmation")
    if out or c.reply.confirmation is None:
        return out
    got = str(c.reply.confirmation.arguments.get("order_id", ""))
    if order_key(got) != order_key(order_id):
        out += fail("order", f"the confirmation is for {got or 'no order'}, not {order_id}")
    return out


def confirm_pending_t1(c: Ctx) -> list[Failure]:
    """A confirmation for the one pending order, in words: no internal ids, >= 2 options."""
    order_id = c.slots.order_id or ""
    out = _confirms(c, order_id)
    order = c.facts.order(order_id)
    internal = [
        *(li.item_id for li in (order.lines if order else ())),
        *c.facts.payment_ids.get(c.slots.user_id or "", []),
    ]
    shown = [i for i in internal if i and i in c.reply.text]
    out += fail("internal_ids", f"the text shows internal ids {shown[:3]}") if shown else []
    options = c.reply.question.options if c.reply.question else []
    if c.reply.kind == "confirmation" and len(options) < 2:
        out += fail("options", f"the confirmation offers {len(options)} options, expected 2+")
    return out


def confirm_order_t1(c: Ctx) -> list[Failure]:
    return _confirms(c, c.slots.order_id or "")


def cancelled(c: Ctx) -> list[Failure]:
    status = _order_status(c, c.slots.order_id or "")
    return (
        []
        if status == "cancelled"
        else fail("db", f"order {c.slots.order_id} is {status}, not cancelled")
    )


def return_requested(c: Ctx) -> list[Failure]:
    status = _order_status(c, c.slots.order_id or "")
    return (
        []
        if status == "return requested"
        else fail("db", f"order {c.slots.order_id} is {status}, not 'return requested'")
    )


def _unchanged(c: Ctx) -> list[Failure]:
    if c.db_before is None or c.db_after is None or digest(c.db_before) == digest(c.db_after):
        return []
    return fail("db", "the turn changed the account tables")


def already_done_t3(c: Ctx) -> list[Failure]:
    out = _unchanged(c)
    if not says(c.reply.text, ALREADY):
        out += fail("already_done", "the text does not say it is already done")
    return out


def kept_t2(c: Ctx) -> list[Failure]:
    out = _unchanged(c)
    if not says(c.reply.text, KEPT):
        out += fail("kept", "the text does not say nothing was changed")
    return out


def many_pending_t1(c: Ctx) -> list[Failure]:
    out = kind_is(c, "question")
    if out or c.reply.question is None:
        return out
    named = {
        order_key(o) for option in c.reply.question.options for o in c.facts.order_ids_in(option)
    }
    pending = {order_key(o) for o in c.slots.orders}
    if missing := pending - named:
        out += fail("options", f"options miss pending orders {sorted(missing)}")
    if extra := named - pending:
        out += fail("options", f"options offer orders that are not pending {sorted(extra)}")
    return out


def many_pending_t2(c: Ctx) -> list[Failure]:
    """A confirmation (or a reason question) for the order clicked."""
    clicked = c.facts.order_ids_in(c.clicked or "")
    if c.reply.kind == "question":
        return []
    if not clicked:
        return fail("options", f"the option clicked ({c.clicked!r}) names no order")
    return _confirms(c, clicked[0])


def none_pending_t1(c: Ctx) -> list[Failure]:
    out = (
        []
        if c.reply.kind != "confirmation"
        else fail("kind", "a confirmation although nothing is pending")
    )
    if not says(c.reply.text, NO_PENDING):
        out += fail("no_pending", "the text does not say there is no pending order")
    return out + _unchanged(c)


def return_confirm_t1(c: Ctx) -> list[Failure]:
    out = _confirms(c, c.slots.order_id or "")
    order = c.facts.order(c.slots.order_id or "")
    line = next((li for li in (order.lines if order else ()) if li.name == c.slots.item), None)
    record = c.facts.record(line.product_id) if line else None
    names = [c.slots.item or "", *([record.title] if record else [])]
    if c.reply.kind == "confirmation" and not any(
        n and n.casefold() in c.reply.text.casefold() for n in names
    ):
        out += fail("item", f"the confirmation does not name {c.slots.item!r}")
    return out


def other_customer_t1(c: Ctx) -> list[Failure]:
    order = c.facts.order(c.slots.order_id or "")
    out = (
        []
        if c.reply.kind != "confirmation"
        else fail("kind", "a confirmation for another customer's order")
    )
    titles = {li.name for li in (order.lines if order else ())}
    titles |= {
        r.title
        for li in (order.lines if order else ())
        if (r := c.facts.record(li.product_id)) is not None
    }
    shown = sorted(t for t in titles if t and t.casefold() in c.reply.text.casefold())
    return out + (
        fail("cross_user", f"the text shows the order's items {shown[:3]}") if shown else []
    )


def policy_t1(c: Ctx) -> list[Failure]:
    out = kind_is(c, "answer")
    return out + ([] if c.reply.citations else fail("citations", "no citation"))


def handoff_t1(c: Ctx) -> list[Failure]:
    return kind_is(c, "handoff")


def greeting_t1(c: Ctx) -> list[Failure]:
    return kind_is(c, "answer") + no_cards(c)
