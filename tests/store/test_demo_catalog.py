"""The demo catalog: category specs, products, variants, prices, reviews, determinism."""

from __future__ import annotations

import re
import statistics
import time
from collections import defaultdict

import pytest
from sqlmodel import col, select

from store.aspects import ASPECT_TERMS
from store.db import Store
from store.demo.catalog import DEMO_AS_OF, MAX_VARIANTS, generate_catalog, shop_price
from store.demo.catalog_spec import all_categories, category_by_leaf
from store.demo.reviews import VOICES
from store.demo.types import Catalog, DemoConfig
from store.models import HiddenTruth, Item, Product, Review


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return generate_catalog(DemoConfig(products=3000, seed=7))


def _dump(rows: list[Product] | list[Item] | list[Review]) -> list[dict[str, object]]:
    return [r.model_dump() for r in rows]


# --- specs ---------------------------------------------------------------------------------


def test_categories_have_distinct_schemas_across_six_departments() -> None:
    specs = all_categories()
    assert len(specs) >= 18
    assert len({s.department for s in specs}) == 6
    schemas = {
        (frozenset(a.key for a in s.attributes), tuple(o.name for o in s.options)) for s in specs
    }
    assert len(schemas) == len(specs)
    assert len({s.leaf for s in specs}) == len(specs)
    for s in specs:
        assert len(s.attributes) >= 4, s.leaf
        assert s.options, s.leaf
        assert 5 <= len(s.brands) <= 10, s.leaf
        assert 1 <= s.max_variants <= MAX_VARIANTS, s.leaf


def test_spec_references_are_consistent() -> None:
    """Catches typos: every mapping key is a value the attribute can take, every hint names a
    real attribute and a known review aspect."""
    for spec in all_categories():
        keys = [a.key for a in spec.attributes]
        for attr in spec.attributes:
            possible = set(attr.choice.values)
            for case in attr.cases.values():
                possible |= set(case.values)
            for mapping in (attr.query, attr.describe, attr.title):
                if not isinstance(mapping, str):
                    assert set(mapping) <= possible, (spec.leaf, attr.key, set(mapping) - possible)
            given = (attr.given,) if isinstance(attr.given, str) else attr.given or ()
            assert all(keys.index(g) < keys.index(attr.key) for g in given), (spec.leaf, attr.key)
        for opt in spec.options:
            values = set(opt.values).union(*[set(v) for v in opt.cases.values()])
            assert set(opt.uplift) <= values, (spec.leaf, opt.name)
        for hint in spec.hints:
            assert hint.key in keys, (spec.leaf, hint)
        for aspect in spec.aspects:
            assert aspect in ASPECT_TERMS and aspect in VOICES, (spec.leaf, aspect)
        if spec.noun_by:
            assert spec.noun_by in keys


def test_brands_span_all_tiers_in_most_categories() -> None:
    with_all = [s for s in all_categories() if {b.tier for b in s.brands} == {0, 1, 2}]
    assert len(with_all) == len(all_categories())


# --- products and variants -----------------------------------------------------------------


def test_every_product_has_its_category_attributes(catalog: Catalog) -> None:
    by_leaf = category_by_leaf()
    for p in catalog.products:
        spec = by_leaf[p.category_leaf]
        assert set(p.attributes or {}) == {a.key for a in spec.attributes}, p.product_id
        assert p.category == f"{spec.department} > {spec.leaf}"
        assert p.product_type == spec.leaf
        assert p.brand in {b.name for b in spec.brands}
        assert p.brand in p.title and p.brand in p.description
    assert len({p.category_leaf for p in catalog.products}) == len(all_categories())


def test_ids_are_unique_ten_digit_numbers_and_disjoint(catalog: Catalog) -> None:
    pids = [p.product_id for p in catalog.products]
    iids = [i.item_id for i in catalog.items]
    assert len(set(pids)) == len(pids) and len(set(iids)) == len(iids)
    assert not set(pids) & set(iids)
    assert all(len(x) == 10 and x.isdigit() for x in pids + iids)
    assert [p.seq for p in catalog.products] == list(range(len(pids)))


