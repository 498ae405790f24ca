"""Why a product is recommended, built only from facts: each ``Reason`` cites its values.

Reasons come from the constraints a product meets ("under your $100 cap: $89.99", with the
price of the variant suggested: one that meets every constraint, in stock when one is), the
signed-in shopper's history ("you bought Paceline twice", "in your usual size 10", "in your
usual price range"), its rating with the number of reviews behind it ("4.6 stars from 120
reviews"; "only 3 reviews so far"), what its reviews say (``store.aspects``: "reviewers praise
the cushioning"; "some mention problems with the fit"), wishes the catalog cannot filter on
that its own text mentions ("its description mentions 4-person"), and how it differs from the
others shown (``set_apart``: "the cheapest of these"). There is no filler reason: a product
with nothing specific to say gets fewer reasons, never "matches your words".

Not here: ranking, persuasive wording, anything not in the store.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from sqlmodel import col, select

from retrieval.documents import ProductRecord, norm_key, norm_value, value_list
from retrieval.search import Candidate
from store.aspects import AspectSummary, summarize_aspects
from store.db import Store
from store.models import Order, OrderItem, OrderStatus, Product, Review
from store.profiles import UserProfile, build_profile
from tools.checks import matching_items
from tools.constraints import Constraints

ReasonKind = Literal["constraint", "profile", "rating", "reviews", "mention", "stock", "differs"]
FactValue = str | float | int
MIN_MENTIONS = 2  # an aspect needs this many reviews saying so to be "reviewers praise"
FEW_REVIEWS = 5  # a rating from fewer reviews is said to be from few
MIN_SET_APART_REVIEWS = 10  # "the best rated of these" needs this many reviews behind it
_TIMES = {1: "once", 2: "twice"}


@dataclass(frozen=True)
class Reason:
    """One reason: ``text`` in English (for the model and logs), and ``name`` with ``values``
    for the reply, which words it in the shopper's language (``assistant.respond.texts``
    names, such as "why_under"). Values are the facts as shown: prices formatted, catalog
    words as spelt, lists as tuples; the reply adds the words that depend on the language
    ("twice", "reviews") from ``facts``."""

    kind: ReasonKind
    text: str
    facts: Mapping[str, FactValue] = field(default_factory=dict)
    name: str = field(default="", compare=False)
    values: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Recommendation:
    """A product as the reply shows it: the price of the variant that fits, and its reasons."""

    product_id: str
    title: str
    brand: str
    price: float
    item_id: str | None
    rating: float
    rating_count: int
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class ProfileFacts:
    """A profile plus the counts reasons cite ("you bought Paceline twice")."""

    profile: UserProfile
    brand_purchases: Mapping[str, int] = field(default_factory=dict)


def load_profile_facts(store: Store, user_id: str, now: datetime | None = None) -> ProfileFacts:
    """The user's profile and order lines per brand (cancelled orders left out)."""
    with store.session() as session:
        profile = build_profile(session, user_id, now)
        rows = session.exec(
            select(Product.brand)
            .join(OrderItem, col(OrderItem.product_id) == col(Product.product_id))
            .join(Order, col(Order.order_id) == col(OrderItem.order_id))
            .where(Order.user_id == user_id, Order.status != OrderStatus.CANCELLED)
        ).all()
    return ProfileFacts(profile, dict(Counter(b for b in rows if b)))


def review_summaries(store: Store, product_ids: Sequence[str]) -> dict[str, list[AspectSummary]]:
    """Aspect summaries of each product's stored reviews, in one query."""
    texts: dict[str, list[str]] = defaultdict(list)
    with store.session() as session:
        rows = session.exec(
            select(Review.product_id, Review.title, Review.text)
            .where(col(Review.product_id).in_(list(product_ids)))
            .order_by(col(Review.id))
        ).all()
    for pid, title, text in rows:
        texts[pid].append(f"{title}. {text}" if title else text)
    return {pid: summarize_aspects(texts.get(pid, [])) for pid in product_ids}


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _label(key: str) -> str:
    return key.replace("_", " ")


def _offered(record: ProductRecord, key: str, items: Sequence[object]) -> set[str]:
    nkey = norm_key(key)
    have = {
        v for k, val in record.attributes.items() if norm_key(k) == nkey for v in value_list(val)
    }
    for item in items:
        options = getattr(item, "options", {})
        have.update(v for k, val in options.items() if norm_key(k) == nkey for v in value_list(val))
    return have


