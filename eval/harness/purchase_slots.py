"""Slots of the purchase flows: a signed-in shopper who can pay, and a category (with a colour
and a size for "buy the blue one in size 10").

- ``buy_variant``: a category, a colour and a size that an in-stock variant of some product in
  it has, and a shopper with a gift card whose balance covers every such variant (whichever
  the assistant shows first, the gift card pays for it);
- ``cart``: a category with products in stock and a shopper whose first payment method pays
  for any of them (not a gift card that falls short), so "check out" and a click on the first
  method lead to a confirmation.

Not here: the flows (``flows_purchase``), what they expect (``expect_purchase``).
"""

from __future__ import annotations

import random

from eval.harness.flow_types import Slots
from eval.harness.shopfacts import ShopFacts
from retrieval.documents import ProductRecord

MIN_PRODUCTS = 5  # the first search shows five, and "both" needs two of them


def _option(options: dict[str, object], *names: str) -> str | None:
    for key, value in options.items():
        if key.casefold() in names:
            return str(value)
    return None


def _leaves(facts: ShopFacts) -> list[str]:
    return sorted(
        leaf
        for leaf, records in facts.by_leaf.items()
        if sum(1 for r in records if any(i.available for i in r.items)) >= MIN_PRODUCTS
    )


def _max_price(records: list[ProductRecord]) -> float:
    return max((i.price for r in records for i in r.items), default=0.0)


def _gift_card_users(facts: ShopFacts, amount: float) -> list[str]:
    return sorted(
        user
        for user, methods in facts.methods.items()
        if any(
            source == "gift_card" and (balance or 0.0) >= amount for _, source, balance in methods
        )
    )


def buy_variant(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    combos: dict[tuple[str, str, str], float] = {}
    for leaf in _leaves(facts):
        for record in facts.by_leaf[leaf]:
            for item in record.items:
                options = dict(item.options)
                color = _option(options, "color", "colour")
                size = _option(options, "size")
                if item.available and color and size:
                    key = (leaf, color, size)
                    combos[key] = max(combos.get(key, 0.0), item.price)
    usable = [
        (key, price) for key, price in sorted(combos.items()) if _gift_card_users(facts, price)
    ]
    if not usable:
        return "no colour and size in stock that a shopper's gift card covers"
    (leaf, color, size), price = rng.choice(usable)
    user = rng.choice(_gift_card_users(facts, price))
    return Slots(category=leaf, color=color, size=size, user_id=user)


def cart(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    leaves = _leaves(facts)
    if not leaves:
        return f"no category with {MIN_PRODUCTS} products in stock"
    leaf = rng.choice(leaves)
    top = _max_price(facts.by_leaf[leaf]) * 2  # two of the dearest, for "make it two"
    users = sorted(
        user
        for user, methods in facts.methods.items()
        if methods and (methods[0][1] != "gift_card" or (methods[0][2] or 0.0) >= top)
    )
    if not users:
        return "no shopper whose first payment method covers the category's prices"
    return Slots(category=leaf, user_id=rng.choice(users))


PURCHASE_FILLERS = {"buy_variant": buy_variant, "cart": cart}
