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
from assistant.act.orders import line_label, listing_titles
from assistant.act.steps import Events
from assistant.outcomes import (
    AlreadyDone,
    ConfirmationAsked,
    Declined,
    Done,
    Outcome,
    Refused,
)
from assistant.state import Choice, OpenQuestion
from store.models import Item, OrderItem, PaymentMethod, ProposalStatus
from tools import confirmations
from tools import service_read as read
from tools.base import ConfirmationRequest, Tool
from tools.policy import REFUND_DAYS
from tools.service import confirm as confirm_write
from tools.service_change import address_text, method_name, method_text

# action -> (what it does, the yes label, the no label); {order} is the order number
_WORDS = {
    "cancel_pending_order": ("cancel order {order}", "Yes, cancel order {order}", "Keep my order"),
    "return_delivered_order_items": (
        "return items of order {order}",
        "Yes, return them",
        "Don't return anything",
    ),
    "exchange_delivered_order_items": (
        "exchange items of order {order}",
        "Yes, exchange them",
        "Keep my items",
    ),
    "modify_pending_order_items": (
        "change items of order {order}",
        "Yes, change the items",
        "Keep the order as it is",
    ),
    "modify_pending_order_address": (
        "ship order {order} to a new address",
        "Yes, change the address",
        "Keep the current address",
    ),
    "modify_pending_order_payment": (
        "pay for order {order} with another method",
        "Yes, change the payment",
        "Keep the current payment",
    ),
    "modify_user_address": (
        "update your default address",
        "Yes, update my address",
        "Keep my address",
    ),
}


def propose(env: TurnEnv, tool: Tool, arguments: dict[str, Any]) -> Events[Outcome]:
    ctx = env.shop_context()
    result = yield from env.steps.call(tool, ctx, arguments)
    if not result.ok or not isinstance(result.data, ConfirmationRequest):
        env.state.request = None
        return Refused("policy", _refusal_text(result.error or "that change is not possible"))
    request = result.data
    what, yes, no = (w.format(order=arguments.get("order_id", "")) for w in _WORDS[tool.name])
    env.state.pending = request
    question = OpenQuestion(
        kind="confirm",
        text="Shall I go ahead?",
        choices=[Choice(label=yes, kind="yes"), Choice(label=no, kind="no")],
    )
    env.state.question = question
    return ConfirmationAsked(request, what, _details(env, request), question)


def _refusal_text(message: str) -> str:
    """A tool's refusal for the shopper: its facts, without the instructions to a model."""
    first = message.split(". Tell the shopper")[0].split("; ask ")[0].split("; use ")[0]
    return first[:1].upper() + first[1:].rstrip(".") + "."


def _details(env: TurnEnv, request: ConfirmationRequest) -> tuple[str, ...]:
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
        out.append(f"Reason: {args['reason']}")
        for paid in payments:
            method = methods.get(str(paid["payment_method_id"]))
            if method is None:
                continue
            when = "at once" if method.source == "gift_card" else f"within {REFUND_DAYS}"
            out.append(
                f"Refund: ${float(paid['amount']):,.2f} to your {method_name(method)}, {when}"
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
                    f" \u2192 {_options(new.options).strip(' ()') or 'another option'}"
                    f" (${float(new.price):,.2f})"
                )
        out.append(text)
    if any(k in args for k in ("address1", "city")):
        out.append(f"New address: {address_text(args)}")
    method_id = args.get("payment_method_id")
    if method_id in methods:
        label = (
            "Refund to" if request.action == "return_delivered_order_items" else "Payment method"
        )
        out.append(f"{label}: {method_name(methods[method_id])}")
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
        return Refused(
            "failed",
            "That could not be completed: "
            + _refusal_text(result.error or "the change failed").lower(),
        )
    done = str(result.data or "") if already else result.content
    what = shopper_safe(done.split("\n", 1)[0].strip(), read.user_methods(ctx))
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
        _WORDS[pending.action][0].format(order=pending.arguments.get("order_id", ""))
        if pending is not None and pending.action in _WORDS
        else ""
    )
    return Declined(what)


def already_done(env: TurnEnv) -> Outcome:
    last = env.state.last_done
    return AlreadyDone(env.state.done.get(last or "", "That was already done."))


__all__ = ["already_done", "confirm", "decline", "line_label", "propose"]