def _constraint_reasons(
    record: ProductRecord, c: Constraints, price: float, items: Sequence[object]
) -> list[Reason]:
    out: list[Reason] = []
    if c.price_max is not None and c.price_min is not None:
        out.append(
            Reason(
                "constraint",
                f"within your {_money(c.price_min)}-{_money(c.price_max)} range: {_money(price)}",
                {"price": price, "price_min": c.price_min, "price_max": c.price_max},
                "why_range",
                {"low": _money(c.price_min), "high": _money(c.price_max), "price": _money(price)},
            )
        )
    elif c.price_max is not None:
        out.append(
            Reason(
                "constraint",
                f"under your {_money(c.price_max)} cap: {_money(price)}",
                {"price": price, "price_max": c.price_max},
                "why_under",
                {"cap": _money(c.price_max), "price": _money(price)},
            )
        )
    elif c.price_min is not None:
        out.append(
            Reason(
                "constraint",
                f"over your {_money(c.price_min)} minimum: {_money(price)}",
                {"price": price, "price_min": c.price_min},
                "why_over",
                {"floor": _money(c.price_min), "price": _money(price)},
            )
        )
    if c.brands:
        out.append(
            Reason(
                "constraint",
                f"by {record.brand}, as you asked",
                {"brand": record.brand},
                "why_brand",
                {"brand": record.brand},
            )
        )
    for key, wanted in c.attributes.items():
        have = _offered(record, key, items)
        hits = [w for w in wanted if norm_value(w) in have]
        if not hits:
            continue
        text = (
            f"{_label(key)}, as you asked"
            if hits == ["yes"]
            else f"{_label(key)} {' or '.join(hits)}, as you asked"
        )
        out.append(
            Reason(
                "constraint",
                text,
                {"attribute": key, "value": ", ".join(hits)},
                "why_feature" if hits == ["yes"] else "why_attribute",
                {"key": _label(key)}
                if hits == ["yes"]
                else {"key": _label(key), "values": tuple(hits)},
            )
        )
    if c.min_rating is not None:
        out.append(
            Reason(
                "constraint",
                f"rated {record.rating_avg:.1f}, at or above your {c.min_rating:g}-star minimum",
                {"rating": round(record.rating_avg, 1), "min_rating": c.min_rating},
                "why_min_rating",
                {"stars": f"{record.rating_avg:.1f}", "minimum": f"{c.min_rating:g}"},
            )
        )
    if c.in_stock:
        out.append(Reason("constraint", "in stock", {"in_stock": "yes"}, "why_in_stock"))
    return out


def _profile_reasons(
    record: ProductRecord, facts: ProfileFacts, price: float, items: Sequence[object]
) -> list[Reason]:
    out: list[Reason] = []
    profile = facts.profile
    bought = facts.brand_purchases.get(record.brand, 0)
    if bought:
        times = _TIMES.get(bought, f"{bought} times")
        out.append(
            Reason(
                "profile",
                f"you bought {record.brand} {times} before",
                {"brand": record.brand, "purchases": bought},
                "why_bought",
                {"brand": record.brand},
            )
        )
    elif record.brand and record.brand in [b for b, _ in profile.brands[:3]]:
        out.append(
            Reason(
                "profile",
                f"{record.brand} is one of the brands you look at most",
                {"brand": record.brand},
                "why_brand_viewed",
                {"brand": record.brand},
            )
        )
    for key, preferred in profile.preferred_options.items():
        have = _offered(record, key, items)
        usual = [p for p in preferred if norm_value(p) in have]
        if usual:
            out.append(
                Reason(
                    "profile",
                    f"in your usual {_label(key)} {usual[0]}",
                    {"attribute": key, "value": usual[0]},
                    "why_usual_option",
                    {"key": _label(key), "value": str(usual[0])},
                )
            )
    band = profile.category_price_bands.get(record.category_leaf) or profile.price_band
    if band is not None and band.low <= price <= band.high:
        out.append(
            Reason(
                "profile",
                f"in your usual price range ({_money(band.low)}-{_money(band.high)})",
                {"price": price, "band_low": band.low, "band_high": band.high},
                "why_usual_price",
                {"low": _money(band.low), "high": _money(band.high)},
            )
        )
    return out


def _review_reasons(summary: Sequence[AspectSummary]) -> list[Reason]:
    out: list[Reason] = []
    praised = [a for a in summary if a.positive >= MIN_MENTIONS and a.positive > a.negative][:2]
    if praised:
        names = " and ".join(a.aspect for a in praised)
        out.append(
            Reason(
                "reviews",
                f"reviewers praise the {names}",
                {"aspects": names, "mentions": sum(a.positive for a in praised)},
                "why_praise",
                {"aspects": tuple(a.aspect for a in praised)},
            )
        )
    complaints = [a for a in summary if a.negative >= MIN_MENTIONS and a.negative >= a.positive]
    if complaints:
        a = complaints[0]
        out.append(
            Reason(
                "reviews",
                f"some mention problems with the {a.aspect} ({a.negative} reviews)",
                {"aspects": a.aspect, "mentions": a.negative},
                "why_complaint",
                {"aspects": a.aspect, "count": str(a.negative)},
            )
        )
    return out


