"""Filling a conversation's slots from the shop, deterministically by seed.

Each flow names a filler (``Flow.fill``); a filler reads the shop's facts and returns the
``Slots`` of one conversation, or the reason the shop cannot host the flow ("no user with
exactly one pending order"). Choices are drawn with the conversation's own ``random.Random``,
so a seed gives the same slots and different conversations of a flow differ.

What is chosen: categories with many products; a brand with several products in a category
(and other brands beside it); a cap some products meet and some do not, a second lower cap,
a cap below the category's cheapest price; a colour offered in the category; users with two
orders or more, exactly one pending order, two pending or more, none pending; a delivered
order and one of its items; another customer's order; things the shop does not sell (each
word appears nowhere in the catalog) and well-known brands it does not carry.

Two flows take their topic from the phrasing, as flows.md has no placeholder for it:
``vague_room`` uses the room the phrasing names ("kitchen", "office"), ``unfilterable`` the
shop's wish ("tent" with "4 people" in the outdoor shop, "dress" with "black" in fashion).
``phrasing_fits`` says which phrasings a shop can use.

Not here: the shop facts (``shopfacts``), the phrasings (``banks``).
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable

from eval.harness.checks import has_value
from eval.harness.dialogue_tasks import nice_cap
from eval.harness.flow_types import Flow, Slots
from eval.harness.purchase_slots import PURCHASE_FILLERS
from eval.harness.shopfacts import OrderFacts, ShopFacts, name_key
from retrieval.documents import ItemRecord, ProductRecord, norm_key

MANY = 6  # a category with this many products invites a clarifying question
THINGS = (
    "kayak",
    "canoe",
    "surfboard",
    "piano",
    "violin",
    "trampoline",
    "lawnmower",
    "chainsaw",
    "saddle",
    "snowboard",
    "telescope",
    "harp",
    "wetsuit",
    "jet ski",
    "hot tub",
    "sewing machine",
    "dartboard",
    "wheelbarrow",
    "birdhouse",
    "chandelier",
    "microscope",
    "motorbike",
    "pool table",
    "tuba",
    "fridge",
)  # "a {thing}": no vowels
BRANDS_FOR = {
    "running shoe": ("Nike", "Adidas", "Asics", "Brooks", "Hoka", "New Balance", "Saucony"),
    "laptop": ("Apple", "Dell", "Lenovo", "HP", "Asus", "Acer", "Microsoft"),
    "sunglass": ("Ray-Ban", "Oakley", "Persol", "Maui Jim", "Gucci", "Prada"),
}
UNKNOWN_BRAND_CATEGORIES = {"demo": ("running shoe", "laptop"), "fashion": ("sunglass",)}
ROOMS = {  # the room a phrasing names -> words of the category paths that fit it
    "kitchen": ("kitchen",),
    "office": ("office",),
    "garden": ("garden", "patio"),
    "bedroom": ("bedroom", "bedding"),
    "bathroom": ("bath",),
    "living room": ("living",),
}
WISHES = {"outdoor": ("tent", "4 people"), "fashion": ("dress", "black")}
_CAPACITY_KEYS = re.compile(r"capacity|sleeps|people|person|occupan|berth", re.IGNORECASE)
Filler = Callable[[ShopFacts, random.Random, str], "Slots | str"]


def fill(flow: Flow, facts: ShopFacts, rng: random.Random, first: str = "") -> Slots | str:
    """The slots of one conversation of ``flow`` (``first``: its first message, unfilled)."""
    return FILLERS[flow.fill](facts, rng, first)


def phrasing_fits(flow: Flow, facts: ShopFacts, text: str) -> bool:
    if flow.fill == "room":
        return any(_fitting(facts, room) for room in _rooms_in(text))
    if flow.fill == "unfilterable":
        word = WISHES.get(facts.name, ("", ""))[0]
        return bool(word) and re.search(rf"\b{word}", text, re.IGNORECASE) is not None
    return True


# --- the catalog ------------------------------------------------------------------------------


def _many(facts: ShopFacts) -> list[str]:
    sized = sorted(((len(v), k) for k, v in facts.by_leaf.items() if len(v) >= 2), reverse=True)
    many = sorted(k for n, k in sized if n >= MANY)
    return many or sorted(k for _, k in sized[:5])


def _category(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    many = _many(facts)
    return Slots(category=rng.choice(many)) if many else "no category has 2+ products"


def _variant_type(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    leaves = sorted(
        k
        for k, v in facts.by_leaf.items()
        if len(v) == 1
        and len(v[0].items) >= 4
        and any(len(vals) >= 2 for vals in v[0].option_values().values())
    )
    if not leaves:
        return "no product type with one product and 4+ variants"
    return Slots(category=rng.choice(leaves))


def _thing(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    unsold = [t for t in THINGS if not any(facts.mentions_word(w) for w in t.split())]
    return Slots(thing=rng.choice(unsold)) if unsold else "the catalog mentions every thing"


def _other_brand(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    """A well-known brand of a product type the shop sells (the shop's own list first, else
    every type ``BRANDS_FOR`` knows, so any catalog with such a type can host the flow) that
    the catalog never mentions."""
    kinds = UNKNOWN_BRAND_CATEGORIES.get(facts.name) or tuple(BRANDS_FOR)
    for kind in rng.sample(kinds, len(kinds)):
        leaves = [leaf for leaf in facts.by_leaf if name_key(leaf) == name_key(kind)]
        brands = [
            b
            for b in BRANDS_FOR[kind]
            if not any(facts.mentions_word(w) for w in re.findall(r"\w+", b.lower()))
        ]
        if leaves and brands:
            return Slots(category=leaves[0], other_brand=rng.choice(brands))
    return f"none of {', '.join(kinds)} is sold here"


def _unfilterable(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    word, wish = WISHES.get(facts.name, ("", ""))
    leaves = [leaf for leaf in facts.by_leaf if word and word in name_key(leaf).split()]
    if not leaves:
        return f"no {word or 'unfilterable'} category in the {facts.name} shop"
    leaf = rng.choice(sorted(leaves))
    values = facts.category_values(leaf)
    if wish == "black" and any("black" in v for v in values.values()):
        return f"{leaf} has a colour to filter on"
    if wish == "4 people" and any(_CAPACITY_KEYS.search(k) for k in values):
        return f"{leaf} has a capacity to filter on"
    return Slots(category=leaf, wish=wish)


def _rooms_in(text: str) -> list[str]:
    return [room for room in ROOMS if re.search(rf"\b{room}\b", text, re.IGNORECASE)]


def _fitting(facts: ShopFacts, room: str) -> list[str]:
    return sorted(
        {
            r.category_leaf
            for r in facts.truth.records.values()
            if any(w in name_key(r.category) for w in ROOMS[room])
        }
    )


def _room(facts: ShopFacts, rng: random.Random, first: str) -> Slots | str:
    rooms = [r for r in _rooms_in(first) if _fitting(facts, r)]
    if not rooms:
        return f"the phrasing names no room this shop has: {first!r}"
    return Slots(room=rooms[0], fitting=_fitting(facts, rooms[0]))


def _prices(facts: ShopFacts, leaf: str, value: str | None = None) -> list[float]:
    """Per product of ``leaf``, its lowest price (among variants with ``value``), sorted."""
    out = []
    for record in facts.by_leaf.get(leaf, []):
        items = [i for i in record.items if value is None or _has(record, i, value)]
        if items:
            out.append(min(i.price for i in items))
    return sorted(out)


def _has(record: ProductRecord, item: ItemRecord, value: str) -> bool:
    return has_value(record, item, None, value)


def _cap(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    for leaf in rng.sample(_many(facts), len(_many(facts))):
        prices = _prices(facts, leaf)
        cap = int(nice_cap(prices[len(prices) // 2]))
        if prices[0] <= cap < prices[-1]:
            return Slots(category=leaf, cap=cap)
    return "no category whose prices a cap splits"


def _cap_pair(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    for leaf in rng.sample(_many(facts), len(_many(facts))):
        prices = _prices(facts, leaf)
        cap = int(nice_cap(prices[(len(prices) * 2) // 3]))
        cap2 = int(nice_cap(prices[len(prices) // 4]))
        if cap2 >= cap:
            cap2 = math.floor((prices[0] + cap) / 2)
        if prices[0] <= cap2 < cap < prices[-1]:
            return Slots(category=leaf, cap=cap, cap2=cap2)
    return "no category with room for two caps"


def _cap_below(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    many = _many(facts)
    if not many:
        return "no category has 2+ products"
    leaf = rng.choice(many)
    cheapest = _prices(facts, leaf)[0]
    cap = math.floor(cheapest / 2)
    cap = cap - cap % 10 if cap >= 20 else cap - cap % 5 if cap >= 10 else cap
    return Slots(category=leaf, cap=cap) if cap >= 1 else f"{leaf} has nothing to go under"


def colours(facts: ShopFacts, leaf: str) -> dict[str, str]:
    """Colour value (as the catalog spells it) -> its option or attribute key, in ``leaf``."""
    out: dict[str, str] = {}
    for record in facts.by_leaf.get(leaf, []):
        pairs = [(k, v) for i in record.items for k, v in i.options.items()]
        pairs += list(record.attributes.items())
        for key, value in pairs:  # facets read from text hold lists ("color": ["grey"])
            for one in value if isinstance(value, list) else [value]:
                if "colo" in norm_key(key) and isinstance(one, str) and one.strip():
                    out.setdefault(one, key)
    return dict(sorted(out.items()))


def _colour(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    choices = [
        (leaf, v, k)
        for leaf in _many(facts)
        for v, k in colours(facts, leaf).items()
        if len(_prices(facts, leaf, v)) >= 2
    ]
    if not choices:
        return "no category offers a colour in two products"
    leaf, value, key = rng.choice(choices)
    return Slots(category=leaf, value=value, value_key=key)


def _specific(facts: ShopFacts, rng: random.Random, first: str) -> Slots | str:
    slots = _colour(facts, rng, first)
    if isinstance(slots, str):
        return slots
    prices = _prices(facts, slots.category or "", slots.value)
    slots.cap = int(nice_cap(prices[len(prices) // 2]))
    return slots


def _brand(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    choices = []
    for leaf in _many(facts):
        brands = [r.brand for r in facts.by_leaf[leaf] if r.brand]
        choices += [
            (leaf, b) for b in sorted(set(brands)) if brands.count(b) >= 2 and len(set(brands)) >= 2
        ]
    if not choices:
        return "no category with two products of one brand and another brand"
    leaf, brand = rng.choice(choices)
    return Slots(category=leaf, brand=brand)


def _stock(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    both: list[tuple[str, str, str]] = []  # some variants with the value out of stock
    some: list[tuple[str, str, str]] = []
    for leaf in sorted(facts.by_leaf):
        for value, key in colours(facts, leaf).items():
            with_value = [i for r in facts.by_leaf[leaf] for i in r.items if _has(r, i, value)]
            if any(i.available for i in with_value):
                (both if not all(i.available for i in with_value) else some).append(
                    (leaf, value, key)
                )
    if not (both or some):
        return "no colour with an in-stock variant"
    leaf, value, key = rng.choice(both or some)
    return Slots(category=leaf, value=value, value_key=key)


# --- accounts --------------------------------------------------------------------------------


def _users(facts: ShopFacts, test: Callable[[list[OrderFacts]], bool]) -> list[str]:
    by_user: dict[str, list[OrderFacts]] = {}
    for order in facts.orders:
        by_user.setdefault(order.user_id, []).append(order)
    return sorted(u for u, orders in by_user.items() if test(orders) and u in facts.emails)


def _pending(orders: list[OrderFacts]) -> list[OrderFacts]:
    return [o for o in orders if o.status == "pending"]


def _account(name: str, test: Callable[[list[OrderFacts]], bool], why: str) -> Filler:
    def filler(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
        users = _users(facts, test)
        if not users:
            return f"no user with {why}"
        user = rng.choice(users)
        orders = facts.orders_of(user)
        pending = [o.order_id for o in _pending(orders)]
        chosen = orders[-1].order_id if name == "recent" else next(iter(pending), None)
        return Slots(user_id=user, order_id=chosen, orders=pending)

    return filler


def _guest(pending_only: bool) -> Filler:
    def filler(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
        orders = [
            o
            for o in facts.orders
            if o.user_id in facts.emails and (o.status == "pending" or not pending_only)
        ]
        if not orders:
            return "no order with a known email" + (" that is pending" if pending_only else "")
        order = rng.choice(orders)
        return Slots(order_id=order.order_id, email=facts.emails[order.user_id])

    return filler


def _delivered_item(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    choices = []
    for order in facts.orders:
        names = [li.name for li in order.lines]
        if order.status == "delivered" and order.user_id in facts.emails:
            choices += [(order, n) for n in names if names.count(n) == 1]
    if not choices:
        return "no delivered order with an item named once"
    order, item = rng.choice(choices)
    return Slots(user_id=order.user_id, order_id=order.order_id, item=item)


def _other_order(facts: ShopFacts, rng: random.Random, _: str) -> Slots | str:
    users = _users(facts, lambda orders: True)
    if len(users) < 2:
        return "fewer than two users with orders"
    user = rng.choice(users)
    theirs = [o for o in facts.orders if o.user_id != user]
    return Slots(user_id=user, order_id=rng.choice(theirs).order_id)


FILLERS: dict[str, Filler] = {
    "none": lambda facts, rng, first: Slots(),
    "category": _category,
    "variant_type": _variant_type,
    "thing": _thing,
    "other_brand": _other_brand,
    "unfilterable": _unfilterable,
    "room": _room,
    "cap": _cap,
    "cap_pair": _cap_pair,
    "cap_below": _cap_below,
    "colour": _colour,
    "specific": _specific,
    "brand": _brand,
    "stock": _stock,
    "recent": _account("recent", lambda o: len(o) >= 2, "two orders or more"),
    "one_pending": _account(
        "pending",
        lambda o: len(_pending(o)) == 1 and not any(x.status.startswith("pending (") for x in o),
        "exactly one pending order",
    ),
    "many_pending": _account(
        "pending", lambda o: len(_pending(o)) >= 2, "two pending orders or more"
    ),
    "none_pending": _account(
        "none", lambda o: not any(x.status.startswith("pending") for x in o), "orders, none pending"
    ),
    "guest_pending": _guest(True),
    "guest_any": _guest(False),
    "delivered_item": _delivered_item,
    "other_order": _other_order,
    **PURCHASE_FILLERS,
}
