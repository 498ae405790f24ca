"""Proposing a write, confirming it, declining it: the write tools' stored proposals.

``propose`` runs a write tool (which only checks, proposes and stores the proposal in the
database, bound to this conversation) and keeps the ``ConfirmationRequest`` it returns as the
conversation's pending proposal. The shopper sees the act in words ("cancel order #W1234567"),
the items by title and options, payment methods by their display names, and two options: "Yes,
cancel order #W1234567" and "Keep my order". ``confirm`` executes the stored proposal once (the
database consumes it, ``tools.confirmations``); a yes to a proposal already consumed, by a
second yes, a replayed transcript, another replica or before a crash, applies nothing and says
what was done. What was done is kept in the state too, so a later "did you cancel it?" is
answered without a write.

Not here: the flows that lead to a proposal (``assistant.act.service``).
"""

from __future__ import annotations

import re
import time
from typing import Any

from assistant.act.env import TurnEnv
from assistant.act.orders import listing_titles
from assistant.act.steps import Events
from assistant.outcomes import (
    AlreadyDone,
    ConfirmationAsked,
    Declined,
    Done,
    Outcome,
    Refused,
)
from assistant.respond.texts import EN, placeholders, say
from assistant.respond.words import line_label
from assistant.state import Choice, OpenQuestion
from store.models import Item, OrderItem, PaymentMethod, ProposalStatus
from tools import confirmations
from tools import service_read as read
from tools.base import ConfirmationRequest, Tool
from tools.service import confirm as confirm_write
from tools.service_change import address_text, method_name, method_text

_REASON_LABELS = {
    "no longer needed": "opt_no_longer_needed",
    "ordered by mistake": "opt_ordered_by_mistake",
}

# action -> the names of its words in assistant.respond.texts: "act_<x>" (what it does),
# "yes_<x>" and "no_<x>" (the buttons), "did_<x>" (what was done); {order} is the order number
_WORDS = {
    "cancel_pending_order": "cancel",
    "return_delivered_order_items": "return",
    "exchange_delivered_order_items": "exchange",
    "modify_pending_order_items": "modify_items",
    "modify_pending_order_address": "modify_address",
    "modify_pending_order_payment": "modify_payment",
    "modify_user_address": "user_address",
}


def words(lang: str, action: str, part: str, order: object) -> str:
    """One of an action's words ("act", "yes", "no", "did") for order number ``order``."""
    key = f"{part}_{_WORDS[action]}"
    return say(lang, key, order=order) if "order" in placeholders(EN[key]) else say(lang, key)


def propose(env: TurnEnv, tool: Tool, arguments: dict[str, Any]) -> Events[Outcome]:
    ctx = env.shop_context()
    lang = env.reading.language
    result = yield from env.steps.call(tool, ctx, arguments)
    if not result.ok or not isinstance(result.data, ConfirmationRequest):
        env.state.request = None
        why = _refusal_text(result.error or "that change is not possible")
        return Refused("policy", why if lang == "en" else say(lang, "refused_policy", why=why))
    request = result.data
    order = arguments.get("order_id", "")
    what, yes, no = (words(lang, tool.name, part, order) for part in ("act", "yes", "no"))
    env.state.pending = request
    question = OpenQuestion(
        kind="confirm",
        text=say(lang, "confirm_ask"),
        choices=[Choice(label=yes, kind="yes"), Choice(label=no, kind="no")],
    )
    env.state.question = question
    return ConfirmationAsked(request, what, _details(env, request, lang), question)


def _refusal_text(message: str) -> str:
    """A tool's refusal for the shopper: its facts, without the instructions to a model."""
    first = message.split(". Tell the shopper")[0].split("; ask ")[0].split("; use ")[0]
    return first[:1].upper() + first[1:].rstrip(".") + "."


