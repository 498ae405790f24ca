"""Checking one product against constraints in code: the variant to suggest is in stock
whenever one that fits is, and every broken constraint is named."""

from __future__ import annotations

from retrieval.documents import ItemRecord, ProductRecord
from tools.checks import matching_items, violations
from tools.constraints import Constraints

# a mug in three sizes: the cheapest small one is sold out, a dearer small one is not
MUG = ProductRecord(
    "m1",
    "Stoneware Mug",
    "",
    "Hearth",
    "Mugs",
    "Kitchen > Mugs",
    "Mugs",
    9.0,
    4.4,
    30,
    {"material": "stoneware"},
    (
        ItemRecord("m-s-red", {"size": "small", "color": "Red"}, 9.0, False),
        ItemRecord("m-s-blue", {"size": "small", "color": "Blue"}, 11.0, True),
        ItemRecord("m-l-red", {"size": "large", "color": "Red"}, 13.0, True),
        ItemRecord("m-l-green", {"size": "large", "color": "Green"}, 12.0, False),
    ),
)


def _ids(items: list[ItemRecord]) -> list[str]:
    return [i.item_id for i in items]


def test_matching_items_prefer_a_variant_in_stock_over_a_cheaper_one() -> None:
    # in stock first (by price: 11.0, 13.0), then the sold-out ones (9.0, 12.0)
    assert _ids(matching_items(MUG, Constraints())) == [
        "m-s-blue",
        "m-l-red",
        "m-s-red",
        "m-l-green",
    ]
    small = matching_items(MUG, Constraints(attributes={"size": ["small"]}))
    assert _ids(small) == ["m-s-blue", "m-s-red"]  # $11.00 in stock before $9.00 sold out
    assert (small[0].price, small[0].available) == (11.0, True)


def test_a_sold_out_variant_is_suggested_only_when_no_fitting_one_is_in_stock() -> None:
    red_small = matching_items(MUG, Constraints(attributes={"size": ["small"], "color": ["Red"]}))
    assert _ids(red_small) == ["m-s-red"]
    assert (
        matching_items(MUG, Constraints(attributes={"color": ["Red"]}, in_stock=True))[0].item_id
        == "m-l-red"
    )
    assert matching_items(MUG, Constraints(price_max=10.0, in_stock=True)) == []


def test_a_product_without_variants_is_one_unavailable_variant_at_its_price() -> None:
    plain = ProductRecord(
        "p", "Plain Mug", "", "Hearth", "Mugs", "Kitchen > Mugs", "Mugs", 7.5, 4.0, 2, {}
    )
    assert matching_items(plain, Constraints()) == [ItemRecord("", {}, 7.5, False)]
    assert matching_items(plain, Constraints(in_stock=True)) == []


def test_violations_name_every_broken_constraint() -> None:
    assert violations(MUG, Constraints(category="Mugs", price_max=12.0)) == []
    assert violations(
        MUG,
        Constraints(
            category="Kitchen",
            brands=["Other"],
            min_rating=4.5,
            attributes={"color": ["Green"]},
            in_stock=True,
        ),
    ) == [
        "brand Hearth was not asked for",
        "rated 4.4, under 4.5",
        # the first variant with the fewest problems: the blue small one is just not green
        "no variant fits: color is not Green",
    ]
    assert violations(
        MUG, Constraints(category="Bowls", exclude_brands=["Hearth"], price_max=8.0)
    ) == ["not in Bowls", "brand Hearth is excluded", "no variant fits: $9.00 is over $8.00"]