def _mention_reasons(record: ProductRecord, wishes: Sequence[str]) -> list[Reason]:
    """Wishes the catalog cannot filter on that the product's own title or description
    states, word for word (a fact about its text, not a check of the wish)."""
    text = f" {record.title} {record.description} ".lower()
    out = []
    for wish in wishes:
        said = wish.lower().strip()
        words = r"[\s-]+".join(re.escape(w) for w in said.split())
        if said and re.search(rf"(?<![\w-]){words}(?![\w-])", text):
            out.append(
                Reason(
                    "mention",
                    f"its description mentions \u201c{wish}\u201d",
                    {"mentions": wish},
                    "why_mention",
                    {"wish": wish},
                )
            )
    return out


def _rating_reason(record: ProductRecord) -> list[Reason]:
    if record.rating_count <= 0:
        return [Reason("rating", "no reviews yet", {"rating_count": 0}, "why_no_reviews")]
    n = record.rating_count
    noun = "review" if n == 1 else "reviews"
    facts: dict[str, FactValue] = {"rating": round(record.rating_avg, 1), "rating_count": n}
    values = {"stars": f"{record.rating_avg:.1f}", "count": str(n)}
    if n < FEW_REVIEWS:
        text = f"{record.rating_avg:.1f} stars, from only {n} {noun} so far"
        return [Reason("rating", text, facts, "why_few_reviews", values)]
    text = f"{record.rating_avg:.1f} stars from {n} {noun}"
    return [Reason("rating", text, facts, "why_rating", values)]


def reasons_for(
    record: ProductRecord,
    constraints: Constraints,
    profile: ProfileFacts | UserProfile | None,
    reviews_summary: Sequence[AspectSummary] | None,
    wishes: Sequence[str] = (),
) -> list[Reason]:
    """Every reason the facts support, constraints first, then stock, profile, rating,
    reviews and mentions of unchecked wishes. Prices are those of the suggested variant."""
    items = matching_items(record, constraints)
    price = items[0].price if items else record.price
    out = _constraint_reasons(record, constraints, price, items) if items else []
    if items and record.items and not items[0].available:
        text = "out of stock right now" + (
            " in the options you asked for" if constraints.attributes else ""
        )
        name = "why_out_of_stock_options" if constraints.attributes else "why_out_of_stock"
        out.append(Reason("stock", text, {"in_stock": "no"}, name))
    if isinstance(profile, UserProfile):
        profile = ProfileFacts(profile)
    if profile is not None:
        out += _profile_reasons(record, profile, price, items or record.items)
    out += _rating_reason(record)
    out += _review_reasons(reviews_summary or ())
    out += _mention_reasons(record, wishes)
    return out


def recommend(
    record: ProductRecord,
    constraints: Constraints,
    profile: ProfileFacts | UserProfile | None,
    candidate: Candidate | None,
    reviews_summary: Sequence[AspectSummary] | None,
    wishes: Sequence[str] = (),
) -> Recommendation:
    items = matching_items(record, constraints)
    best = items[0] if items else None
    return Recommendation(
        product_id=record.product_id,
        title=record.title,
        brand=record.brand,
        price=best.price if best else record.price,
        item_id=(best.item_id or None) if best else None,
        rating=round(record.rating_avg, 1),
        rating_count=record.rating_count,
        reasons=tuple(reasons_for(record, constraints, profile, reviews_summary, wishes)),
    )


def set_apart(recs: Sequence[Recommendation]) -> list[Recommendation]:
    """Each recommendation with how it differs from the others shown, where one stands out:
    the cheapest, the best rated (from enough reviews), the most reviewed."""
    if len(recs) < 2:
        return list(recs)
    extra: dict[str, list[Reason]] = defaultdict(list)
    prices = [r.price for r in recs]
    cheapest = min(recs, key=lambda r: r.price)
    if prices.count(cheapest.price) == 1:
        extra[cheapest.product_id].append(
            Reason("differs", "the cheapest of these", {"price": cheapest.price}, "why_cheapest")
        )
    rated = [r for r in recs if r.rating_count >= MIN_SET_APART_REVIEWS]
    if rated:
        best = max(rated, key=lambda r: (r.rating, r.rating_count))
        if [r.rating for r in rated].count(best.rating) == 1:
            extra[best.product_id].append(
                Reason(
                    "differs",
                    "the best rated of these",
                    {"rating": best.rating, "rating_count": best.rating_count},
                    "why_best_rated",
                )
            )
    most = max(recs, key=lambda r: r.rating_count)
    counts = [r.rating_count for r in recs]
    if (
        most.rating_count >= MIN_SET_APART_REVIEWS
        and counts.count(most.rating_count) == 1
        and not extra.get(most.product_id)
    ):
        extra[most.product_id].append(
            Reason(
                "differs",
                "the most reviewed of these",
                {"rating_count": most.rating_count},
                "why_most_reviewed",
            )
        )
    return [
        replace(r, reasons=(*r.reasons, *extra[r.product_id])) if extra.get(r.product_id) else r
        for r in recs
    ]
