from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from retrieval.documents import load_product_docs, load_product_records, norm_key, norm_value
from store.db import Store
from store.models import Item, Product


@pytest.fixture
def both_shop(store: Store, shop_maker: Callable[[Store], None]) -> Store:
    """The hand-made shop on SQLite and PostgreSQL."""
    shop_maker(store)
    return store


def test_records_load_products_with_their_items_in_catalog_order(both_shop: Store) -> None:
    records = load_product_records(both_shop)
    assert len(records) == 60
    assert [r.product_id for r in records[:2]] == ["run00", "run01"]
    with both_shop.session() as s:
        n_items = len(s.exec(select(Item)).all())
    assert sum(len(r.items) for r in records) == n_items
    assert next(r for r in records if r.product_id == "run11").items == ()


def test_doc_text_and_metadata(both_shop: Store) -> None:
    [doc] = load_product_docs(both_shop, ["run00"])
    assert doc.text.splitlines()[:4] == [
        "Stride Model 0 Running Shoe",
        "Brand: Stride",
        "Category: Sports & Outdoors > Running Shoes",
        "waterproof: yes; terrain: trail; weight g: 300",
    ]
    assert "Options: size: " in doc.text and "breathable mesh" in doc.text
    meta = doc.metadata
    assert meta["category"] == "sports & outdoors > running shoes"
    assert meta["category_leaf"] == "running shoes"
    assert meta["brand"] == "stride"
    assert meta["attr_waterproof"] is True and meta["attr_weight_g"] == 300
    assert meta["opt_color"] == ["black", "white"]
    assert meta["in_stock"] is True
    with both_shop.session() as s:
        items = s.exec(select(Item).where(Item.product_id == "run00")).all()
    available = [i.price for i in items if i.available]
    assert meta["price"] == pytest.approx(min(available))
    assert meta["max_price"] == pytest.approx(max(available))


def test_list_attributes_become_string_lists(both_shop: Store) -> None:
    [doc] = load_product_docs(both_shop, ["lap00"])
    assert doc.metadata["attr_features"] == ["fingerprint", "touchscreen"]
    assert doc.metadata["attr_screen_size"] == 13.3


def test_product_without_items_uses_its_own_price_and_is_out_of_stock(both_shop: Store) -> None:
    [doc] = load_product_docs(both_shop, ["cof11"])
    assert doc.metadata["in_stock"] is False
    assert doc.metadata["price"] == doc.metadata["max_price"] == 150.0
    assert "Options:" not in doc.text


def test_hash_changes_with_price_but_text_hash_does_not(both_shop: Store) -> None:
    [before] = load_product_docs(both_shop, ["hea03"])
    with both_shop.session() as s:
        item = s.exec(select(Item).where(Item.product_id == "hea03", Item.available)).first()
        assert item is not None
        item.price += 10
        s.add(item)
    [after] = load_product_docs(both_shop, ["hea03"])
    assert after.content_hash != before.content_hash
    assert after.text_hash == before.text_hash
    [again] = load_product_docs(both_shop, ["hea03"])
    assert again.content_hash == after.content_hash


def test_hash_changes_with_title(both_shop: Store) -> None:
    [before] = load_product_docs(both_shop, ["ten00"])
    with both_shop.session() as s:
        product = s.get(Product, "ten00")
        assert product is not None
        product.title = "Ultralight Tent"
        s.add(product)
    [after] = load_product_docs(both_shop, ["ten00"])
    assert after.text_hash != before.text_hash and after.text.startswith("Ultralight Tent")


def test_unknown_ids_are_skipped(both_shop: Store) -> None:
    assert [d.product_id for d in load_product_docs(both_shop, ["nope", "lap01"])] == ["lap01"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, "yes"),
        ("False", "no"),
        (16.0, "16"),
        ("16.0", "16"),
        (" Stainless  Steel ", "stainless steel"),
        ("13.3", "13.3"),
        ("XL", "xl"),
        ("007", "7"),
    ],
)
def test_norm_value(raw: object, expected: str) -> None:
    assert norm_value(raw) == expected


def test_norm_key() -> None:
    assert norm_key("Screen Size") == norm_key("screen-size") == "screen_size"


def test_links_are_kept_apart_from_the_facets(both_shop: Store) -> None:
    """An importer keeps page and image URLs in ``attributes["links"]``: no filter, search
    text or clarifying question may treat them as a facet."""
    with both_shop.session() as s:
        product = s.get(Product, "run00")
        assert product is not None
        product.attributes = {
            **(product.attributes or {}),
            "links": {
                "url": "https://shop.example/p/run00",
                "image": "https://shop.example/i/run00.jpg",
            },
        }
        s.add(product)
    [record] = load_product_records(both_shop, ["run00"])
    assert "links" not in record.attributes and record.attributes["waterproof"] is True
    assert record.links == {
        "url": "https://shop.example/p/run00",
        "image": "https://shop.example/i/run00.jpg",
    }
    [doc] = load_product_docs(both_shop, ["run00"])
    assert "shop.example" not in doc.text
    assert not any(key.startswith("attr_links") for key in doc.metadata)
