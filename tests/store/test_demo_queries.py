"""Labelled queries: graded judgements that really follow the query's constraints."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

import pytest

from store.demo.catalog import generate_catalog, items_by_product
from store.demo.queries import (
    Constraint,
    QuerySpec,
    build_queries,
    labelled_queries,
    query_count,
    violations,
)
from store.demo.types import Catalog, DemoConfig
from store.models import Item, Product

CONFIG = DemoConfig(products=2500, seed=7)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return generate_catalog(CONFIG)


@pytest.fixture(scope="module")
def queries(catalog: Catalog) -> list[QuerySpec]:
    return build_queries(CONFIG, catalog)


def _cmp(value: Any, op: str, target: Any) -> bool:
    if value is None:
        return False
    return {"eq": value == target, "le": value <= target, "ge": value >= target}[op]


def meets_all(constraints: tuple[Constraint, ...], product: Product, items: list[Item]) -> bool:
    """Written independently of the module: attributes and brand on the product, options and
    price together on one available variant."""
    attrs = product.attributes or {}
    for c in constraints:
        if c.kind == "attribute" and not _cmp(attrs.get(c.key), c.op, c.value):
            return False
        if c.kind == "brand" and product.brand != c.value:
            return False
    on_item = [c for c in constraints if c.kind in ("option", "price")]
    if not on_item:
        return True
    return any(
        item.available
        and all(
            _cmp(
                item.price if c.kind == "price" else (item.options or {}).get(c.key), c.op, c.value
            )
            for c in on_item
        )
        for item in items
    )


def test_query_count_scales_with_the_catalog() -> None:
    assert [query_count(n) for n in (100, 4500, 6000, 30_000, 100_000)] == [
        300,
        300,
        400,
        1500,
        1500,
    ]


def test_at_least_300_queries_with_ids_splits_and_all_grades(queries: list[QuerySpec]) -> None:
    assert len(queries) == 300
    assert [q.query_id for q in queries[:3]] == ["q0001", "q0002", "q0003"]
    assert len({q.query_id for q in queries}) == len({q.text.lower() for q in queries}) == 300
    splits = Counter(q.split for q in queries)
    assert splits == {"train": 180, "valid": 60, "test": 60}
    grades = Counter(g for q in queries for _, g in q.judgements)
    assert set(grades) == {0, 1, 2}
    for q in queries:
        assert len(q.judgements) >= 20, q.text
        assert len({pid for pid, _ in q.judgements}) == len(q.judgements)
        assert any(g == 2 for _, g in q.judgements), q.text


def test_grades_follow_the_constraints(catalog: Catalog, queries: list[QuerySpec]) -> None:
    products = {p.product_id: p for p in catalog.products}
    items = items_by_product(catalog.items)
    for q in queries:
        for pid, grade in q.judgements:
            p = products[pid]
            if grade == 2:
                assert p.category_leaf == q.category
                assert meets_all(q.constraints, p, items[pid]), (q.text, pid)
            elif grade == 1:
                assert p.category_leaf == q.category
                assert not meets_all(q.constraints, p, items[pid]), (q.text, pid)
                assert violations(q.constraints, p, items[pid]) == 1
            else:
                assert p.category_leaf != q.category, (q.text, pid)


def test_every_exact_and_partial_match_is_judged(
    catalog: Catalog, queries: list[QuerySpec]
) -> None:
    """Complete judgements: an unjudged product of the query's category misses two or more
    constraints (the check is written independently of the module's grading)."""
    items = items_by_product(catalog.items)
    by_leaf: dict[str, list[Product]] = defaultdict(list)
    for p in catalog.products:
        by_leaf[p.category_leaf].append(p)
    assert all(q.complete for q in queries)
    for q in queries[::10]:
        judged = {pid for pid, _ in q.judgements}
        unjudged = [p for p in by_leaf[q.category] if p.product_id not in judged]
        assert not any(meets_all(q.constraints, p, items[p.product_id]) for p in unjudged)
        assert all(violations(q.constraints, p, items[p.product_id]) >= 2 for p in unjudged)


def test_query_text_says_what_the_constraints_say(queries: list[QuerySpec]) -> None:
    kinds = Counter(c.kind for q in queries for c in q.constraints)
    assert all(kinds[k] >= 30 for k in ("attribute", "option", "brand", "price"))
    for q in queries:
        text = q.text.lower()
        for c in q.constraints:
            if c.kind in ("brand", "option"):
                assert str(c.value).lower() in text
            elif c.kind == "price":
                assert re.search(rf"\$?{int(c.value)}\b", text), q.text
    multi = sum(len(q.constraints) >= 2 for q in queries) / len(queries)
    assert multi > 0.5


def test_hard_negatives_share_department_brand_or_feature(
    catalog: Catalog, queries: list[QuerySpec]
) -> None:
    products = {p.product_id: p for p in catalog.products}
    dept_of = {q.query_id: q.category for q in queries}
    same_dept = total = 0
    for q in queries:
        dept = next(p.category for p in catalog.products if p.category_leaf == dept_of[q.query_id])
        negatives = [products[pid] for pid, g in q.judgements if g == 0]
        total += len(negatives)
        same_dept += sum(p.category.split(" > ")[0] == dept.split(" > ")[0] for p in negatives)
    assert same_dept / total > 0.5


def test_rows_flatten_the_queries_deterministically(
    catalog: Catalog, queries: list[QuerySpec]
) -> None:
    rows = labelled_queries(CONFIG, catalog)
    assert len(rows) == sum(len(q.judgements) for q in queries)
    split_of: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        split_of[row.query_id].add(row.split)
    assert all(len(s) == 1 for s in split_of.values())  # splits are disjoint by query
    first = queries[0]
    assert [(r.query_id, r.query, r.product_id, r.relevance) for r in rows[:2]] == [
        (first.query_id, first.text, *first.judgements[0]),
        (first.query_id, first.text, *first.judgements[1]),
    ]
    again = build_queries(CONFIG, catalog)
    assert [(q.text, q.judgements, q.split) for q in again] == [
        (q.text, q.judgements, q.split) for q in queries
    ]
