"""Cart acts: add, show, change, check out, and confirm a checkout, with the cart tools.

Each act calls the tools (``tools.cart``, ``tools.checkout``) through the step runner, keeps
what the conversation needs to remember in ``state.cart`` (the lines as shown, the line last
touched, an add waiting for an option, a checkout waiting for identity or payment), records
the cart it changed or showed in ``env.cart`` (the reply carries it) and returns a typed
outcome. A checkout is proposed with one of the shopper's payment methods: the one of the
kind they named, the only one they have, or the one they choose from a question; the
confirmation shows the lines, total, address and payment and its yes button names the act
and the amount ("Yes, place order for $123.45").

Not here: which act (``assistant.policy.cart``), the wording (``assistant.respond.cart``).
"""

from __future__ import annotations

import time

from sqlmodel import col, select

from assistant.act.env import TurnEnv
from assistant.act.service import identify
from assistant.act.steps import Events
from assistant.outcomes import (
    AlreadyDone,
    Asked,
    CartAdded,
    CartChanged,
    CartOptionAsked,
    CartShown,
    CheckoutLinked,
    ConfirmationAsked,
    Done,
    Outcome,
    Refused,
)
from assistant.policy.acts import AddToCart, ChangeCart, Checkout, ShowCart
from assistant.reply import VariantOut
from assistant.respond.texts import say
from assistant.state import CartAsk, Choice, OpenQuestion
from store.db import Store
from store.models import Item, PaymentMethod
from tools import commerce
from tools import service_read as read
from tools.base import ConfirmationRequest
from tools.cart import (
    Added,
    CartOut,
    CartUpdated,
    NoVariant,
    OutOfStock,
    VariantNeeded,
    add_to_cart,
    update_cart_item,
    view_cart,
)
from tools.checkout import CheckoutLink, checkout
from tools.service_change import address_text, method_name, money
from tools.variants import sellable

_KINDS = {"gift_card": "gift card", "credit_card": "credit card", "paypal": "PayPal"}


def variants_for(store: Store, product_ids: list[str]) -> dict[str, list[VariantOut]]:
    """Each product's variants, in order, for the option pickers of its card."""
    if not product_ids:
        return {}
    out: dict[str, list[VariantOut]] = {p: [] for p in product_ids}
    with store.session() as session:
        items = session.exec(
            select(Item).where(col(Item.product_id).in_(product_ids)).order_by(col(Item.seq))
        ).all()
    for item in items:
        out[item.product_id].append(
            VariantOut(
                item_id=item.item_id,
                options={str(k): str(v) for k, v in (item.options or {}).items()},
                price=float(item.price),
                in_stock=sellable(item),
            )
        )
    return out


def checkout_link(outcome: Outcome) -> str | None:
    return outcome.link.url if isinstance(outcome, CheckoutLinked) else None


def remember(env: TurnEnv, cart: CartOut | None, touched: str | None = None) -> None:
    if cart is None:
        return
    memory = env.state.cart
    memory.lines = [li.item_id for li in cart.lines]
    last = touched or memory.last_item  # a turn that touched no line keeps the last one
    memory.last_item = last if last in memory.lines else None
    env.cart = cart


def add(act: AddToCart, env: TurnEnv) -> Events[Outcome]:
    ctx = env.shop_context()
    env.state.cart.asking = None
    env.state.question = None
    added: list[Added] = []
    problems: list[OutOfStock | NoVariant] = []
    for n, product_id in enumerate(act.product_ids):
        args = {
            "product_id": product_id,
            "options": dict(act.options) if n == 0 else {},
            "words": env.reading.text[:300] if len(act.product_ids) == 1 else "",
            "quantity": act.quantity,
        }
        result = yield from env.steps.call(add_to_cart, ctx, args)
        data = result.data
        if isinstance(data, Added):
            added.append(data)
        elif isinstance(data, VariantNeeded):
            cart = added[-1].cart if added else None
            remember(env, cart, added[-1].line.item_id if added else None)
            return _ask_option(env, act, data, list(act.product_ids[n + 1 :]), tuple(added))
        elif isinstance(data, OutOfStock | NoVariant):
            problems.append(data)
        else:
            return Refused("failed", result.error or "That could not be added.")
    cart = added[-1].cart if added else None
    remember(env, cart, added[-1].line.item_id if added else None)
    env.state.cart.on_screen = False
    if act.checkout and added and not problems:
        return (yield from propose(Checkout(pay=act.pay), env))
    return CartAdded(tuple(added), tuple(problems), cart)


def _ask_option(
    env: TurnEnv,
    act: AddToCart,
    needed: VariantNeeded,
    rest: list[str],
    added: tuple[Added, ...],
) -> CartOptionAsked:
    env.state.cart.asking = CartAsk(
        product_id=needed.product_id,
        chosen=needed.chosen,
        rest=rest,
        quantity=act.quantity,
        then_checkout=act.checkout,
        pay=act.pay,
    )
    question = OpenQuestion(
        kind="cart_option",
        key=needed.option,
        text=say(env.reading.language, "cart_ask_option", option=needed.option, title=needed.title),
        choices=[
            Choice(label=v, kind="cart_option", key=needed.option, value=v) for v in needed.values
        ],
    )
    env.state.question = question
    return CartOptionAsked(needed, question, added, env.cart)


def show(_: ShowCart, env: TurnEnv) -> Events[Outcome]:
    env.state.question = None
    result = yield from env.steps.call(view_cart, env.shop_context(), {})
    if not isinstance(result.data, CartOut):
        return Refused("failed", result.error or "The cart cannot be shown right now.")
    remember(env, result.data)
    env.state.cart.on_screen = bool(result.data.lines)
    return CartShown(result.data)


def change(act: ChangeCart, env: TurnEnv) -> Events[Outcome]:
    env.state.question = None
    ctx = env.shop_context()
    seen = yield from env.steps.call(view_cart, ctx, {})
    if not isinstance(seen.data, CartOut):
        return Refused("failed", seen.error or "The cart cannot be changed right now.")
    line = _line(seen.data, act)
    if line is None:
        remember(env, seen.data)
        return CartShown(seen.data)  # nothing of that in the cart: show what is
    result = yield from env.steps.call(
        update_cart_item, ctx, {"item_id": line, "quantity": act.quantity}
    )
    data = result.data
    if isinstance(data, CartUpdated):
        remember(env, data.cart, line)
        return CartChanged(data, data.cart)
    if isinstance(data, OutOfStock):
        remember(env, seen.data, line)
        return CartChanged(data, seen.data)
    return Refused("failed", result.error or "That could not be changed.")


def _line(cart: CartOut, act: ChangeCart) -> str | None:
    if act.by == "item":
        return act.ref if any(li.item_id == act.ref for li in cart.lines) else None
    if act.by == "product":
        return next((li.item_id for li in cart.lines if li.product_id == act.ref), None)
    said = {w for w in act.ref.lower().split() if len(w) > 2}
    named = [li for li in cart.lines if said & set(li.title.lower().split())]
    return named[0].item_id if len(named) == 1 else None


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
