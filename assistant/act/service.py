"""The customer-service flows, in code: each request advances until it needs the shopper (a
question with options, or their identity or address), proposes a write (a confirmation), or
answers (an order's status, the recent orders, the account).

The steps, in order: identify the shopper (from the signed-in session, or from the email or
name and zip they typed); choose the order (the one they typed, else the only one that fits
the request, else a question listing those that fit, never an order whose status forbids the
request); then the request's own slots: a cancellation reason; the items to return or change
(the lines the words name, else the only line, else a question); the new variant (from the
option values the words name, else a question listing the available variants); the payment
method (named, else the only one, else a question); a new address. Reads and writes go
through the tools (``tools.service_read``, ``tools.service_write``), so their guards hold.

Not here: choosing the request (``assistant.policy.service``), wording (``assistant.respond``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assistant.act.env import TurnEnv
from assistant.act.orders import (
    ALLOWED,
    first_payment,
    listing_titles,
    method_choices,
    order_choices,
    order_view,
)
from assistant.act.proposals import propose
from assistant.act.slots import (
    named_items,
    named_method,
    payment_for,
    refund_methods,
    variant_label,
    variant_named,
)
from assistant.act.steps import Events
from assistant.outcomes import (
    AccountShown,
    AddressNeeded,
    Asked,
    IdentityNeeded,
    OrderShown,
    OrdersListed,
    OrderView,
    Outcome,
    Refused,
)
from assistant.policy.acts import Serve
from assistant.respond.texts import say
from assistant.respond.words import line_label, status_word
from assistant.state import Choice, Identity, OpenQuestion, ServiceRequest
from store.models import Order, OrderItem
from tools import service_read as read
from tools import service_write as write
from tools.service_change import address_text, method_name

RECENT = 3  # orders shown for "where is my order"
LISTED = 5  # orders shown for "what did I order"
REASONS = (  # the label's text name, the reason as the write tool records it
    ("opt_no_longer_needed", "no longer needed"),
    ("opt_ordered_by_mistake", "ordered by mistake"),
)


def serve(act: Serve, env: TurnEnv) -> Events[Outcome]:
    request = act.request
    env.state.request = request
    env.state.question = None
    if env.state.identity.user_id is None:
        missing = yield from identify(env)
        if missing is not None:
            return missing
    ctx = env.shop_context()
    if request.intent == "account":
        env.state.request = None
        return _account(env)
    orders = yield from env.steps.run(
        "get_user_details", {"user_id": ctx.session_user_id}, lambda: read.user_orders(ctx)
    )
    titles = listing_titles(env.deps.store, [li for _, lines in orders for li in lines])
    views = [order_view(o, lines, titles) for o, lines in orders]
    if len({o.created_at.replace(second=0, microsecond=0) for o, _ in orders}) == 1 < len(orders):
        # every order stamped in the same minute: an import's time, not when they were placed
        views = [replace(v, placed=None) for v in views]
    if request.intent == "orders":
        env.state.request = None
        return OrdersListed(tuple(views[:LISTED]), "recent")
    if request.intent == "user_address":
        return (yield from _user_address(request, env))
    chosen = _choose_order(request, views, env)
    if not isinstance(chosen, OrderView):
        return chosen
    request.order_id = chosen.order_id
    if request.intent == "status":
        env.state.request = None
        return OrderShown(chosen)
    order, lines = next((o, li) for o, li in orders if o.order_id == chosen.order_id)
    return (yield from _slots(request, order, lines, chosen, env))


def identify(env: TurnEnv) -> Events[Outcome | None]:
    """Identify the shopper from credentials they typed this turn; None once identified."""
    r = env.reading
    ctx = env.shop_context()
    if r.email:
        result = yield from env.steps.call(read.find_user_id_by_email, ctx, {"email": r.email})
        if result.ok:
            env.state.identity = Identity(user_id=str(result.data), source="email")
            return None
        return IdentityNeeded(failed=r.email)
    if r.name_zip:
        args = {
            "first_name": r.name_zip.first_name,
            "last_name": r.name_zip.last_name,
            "zip": r.name_zip.zip,
        }
        result = yield from env.steps.call(read.find_user_id_by_name_zip, ctx, args)
        if result.ok:
            env.state.identity = Identity(user_id=str(result.data), source="name_zip")
            return None
        return IdentityNeeded(failed=f"{r.name_zip.first_name} {r.name_zip.last_name}")
    return IdentityNeeded()


def _account(env: TurnEnv) -> AccountShown:
    ctx = env.shop_context()
    methods = read.user_methods(ctx)
    with env.deps.store.session() as session:
        user = read.load_user(session, ctx.session_user_id or "")
    return AccountShown(
        f"{user.first_name} {user.last_name}",
        tuple(method_name(m) for m in methods.values()),
        address_text(user.address or {}),
    )


def _choose_order(
    request: ServiceRequest, views: list[OrderView], env: TurnEnv
) -> OrderView | Outcome:
    """The order the request is about, or what to say instead (see the module docstring)."""
    allowed = ALLOWED.get(request.intent)
    if request.order_id:
        view = next((v for v in views if v.order_id == request.order_id), None)
        if view is None:
            env.state.request = None
            return Refused(
                "not_found", say(_lang(env), "refused_not_found", order_id=request.order_id)
            )
        if allowed is not None and view.status not in allowed:
            env.state.request = None
            return Refused("status", _status_refusal(request.intent, view, _lang(env)))
        return view
    fits = [v for v in views if allowed is None or v.status in allowed]
    if request.scope == "pending":
        fits = [v for v in fits if "pending" in v.status]
    elif request.scope == "delivered":
        fits = [v for v in fits if v.status == "delivered"]
    if request.intent == "status":
        if (request.scope == "recent" and fits) or len(fits) == 1:
            return fits[0]
        env.state.request = None
        return OrdersListed(tuple(fits[:RECENT] or views[:RECENT]), "status")
    if not fits:
        env.state.request = None
        return OrdersListed(tuple(views[:RECENT]), "none_fit", _wanted(request.intent))
    if len(fits) == 1 or request.scope == "recent":
        return fits[0]
    question = OpenQuestion(
        kind="order",
        text=say(_lang(env), "q_which_order"),
        choices=order_choices(fits[:LISTED], _lang(env)),
    )
    env.state.question = question
    return Asked(question, topic="order")


def _wanted(intent: str) -> str:
    return "delivered" if intent in ("return", "exchange") else "pending"


def _lang(env: TurnEnv) -> str:
    return env.reading.language


def _status_refusal(intent: str, view: OrderView, lang: str) -> str:
    acts = {
        "cancel": "done_cancelled",
        "modify_address": "done_changed",
        "modify_payment": "done_changed",
        "modify_items": "done_changed",
        "return": "done_returned",
        "exchange": "done_exchanged",
    }
    need = "delivered" if intent in ("return", "exchange") else "pending"
    return say(
        lang,
        "refused_status",
        order_id=view.order_id,
        status=status_word(view.status, lang),
        done=say(lang, acts[intent]),
        need=status_word(need, lang),
    )


def _slots(
    request: ServiceRequest, order: Order, lines: list[OrderItem], view: OrderView, env: TurnEnv
) -> Events[Outcome]:
    intent = request.intent
    if intent == "cancel":
        if request.reason is None:
            return _ask(
                env,
                "reason",
                say(_lang(env), "q_cancel_reason"),
                [
                    Choice(label=say(_lang(env), label), kind="reason", value=value)
                    for label, value in REASONS
                ],
            )
        return (
            yield from propose(
                env,
                write.cancel_pending_order,
                {"order_id": order.order_id, "reason": request.reason},
            )
        )
    if intent == "modify_address":
        if request.address is None:
            return AddressNeeded(order.order_id)
        return (
            yield from propose(
                env,
                write.modify_pending_order_address,
                {"order_id": order.order_id, **request.address},
            )
        )
    methods = read.user_methods(env.shop_context())
    if intent == "modify_payment":
        current = first_payment(order)
        others = [m for m in methods.values() if m.id != current]
        chosen = request.payment_method_id or named_method(request.words, others)
        if chosen is None:
            if not others:
                env.state.request = None
                return Refused("policy", say(_lang(env), "refused_no_other_payment"))
            return (
                _ask(env, "payment", say(_lang(env), "q_payment"), method_choices(others))
                if len(others) > 1
                else (
                    yield from propose(
                        env,
                        write.modify_pending_order_payment,
                        {"order_id": order.order_id, "payment_method_id": others[0].id},
                    )
                )
            )
        return (
            yield from propose(
                env,
                write.modify_pending_order_payment,
                {"order_id": order.order_id, "payment_method_id": chosen},
            )
        )
    items = request.item_ids or named_items(request.words, lines, view)
    if not items:
        if len(lines) == 1:
            items = [lines[0].item_id]
        else:
            choices = [
                Choice(label=line_label(v), kind="items", value=v.item_id) for v in view.lines
            ]
            if intent == "return":
                choices.append(
                    Choice(
                        label=say(_lang(env), "opt_all_items"),
                        kind="items",
                        values=[li.item_id for li in lines],
                    )
                )
            return _ask(env, "items", say(_lang(env), "q_item"), choices)
    request.item_ids = items
    payment = payment_for(request, order, methods, intent)
    if intent == "return":
        if payment is None:
            return _ask(
                env,
                "payment",
                say(_lang(env), "q_refund_to"),
                method_choices(refund_methods(order, methods)),
            )
        return (
            yield from propose(
                env,
                write.return_delivered_order_items,
                {"order_id": order.order_id, "item_ids": items, "payment_method_id": payment},
            )
        )
    new = yield from _new_items(request, lines, env)
    if not isinstance(new, list):
        return new
    if payment is None:
        return _ask(
            env,
            "payment",
            say(_lang(env), "q_difference"),
            method_choices(refund_methods(order, methods)),
        )
    tool = (
        write.exchange_delivered_order_items
        if intent == "exchange"
        else write.modify_pending_order_items
    )
    return (
        yield from propose(
            env,
            tool,
            {
                "order_id": order.order_id,
                "item_ids": items,
                "new_item_ids": new,
                "payment_method_id": payment,
            },
        )
    )


def _ask(env: TurnEnv, kind: Any, text: str, choices: list[Choice]) -> Asked:
    question = OpenQuestion(kind=kind, text=text, choices=choices)
    env.state.question = question
    return Asked(question, topic=kind)


def _new_items(
    request: ServiceRequest, lines: list[OrderItem], env: TurnEnv
) -> Events[list[str] | Asked | Refused]:
    """The new item id for each item to change: from the option values the words name,
    else a question listing the other available variants of the first one still open."""
    ctx = env.shop_context()
    out: list[str] = []
    for item_id in request.item_ids:
        if item_id in request.new_item_ids:
            out.append(request.new_item_ids[item_id])
            continue
        line = next(li for li in lines if li.item_id == item_id)
        result = yield from env.steps.call(
            read.get_product_details, ctx, {"product_id": line.product_id}
        )
        if not result.ok:
            env.state.request = None
            return Refused("failed", say(_lang(env), "refused_options_unread", item=line.name))
        variants = [
            v for v in result.data.variants.values() if v.available and v.item_id != item_id
        ]
        named = variant_named(request.words, line, variants)
        if named is not None:
            request.new_item_ids[item_id] = named
            out.append(named)
            continue
        current = {k: str(v) for k, v in (line.options or {}).items()}
        choices = [
            Choice(
                label=variant_label(v.options, current, v.price), kind="variant", value=v.item_id
            )
            for v in variants[:8]
        ]
        if not choices:
            env.state.request = None
            return Refused("policy", say(_lang(env), "refused_no_other_option", item=line.name))
        return _ask(env, "variant", say(_lang(env), "q_variant", item=line.name), choices)
    return out


def _user_address(request: ServiceRequest, env: TurnEnv) -> Events[Outcome]:
    if request.address is None:
        return AddressNeeded()
    return (
        yield from propose(
            env,
            write.modify_user_address,
            {"user_id": env.state.identity.user_id, **request.address},
        )
    )