def test_items_use_their_category_options_and_price_the_product(catalog: Catalog) -> None:
    by_leaf = category_by_leaf()
    leaf_of = {p.product_id: p.category_leaf for p in catalog.products}
    prices: dict[str, list[float]] = defaultdict(list)
    for item in catalog.items:
        spec = by_leaf[leaf_of[item.product_id]]
        assert set(item.options or {}) == {o.name for o in spec.options}
        assert all(isinstance(v, str) for v in (item.options or {}).values())
        prices[item.product_id].append(item.price)
    for p in catalog.products:
        assert p.price == min(prices[p.product_id])
        assert 1 <= len(prices[p.product_id]) <= by_leaf[p.category_leaf].max_variants
        assert (p.rating_avg, p.rating_count) == (0.0, 0)
    available = sum(i.available for i in catalog.items) / len(catalog.items)
    assert 0.85 < available < 0.95
    assert 3.0 < len(catalog.items) / len(catalog.products) < 6.0


def test_option_values_look_like_real_ones(catalog: Catalog) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for item in catalog.items:
        for name, value in (item.options or {}).items():
            seen[name].add(value)
    assert {"10", "10.5", "7"} <= seen["size"] and {"XL", "M"} <= seen["size"]
    assert {"16GB", "32GB"} <= seen["ram"] and {"512GB", "1TB"} <= seen["storage"]
    assert seen["switch"] == {"clicky", "linear", "tactile"}
    assert {"wide", "standard"} <= seen["width"]


def test_descriptions_state_the_attributes(catalog: Catalog) -> None:
    for p in catalog.products:
        attrs, text = p.attributes or {}, p.description
        if p.category_leaf == "Laptops":
            assert f"an {attrs['cpu']} processor" in text
            assert f"{attrs['screen_in']}-inch display" in text
        if p.category_leaf == "Hiking Boots":
            assert ("waterproof, breathable membrane" in text) == attrs["waterproof"]
        if p.category_leaf == "Smart Speakers":
            assert f"built-in {attrs['assistant']}" in text
        assert 3 <= len(re.findall(r"[.!?](?:\s|$)", text)) <= 4, text


def test_prices_follow_the_category(catalog: Catalog) -> None:
    medians = {
        leaf: statistics.median(p.price for p in catalog.products if p.category_leaf == leaf)
        for leaf in category_by_leaf()
    }
    assert 15 < medians["T-Shirts"] < 40
    assert 600 < medians["Laptops"] < 1300
    assert 80 < medians["Running Shoes"] < 160
    assert medians["Laptops"] > 20 * medians["T-Shirts"]
    assert all(round(p.price * 100) % 100 in (49, 99) for p in catalog.products)


def test_shop_price_endings() -> None:
    assert [shop_price(x) for x in (3.2, 12.3, 12.7, 34.6, 147.2, 871.0, 1304.0)] == [
        4.99,
        12.49,
        12.99,
        34.99,
        146.99,
        869.99,
        1299.99,
    ]


def test_premium_brands_cost_more_and_skew_better(catalog: Catalog) -> None:
    tier = {b.name: b.tier for s in all_categories() for b in s.brands}
    by_tier: dict[int, list[Product]] = defaultdict(list)
    for p in catalog.products:
        if p.category_leaf == "Running Shoes":
            by_tier[tier[p.brand]].append(p)
    q = {t: statistics.mean(catalog.quality[p.product_id] for p in ps) for t, ps in by_tier.items()}
    price = {t: statistics.median(p.price for p in ps) for t, ps in by_tier.items()}
    assert q[0] < q[1] < q[2] and price[0] < price[1] < price[2]
    premium_worse_than_budget_median = [
        p
        for p in by_tier[2]
        if catalog.quality[p.product_id]
        < statistics.median(catalog.quality[b.product_id] for b in by_tier[0])
    ]
    assert premium_worse_than_budget_median  # a tendency, not a rule


