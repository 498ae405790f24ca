"""A shopper's profile, built on demand from what they did: the ranker's and agent's view of a user.

From behaviour events (weighted by kind: purchase > add-to-cart > click > view > search, thumbs
up/down and review ratings adding or subtracting, all decayed with a 60-day half-life towards
``now``), orders and the user's own reviews it derives: category and brand affinities, the price
band they buy in (overall and per category), preferred option values (sizes, colours, ...),
recent searches, and the aspects their reviews praise or complain about.

Nothing is cached or stored: a profile reflects the events in the store at the moment it is
built, so it updates as new events arrive. ``build_profiles`` does the same for many users in a
handful of queries (the ranker builds thousands).

Not here: hidden generator preferences (``HiddenTruth``, read only by tests and eval), how the
ranker uses a profile (``retrieval``), and anything learned; this is plain counting.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from store.aspects import mine_aspects
from store.errors import NotFound
from store.models import Event, EventKind, Item, Order, Product, Review, User

KIND_WEIGHTS: dict[str, float] = {
    EventKind.PURCHASE: 5.0,
    EventKind.ADD_TO_CART: 3.0,
    EventKind.CLICK: 1.5,
    EventKind.VIEW: 1.0,
    EventKind.SEARCH: 0.5,
    EventKind.FEEDBACK: 2.0,  # times the +1/-1 value
    EventKind.REVIEW: 2.0,  # times (rating - 3) / 2, so 5 stars is +2 and 1 star is -2
}
HALF_LIFE_DAYS = 60.0
RECENT_SEARCHES = 10
MAX_OPTION_VALUES = 3
_CHUNK = 500  # user ids per IN (...) list


class PriceBand(BaseModel):
    model_config = ConfigDict(frozen=True)

    low: float
    high: float


class UserProfile(BaseModel):
    """What the store knows a shopper likes. Affinity weights are normalised to sum to 1."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    as_of: datetime | None  # the "now" the decay was measured from; None without events
    categories: list[tuple[str, float]]  # (category_leaf, weight), strongest first
    brands: list[tuple[str, float]]
    price_band: PriceBand | None  # 20th-80th percentile of carted/purchased item prices
    category_price_bands: dict[str, PriceBand]
    preferred_options: dict[str, list[str]]  # {"size": ["10"], "color": ["Black"]}
    recent_searches: list[str]  # newest first
    praised_aspects: list[str]  # from the user's own reviews, most mentioned first
    disliked_aspects: list[str]
    event_counts: dict[str, int]  # per event kind
    event_count: int
    order_count: int
    review_count: int

    @property
    def top_category(self) -> str | None:
        return self.categories[0][0] if self.categories else None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


@dataclass(frozen=True)
class _Row:
    """One event with what it points at (product and item), as one joined query returns it."""

    kind: str
    query: str | None
    value: float | None
    ts: datetime
    leaf: str | None
    brand: str | None
    price: float | None  # the item's price, else the product's
    options: dict[str, Any] | None


@dataclass(frozen=True)
class _Vocabulary:
    """Category and brand names, to credit a search's words to them."""

    leaves: dict[str, str]  # lower-cased name or its singular -> category_leaf
    brands: dict[str, str]  # lower-cased brand -> brand

    def mentions(self, text: str) -> tuple[list[str], list[str]]:
        # Look up every 1-4 word run of the query: cheap for any vocabulary size.
        words = re.findall(r"[a-z0-9'&-]+", text.lower())
        grams = {" ".join(words[i : i + n]) for n in range(1, 5) for i in range(len(words))}
        leaves = sorted({self.leaves[g] for g in grams if g in self.leaves})
        brands = sorted({self.brands[g] for g in grams if g in self.brands})
        return leaves, brands


def _aware(ts: datetime) -> datetime:
    # SQLite hands back naive values; every timestamp in the store is UTC.
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def _decay(ts: datetime, now: datetime) -> float:
    age_days = max((now - ts).total_seconds() / 86_400, 0.0)
    return float(0.5 ** (age_days / HALF_LIFE_DAYS))


def _weight(row: _Row) -> float:
    base = KIND_WEIGHTS.get(row.kind, 0.0)
    if row.kind == EventKind.FEEDBACK:
        return base * (row.value or 0.0)
    if row.kind == EventKind.REVIEW:
        return base * ((row.value or 3.0) - 3.0) / 2.0
    return base


def _normalised(scores: dict[str, float]) -> list[tuple[str, float]]:
    positive = {k: v for k, v in scores.items() if v > 0}
    total = sum(positive.values())
    ranked = sorted(positive.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(k, round(v / total, 4)) for k, v in ranked]


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _band(prices: Sequence[float]) -> PriceBand:
    low, high = _percentile(prices, 0.2), _percentile(prices, 0.8)
    return PriceBand(low=round(low, 2), high=round(high, 2))


