"""Personalisation features of one product for one shopper.

Five numbers, each in a fixed range so a linear model can weigh them:
- ``category_affinity``: the profile's weight for the product's category (0..1).
- ``brand_affinity``: the profile's weight for the product's brand (0..1).
- ``price_fit``: 1 when some available variant is priced inside the shopper's band for that
  category (else their overall band), falling linearly to 0 one band-width outside it; 0.5
  (no evidence either way) without a band.
- ``option_match``: over the option names the shopper has preferences for and the product
  offers (size, colour, ...), the best share one available variant matches; 0 when none shared.
- ``bought_together``: ``log1p`` of how many other shoppers' orders had this product together
  with something this shopper bought ("bought together"), from ``bought_together_scores``.

Not here: the cross-encoder score, and how the features are weighed
(``retrieval.ranker.personaliser``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import astuple, dataclass, fields
from datetime import datetime

from sqlalchemy import select

from retrieval.documents import ProductRecord, norm_key, norm_value
from store.db import Store
from store.models import Order, OrderItem
from store.profiles import PriceBand, UserProfile

NO_BAND_FIT = 0.5


@dataclass(frozen=True)
class PersonalFeatures:
    category_affinity: float = 0.0
    brand_affinity: float = 0.0
    price_fit: float = NO_BAND_FIT
    option_match: float = 0.0
    bought_together: float = 0.0

    def values(self) -> tuple[float, ...]:
        return astuple(self)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


def band_fit(prices: list[float], band: PriceBand | None) -> float:
    """Best fit of any of ``prices`` to ``band`` (see the module docstring)."""
    if band is None or not prices:
        return NO_BAND_FIT
    width = max(band.high - band.low, 0.1 * band.high, 1.0)
    best = 0.0
    for price in prices:
        distance = max(band.low - price, price - band.high, 0.0)
        best = max(best, 1.0 - distance / width)
    return max(best, 0.0)


def option_match(record: ProductRecord, preferred: Mapping[str, list[str]]) -> float:
    wanted = {norm_key(k): {norm_value(v) for v in vs} for k, vs in preferred.items() if vs}
    offered = {norm_key(k) for item in record.items for k in item.options}
    shared = sorted(set(wanted) & offered)
    if not shared:
        return 0.0
    variants = [i for i in record.items if i.available] or list(record.items)
    best = 0
    for item in variants:
        opts = {norm_key(k): norm_value(v) for k, v in item.options.items()}
        best = max(best, sum(opts.get(k) in wanted[k] for k in shared))
    return best / len(shared)


def personal_features(
    record: ProductRecord, profile: UserProfile, bought_together: Mapping[str, float] | None = None
) -> PersonalFeatures:
    prices = [i.price for i in record.items if i.available] or [record.price]
    band = profile.category_price_bands.get(record.category_leaf, profile.price_band)
    return PersonalFeatures(
        category_affinity=dict(profile.categories).get(record.category_leaf, 0.0),
        brand_affinity=dict(profile.brands).get(record.brand, 0.0),
        price_fit=band_fit(prices, band),
        option_match=option_match(record, profile.preferred_options),
        bought_together=(bought_together or {}).get(record.product_id, 0.0),
    )


def bought_together_scores(
    store: Store, user_id: str, before: datetime | None = None
) -> dict[str, float]:
    """product id -> log1p(number of OTHER shoppers' orders that contain it together with a
    product this shopper bought); only orders created before ``before`` count."""
    orders, items = Order.__table__, OrderItem.__table__  # type: ignore[attr-defined]
    o, oi = orders.c, items.c
    lines = select(oi.order_id, oi.product_id, o.user_id).join(orders, o.order_id == oi.order_id)
    if before is not None:
        lines = lines.where(o.created_at < before)
    mine: set[str] = set()
    baskets: dict[str, set[str]] = {}
    with store.engine.connect() as conn:
        for _order, product_id, _owner in conn.execute(lines.where(o.user_id == user_id)):
            mine.add(product_id)
        if not mine:
            return {}
        with_mine = select(oi.order_id).where(oi.product_id.in_(sorted(mine)))
        others = lines.where(o.user_id != user_id, oi.order_id.in_(with_mine))
        for order_id, product_id, _owner in conn.execute(others):
            baskets.setdefault(order_id, set()).add(product_id)
    counts: Counter[str] = Counter()
    for basket in baskets.values():
        if basket & mine:
            counts.update(basket - mine)
    return {pid: math.log1p(n) for pid, n in sorted(counts.items())}
