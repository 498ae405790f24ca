"""The fixture shops in eval/data/shops import with the project's own importer and read the way
the assistant will see them: counts, ids, brands, attributes, options, stock and the categories
the vocabulary finds. These are the facts other tests on these shops rely on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from shops import (
    FASHION,
    FORMAT_SHOPS,
    HOME_KITCHEN,
    OUTDOOR_GEAR,
    FixtureShop,
    build_fixture_shop,
)

from retrieval.documents import ProductRecord, load_product_records
from retrieval.filters import ProductFilter
from store.importers import import_catalog


def _shop(path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureShop]:
    shop = build_fixture_shop(path, tmp_path_factory.mktemp(path.stem))
    yield shop
    shop.close()


@pytest.fixture(scope="module")
def outdoor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureShop]:
    yield from _shop(OUTDOOR_GEAR, tmp_path_factory)


@pytest.fixture(scope="module")
def fashion(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureShop]:
    yield from _shop(FASHION, tmp_path_factory)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FixtureShop]:
    yield from _shop(HOME_KITCHEN, tmp_path_factory)


def records(shop: FixtureShop) -> dict[str, ProductRecord]:
    return {r.product_id: r for r in load_product_records(shop.store)}


@pytest.mark.parametrize(
    ("path", "products", "items"),
    [(OUTDOOR_GEAR, 35, 35), (FASHION, 200, 200), (HOME_KITCHEN, 61, 187)],
    ids=["outdoor_gear", "fashion", "home_kitchen"],
)
def test_each_file_imports_cleanly_and_is_fully_indexed(
    path: Path, products: int, items: int, tmp_path: Path
) -> None:
    shop = build_fixture_shop(path, tmp_path)  # raises ImportRejected on any problem
    try:
        report = shop.report
        assert (report.products_added, report.items_added) == (products, items)
        assert (report.products_updated, report.items_updated) == (0, 0)
        assert (shop.searcher.indexed, shop.searcher.missing_vectors) == (products, 0)
        again = import_catalog(shop.store, path)
        assert not again.changed
        assert (again.products_unchanged, again.items_unchanged) == (products, items)
    finally:
        shop.close()


@pytest.mark.parametrize("name", list(FORMAT_SHOPS))
def test_each_format_shop_builds_and_is_fully_indexed(name: str, tmp_path: Path) -> None:
    path, mapping = FORMAT_SHOPS[name]
    shop = build_fixture_shop(path, tmp_path, mapping)
    try:
        added = shop.report.products_added
        assert 20 <= added <= 300
        assert (shop.searcher.indexed, shop.searcher.missing_vectors) == (added, 0)
    finally:
        shop.close()


# --- outdoor gear: brands, but every attribute is in the text --------------------------------


def test_outdoor_has_brands_and_no_attributes_or_options(outdoor: FixtureShop) -> None:
    shop = records(outdoor)
    assert len(shop) == 35 and all(pid.startswith("OG-1") for pid in shop)
    assert {r.brand for r in shop.values()} == {
        "Brightfork",
        "Cairnwood",
        "Hollowfell",
        "Mossgrove",
        "Quillfeather",
        "Stonebrook Trail Co.",
        "Tarnbeck",
        "Vantreck",
    }
    assert all(r.attributes == {} for r in shop.values())
    # one variant each, whose id is the product's (the file has no item_id column)
    assert all(
        [(i.item_id, dict(i.options)) for i in r.items] == [(r.product_id, {})]
        for r in shop.values()
    )
    assert outdoor.vocab.keys == {} and outdoor.vocab.option_keys == frozenset()


def test_outdoor_tent_capacity_is_only_in_the_text(outdoor: FixtureShop) -> None:
    shop = records(outdoor)
    tents = {pid for pid, r in shop.items() if r.category_leaf == "Tents"}
    assert tents == {"OG-1001", "OG-1002", "OG-1003", "OG-1004", "OG-1005", "OG-1006"}
    assert "Sleeps four adults" in shop["OG-1004"].description  # title: "Basecamp Dome Tent"
    assert shop["OG-1005"].title == "Hearthside 4-Person Tunnel Tent"
    assert not shop["OG-1005"].items[0].available


def test_outdoor_stock_and_rating_extremes(outdoor: FixtureShop) -> None:
    shop = records(outdoor)
    out = {pid for pid, r in shop.items() if not r.items[0].available}
    assert out == {"OG-1005", "OG-1015", "OG-1043", "OG-1074"}
    ratings = {
        pid: (shop[pid].rating_avg, shop[pid].rating_count)
        for pid in ("OG-1014", "OG-1033", "OG-1083", "OG-1031")
    }
    assert ratings == {
        "OG-1014": (5.0, 2),
        "OG-1033": (2.5, 4),
        "OG-1083": (0.0, 0),
        "OG-1031": (4.3, 402),
    }


# --- fashion: ids 1..200, no brands, everything in the text -----------------------------------


def test_fashion_ids_are_1_to_200_in_file_order_and_no_brands(fashion: FixtureShop) -> None:
    shop = load_product_records(fashion.store)
    assert [r.product_id for r in shop] == [str(n) for n in range(1, 201)]
    assert all([i.item_id for i in r.items] == [r.product_id] for r in shop)
    assert {r.brand for r in shop} == {""}
    assert fashion.vocab.brands == {} and fashion.vocab.resolve_brand("Ray-Ban") is None
    assert all(r.attributes == {} and not r.option_values() for r in shop)
    assert fashion.vocab.keys == {}


def test_fashion_products_1_and_2_are_no_black_dresses_or_sunglasses(fashion: FixtureShop) -> None:
    shop = records(fashion)
    assert (shop["1"].title, shop["1"].category) == ("Straight-leg jeans", "Women > Jeans")
    assert (shop["2"].title, shop["2"].category) == ("Stone cotton trench coat", "Women > Jackets")
    assert all("black" not in f"{shop[pid].title} {shop[pid].description}" for pid in "12")


def test_fashion_categories_and_text_only_attributes(fashion: FixtureShop) -> None:
    shop = records(fashion)
    assert Counter(r.category for r in shop.values()) == {
        "Women > Dresses": 30,
        "Women > Tops": 20,
        "Women > Shoes": 16,
        "Women > Jeans": 14,
        "Women > Knitwear": 14,
        "Women > Jackets": 10,
        "Men > Jackets": 16,
        "Men > Tops": 14,
        "Men > Shoes": 14,
        "Men > Jeans": 12,
        "Men > Knitwear": 10,
        "Accessories > Sunglasses": 14,
        "Accessories > Bags": 16,
    }
    titles = {r.title: r for r in shop.values()}
    assert titles["Black linen midi dress"].category == "Women > Dresses"
    assert titles["Black leather derby dress shoes"].category == "Men > Shoes"  # not a dress
    assert "black" in titles["Linen shirt dress"].description  # colour in the text only


def test_fashion_audience_is_a_path_segment_over_shared_leaves(fashion: FixtureShop) -> None:
    vocab = fashion.vocab
    # "Women > Jeans" and "Men > Jeans" share the leaf "Jeans": the vocabulary's leaves cannot
    # tell women's jeans from men's; a filter on the full path can.
    assert vocab.categories["Women"] & vocab.categories["Men"] == {
        "Jackets",
        "Jeans",
        "Knitwear",
        "Shoes",
        "Tops",
    }
    assert vocab.leaves_for("Jeans") == {"Jeans"}
    hits = fashion.searcher.search("jeans", ProductFilter(category="Women > Jeans"), k=50)
    shop = records(fashion)
    assert len(hits) == 14 and {shop[h.product_id].category for h in hits} == {"Women > Jeans"}


# --- home & kitchen: variants, options, attributes, stock per variant -------------------------


def test_home_options_and_attributes(home: FixtureShop) -> None:
    shop = records(home)
    assert len(shop) == 61 and all(pid.isdigit() for pid in shop)
    assert home.vocab.option_keys == {"size", "color", "capacity"}
    assert home.vocab.boolean_keys == {"dishwasher_safe", "induction_compatible"}
    assert shop["1003"].attributes == {
        "material": "cast iron",
        "dishwasher_safe": False,
        "induction_compatible": True,
    }
    assert shop["1031"].attributes == {"material": "glass", "wattage_w": 3000}
    pan = shop["1004"]  # one variant, no item_id in the file
    assert [(i.item_id, dict(i.options), i.price) for i in pan.items] == [("1004", {}, 39.5)]
    assert home.vocab.resolve_value("capacity", "5.2 l") == "5.2 L"
    assert home.vocab.resolve_value("color", "cherry red") == "Cherry Red"


def test_home_has_products_out_of_stock_in_one_variant_and_in_stock_in_another(
    home: FixtureShop,
) -> None:
    shop = records(home)
    mixed = {pid for pid, r in shop.items() if {i.available for i in r.items} == {True, False}}
    assert len(mixed) == 28 and {"1001", "1005", "1021", "1103", "1121", "1141"} <= mixed
    assert all(not i.available for i in shop["1024"].items)  # out of stock in every colour
    casserole = {(i.options["capacity"], i.options["color"]): i for i in shop["1021"].items}
    assert len(casserole) == 12
    assert not casserole["5.2 L", "Cherry Red"].available
    assert casserole["5.2 L", "Navy"].available and casserole["3.8 L", "Cherry Red"].available
    assert (casserole["5.2 L", "Navy"].item_id, casserole["5.2 L", "Navy"].price) == (
        "1021-10",
        124.0,
    )


def test_home_product_price_is_the_lowest_variant_even_when_out_of_stock(
    home: FixtureShop,
) -> None:
    pan = records(home)["1002"]
    assert [(i.options["size"], i.price, i.available) for i in pan.items] == [
        ("24 cm", 64.0, False),
        ("28 cm", 79.0, True),
        ("32 cm", 94.0, True),
    ]
    assert pan.price == 64.0


# --- the vocabulary finds each shop's categories ----------------------------------------------


@pytest.mark.parametrize(
    ("shop_name", "text", "category"),
    [
        ("outdoor", "tents", "Tents"),
        ("outdoor", "tent", "Tents"),
        ("outdoor", "sleeping bags", "Sleeping Bags"),
        ("outdoor", "boots", "Hiking Boots"),
        ("outdoor", "trekking poles", "Trekking Poles"),
        ("fashion", "dresses", "Dresses"),
        ("fashion", "dress", "Dresses"),
        ("fashion", "sunglasses", "Sunglasses"),
        ("fashion", "bags", "Bags"),
        ("fashion", "knitwear", "Knitwear"),
        ("home", "kettles", "Kettles"),
        ("home", "frying pan", "Frying Pans"),
        ("home", "dutch oven", "Dutch Ovens"),
        ("home", "towels", "Towels"),
    ],
)
def test_vocabulary_finds_the_categories(
    shop_name: str, text: str, category: str, request: pytest.FixtureRequest
) -> None:
    shop: FixtureShop = request.getfixturevalue(shop_name)
    assert shop.vocab.resolve_category(text) == category


def test_vocabulary_knows_only_the_shops_own_brands(outdoor: FixtureShop) -> None:
    assert outdoor.vocab.resolve_brand("tarnbeck") == "Tarnbeck"
    assert outdoor.vocab.resolve_brand("Ray-Ban") is None
    assert outdoor.vocab.resolve_category("sunglasses") is None
