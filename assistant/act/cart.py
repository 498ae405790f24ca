"""Cart acts: add, show, change, with the cart tools.

Each act calls the tools (``tools.cart``, ``tools.checkout``) through the step runner, keeps
what the conversation needs to remember in ``state.cart`` (the lines as shown, the line last
touched, an add waiting for an option, a checkout waiting for identity or payment), records
the cart it changed or showed in ``env.cart`` (the reply carries it) and returns a typed
outcome. Also here: each card's variants and the checkout link a reply carries.

Not here: checking out (``assistant.act.checkout``), which act (``assistant.policy.cart``), the
wording (``assistant.respond.cart``).
"""

from __future__ import annotations

from sqlmodel import col, select

from assistant.act.env import TurnEnv
from assistant.act.steps import Events
from assistant.outcomes import (
    CartAdded,
    CartChanged,
    CartOptionAsked,
    CartShown,
    CheckoutLinked,
    Outcome,
    Refused,
)
from assistant.policy.acts import AddToCart, ChangeCart, ShowCart
from assistant.reply import VariantOut
from assistant.respond.texts import say
from assistant.state import CartAsk, Choice, OpenQuestion
from store.db import Store
from store.models import Item
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
            rest = list(act.product_ids[n + 1 :])
            return _ask_option(env, act, data, rest, tuple(added), tuple(problems))
        elif isinstance(data, OutOfStock | NoVariant):
            problems.append(data)
        else:
            return Refused("failed", result.error or "That could not be added.")
    cart = added[-1].cart if added else None
    remember(env, cart, added[-1].line.item_id if added else None)
    env.state.cart.on_screen = False
    return CartAdded(tuple(added), tuple(problems), cart)


def _ask_option(
    env: TurnEnv,
    act: AddToCart,
    needed: VariantNeeded,
    rest: list[str],
    added: tuple[Added, ...],
    problems: tuple[OutOfStock | NoVariant, ...],
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
    return CartOptionAsked(needed, question, added, env.cart, problems)


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
