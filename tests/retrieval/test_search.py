"""Hybrid search under hard filters, checked result by result against the store."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from sqlmodel import select

from retrieval.documents import norm_key, norm_value
from retrieval.embedder import HashEmbedder
from retrieval.errors import IndexNotReady, QueryError
from retrieval.filters import ProductFilter
from retrieval.fusion import WeightedScoreFusion
from retrieval.index import ProductIndex
from retrieval.search import ProductSearcher
from retrieval.vectors import MAX_QUERY_CHARS
from store.db import Store
from store.models import Item, Product

HAND_FILTERS: list[dict[str, Any]] = [
    {"category": "Running Shoes"},
    {"category": "sports & outdoors"},
    {"category": "Sports & Outdoors > Tents", "in_stock": True},
    {"brands": ["Northpeak"]},
    {"brands": ["stride", "CREMA"], "min_rating": 3},
    {"price_min": 100, "price_max": 150},
    {"price_max": 60, "in_stock": True},
    {"min_rating": 4},
    {"in_stock": True},
    {"attributes": {"color": "black"}},
    {"attributes": {"color": ["Red", "Orange"]}, "in_stock": True},
    {"attributes": {"size": "10", "color": "white"}, "in_stock": True},
    {"attributes": {"waterproof": "yes", "terrain": "trail"}},
    {"attributes": {"features": "touchscreen", "storage": "1TB"}},
    {"attributes": {"screen_size": "15.6"}, "price_max": 1000},
    {"attributes": {"type": "espresso"}, "in_stock": True},
    {"attributes": {"noise_cancelling": "true", "wireless": "yes"}},
    {"category": "laptops", "price_max": 800, "in_stock": True, "attributes": {"storage": "512gb"}},
    {"category": "Headphones", "brands": ["Nobody"]},
]
QUERIES = [
    "waterproof trail running shoes",
    "espresso machine",
    "wireless headphones",
    "laptop with touchscreen",
    "tent for camping",
    "black",
]


def _random_filters(n: int) -> list[dict[str, Any]]:
    rng = random.Random("retrieval-filters")
    pools: dict[str, list[Any]] = {
        "category": ["Tents", "Laptops", "Electronics", "coffee makers"],
        "brands": [["Northpeak"], ["Voltix", "Sonara"], ["Summit"]],
        "price_min": [50, 100, 300],
        "price_max": [80, 200, 1000],
        "min_rating": [2, 3.5, 5],
        "in_stock": [True, False],
        "attributes": [
            {"color": "black"},
            {"size": ["9", "10"]},
            {"season": "4-season"},
            {"ram_gb": "16"},
            {"color": "silver", "wireless": "yes"},
        ],
    }
    out = []
    for _ in range(n):
        flt = {k: rng.choice(v) for k, v in pools.items() if rng.random() < 0.35}
        if flt.get("price_min", 0) > flt.get("price_max", 1e9):
            flt.pop("price_min")
        out.append(flt)
    return out


def _values(value: Any) -> set[str]:
    return {norm_value(v) for v in value} if isinstance(value, list) else {norm_value(value)}


def expected_ids(store: Store, flt: ProductFilter) -> set[str]:
    """The products meeting ``flt``, decided row by row from the store (reference)."""
    out = set()
    with store.session() as s:
        for product in s.exec(select(Product)).all():
            items = s.exec(select(Item).where(Item.product_id == product.product_id)).all()
            if _meets(product, list(items), flt):
                out.add(product.product_id)
    return out


def _meets(product: Product, items: list[Item], flt: ProductFilter) -> bool:
    if flt.category:
        path = [norm_value(p) for p in product.category.split(">")]
        names = {*path, " > ".join(path), norm_value(product.category_leaf)}
        if " > ".join(norm_value(p) for p in flt.category.split(">")) not in names:
            return False
    if flt.brands and norm_value(product.brand) not in {norm_value(b) for b in flt.brands}:
        return False
    if flt.min_rating is not None and product.rating_avg < flt.min_rating:
        return False
    attrs = {norm_key(k): _values(v) for k, v in (product.attributes or {}).items()}
    variants = [(i.options or {}, i.price, i.available) for i in items] or [
        ({}, product.price, False)
    ]
    for options, price, available in variants:
        opts = {norm_key(k): {norm_value(v)} for k, v in options.items()}
        if flt.in_stock and not available:
            continue
        if flt.price_min is not None and price < flt.price_min:
            continue
        if flt.price_max is not None and price > flt.price_max:
            continue
        if all(
            _values(want) & (attrs.get(norm_key(k), set()) | opts.get(norm_key(k), set()))
            for k, want in flt.attributes.items()
        ):
            return True
    return False


@pytest.fixture
def searcher(shop: Store, product_index: ProductIndex, embedder: HashEmbedder) -> ProductSearcher:
    product_index.sync(shop, embedder)
    return ProductSearcher(shop, product_index, embedder)


def test_every_result_of_many_filtered_searches_meets_its_filter(
    shop: Store, searcher: ProductSearcher, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    via_hnsw = ProductSearcher(shop, product_index, embedder, exact_limit=0)
    filters = HAND_FILTERS + _random_filters(30)
    nonempty = 0
    for i, data in enumerate(filters):
        flt = ProductFilter.parse(data)
        expected = expected_ids(shop, flt)
        nonempty += bool(expected)
        query = QUERIES[i % len(QUERIES)]
        for mode in ("hybrid", "dense", "bm25"):
            got = [c.product_id for c in searcher.search(query, flt, k=60, mode=mode)]
            assert set(got) <= expected, (data, mode, set(got) - expected)
            if mode != "bm25":  # the dense leg scores every allowed product (60 <= depth)
                assert set(got) == expected, (data, mode)
        hnsw = {c.product_id for c in via_hnsw.search(query, flt, k=60, mode="dense")}
        assert hnsw == expected, data
    assert nonempty >= 30  # the filters are not vacuous


def test_unfiltered_hybrid_search_carries_both_legs(searcher: ProductSearcher) -> None:
    results = searcher.search("Northpeak tent for camping", k=10)
    assert [c.rank for c in results] == list(range(1, 11))
    assert results[0].product_id.startswith("ten")
    assert all(a.score >= b.score for a, b in itertools.pairwise(results))
    top = results[0]
    assert top.dense_rank is not None and top.bm25_rank is not None
    assert top.dense_score is not None and 0 < top.dense_score <= 1


def test_modes_fill_only_their_leg(searcher: ProductSearcher) -> None:
    dense = searcher.search("espresso coffee maker", k=5, mode="dense")
    bm25 = searcher.search("espresso coffee maker", k=5, mode="bm25")
    assert all(c.bm25_rank is None and c.dense_rank == c.rank for c in dense)
    assert all(c.dense_rank is None and c.bm25_rank == c.rank for c in bm25)
    assert all(c.product_id.startswith("cof") for c in bm25)


def test_fusion_is_swappable(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    product_index.sync(shop, embedder)
    weighted = ProductSearcher(
        shop, product_index, embedder, fusion=WeightedScoreFusion((1.0, 0.0))
    )
    hybrid = weighted.search("wireless headphones", k=5)
    dense = weighted.search("wireless headphones", k=5, mode="dense")
    assert [c.product_id for c in hybrid] == [c.product_id for c in dense]
    assert hybrid[0].score == pytest.approx(1.0)


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query_is_a_query_error(searcher: ProductSearcher, query: str) -> None:
    with pytest.raises(QueryError, match="the search query is empty"):
        searcher.search(query)


def test_bad_k_and_mode(searcher: ProductSearcher) -> None:
    with pytest.raises(QueryError, match="k must be at least 1"):
        searcher.search("tent", k=0)
    with pytest.raises(QueryError, match="unknown search mode 'fuzzy'"):
        searcher.search("tent", mode="fuzzy")  # type: ignore[arg-type]


def test_very_long_query_is_truncated_not_a_crash(searcher: ProductSearcher) -> None:
    long_query = "waterproof trail running shoes " * 2_000
    assert len(long_query) > 100 * MAX_QUERY_CHARS
    results = searcher.search(long_query, k=3)
    assert len(results) == 3 and results[0].product_id.startswith("run")


def test_filter_that_nothing_meets_returns_nothing(searcher: ProductSearcher) -> None:
    assert searcher.search("tent", ProductFilter(brands=["Nobody"])) == []


def test_empty_index_is_index_not_ready_except_for_bm25(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    searcher = ProductSearcher(shop, product_index, embedder)
    with pytest.raises(IndexNotReady, match="aisle index"):
        searcher.search("tent")
    assert searcher.search("tent", mode="bm25", k=3)[0].product_id.startswith("ten")


def test_vectors_of_another_embedder_are_index_not_ready(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    product_index.sync(shop, HashEmbedder(dim=32))
    with pytest.raises(IndexNotReady, match="rebuild"):
        ProductSearcher(shop, product_index, embedder).search("tent")


def test_refresh_sees_new_products_and_skips_unindexed_ones(
    shop: Store, searcher: ProductSearcher, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    with shop.session() as s:
        s.add(
            Product(
                product_id="new01",
                title="Zeppelin Kite",
                category="Toys > Kites",
                category_leaf="Kites",
                price=20.0,
            )
        )
    searcher.refresh()
    assert searcher.missing_vectors == 1
    assert searcher.search("zeppelin kite", k=1, mode="bm25")[0].product_id == "new01"
    assert "new01" not in {
        c.product_id for c in searcher.search("zeppelin kite", k=60, mode="dense")
    }
    product_index.sync(shop, embedder)
    searcher.refresh()
    assert searcher.missing_vectors == 0
    assert searcher.search("zeppelin kite", k=1, mode="dense")[0].product_id == "new01"
