from __future__ import annotations

import numpy as np
import pytest

from retrieval.documents import ItemRecord, ProductRecord
from retrieval.errors import FilterError
from retrieval.filters import FilterTable, ProductFilter


def _record(
    pid: str, items: list[tuple[dict[str, str], float, bool]], **kw: object
) -> ProductRecord:
    fields: dict[str, object] = {
        "title": pid,
        "description": "",
        "brand": "Acme",
        "product_type": "Running Shoes",
        "category": "Sports & Outdoors > Running Shoes",
        "category_leaf": "Running Shoes",
        "price": min((p for _, p, _ in items), default=50.0),
        "rating_avg": 4.0,
        "rating_count": 3,
        "attributes": {"waterproof": True, "features": ["Wide Fit", "Vegan"]},
    }
    fields.update(kw)
    return ProductRecord(
        product_id=pid,
        items=tuple(ItemRecord(f"{pid}-{i}", o, p, a) for i, (o, p, a) in enumerate(items)),
        **fields,  # type: ignore[arg-type]
    )


RECORDS = [
    # size 10 only in red; white exists but not in size 10, and the white 9 is sold out
    _record(
        "a",
        [
            ({"size": "10", "color": "Red"}, 80.0, True),
            ({"size": "9", "color": "White"}, 120.0, False),
        ],
    ),
    _record(
        "b",
        [
            ({"size": "10", "color": "White"}, 60.0, False),
            ({"size": "11", "color": "White"}, 95.0, True),
        ],
        brand="Stride",
        rating_avg=3.2,
        attributes={"waterproof": False},
    ),
    _record(
        "c",
        [],
        category="Home > Coffee Makers",
        category_leaf="Coffee Makers",
        product_type="Coffee Makers",
        attributes={"type": "Espresso", "cups": 12},
    ),
]
TABLE = FilterTable(RECORDS)


def ids(flt: ProductFilter) -> list[str]:
    return [TABLE.ids[i] for i in TABLE.allowed(flt)]


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (ProductFilter(), ["a", "b", "c"]),
        (ProductFilter(category="running shoes"), ["a", "b"]),
        (ProductFilter(category="SPORTS & OUTDOORS"), ["a", "b"]),
        (ProductFilter(category="home>coffee makers"), ["c"]),
        (ProductFilter(category="shoes"), []),
        (ProductFilter(brands=["stride", "Nobody"]), ["b"]),
        (ProductFilter(min_rating=3.5), ["a", "c"]),
        (ProductFilter(in_stock=True), ["a", "b"]),
        (ProductFilter(price_max=70), ["b", "c"]),
        (ProductFilter(price_max=70, in_stock=True), []),
        (ProductFilter(price_min=90, price_max=130), ["a", "b"]),
        (ProductFilter(price_min=149, price_max=151), []),
        (ProductFilter(price_min=40, price_max=60), ["b", "c"]),
        (ProductFilter(attributes={"size": "10", "color": "white"}), ["b"]),
        (ProductFilter(attributes={"size": "10", "color": "white"}, in_stock=True), []),
        (ProductFilter(attributes={"Color": ["RED", "blue"]}), ["a"]),
        (ProductFilter(attributes={"waterproof": "yes"}), ["a"]),
        (ProductFilter(attributes={"waterproof": "false"}), ["b"]),
        (ProductFilter(attributes={"features": "wide fit"}), ["a"]),
        (ProductFilter(attributes={"type": "espresso", "cups": "12.0"}), ["c"]),
        (ProductFilter(attributes={"size": "10", "waterproof": "yes"}, price_max=85), ["a"]),
        (ProductFilter(attributes={"material": "leather"}), []),
    ],
)
def test_filter_table(flt: ProductFilter, expected: list[str]) -> None:
    assert ids(flt) == expected


def test_mask_is_boolean_over_positions() -> None:
    mask = TABLE.mask(ProductFilter(in_stock=True))
    assert mask.dtype == np.bool_ and mask.tolist() == [True, True, False]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"colour": "red"}, "unknown filter field 'colour'"),
        ({"price_min": 100, "price_max": 50}, "price_min 100 is greater than price_max 50"),
        ({"price_max": -5}, "price_max: Input should be greater than or equal to 0"),
        ({"min_rating": 7}, "min_rating: Input should be less than or equal to 5"),
        ({"min_rating": -1}, "min_rating: Input should be greater than or equal to 0"),
        ({"attributes": {"color": []}}, "attribute 'color' needs a name and at least one value"),
        ({"brands": []}, "brands is an empty list"),
        ({"in_stock": "maybe"}, "in_stock: Input should be a valid boolean"),
    ],
)
def test_filter_errors_say_what_to_fix(data: dict[str, object], message: str) -> None:
    with pytest.raises(FilterError, match=message):
        ProductFilter.parse(data)
    with pytest.raises(FilterError):
        ProductFilter(**data)


def test_unknown_field_message_lists_the_allowed_fields() -> None:
    with pytest.raises(FilterError) as err:
        ProductFilter.parse({"size": "10"})
    assert "allowed: category, brands, price_min, price_max, min_rating, in_stock, attributes" in (
        str(err.value)
    )


def test_filter_is_a_value() -> None:
    flt = ProductFilter(brands=["x"], price_max=10)
    assert flt == ProductFilter.parse({"brands": ["x"], "price_max": 10.0})
    assert ProductFilter().is_empty and not flt.is_empty
