"""What the demo shop's users do: browsing sessions, searches, carts, orders and reviews.

A user's hidden preferences (``store.demo.people.Prefs``) drive everything here. Over the 180
days before ``DEMO_AS_OF`` each user has browsing sessions: most in a favourite category (a
search phrased the way that person would type it, views and clicks mostly on products from
favourite brands or in their price band, carts and purchases of items in their size and colour),
some exploring elsewhere. Purchases become tau2-bench-shaped orders whose status follows their
age (recent ones pending or processed, older ones delivered, some cancelled, modified, returned
or exchanged, with the payment history each of those writes leaves); some delivered items get
a review whose rating follows the product's hidden quality.

Not here: who the users are and what they like (``store.demo.people``), the review wording
(``store.demo.reviews``), the order state machine the assistant runs (``tools``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from store.demo.catalog import DEMO_AS_OF, RowFactory
from store.demo.catalog_spec import category_by_leaf
from store.demo.reviews import rating_for, write_review
from store.models import (
    Event,
    EventKind,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    PaymentSource,
    Review,
    User,
)

if TYPE_CHECKING:
    from store.demo.people import Offer, Prefs, Shelf, ShopIndex, Variant

Pick = tuple["Offer", "Variant"]

HISTORY_DAYS = 180
_AFTER_NOUN = ("for", "with", "in", "that")
CANCEL_REASONS = ("no longer needed", "ordered by mistake")
# A gift card pays an order only within a believable load: per order and over its life.
GIFT_CARD_MAX_ORDER = 500.0
GIFT_CARD_MAX_SPEND = 1200.0


class UniqueIds:
    """Random numeric ids (``#W2611340``, ``credit_card_7815826``) that never repeat."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def draw(self, prefix: str, digits: int) -> str:
        while True:
            value = f"{prefix}{self._rng.randrange(10 ** (digits - 1), 10**digits)}"
            if value not in self._used:
                self._used.add(value)
                return value


@dataclass(frozen=True)
class RowMakers:
    """Row builders without per-row validation (``RowFactory``): a user makes ~120 events and a
    few orders, and the validating constructors would be most of the people stage's time.
    Every column must be passed."""

    event: RowFactory[Event] = field(default_factory=lambda: RowFactory(Event))
    order: RowFactory[Order] = field(default_factory=lambda: RowFactory(Order))
    order_item: RowFactory[OrderItem] = field(default_factory=lambda: RowFactory(OrderItem))
    review: RowFactory[Review] = field(default_factory=lambda: RowFactory(Review))


@dataclass
class Activity:
    events: list[Event] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    order_items: list[OrderItem] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)


@dataclass
class _User:
    """One user's simulation: who, what they like, and what they have done so far."""

    rng: random.Random
    user_id: str
    address: dict[str, Any]
    methods: list[PaymentMethod]
    prefs: Prefs
    index: ShopIndex
    ids: UniqueIds
    end: datetime
    rows: RowMakers
    out: Activity = field(default_factory=Activity)
    cart: list[Pick] = field(default_factory=list)  # carted, not yet bought
    gift_spent: dict[str, float] = field(default_factory=dict)

    def emit(
        self,
        kind: EventKind,
        ts: datetime,
        session: str | None,
        offer: Offer | None = None,
        variant: Variant | None = None,
        query: str | None = None,
        value: float | None = None,
    ) -> None:
        self.out.events.append(
            self.rows.event(
                id=None,
                user_id=self.user_id,
                session_id=session,
                kind=kind.value,
                product_id=offer.product_id if offer else None,
                item_id=variant.item_id if variant else None,
                query=query,
                value=value,
                ts=ts,
            )
        )


def simulate_user(
    rng: random.Random,
    user: User,
    methods: list[PaymentMethod],
    prefs: Prefs,
    index: ShopIndex,
    ids: UniqueIds,
    rows: RowMakers,
) -> Activity:
    """Everything one user did, events in time order."""
    end = DEMO_AS_OF
    sim = _User(rng, user.user_id, dict(user.address or {}), methods, prefs, index, ids, end, rows)
    span = HISTORY_DAYS * 86_400 - 7_200
    # Activity thickens towards the present (u**1.3), so some orders are still pending.
    starts = sorted(
        end - timedelta(seconds=7_200 + span * rng.random() ** 1.3) for _ in range(prefs.sessions)
    )
    for n, start in enumerate(starts):
        _session(sim, f"{user.user_id}-{n:02d}", start)
    sim.out.events.sort(key=lambda e: e.ts)
    return sim.out


