"""Checking out in the conversation: propose the order for the cart, and place it on the
shopper's yes, once.

The order is proposed with one of the shopper's payment methods: the one of the kind they
named ("pay with my gift card"), the only one they have, or the one they choose from a
question; a shopper not yet identified is asked who they are first (the checkout goes on once
they say). The confirmation shows the lines, total, address and payment, and its yes button
names the act and the amount ("Yes, place order for $123.45"). With the shop's own checkout
page configured, the cart is handed over there instead. The yes runs the stored proposal once
(``tools.commerce.confirm``); a cart changed since, a sold-out variant or a second yes places
nothing and says so.

Not here: the cart acts (``assistant.act.cart``), the tools (``tools.checkout``).
"""

from __future__ import annotations

import time

from assistant.act.cart import remember
from assistant.act.env import TurnEnv
from assistant.act.service import identify
from assistant.act.steps import Events
from assistant.outcomes import (
    AlreadyDone,
    Asked,
    CartShown,
    CheckoutLinked,
    ConfirmationAsked,
    Done,
    Outcome,
    Refused,
)
from assistant.policy.acts import Checkout
from assistant.respond.texts import say
from assistant.state import Choice, OpenQuestion
from store.models import PaymentMethod
from tools import commerce
from tools import service_read as read
from tools.base import ConfirmationRequest
from tools.cart import CartOut, view_cart
from tools.checkout import CheckoutLink, checkout
from tools.service_change import address_text, method_name, money

_KINDS = {"gift_card": "gift card", "credit_card": "credit card", "paypal": "PayPal"}


def propose(act: Checkout, env: TurnEnv) -> Events[Outcome]:
    """Propose the order for the cart (module docstring)."""
    state = env.state
    state.question = None
    state.cart.checkout_waiting = False
    if env.deps.checkout_url is None and state.identity.user_id is None:
        missing = yield from identify(env)
        if missing is not None:
            state.cart.checkout_waiting = True
            state.cart.pay = act.pay
            return missing
    ctx = env.shop_context()
    seen = yield from env.steps.call(view_cart, ctx, {})
    cart = seen.data if isinstance(seen.data, CartOut) else None
    if cart is None or not cart.lines:
        remember(env, cart)
        return CartShown(cart) if cart is not None else Refused("failed", "Your cart is empty.")
    if env.deps.checkout_url is not None:
        result = yield from env.steps.call(checkout, ctx, {})
        if isinstance(result.data, CheckoutLink):
            remember(env, result.data.cart)
            return CheckoutLinked(result.data)
        return Refused("failed", result.error or "The checkout page cannot be reached.")
    lang = env.reading.language
    methods = read.user_methods(ctx)
    method = _method(act, methods, lang)
    remember(env, cart)
    if isinstance(method, Asked):
        state.question = method.question  # a click (or the name typed) answers it
    if not isinstance(method, PaymentMethod):
        return method
    if method.source == "gift_card" and (method.balance or 0.0) < cart.total:
        return Refused(
            "policy",
            say(
                lang,
                "cart_gift_short",
                balance=money(method.balance or 0.0),
                total=money(cart.total),
            ),
        )
    result = yield from env.steps.call(checkout, ctx, {"payment_method_id": method.id})
    if not result.ok or not isinstance(result.data, ConfirmationRequest):
        return _refused(result.error_kind, result.error or "the order cannot be placed", lang)
    request = result.data
    state.pending = request
    total = money(cart.total)
    question = OpenQuestion(
        kind="confirm",
        text=say(lang, "cart_confirm_ask"),
        choices=[
            Choice(label=say(lang, "cart_yes", total=total), kind="yes"),
            Choice(label=say(lang, "cart_no"), kind="no"),
        ],
    )
    state.question = question
    remember(env, cart)
    address = request.arguments.get("address") or {}
    details = (
        *(
            f"{li.quantity} \u00d7 {li.title}{_options(li.options)}: {money(li.line_total)}"
            for li in cart.lines
        ),
        say(lang, "cart_total", total=total).rstrip("."),
        say(lang, "cart_ship_to", address=address_text(address)),
        say(lang, "cart_payment", method=method_name(method)),
    )
    return ConfirmationAsked(request, say(lang, "cart_act", total=total), details, question)


def _method(act: Checkout, methods: dict[str, PaymentMethod], lang: str) -> PaymentMethod | Outcome:
    """The payment method to propose, or a question or refusal about it."""
    if act.method_id is not None:
        found = methods.get(act.method_id)
        return found if found is not None else Refused("not_found", say(lang, "cart_not_yours"))
    fitting = [m for m in methods.values() if act.pay is None or m.source == act.pay]
    if not fitting:
        kind = _KINDS.get(act.pay or "", "payment method")
        return Refused("policy", say(lang, "cart_no_method", kind=kind))
    if len(fitting) == 1:
        return fitting[0]
    question = OpenQuestion(
        kind="cart_payment",
        text=say(lang, "cart_ask_payment"),
        choices=[Choice(label=method_name(m), kind="cart_payment", value=m.id) for m in fitting],
    )
    return Asked(question, topic="payment")


def _options(options: dict[str, str]) -> str:
    return f" ({', '.join(f'{k}: {v}' for k, v in options.items())})" if options else ""


def _refused(kind: str | None, error: str, lang: str) -> Refused:
    if kind == "sold_out":
        return Refused("failed", say(lang, "cart_order_sold_out", what=error))
    if kind == "conflict":
        return Refused("failed", say(lang, "cart_changed"))
    return Refused("failed", say(lang, "cart_failed", reason=error.split("; ")[0].rstrip(".")))


def is_checkout(env: TurnEnv) -> bool:
    """The write waiting for a yes is one of the cart's (a checkout)."""
    pending = env.state.pending
    return pending is not None and pending.action in commerce.CART_TOOLS


def confirm(env: TurnEnv) -> Events[Outcome]:
    """The shopper's yes to the checkout on screen: place it once."""
    state = env.state
    pending = state.pending
    assert pending is not None
    ctx = env.shop_context()
    started = time.perf_counter()
    result = commerce.confirm(ctx, pending)
    ms = round((time.perf_counter() - started) * 1000, 1)
    yield from env.steps.note(pending.action, pending.arguments, result, ms)
    state.pending = None
    state.question = None
    already = result.error_kind == "already_done"
    if not result.ok and not already:
        return _refused(result.error_kind, result.error or "the order failed", env.reading.language)
    done = str(result.data or "") if already else result.content
    what = done.split("\n", 1)[0].strip()
    state.executed = [*state.executed, pending.key]
    state.done = {**state.done, pending.key: what}
    state.last_done = pending.key
    state.last_action = pending.action
    after = yield from env.steps.call(view_cart, ctx, {})
    if isinstance(after.data, CartOut):
        remember(env, after.data)
    return AlreadyDone(what) if already else Done(what)