def _details(env: TurnEnv, request: ConfirmationRequest, lang: str) -> tuple[str, ...]:
    """The proposal's arguments as a shopper reads them (no internal ids)."""
    args = request.arguments
    ctx = env.shop_context()
    out: list[str] = []
    order_id = args.get("order_id")
    lines: list[OrderItem] = []
    payments: list[dict[str, Any]] = []
    if order_id:
        with env.deps.store.session() as session:
            order, lines = read.load_order(session, order_id)
            payments = [
                p for p in order.payment_history or [] if p.get("transaction_type") == "payment"
            ]
    by_item = {li.item_id: li for li in lines}
    titles = listing_titles(env.deps.store, lines)  # as the order list names them

    def named(li: OrderItem) -> str:
        return (titles.get(li.product_id) or li.name) + _options(li.options)

    methods = read.user_methods(ctx)
    if request.action == "cancel_pending_order":
        out += [named(li) for li in lines]
        reason = _REASON_LABELS.get(str(args["reason"]))
        out.append(
            say(lang, "detail_reason", reason=say(lang, reason) if reason else args["reason"])
        )
        for paid in payments:
            method = methods.get(str(paid["payment_method_id"]))
            if method is None:
                continue
            when = (
                say(lang, "refund_now")
                if method.source == "gift_card"
                else say(lang, "refund_within", days=say(lang, "refund_days"))
            )
            out.append(
                say(
                    lang,
                    "detail_refund",
                    amount=f"${float(paid['amount']):,.2f}",
                    method=method_name(method),
                    when=when,
                )
            )
    for old in args.get("item_ids") or []:
        line = by_item.get(old)
        if line is None:
            continue
        text = named(line)
        new_ids = args.get("new_item_ids") or []
        index = list(args["item_ids"]).index(old)
        if index < len(new_ids):
            with env.deps.store.session() as session:
                new = session.get(Item, new_ids[index])
            if new is not None:
                text += (
                    f" \u2192 {_options(new.options).strip(' ()') or say(lang, 'another_option')}"
                    f" (${float(new.price):,.2f})"
                )
        out.append(text)
    if any(k in args for k in ("address1", "city")):
        out.append(say(lang, "detail_new_address", address=address_text(args)))
    method_id = args.get("payment_method_id")
    if method_id in methods:
        label = (
            "detail_refund_to"
            if request.action == "return_delivered_order_items"
            else "detail_payment"
        )
        out.append(say(lang, label, method=method_name(methods[method_id])))
    return tuple(out)


_METHOD_ID = re.compile(
    r"\s*\((?:credit_card|paypal|gift_card)_\w+\)|"
    r"(?<=gift card) gift_card_\w+|,? item \d{6,}"
)


def shopper_safe(text: str, methods: dict[str, PaymentMethod]) -> str:
    """A tool's sentence without the internal ids it names for a model: payment methods by
    their display names, item ids dropped."""
    for method in methods.values():  # "amex credit card ending 9644 (credit_card_1)"
        text = text.replace(method_text(method), method_name(method))
    text = _METHOD_ID.sub("", text)
    for method_id, method in methods.items():
        text = text.replace(method_id, method_name(method))
    text = re.sub(r"\bpaypal\b", "PayPal", text)
    return " ".join(text.split())


def _options(options: dict[str, Any] | None) -> str:
    shown = ", ".join(f"{k}: {v}" for k, v in (options or {}).items())
    return f" ({shown})" if shown else ""


def confirm(env: TurnEnv) -> Events[Outcome]:
    state = env.state
    lang = env.reading.language
    pending = state.pending
    assert pending is not None
    ctx = env.shop_context()
    started = time.perf_counter()
    result = confirm_write(ctx, pending)
    ms = round((time.perf_counter() - started) * 1000, 1)
    yield from env.steps.note(pending.action, pending.arguments, result, ms)
    state.pending = None
    state.question = None
    state.request = None
    already = result.error_kind == "already_done"
    if not result.ok and not already:
        why = _refusal_text(result.error or "the change failed")
        return Refused("failed", say(lang, "refused_failed", why=why[:1].lower() + why[1:]))
    done = str(result.data or "") if already else result.content
    what = shopper_safe(done.split("\n", 1)[0].strip(), read.user_methods(ctx))
    if lang != "en" and pending.action in _WORDS:
        # the tool's own account is English; other languages get the composed sentence
        what = words(lang, pending.action, "did", pending.arguments.get("order_id", ""))
    state.executed = [*state.executed, pending.key]
    state.done = {**state.done, pending.key: what}
    state.last_done = pending.key
    state.last_action = pending.action
    return AlreadyDone(what) if already else Done(what)


def decline(env: TurnEnv) -> Outcome:
    pending = env.state.pending
    env.state.pending = None
    env.state.question = None
    env.state.request = None
    if pending is not None:
        confirmations.settle(env.deps.store, pending.request_id, ProposalStatus.DECLINED)
    what = (
        words(env.reading.language, pending.action, "act", pending.arguments.get("order_id", ""))
        if pending is not None and pending.action in _WORDS
        else ""
    )
    return Declined(what)


def already_done(env: TurnEnv) -> Outcome:
    last = env.state.last_done
    plain = say(env.reading.language, "already_done_plain")
    return AlreadyDone(env.state.done.get(last or "", plain))


__all__ = ["already_done", "confirm", "decline", "line_label", "propose"]