def _pick_liked(rng: random.Random, shelf: Shelf, prefs: Prefs) -> Offer:
    r = rng.random()
    brands = prefs.brands.get(shelf.leaf, ())
    pool: Sequence[Offer] = ()
    if r < 0.45 and brands:
        brand = rng.choice(brands)
        pool = shelf.brand_in_band.get((brand, prefs.price_sensitivity)) or shelf.by_brand[brand]
    elif r < 0.85:
        pool = shelf.in_band[prefs.price_sensitivity]
    return rng.choice(pool or shelf.offers)


def _picker(sim: _User, shelf: Shelf, explore: bool) -> Callable[[], Offer]:
    rng, prefs = sim.rng, sim.prefs

    def pick() -> Offer:
        # A few redraws skip products cut for the other fit; no scan of the shelf.
        for _ in range(4):
            offer = rng.choice(shelf.offers) if explore else _pick_liked(rng, shelf, prefs)
            if prefs.wears(offer):
                break
        return offer

    return pick


def _session(sim: _User, session: str, start: datetime) -> None:
    rng, prefs = sim.rng, sim.prefs
    favourites = [leaf for leaf, _ in prefs.categories]
    others = [leaf for leaf in sim.index.leaves if leaf not in favourites]
    explore = bool(others) and rng.random() < prefs.exploration
    if explore:
        leaf = rng.choice(others)
    else:
        leaf = rng.choices(favourites, weights=[w for _, w in prefs.categories])[0]
    shelf = sim.index.shelves[leaf]
    pick = _picker(sim, shelf, explore)
    t = start
    viewed = [pick()]
    if rng.random() < 0.75:
        sim.emit(EventKind.SEARCH, t, session, query=search_query(rng, viewed[0], prefs, explore))
    for _ in range(rng.randint(2, 6)):
        offer = pick()
        if offer not in viewed:
            viewed.append(offer)
    basket: list[Pick] = []
    for offer in viewed:
        t += timedelta(seconds=rng.randint(8, 150))
        sim.emit(EventKind.VIEW, t, session, offer)
        liked = not explore and prefs.likes(offer)
        if rng.random() < (0.6 if liked else 0.25):
            t += timedelta(seconds=rng.randint(5, 90))
            sim.emit(EventKind.CLICK, t, session, offer)
            variant = (
                choose_variant(rng, offer, prefs)
                if rng.random() < (0.35 if liked else 0.05)
                else None
            )
            if variant is not None:
                t += timedelta(seconds=rng.randint(10, 120))
                sim.emit(EventKind.ADD_TO_CART, t, session, offer, variant)
                (basket if rng.random() < 0.5 else sim.cart).append((offer, variant))
        if rng.random() < 0.04:
            sim.emit(EventKind.FEEDBACK, t, session, offer, value=1.0 if liked else -1.0)
    if basket:
        # Shoppers often check out what they left in the cart last time, too.
        while sim.cart and len(basket) < 4 and rng.random() < 0.5:
            basket.append(sim.cart.pop(0))
        t += timedelta(seconds=rng.randint(30, 300))
        for offer, variant in basket:
            sim.emit(EventKind.PURCHASE, t, session, offer, variant)
        _order(sim, basket, t)


def choose_variant(rng: random.Random, offer: Offer, prefs: Prefs) -> Variant | None:
    """An available item in the user's size, preferring their colours; None if none fits."""
    fits = [(prefs.item_fit(v), v) for v in offer.variants]
    scored = [(score, v) for score, v in fits if score is not None]
    if not scored:
        return None
    best = max(score for score, _ in scored)
    return rng.choice([v for score, v in scored if score == best])


