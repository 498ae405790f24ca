"""Facets read from text, end to end: a fixture shop whose attributes live only in titles and
descriptions, imported and given its facets (``build_fixture_shop(..., facets=True)``), then a
shopper's words read by ``parse_constraints`` against the shop's vocabulary and searched with
the filter the assistant builds (``merge_constraints`` and ``to_filter``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from shops import FASHION, OUTDOOR_GEAR, FixtureShop, build_fixture_shop

from retrieval.documents import load_product_records
from tools.constraints import merge_constraints, parse_constraints, to_filter


@pytest.fixture(scope="module")
def outdoor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureShop]:
    shop = build_fixture_shop(OUTDOOR_GEAR, tmp_path_factory.mktemp("outdoor"), facets=True)
    yield shop
    shop.close()


@pytest.fixture(scope="module")
def fashion(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureShop]:
    shop = build_fixture_shop(FASHION, tmp_path_factory.mktemp("fashion"), facets=True)
    yield shop
    shop.close()


def _found(shop: FixtureShop, text: str) -> tuple[dict[str, list[str]], list[str]]:
    parsed = parse_constraints(text, shop.vocab)
    constraints = merge_constraints(None, None, parsed)
    hits = shop.searcher.search(text, to_filter(constraints, shop.vocab), k=50)
    return dict(constraints.attributes), sorted(h.product_id for h in hits)


def test_a_4_person_tent_is_one_of_the_two_tents_for_four(outdoor: FixtureShop) -> None:
    for text in (
        "a 4-person tent",
        "a tent for 4 people",
        "4 person tent please",
        "a four-person tent",
        "a tent for four people",
    ):
        attributes, found = _found(outdoor, text)
        assert attributes == {"persons": ["4"]}, text
        assert found == ["OG-1004", "OG-1005"], text  # "sleeps four adults", "4-Person"
    assert _found(outdoor, "a 2 person tent")[1] == ["OG-1002", "OG-1003"]


def test_litres_audience_and_material_filter_outdoor_gear(outdoor: FixtureShop) -> None:
    assert _found(outdoor, "a 22L daypack") == ({"capacity_l": ["22"]}, ["OG-1071"])
    for text in ("women's hiking boots", "hiking boots for women", "womens hiking boots"):
        assert _found(outdoor, text) == ({"audience": ["women's"]}, ["OG-1052"]), text
    assert _found(outdoor, "a down sleeping bag") == (
        {"material": ["down"]},
        ["OG-1011", "OG-1015"],
    )


def test_a_black_dress_is_a_black_dress(fashion: FixtureShop) -> None:
    attributes, found = _found(fashion, "a black dress")
    assert attributes == {"color": ["black"]}
    # every dress the text calls black, and no black shoes ("derby dress shoes", 66)
    assert found == ["122", "124", "155", "162", "59", "63", "93"]
    assert _found(fashion, "a linen dress in black")[1] == ["124", "59"]
    assert _found(fashion, "navy slim fit t-shirt") == (
        {"color": ["navy"], "fit": ["slim"]},
        ["38"],
    )


def test_a_colour_family_finds_its_shades(fashion: FixtureShop) -> None:
    attributes, found = _found(fashion, "blue jeans")
    assert attributes == {"color": ["blue"]}
    records = {r.product_id: r for r in load_product_records(fashion.store, found)}
    shades = {s for r in records.values() for s in r.attributes["color"]} - {"blue"}
    assert shades == {"indigo", "mid blue"}
    assert all(r.from_text >= {"color"} for r in records.values())
