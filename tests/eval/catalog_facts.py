"""A hand-made five-product shop for the conversation checks' tests: three running shoes
(one Paceline in two colours and prices), a laptop, and one pending order."""

from __future__ import annotations

from eval.harness.shopfacts import Line, OrderFacts, ShopFacts
from eval.harness.truth import CatalogTruth
from retrieval.documents import ItemRecord, ProductRecord


def _shoe(
    pid: str, title: str, brand: str, rating: float, items: list[tuple[str, str, float, bool]]
) -> ProductRecord:
    return ProductRecord(
        product_id=pid,
        title=title,
        description=f"{title}, a light running shoe.",
        brand=brand,
        product_type="Running Shoes",
        category="Clothing & Shoes > Running Shoes",
        category_leaf="Running Shoes",
        price=min(p for _, _, p, _ in items),
        rating_avg=rating,
        rating_count=10,
        attributes={"waterproof": False},
        items=tuple(
            ItemRecord(iid, {"color": colour}, price, ok) for iid, colour, price, ok in items
        ),
    )


RECORDS = [
    _shoe(
        "1000000001",
        "Paceline Stride Running Shoe",
        "Paceline",
        4.5,
        [("2000000001", "Blue", 79.99, True), ("2000000002", "Black", 99.99, False)],
    ),
    _shoe(
        "1000000002",
        "Apexa Nova Running Shoe",
        "Apexa",
        3.9,
        [("2000000003", "Blue", 129.99, True)],
    ),
    _shoe(
        "1000000003",
        "Tempora Surge Running Shoe",
        "Tempora",
        4.8,
        [("2000000004", "Red", 59.99, True)],
    ),
    ProductRecord(
        product_id="1000000004",
        title="Voltan Spectra X Laptop",
        description="A 16-inch laptop.",
        brand="Voltan",
        product_type="Laptops",
        category="Computers > Laptops",
        category_leaf="Laptops",
        price=609.99,
        rating_avg=4.0,
        rating_count=3,
        attributes={},
        items=(ItemRecord("2000000005", {"ram": "16GB"}, 609.99, True),),
    ),
]
ORDER = OrderFacts(
    "#W1234567", "ada_park_1001", "pending", (Line("Running Shoes", "2000000001", "1000000001"),)
)


def facts() -> ShopFacts:
    return ShopFacts(
        "demo",
        CatalogTruth(RECORDS),
        [ORDER],
        {"ada_park_1001": "ada@x.com"},
        {"ada_park_1001": ["credit_card_7102975"]},
        help_articles=0,
    )
