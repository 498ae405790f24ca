"""The catalog stage of the demo shop: products, variants, anonymous reviews, hidden quality.

Every product is drawn from its own ``random.Random`` seeded with (seed, product index), so a
catalog of 5,000 products is the first 5,000 products of a catalog of 100,000, and ids are a
seeded permutation of 10-digit numbers (products and items never collide). Prices follow the
category median, the brand tier and attribute uplifts, with lognormal noise; hidden quality
follows the brand tier with noise, and ratings follow quality.

Not here: category data (``catalog_spec``), listing text (``listing``), review text
(``reviews``), users and their behaviour (the people stage). Ratings on products are left at 0:
the orchestrator recomputes them from all reviews.
"""

from __future__ import annotations

import gc
import math
import random
import sys
from bisect import bisect
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import product as cartesian
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import configure_mappers, instrumentation
from sqlmodel import SQLModel
from tqdm import tqdm

from store.demo.catalog_spec import (
    TIER_PRICE,
    TIER_QUALITY,
    Attribute,
    CategorySpec,
    Choice,
    all_categories,
)
from store.demo.listing import describe, make_title
from store.demo.reviews import compose_review, rating_for, review_context
from store.demo.types import Catalog, DemoConfig
from store.models import HiddenTruth, Item, Product, Review

DEMO_AS_OF = datetime(2026, 11, 1, tzinfo=UTC)  # the demo shop's "now" (aware, as the store wants)
MAX_VARIANTS = 32  # id space reserved per product for its items
TIER_NAMES = ("budget", "mid-range", "premium")
_ID_SPACE = 9_000_000_000
_TWO_YEARS = 730 * 86_400  # reviews are spread over the two years before DEMO_AS_OF (seconds)

T = TypeVar("T", bound=SQLModel)


class RowFactory(Generic[T]):
    """Builds table rows without per-row validation: ``Product(**kw)`` costs ~60 µs, this ~10.

    Generated values are correct by construction, and a million rows through the validating
    constructor would take most of the time budget. Every column must be passed; the rows
    behave like normal SQLModel instances (session.add, attribute changes, model_dump).
    """

    def __init__(self, cls: type[T]) -> None:
        configure_mappers()
        self._new = instrumentation.manager_of_class(cls).new_instance

    def __call__(self, **values: Any) -> T:
        obj: T = self._new()
        obj.__dict__.update(values)
        object.__setattr__(obj, "__pydantic_fields_set__", set(values))
        return obj


class _Draw:
    """A Choice ready for fast weighted draws."""

    def __init__(self, choice: Choice) -> None:
        n = len(choice.values)
        self.values = choice.values
        weights = choice.weights or (1.0,) * n
        self.cum = [sum(weights[: i + 1]) for i in range(n)]
        self.uplift = choice.uplift or (1.0,) * n

    def pick(self, rng: random.Random) -> int:
        return min(bisect(self.cum, rng.random() * self.cum[-1]), len(self.values) - 1)


@dataclass
class _AttrPlan:
    attr: Attribute
    default: _Draw
    cases: dict[Any, _Draw]

    def draw(self, rng: random.Random, attrs: dict[str, Any]) -> tuple[Any, float]:
        given = self.attr.given
        draw = self.default
        if given is not None:
            key = attrs[given] if isinstance(given, str) else tuple(attrs[g] for g in given)
            draw = self.cases.get(key, self.default)
        i = draw.pick(rng)
        return draw.values[i], draw.uplift[i]


@dataclass
class _CategoryPlan:
    spec: CategorySpec
    attrs: list[_AttrPlan]
    brand_cum: list[float]
    brand_offset: list[float]  # a brand's own quality lean, fixed per seed
    typical_uplift: float