def test_hidden_quality_is_recorded_as_truth(catalog: Catalog) -> None:
    assert len(catalog.truths) == len(catalog.products)
    truth = catalog.truths[0]
    assert (truth.entity, truth.entity_id) == ("product", catalog.products[0].product_id)
    assert truth.data is not None
    assert truth.data["quality"] == round(catalog.quality[truth.entity_id], 4)
    assert all(0.0 <= q <= 1.0 for q in catalog.quality.values())


# --- reviews -------------------------------------------------------------------------------


def test_review_counts_are_skewed(catalog: Catalog) -> None:
    counts: dict[str, int] = defaultdict(int)
    for r in catalog.reviews:
        counts[r.product_id] += 1
    per_product = [counts[p.product_id] for p in catalog.products]
    assert 4.0 <= statistics.mean(per_product) <= 6.0
    assert 0.03 <= per_product.count(0) / len(per_product) <= 0.08
    assert statistics.median(per_product) <= 4 and max(per_product) >= 25
    assert all(r.user_id is None and 1 <= r.rating <= 5 and r.text for r in catalog.reviews)
    assert all(r.created_at < DEMO_AS_OF for r in catalog.reviews)


def test_mean_rating_tracks_hidden_quality(catalog: Catalog) -> None:
    ratings: dict[str, list[int]] = defaultdict(list)
    for r in catalog.reviews:
        ratings[r.product_id].append(r.rating)
    pids = [pid for pid, rs in ratings.items() if len(rs) >= 3]
    assert (
        statistics.correlation(
            [statistics.mean(ratings[p]) for p in pids], [catalog.quality[p] for p in pids]
        )
        > 0.6
    )


# --- determinism, rows, speed --------------------------------------------------------------


def test_same_seed_same_catalog_and_prefix_stable() -> None:
    a = generate_catalog(DemoConfig(products=200, seed=11))
    b = generate_catalog(DemoConfig(products=200, seed=11))
    assert _dump(a.products) == _dump(b.products)
    assert _dump(a.items) == _dump(b.items)
    assert _dump(a.reviews) == _dump(b.reviews)
    assert a.quality == b.quality
    small = generate_catalog(DemoConfig(products=50, seed=11))
    assert _dump(small.products) == _dump(a.products[:50])
    other = generate_catalog(DemoConfig(products=50, seed=12))
    assert [p.product_id for p in other.products] != [p.product_id for p in small.products]


def test_rows_are_complete_and_round_trip_through_the_store(store: Store) -> None:
    cat = generate_catalog(DemoConfig(products=30, seed=3))
    p = cat.products[0]
    for row, table in (
        (p, Product),
        (cat.items[0], Item),
        (cat.reviews[0], Review),
        (cat.truths[0], HiddenTruth),
    ):
        assert set(vars(row)) >= set(table.model_fields), table  # every column was given
    assert p.updated_at.tzinfo is not None and p.updated_at <= DEMO_AS_OF
    with store.session() as s:
        s.add_all(cat.products)
        s.flush()
        s.add_all(cat.items)
        s.add_all(cat.reviews)
    with store.session() as s:
        stored = s.exec(select(Product).order_by(col(Product.seq))).all()
        assert [r.model_dump() for r in stored] == _dump(cat.products)
        assert len(s.exec(select(Item)).all()) == len(cat.items)
        assert len(s.exec(select(Review)).all()) == len(cat.reviews)


def test_progress_bar_goes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    generate_catalog(DemoConfig(products=20), progress=True)
    captured = capsys.readouterr()
    assert "catalog" in captured.err and captured.out == ""


@pytest.mark.slow
def test_hundred_thousand_products_in_under_a_minute() -> None:
    start = time.perf_counter()
    cat = generate_catalog(DemoConfig(products=100_000))
    assert time.perf_counter() - start < 60
    assert len(cat.products) == 100_000