def _nice_ceiling(price: float) -> int:
    step = 10 if price < 100 else 50 if price < 500 else 100
    return int(-(-price // step) * step)


def search_query(rng: random.Random, offer: Offer, prefs: Prefs, explore: bool) -> str:
    """What this person would type to find ``offer``: category words plus, sometimes, the
    brand, an attribute phrase and a price cap from their own band."""
    spec = category_by_leaf().get(offer.leaf)
    noun = rng.choice(spec.synonyms) if spec and spec.synonyms else offer.leaf.lower()
    before: list[str] = []
    after: list[str] = []
    if offer.brand and rng.random() < 0.35:
        before.append(offer.brand.lower())
    if spec and rng.random() < 0.45:
        attrs = offer.product.attributes or {}
        phrases = [
            phrase
            for attr in spec.attributes
            if isinstance(value := attrs.get(attr.key), str | int | float | bool)
            for phrase in attr.query.get(value, ())
        ]
        if phrases:
            phrase = rng.choice(phrases)
            (after if phrase.split()[0] in _AFTER_NOUN else before).append(phrase)
    band = prefs.price_bands.get(offer.leaf)
    if band and not explore and rng.random() < 0.25:
        after.append(f"under ${_nice_ceiling(band[1])}")
    return " ".join([*before, noun, *after])


def _alternative(rng: random.Random, offer: Offer, line: OrderItem) -> Variant | None:
    """Another available item of the same product (for modifications and exchanges)."""
    others = [v for v in offer.variants if v.item_id != line.item_id]
    return rng.choice(others) if others else None


def _status(rng: random.Random, age_days: float) -> OrderStatus:
    S = OrderStatus
    if age_days < 7:
        return rng.choices(
            (S.PENDING, S.PENDING_ITEM_MODIFIED, S.PROCESSED, S.CANCELLED), (0.55, 0.12, 0.18, 0.15)
        )[0]
    if age_days < 14:
        return rng.choices((S.PROCESSED, S.DELIVERED, S.CANCELLED), (0.5, 0.35, 0.15))[0]
    return rng.choices(
        (S.DELIVERED, S.RETURN_REQUESTED, S.EXCHANGE_REQUESTED, S.CANCELLED),
        (0.75, 0.08, 0.07, 0.10),
    )[0]


def _covers(sim: _User, method: PaymentMethod, amount: float) -> bool:
    if method.source != PaymentSource.GIFT_CARD:
        return True
    spent = sim.gift_spent.get(method.id, 0.0)
    return amount <= GIFT_CARD_MAX_ORDER and spent + amount <= GIFT_CARD_MAX_SPEND


def _charge(sim: _User, method: PaymentMethod, amount: float) -> None:
    """Track what a gift card has paid (refunds are negative), so it stays believable."""
    if method.source == PaymentSource.GIFT_CARD:
        sim.gift_spent[method.id] = round(sim.gift_spent.get(method.id, 0.0) + amount, 2)


def _pay_with(sim: _User, total: float) -> PaymentMethod:
    # The first method is never a gift card (see people.make_payment_methods): always usable.
    usable = [m for m in sim.methods if _covers(sim, m, total)]
    method = sim.rng.choice(usable)
    _charge(sim, method, total)
    return method


def _entry(kind: str, amount: float, method_id: str) -> dict[str, Any]:
    return {"transaction_type": kind, "amount": round(amount, 2), "payment_method_id": method_id}


def _order(sim: _User, basket: list[Pick], ts: datetime) -> None:
    rng, end = sim.rng, sim.end
    order_id = sim.ids.draw("#W", 7)
    # tau2 names an order line by its product type ("Running Shoes"), not the listing title.
    lines = [
        sim.rows.order_item(
            id=None,
            order_id=order_id,
            seq=n,
            product_id=o.product_id,
            item_id=v.item_id,
            name=o.product.product_type or o.leaf,
            price=v.price,
            options=dict(v.options),
        )
        for n, (o, v) in enumerate(basket)
    ]
    total = round(sum(line.price for line in lines), 2)
    method = _pay_with(sim, total)
    status = _status(rng, (end - ts).total_seconds() / 86_400)
    order = sim.rows.order(
        order_id=order_id,
        user_id=sim.user_id,
        status=status.value,
        address=dict(sim.address),
        fulfillments=[],
        payment_history=[_entry("payment", total, method.id)],
        cancel_reason=None,
        return_items=None,
        return_payment_method_id=None,
        exchange_items=None,
        exchange_new_items=None,
        exchange_payment_method_id=None,
        exchange_price_difference=None,
        seq=0,
        created_at=ts,
        updated_at=ts,
    )
    later = min(ts + timedelta(days=rng.uniform(0.2, 1.5)), end - timedelta(minutes=5))
    if status == OrderStatus.CANCELLED:
        order.cancel_reason = rng.choice(CANCEL_REASONS)
        order.payment_history = [*(order.payment_history or []), _entry("refund", total, method.id)]
        _charge(sim, method, -total)
    elif status == OrderStatus.PENDING_ITEM_MODIFIED:
        _modify(sim, order, lines, basket, method)
    elif status != OrderStatus.PENDING:
        order.fulfillments = [
            {
                "tracking_id": [str(rng.randrange(10**11, 10**12))],
                "item_ids": [line.item_id for line in lines],
            }
        ]
        if status in (OrderStatus.RETURN_REQUESTED, OrderStatus.EXCHANGE_REQUESTED):
            later = min(ts + timedelta(days=rng.uniform(5, 25)), end - timedelta(minutes=5))
            _request(sim, order, lines, basket, method)
    order.updated_at = later if order.status != OrderStatus.PENDING else ts
    sim.out.orders.append(order)
    sim.out.order_items.extend(lines)
    if order.status in (
        OrderStatus.DELIVERED,
        OrderStatus.RETURN_REQUESTED,
        OrderStatus.EXCHANGE_REQUESTED,
    ):
        _reviews(sim, order, basket, ts)


def _modify(
    sim: _User, order: Order, lines: list[OrderItem], basket: list[Pick], method: PaymentMethod
) -> None:
    """What tau2's modify-pending-order-items leaves: new items, a payment or refund entry."""
    n = sim.rng.randrange(len(lines))
    line = lines[n]
    new = _alternative(sim.rng, basket[n][0], line)
    if new is None:
        order.status = OrderStatus.PENDING.value
        return
    diff = round(new.price - line.price, 2)
    line.item_id, line.price, line.options = new.item_id, new.price, dict(new.options)
    if diff:
        pay = method if diff < 0 or _covers(sim, method, diff) else sim.methods[0]
        kind = "payment" if diff > 0 else "refund"
        order.payment_history = [*(order.payment_history or []), _entry(kind, abs(diff), pay.id)]
        _charge(sim, pay, diff)


def _request(
    sim: _User, order: Order, lines: list[OrderItem], basket: list[Pick], method: PaymentMethod
) -> None:
    """The fields tau2's return and exchange writes set on a delivered order."""
    rng = sim.rng
    chosen = sorted(rng.sample(range(len(lines)), rng.randint(1, len(lines))))
    if order.status == OrderStatus.RETURN_REQUESTED:
        order.return_items = sorted(lines[n].item_id for n in chosen)
        order.return_payment_method_id = method.id
        return
    swaps = [
        (lines[n], new)
        for n in chosen
        if (new := _alternative(rng, basket[n][0], lines[n])) is not None
    ]
    if not swaps:
        order.status = OrderStatus.DELIVERED.value
        return
    order.exchange_items = sorted(line.item_id for line, _ in swaps)
    order.exchange_new_items = sorted(new.item_id for _, new in swaps)
    diff = round(sum(new.price - line.price for line, new in swaps), 2)
    # tau2 charges a positive difference only to a gift card whose balance covers it.
    short = method.source == PaymentSource.GIFT_CARD and (method.balance or 0.0) < diff
    order.exchange_payment_method_id = sim.methods[0].id if short else method.id
    order.exchange_price_difference = diff


def _reviews(sim: _User, order: Order, basket: list[Pick], ts: datetime) -> None:
    rng = sim.rng
    returned = set(order.return_items or ())
    for offer, variant in basket:
        if rng.random() >= 0.35:
            continue
        when = ts + timedelta(days=rng.uniform(4, 30))
        if when >= sim.end:
            continue
        rating = rating_for(rng, offer.quality)
        if variant.item_id in returned:  # people return what disappointed them
            rating = min(rating, rng.choice((1, 2)))
        title, text = write_review(rng, offer.product, offer.quality, rating)
        sim.out.reviews.append(
            sim.rows.review(
                id=None,
                product_id=offer.product_id,
                user_id=sim.user_id,
                rating=rating,
                title=title,
                text=text,
                created_at=when,
            )
        )
        # A review is its own visit (from the "how was it?" email), not part of a session.
        sim.emit(EventKind.REVIEW, when, None, offer, variant, value=float(rating))