def _plan(spec: CategorySpec, seed: int) -> _CategoryPlan:
    attrs = [
        _AttrPlan(a, _Draw(a.choice), {k: _Draw(c) for k, c in a.cases.items()})
        for a in spec.attributes
    ]
    tier_weight = (1.2, 1.0, 0.7)  # more budget listings than premium ones, as in real shops
    cum: list[float] = []
    for brand in spec.brands:
        cum.append((cum[-1] if cum else 0.0) + tier_weight[brand.tier])
    offsets = [random.Random(f"{seed}:brand:{b.name}").gauss(0.0, 0.06) for b in spec.brands]
    # Attribute uplifts multiply; divide by their typical product so the category's median
    # price stays near the spec's median whatever the number of priced attributes.
    sim = random.Random(f"{seed}:uplift:{spec.leaf}")
    ups: list[float] = []
    for _ in range(301):
        drawn: dict[str, Any] = {}
        up = 1.0
        for ap in attrs:
            drawn[ap.attr.key], u = ap.draw(sim, drawn)
            up *= u
        ups.append(up)
    return _CategoryPlan(spec, attrs, cum, offsets, sorted(ups)[150])


class _Ids:
    """10-digit ids from a seeded affine permutation; products even, items odd."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"{seed}:ids")
        a = rng.randrange(10**8, 10**9) | 1
        while a % 3 == 0 or a % 5 == 0:  # coprime with 9e9 = 2^9 * 3^2 * 5^9
            a += 2
        self.a, self.b = a, rng.randrange(_ID_SPACE)

    def _id(self, k: int) -> str:
        return str(1_000_000_000 + (self.a * k + self.b) % _ID_SPACE)

    def product(self, i: int) -> str:
        return self._id(2 * i)

    def item(self, i: int, v: int) -> str:
        return self._id(2 * (i * MAX_VARIANTS + v) + 1)


def shop_price(x: float) -> float:
    """Round to the endings shops use: 12.49, 34.99, 149.99, 1299.99."""
    if x < 20:
        whole = math.floor(x)
        return max(4.99, whole + (0.49 if x - whole < 0.5 else 0.99))
    if x < 200:
        return round(x) - 0.01
    if x < 1000:
        return round(x / 5) * 5 - 0.01
    return round(x / 10) * 10 - 0.01


def _variants(
    rng: random.Random, spec: CategorySpec, attrs: dict[str, Any]
) -> list[tuple[dict[str, str], float]]:
    """(options, price multiplier) for each variant the product is sold in."""
    offered: list[list[str]] = []
    for opt in spec.options:
        values = opt.cases.get(attrs.get(opt.given), opt.values) if opt.given else opt.values
        k = min(len(values), rng.randint(*opt.pick))
        if opt.run:
            start = rng.randrange(len(values) - k + 1)
            offered.append(list(values[start : start + k]))
        else:
            chosen = set(rng.sample(range(len(values)), k))
            offered.append([v for i, v in enumerate(values) if i in chosen])
    combos = list(cartesian(*offered))
    if len(combos) > spec.max_variants:
        keep = sorted(rng.sample(range(len(combos)), spec.max_variants))
        combos = [combos[i] for i in keep]
    out = []
    for combo in combos:
        mult = 1.0
        for opt, value in zip(spec.options, combo, strict=True):
            mult *= opt.uplift.get(value, 1.0)
        out.append(({o.name: v for o, v in zip(spec.options, combo, strict=True)}, mult))
    return out


def _review_count(rng: random.Random, quality: float) -> int:
    if rng.random() < 0.05:
        return 0
    # lognormal: most products have a handful of reviews, a few have dozens; good ones more
    return min(250, max(1, round(rng.lognormvariate(1.15 + 0.8 * (quality - 0.5), 0.85))))


class _Builder:
    def __init__(self, config: DemoConfig) -> None:
        self.seed = config.seed
        specs = all_categories()
        self.plans = [_plan(s, config.seed) for s in specs]
        self.cat_cum: list[float] = []
        for s in specs:
            self.cat_cum.append((self.cat_cum[-1] if self.cat_cum else 0.0) + s.share)
        self.ids = _Ids(config.seed)
        self.new_product = RowFactory(Product)
        self.new_item = RowFactory(Item)
        self.new_review = RowFactory(Review)
        self.new_truth = RowFactory(HiddenTruth)

    def build(self, i: int, out: Catalog) -> None:
        rng = random.Random(f"{self.seed}:catalog:{i}")
        plan = self.plans[bisect(self.cat_cum, rng.random() * self.cat_cum[-1])]
        spec = plan.spec
        b = min(bisect(plan.brand_cum, rng.random() * plan.brand_cum[-1]), len(spec.brands) - 1)
        brand = spec.brands[b]
        attrs: dict[str, Any] = {}
        uplift = 1.0
        for ap in plan.attrs:
            value, up = ap.draw(rng, attrs)
            attrs[ap.attr.key] = value
            uplift *= up
        quality = min(
            1.0, max(0.0, TIER_QUALITY[brand.tier] + plan.brand_offset[b] + rng.gauss(0.0, 0.15))
        )
        base = (
            spec.median_price
            * TIER_PRICE[brand.tier]
            * uplift
            / plan.typical_uplift
            * rng.lognormvariate(0.0, spec.price_sigma)
            * (1.0 + 0.3 * (quality - 0.5))
        )
        model = rng.choice(spec.model_words)
        tail = rng.choice(spec.model_tails)
        model = f"{model} {tail}" if tail else model

        pid = self.ids.product(i)
        prices: list[float] = []
        for v, (options, mult) in enumerate(_variants(rng, spec, attrs)):
            price = shop_price(base * mult * (1.0 + rng.gauss(0.0, 0.015)))
            prices.append(price)
            item_id = self.ids.item(i, v)
            available = rng.random() < 0.9
            out.items.append(
                self.new_item(
                    item_id=item_id,
                    product_id=pid,
                    options=options,
                    price=price,
                    available=available,
                    stock=stock_for(item_id) if available else 0,
                    seq=v,
                )
            )
        product = self.new_product(
            product_id=pid,
            title=make_title(rng, spec, brand.name, model, attrs),
            description=describe(
                rng, spec, brand.name, model, attrs, out.items[len(out.items) - len(prices) :]
            ),
            brand=brand.name,
            product_type=spec.leaf,
            category=spec.path,
            category_leaf=spec.leaf,
            price=min(prices),
            rating_avg=0.0,
            rating_count=0,
            attributes=attrs,
            seq=i,
            updated_at=DEMO_AS_OF
            - timedelta(days=rng.randint(0, 540), minutes=rng.randint(0, 1439)),
        )
        out.products.append(product)
        out.models[pid] = model
        out.quality[pid] = quality
        out.truths.append(
            self.new_truth(
                id=None,
                entity="product",
                entity_id=pid,
                data={"quality": round(quality, 4), "brand_tier": TIER_NAMES[brand.tier]},
            )
        )
        n_reviews = _review_count(rng, quality)
        ctx = review_context(product) if n_reviews else None
        for _ in range(n_reviews):
            rating = rating_for(rng, quality)
            draft = compose_review(rng, product, quality, rating, ctx)
            out.reviews.append(
                self.new_review(
                    id=None,
                    product_id=pid,
                    user_id=None,
                    rating=rating,
                    title=draft.title,
                    text=draft.text,
                    created_at=DEMO_AS_OF
                    - timedelta(seconds=86_400 + int(rng.random() * _TWO_YEARS)),
                )
            )


def generate_catalog(config: DemoConfig, progress: bool = False) -> Catalog:
    """The demo catalog for ``config`` (same config, same rows)."""
    builder = _Builder(config)
    out = Catalog(products=[], items=[], reviews=[], quality={}, truths=[])
    with paused_gc():
        for i in tqdm(
            range(config.products),
            desc="catalog",
            unit="product",
            file=sys.stderr,
            disable=not progress,
            mininterval=0.5,
        ):
            builder.build(i, out)
    return out


def stock_for(item_id: str) -> int:
    """Units on hand of an available demo variant: 1 to 40, from its id (drawing them from the
    product's generator would change every catalog generated before stock existed)."""
    return 1 + int(item_id) % 40


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic GC while building many rows: each collection rescans the whole, ever
    larger heap (a third of the run time at 100k products); the rows hold no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def items_by_product(items: Sequence[Item]) -> dict[str, list[Item]]:
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.product_id, []).append(item)
    return groups
