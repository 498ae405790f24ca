"""Review text: sentiment agrees with the rating, aspects follow attributes, mining recovers it."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from store.aspects import mine_aspects
from store.demo.catalog import generate_catalog
from store.demo.catalog_spec import all_categories
from store.demo.reviews import compose_review, write_review
from store.demo.types import Catalog, DemoConfig
from store.models import Product


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return generate_catalog(DemoConfig(products=500, seed=5))


def _product(leaf: str, **attrs: Any) -> Product:
    return Product(product_id="1", title="t", category_leaf=leaf, attributes=attrs)


def test_write_review_works_for_every_category_and_rating(catalog: Catalog) -> None:
    rng = random.Random(1)
    first: dict[str, Product] = {}
    for p in catalog.products:
        first.setdefault(p.category_leaf, p)
    assert len(first) == len(all_categories())
    for p in first.values():
        for rating in range(1, 6):
            title, text = write_review(rng, p, 0.5, rating)
            assert title and len(text) > 10 and text.endswith((".", "!"))


def test_unknown_category_gets_generic_aspects() -> None:
    draft = compose_review(random.Random(2), _product("Garden Hoses"), 0.5, 5)
    assert draft.aspects
    assert {a for a, _ in draft.aspects} <= {
        "value",
        "build quality",
        "design",
        "durability",
        "ease of use",
        "delivery",
    }


def test_sentiment_follows_the_rating(catalog: Catalog) -> None:
    rng = random.Random(3)
    for p in catalog.products[:100]:
        assert all(s == 1 for _, s in compose_review(rng, p, 0.9, 5).aspects)
        assert all(s == -1 for _, s in compose_review(rng, p, 0.1, 1).aspects)
        mixed = compose_review(rng, p, 0.5, 3).aspects
        assert {s for _, s in mixed} == {1, -1}


def test_mining_generated_reviews_recovers_the_intended_aspects(catalog: Catalog) -> None:
    rng = random.Random(4)
    agree = total = 0
    for i in range(1500):
        p = catalog.products[i % len(catalog.products)]
        draft = compose_review(rng, p, catalog.quality[p.product_id], rng.randint(1, 5))
        mined = {(m.aspect, m.sentiment) for m in mine_aspects(draft.text)}
        total += len(draft.aspects)
        agree += sum(pair in mined for pair in draft.aspects)
    assert agree / total >= 0.9


def test_attributes_tilt_what_reviewers_say() -> None:
    rng = random.Random(5)
    heavy = _product("Hiking Boots", waterproof=True, ankle_height="high", weight_g=1300)
    light = _product("Hiking Boots", waterproof=True, ankle_height="low", weight_g=750)

    def count(product: Product, rating: int, pair: tuple[str, int]) -> int:
        return sum(pair in compose_review(rng, product, 0.5, rating).aspects for _ in range(400))

    assert count(heavy, 1, ("weight", -1)) > 2 * count(light, 1, ("weight", -1))
    assert count(light, 5, ("weight", 1)) > 2 * count(heavy, 5, ("weight", 1))


def test_aspects_that_do_not_apply_are_never_mentioned() -> None:
    rng = random.Random(6)
    wired = _product(
        "Headphones", type="over-ear", wireless=False, noise_cancelling=False, microphone=False
    )
    said = Counter(a for _ in range(300) for a, _ in compose_review(rng, wired, 0.5, 4).aspects)
    assert said["sound quality"] > 0
    assert not {"battery life", "connectivity", "noise cancelling", "call quality"} & set(said)


def test_same_rng_same_review(catalog: Catalog) -> None:
    p = catalog.products[0]
    assert write_review(random.Random(9), p, 0.7, 4) == write_review(random.Random(9), p, 0.7, 4)