def _profile(
    user_id: str,
    rows: list[_Row],
    now: datetime | None,
    vocab: _Vocabulary,
    order_count: int,
    reviews: list[str],
) -> UserProfile:
    as_of = _aware(now) if now else max((r.ts for r in rows), default=None)
    categories: dict[str, float] = defaultdict(float)
    brands: dict[str, float] = defaultdict(float)
    options: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    prices: list[float] = []
    leaf_prices: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        w = _weight(row) * _decay(row.ts, as_of) if as_of else 0.0
        if row.kind == EventKind.SEARCH and row.query:
            leaves, named = vocab.mentions(row.query)
            for name in leaves:
                categories[name] += w / len(leaves)
            for name in named:
                brands[name] += w / len(named)
            continue
        if row.leaf:
            categories[row.leaf] += w
        if row.brand:
            brands[row.brand] += w
        if row.kind in (EventKind.PURCHASE, EventKind.ADD_TO_CART):
            if row.price is not None:
                prices.append(row.price)
                if row.leaf:
                    leaf_prices[row.leaf].append(row.price)
            for name, value in (row.options or {}).items():
                options[name][str(value)] += w
    preferred: dict[str, list[str]] = {}
    for name, weights in sorted(options.items()):
        ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        # Keep values close to the favourite: a second shoe size yes, a one-off colour no.
        top = ranked[0][1]
        preferred[name] = [v for v, x in ranked[:MAX_OPTION_VALUES] if x >= 0.25 * top and x > 0]
    searches = [
        r.query
        for r in sorted(rows, key=lambda r: r.ts, reverse=True)
        if r.kind == EventKind.SEARCH and r.query
    ]
    aspects: Counter[tuple[str, int]] = Counter()
    for text in reviews:
        aspects.update((m.aspect, m.sentiment) for m in mine_aspects(text))
    net: Counter[str] = Counter()
    for (aspect, sentiment), n in aspects.items():
        net[aspect] += sentiment * n
    return UserProfile(
        user_id=user_id,
        as_of=as_of,
        categories=_normalised(categories),
        brands=_normalised(brands),
        price_band=_band(prices) if prices else None,
        category_price_bands={
            leaf: _band(p) for leaf, p in sorted(leaf_prices.items()) if len(p) >= 2
        },
        preferred_options={k: v for k, v in preferred.items() if v},
        recent_searches=list(dict.fromkeys(searches))[:RECENT_SEARCHES],
        praised_aspects=[a for a, n in net.most_common() if n > 0],
        disliked_aspects=[a for a, n in sorted(net.items(), key=lambda kv: kv[1]) if n < 0],
        event_counts=dict(sorted(Counter(r.kind for r in rows).items())),
        event_count=len(rows),
        order_count=order_count,
        review_count=len(reviews),
    )


def _vocabulary(session: Session) -> _Vocabulary:
    leaves: dict[str, str] = {}
    for leaf in session.exec(select(Product.category_leaf).distinct()):
        if leaf:
            name = leaf.lower()
            leaves[name] = leaf
            leaves.setdefault(name[:-1] if name.endswith("s") else name, leaf)
    brands = {
        b.lower(): b for b in session.exec(select(Product.brand).distinct()) if b and len(b) > 1
    }
    return _Vocabulary(leaves, brands)


def _chunks(ids: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start : start + _CHUNK])


def build_profiles(
    session: Session, user_ids: Iterable[str], now: datetime | None = None
) -> dict[str, UserProfile]:
    """Profiles for many users in a few queries per 500 users; unknown ids raise NotFound."""
    ids = list(dict.fromkeys(user_ids))
    rows: dict[str, list[_Row]] = defaultdict(list)
    orders: dict[str, int] = {}
    reviews: dict[str, list[str]] = defaultdict(list)
    known: set[str] = set()
    for chunk in _chunks(ids):
        known.update(session.exec(select(User.user_id).where(col(User.user_id).in_(chunk))))
        events = (
            sa_select(
                col(Event.user_id),
                col(Event.kind),
                col(Event.query),
                col(Event.value),
                col(Event.ts),
                col(Product.category_leaf),
                col(Product.brand),
                func.coalesce(col(Item.price), col(Product.price)),
                col(Item.options),
            )
            .outerjoin(Product, col(Product.product_id) == col(Event.product_id))
            .outerjoin(Item, col(Item.item_id) == col(Event.item_id))
            .where(col(Event.user_id).in_(chunk))
        )
        # Wider than sqlmodel's typed select; the session's connection runs it in its transaction.
        for uid, kind, query, value, ts, leaf, brand, price, opts in session.connection().execute(
            events
        ):
            rows[uid].append(_Row(kind, query, value, _aware(ts), leaf, brand, price, opts))
        counted = (
            select(Order.user_id, func.count())
            .where(col(Order.user_id).in_(chunk))
            .group_by(col(Order.user_id))
        )
        orders.update({uid: n for uid, n in session.exec(counted)})
        texts = select(Review.user_id, Review.title, Review.text).where(
            col(Review.user_id).in_(chunk)
        )
        for uid, title, text in session.exec(texts):
            if uid is not None:  # always, given the IN filter; the column is nullable
                reviews[uid].append(f"{title}. {text}" if title else text)
    missing = [u for u in ids if u not in known]
    if missing:
        shown = ", ".join(repr(u) for u in missing[:5])
        raise NotFound(
            f"no user with id {shown}{' and more' if len(missing) > 5 else ''}; "
            "check the id (user ids look like 'noah_brown_6181'; `aisle info` counts users)"
        )
    searched = any(r.kind == EventKind.SEARCH for group in rows.values() for r in group)
    vocab = _vocabulary(session) if searched else _Vocabulary({}, {})
    return {
        uid: _profile(uid, rows[uid], now, vocab, orders.get(uid, 0), reviews[uid]) for uid in ids
    }


def build_profile(session: Session, user_id: str, now: datetime | None = None) -> UserProfile:
    """One user's profile from the events in the store right now; NotFound if no such user."""
    return build_profiles(session, [user_id], now)[user_id]
