"""The cart part of the dialogue policy: what a message about the cart does.

- "add the second one in size 10 to my cart", "add both": the products on screen at those
  positions (else the one the last turn was about, else the only one shown, else the first
  shown with a variant the words name); "buy the blue one ... and pay with my gift card"
  adds and checks out;
- "what's in my cart": show it;
- "remove the second one", "make it two": the line at that position when the cart is on
  screen, else the line of the product at that position on screen, else the line last
  touched ("make it two") or the one the words name ("remove the socks");
- "check out", "pay with my gift card": propose the order (paying with that kind); a payment
  named with nothing in the cart and no checkout waiting is left to the service flow
  (changing an order's payment);
- an option of a cart question (a size, a payment method), clicked or typed;
- a checkout waiting for the shopper to say who they are goes on once they do.

Returns None when the message is not about the cart (then discovery, service... decide).

Not here: doing it (``assistant.act.cart``), reading the words (``assistant.reading.cart``).
"""

from __future__ import annotations

import re

from assistant.policy.acts import Act, AddToCart, ChangeCart, Checkout, ShowCart
from assistant.reading import Reading
from assistant.reading.cart import CART_WORD
from assistant.state import Choice, ConversationState
from tools.shop_context import Shown

SHOWN = 5


def chosen(choice: Choice, state: ConversationState) -> Act | None:
    """An option of a cart question: an option value of the add waiting, or a payment method."""
    ask = state.cart.asking
    if choice.kind == "cart_option" and ask is not None:
        return AddToCart(
            (ask.product_id, *ask.rest),
            options=tuple({**ask.chosen, choice.key: choice.value}.items()),
            quantity=ask.quantity,
            checkout=ask.then_checkout,
            pay=ask.pay,
        )
    if choice.kind == "cart_payment":
        return Checkout(method_id=choice.value)
    return None


def cart(r: Reading, state: ConversationState) -> Act | None:
    memory = state.cart
    if memory.checkout_waiting and state.identity.user_id is None and (r.email or r.name_zip):
        return Checkout(pay=memory.pay)
    w = r.cart
    if w is None:
        return None
    if w.action == "view":
        return ShowCart()
    if w.action in ("add", "buy"):
        products = _products(r, state)
        if not products:
            return None  # "buy running shoes" with nothing on screen: a search
        return AddToCart(
            tuple(s.product_id for s in products),
            words=r.text,
            options=_fixed(products[0], r.text),
            quantity=w.quantity or 1,
            checkout=w.action == "buy" or w.pay is not None,
            pay=w.pay,
        )
    if w.action in ("remove", "quantity"):
        quantity = 0 if w.action == "remove" else (w.quantity or 1)
        if memory.on_screen and r.positions and r.positions[0] <= len(memory.lines):
            return ChangeCart(memory.lines[r.positions[0] - 1], "item", quantity)
        shown = state.shopping.candidates[:SHOWN]
        if r.positions and r.positions[0] <= len(shown):
            return ChangeCart(shown[r.positions[0] - 1].product_id, "product", quantity)
        if w.action == "quantity" and memory.last_item:
            return ChangeCart(memory.last_item, "item", quantity)
        it = re.search(r"\b(?:it|that)\b", r.text, re.I) is not None
        if w.action == "remove" and it and memory.last_item:
            return ChangeCart(memory.last_item, "item", 0)
        if w.action == "remove" and memory.lines and CART_WORD.search(r.text):
            return ChangeCart(r.text, "words", 0)  # "remove the socks from my cart"
        return None
    if w.action == "checkout":
        return Checkout(pay=w.pay)
    # a payment named: for the checkout on screen or the cart, else an order's payment
    pending = state.pending is not None and state.pending.action == "checkout"
    if pending or memory.lines or memory.checkout_waiting:
        return Checkout(pay=w.pay)
    return None


def _products(r: Reading, state: ConversationState) -> list[Shown]:
    shown = state.shopping.candidates[:SHOWN]
    if not shown:
        return []
    positions = r.positions or ((1,) if r.cart is not None and r.cart.top else ())
    if positions:
        return [shown[p - 1] for p in positions if p <= len(shown)]
    by_id = {s.product_id: s for s in state.shopping.candidates}
    focus = [by_id[p] for p in state.focus if p in by_id]
    if len(focus) == 1:
        return focus
    if len(shown) == 1:
        return shown
    said = r.text.lower()
    named = [  # "the blue one in size 10": those shown with such options, in stock first
        s
        for s in shown
        if any(
            re.search(rf"(?<![\w.]){re.escape(v.lower())}(?!\w|\.\d)", said)
            for vs in s.options.values()
            for v in vs
        )
    ]
    named.sort(key=lambda s: not s.in_stock)
    return named[:1]


def _fixed(product: Shown, text: str) -> tuple[tuple[str, str], ...]:
    """The options the search's constraints fixed for this product (one fitting value),
    except those the shopper names now ("in size 10" wins over the size searched for)."""
    return tuple(
        (k, vs[0])
        for k, vs in product.options.items()
        if len(vs) == 1 and not re.search(rf"\b{re.escape(k)}\b", text, re.I)
    )
