"""The informing shopping tools on the fashion fixture catalog, whose product ids are "1".."200":
``compare_products`` resolves positions in the list on screen before product ids, so "the
first two" never means products 1 and 2 of the catalog; the ``Comparison`` it returns is the
table both the prose and the web chat's table are made from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from shops import FASHION, FixtureShop, build_fixture_shop

from retrieval.documents import load_product_records
from tools.constraints import Constraints
from tools.shop_context import ShopContext, ShoppingState
from tools.shopping import SHOPPING_TOOLS, find_products, shown_for
from tools.shopping_info import Comparison, comparison, resolve_products


@pytest.fixture(scope="module")
def fashion(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureShop]:
    shop = build_fixture_shop(FASHION, tmp_path_factory.mktemp("fashion"))
    yield shop
    shop.close()


def _ctx(shop: FixtureShop, shown_ids: list[str]) -> ShopContext:
    """A context whose list on screen is ``shown_ids``, in that order."""
    by_id = {r.product_id: r for r in load_product_records(shop.store, shown_ids)}
    shown = [shown_for(by_id[i], Constraints()) for i in shown_ids]
    return ShopContext(
        store=shop.store,
        searcher=shop.searcher,
        vocab=shop.vocab,
        shopping=ShoppingState(candidates=shown),
    )


def test_compare_resolves_positions_before_product_ids(fashion: FixtureShop) -> None:
    ctx = _ctx(fashion, ["59", "13", "30"])  # black linen, navy satin, burgundy silk dresses
    result = SHOPPING_TOOLS.call(ctx, "compare_products", {"product_ids": ["1", "2"]})
    assert result.ok, result.content
    assert isinstance(result.data, Comparison)
    assert [(p.product_id, p.title) for p in result.data.products] == [
        ("59", "Linen shirt dress"),
        ("13", "Navy satin slip dress"),
    ]
    assert result.content.splitlines()[0] == (
        "| product | Linen shirt dress | Navy satin slip dress |"
    )
    # "3" is a position; a number past the list (or of three digits) is a product id
    assert resolve_products(fashion.store, ["3", "150", "#2"], ctx.shopping.candidates) == [
        "30",
        "150",
        "13",
    ]
    assert resolve_products(fashion.store, ["1", "59"], ctx.shopping.candidates) == ["59"]


def test_the_first_two_of_a_search_are_the_first_two_shown(fashion: FixtureShop) -> None:
    ctx = ShopContext(store=fashion.store, searcher=fashion.searcher, vocab=fashion.vocab)
    outcome = find_products(ctx, "silk slip dress", Constraints(category="Dresses"))
    first, second = outcome.candidates[0].product_id, outcome.candidates[1].product_id
    assert {first, second}.isdisjoint({"1", "2"})
    ctx.shopping = ShoppingState(constraints=outcome.constraints, candidates=outcome.candidates)
    result = SHOPPING_TOOLS.call(ctx, "compare_products", {"product_ids": "1, 2"})
    assert [p.product_id for p in result.data.products] == [first, second]


def test_comparison_rows_of_the_fixture_products(fashion: FixtureShop) -> None:
    table = comparison(fashion.store, ["1", "2"]).table()
    assert table[:4] == [
        ("product", ["Straight-leg jeans", "Stone cotton trench coat"]),
        ("brand", ["-", "-"]),
        ("price", ["$66.99", "$124.50"]),
        ("rating", ["4.1 (178 reviews)", "3.8 (223 reviews)"]),
    ]
    assert table[-2:] == [("reviewers praise", ["-", "-"]), ("complaints", ["-", "-"])]


def test_compare_needs_two_to_four_known_products(fashion: FixtureShop) -> None:
    ctx = _ctx(fashion, ["59", "13"])
    compare = SHOPPING_TOOLS["compare_products"]
    assert compare.call(ctx, {"product_ids": ["1", "59"]}).error == (
        "compare 2 to 4 different products; got 1"
    )
    unknown = compare.call(ctx, {"product_ids": ["1", "9999"]})
    assert (unknown.error_kind, unknown.error) == (
        "unknown_id",
        "unknown product '9999'; use positions (1-2) in the list on screen, or "
        "product ids from the last search results",
    )
    assert ctx.shopping.candidates[0].product_id == "59"  # the context is as it was


def test_an_id_past_the_list_on_screen_is_an_id(fashion: FixtureShop) -> None:
    """The model reads the five products on screen with their ids ("1. Grey ribbed knitted
    dress [id 7]", ``SearchOutcome.model_text``) and may send those ids back: a number past
    the five on screen is no position, even when more candidates are kept."""
    ctx = ShopContext(store=fashion.store, searcher=fashion.searcher, vocab=fashion.vocab)
    outcome = find_products(ctx, "grey ribbed knitted dress", Constraints(category="Dresses"))
    assert outcome.model_text().splitlines()[2:4] == [
        "1. Grey ribbed knitted dress [id 7] $60.95",
        "2. Black merino knitted dress [id 162] $126.99",
    ]
    assert len(outcome.candidates) == 30 and outcome.candidates[6].product_id != "7"
    ctx.shopping = ShoppingState(constraints=outcome.constraints, candidates=outcome.candidates)
    result = SHOPPING_TOOLS.call(ctx, "compare_products", {"product_ids": ["7", "162"]})
    compared = [p.product_id for p in result.data.products]
    assert compared == ["7", "162"], (
        f"compare_products(['7', '162']) with ids read off the five products on screen compared "
        f"{compared}: tools.shopping_info.resolve_products reads any number up to the 30 kept "
        "candidates as a position, so id 7 became the 7th candidate; positions should stop at "
        "the list on screen (the five shown)"
    )
