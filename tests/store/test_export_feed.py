"""``aisle export feed``: the ACP feed reads back through ``aisle import catalog`` unchanged, both
feeds meet their specs' field rules, and what a feed has no field for is named."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from shops import FASHION, FORMAT_SHOPS, HOME_KITCHEN, OUTDOOR_GEAR
from sqlmodel import select

from store.db import Store, open_store, sqlite_url
from store.exporters import FeedRejected, export_feed
from store.exporters.feed_rules import ACP, MERCHANT, validate
from store.importers import import_catalog
from store.models import Item, Product

Snapshot = tuple[dict[str, Any], dict[str, Any]]


def _shop(tmp_path: Path, source: Path, name: str = "shop") -> Store:
    store = open_store(sqlite_url(tmp_path / f"{name}.db"))
    import_catalog(store, source)
    return store


def _snapshot(store: Store) -> Snapshot:
    """Products (title, description, brand, category, ratings, attributes with links) and
    variants (product, options, price, availability)."""
    with store.session() as session:
        products = {
            p.product_id: (
                p.title,
                p.description,
                p.brand,
                p.category,
                p.rating_avg,
                p.rating_count,
                p.attributes or {},
            )
            for p in session.exec(select(Product)).all()
        }
        items = {
            i.item_id: (i.product_id, i.options or {}, i.price, i.available)
            for i in session.exec(select(Item)).all()
        }
    return products, items


@pytest.mark.parametrize(
    ("source", "feed"),
    [
        (FORMAT_SHOPS["acp"][0], "feed.jsonl"),
        (FORMAT_SHOPS["merchant_tsv"][0], "feed.csv.gz"),
        (FORMAT_SHOPS["merchant_xml"][0], "feed.jsonl.gz"),
        (OUTDOOR_GEAR, "feed.tsv"),
        (FASHION, "feed.jsonl"),
    ],
    ids=["acp", "merchant-tsv", "merchant-xml", "outdoor", "fashion"],
)
def test_an_acp_export_imports_back_unchanged(tmp_path: Path, source: Path, feed: str) -> None:
    shop = _shop(tmp_path, source)
    report = export_feed(shop, tmp_path / feed, "acp")
    copy = open_store(sqlite_url(tmp_path / "copy.db"))
    imported = import_catalog(copy, tmp_path / feed)
    before, after = _snapshot(shop), _snapshot(copy)
    assert report.records == len(before[1]) == imported.items_added
    assert after == before
    assert not any("left out" in w for w in report.warnings)
    shop.dispose()
    copy.dispose()


def test_options_without_a_feed_field_travel_as_acp_custom_variants(tmp_path: Path) -> None:
    """The home-and-kitchen shop's ``capacity`` option (no ACP field) and one-valued colours
    come back as options; only the product attributes ACP has no field for are lost, and
    the warning names them."""
    shop = _shop(tmp_path, HOME_KITCHEN)
    report = export_feed(shop, tmp_path / "feed.jsonl", "acp")
    kettle = [
        json.loads(line)
        for line in (tmp_path / "feed.jsonl").read_text().splitlines()
        if json.loads(line)["item_group_id"] == "1021"
    ]
    assert {(r["custom_variant1_category"], r["custom_variant1_option"]) for r in kettle} >= {
        ("capacity", "2.4 L")
    }
    copy = open_store(sqlite_url(tmp_path / "copy.db"))
    import_catalog(copy, tmp_path / "feed.jsonl")
    (products, items), (products_back, items_back) = _snapshot(shop), _snapshot(copy)
    assert items_back == items
    lost = {"dishwasher_safe", "induction_compatible", "wattage_w"}
    for product_id, (*fields, attributes) in products.items():
        *fields_back, attributes_back = products_back[product_id]
        assert fields_back == fields
        assert attributes_back == {k: v for k, v in attributes.items() if k not in lost}
    assert report.warnings[-1] == (
        "attributes and options with no ACP product feed field, left out: "
        "dishwasher_safe (42), induction_compatible (15), wattage_w (10)"
    )
    shop.dispose()
    copy.dispose()


@pytest.mark.parametrize("feed", ["feed.jsonl", "feed.csv"])
def test_with_its_own_attributes_the_round_trip_is_complete(tmp_path: Path, feed: str) -> None:
    shop = _shop(tmp_path, HOME_KITCHEN)
    report = export_feed(shop, tmp_path / feed, "acp", own_attributes=True)
    assert not any("left out" in w for w in report.warnings)
    copy = open_store(sqlite_url(tmp_path / "copy.db"))
    import_catalog(copy, tmp_path / feed)
    assert _snapshot(copy) == _snapshot(shop)
    shop.dispose()
    copy.dispose()


def test_the_acp_feed_meets_the_specs_field_rules(tmp_path: Path) -> None:
    shop = _shop(tmp_path, FORMAT_SHOPS["acp"][0])
    export_feed(shop, tmp_path / "feed.jsonl.gz", "acp")
    with gzip.open(tmp_path / "feed.jsonl.gz", "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    assert validate(records, ACP).errors == []
    first = next(r for r in records if r["id"] == "VL3000")
    assert first["price"] == "199.00 USD"
    assert first["availability"] == "in_stock"
    assert (first["enable_search"], first["enable_checkout"]) == ("true", "false")
    assert first["item_group_id"] == "VL-anc-over-ear"
    assert first["item_group_title"] == "Aria ANC Over-Ear Headphones"
    assert first["title"] == "Aria ANC Over-Ear Headphones - Black"
    assert first["product_category"] == "Electronics > Audio > Headphones"
    sold_out = next(r for r in records if r["id"] == "VL3002")
    assert (sold_out["availability"], sold_out["inventory_quantity"]) == ("out_of_stock", 0)
    shop.dispose()


def test_the_merchant_feed_is_a_tsv_by_the_merchant_rules(tmp_path: Path) -> None:
    shop = _shop(tmp_path, HOME_KITCHEN)
    report = export_feed(shop, tmp_path / "merchant.tsv", "merchant")
    with (tmp_path / "merchant.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == report.records == 187
    assert validate(rows, MERCHANT).errors == []
    pan = next(r for r in rows if r["id"] == "1001-03")
    assert pan["price"] == "26.99 USD"
    assert pan["availability"] == "out_of_stock"
    assert pan["product_type"] == "Home & Kitchen > Cookware > Frying Pans"
    assert pan["title"] == "Everyday Non-Stick Frying Pan - 28 cm"
    assert "enable_search" not in pan  # an ACP field, not a Merchant one
    assert (
        "187 record(s) have no link, which the Merchant Center feed requires; the shop's "
        "data has none to give" in report.warnings
    )
    assert report.warnings[-1] == (
        "attributes and options with no Merchant Center feed field, left out: capacity (46), "
        "dishwasher_safe (42), induction_compatible (15), wattage_w (10)"
    )
    shop.dispose()


def test_a_record_breaking_a_rule_writes_nothing(tmp_path: Path) -> None:
    shop = _shop(tmp_path, OUTDOOR_GEAR)
    with shop.session() as session:
        item = session.exec(select(Item)).first()
        assert item is not None
        item.price = -1.0
        session.add(item)
    with pytest.raises(FeedRejected, match=r"price: '-1.00 USD' is not like '15.00 USD'"):
        export_feed(shop, tmp_path / "feed.jsonl", "acp")
    assert not (tmp_path / "feed.jsonl").exists()
    with pytest.raises(FeedRejected, match=r"a merchant feed is written as \.tsv, \.txt"):
        export_feed(shop, tmp_path / "feed.jsonl", "merchant")
    shop.dispose()


def test_id_length_rules() -> None:
    long_id = {"id": "x" * 51, "price": "1.00 USD", "availability": "in_stock"}
    assert validate([long_id], MERCHANT).errors == ["x" * 51 + ": id: is 51 characters, over 50"]
    assert validate([long_id], ACP).errors == []  # ACP allows 100
    assert validate([{**long_id, "availability": "sold"}], ACP).errors == [
        "x" * 51 + ": availability: 'sold' is not one of in_stock, out_of_stock, preorder"
    ]


def test_the_cli_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``aisle import catalog``, ``aisle export feed --format acp``, ``aisle import catalog``
    into a fresh data dir: the same catalog."""
    from typer.testing import CliRunner

    from ui.cli import app

    monkeypatch.delenv("AISLE_DATABASE_URL", raising=False)
    monkeypatch.delenv("AISLE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first, second, feed = tmp_path / "a", tmp_path / "b", tmp_path / "out" / "feed.jsonl.gz"
    source = str(HOME_KITCHEN)
    for args in (
        ["--data-dir", str(first), "import", "catalog", source, "--no-facets", "--json"],
        ["--data-dir", str(first), "export", "feed", str(feed), "--with-attributes", "--json"],
        ["--data-dir", str(second), "import", "catalog", str(feed), "--no-facets", "--json"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["items_added"] == 187
    a = open_store(sqlite_url(first / "aisle.db"))
    b = open_store(sqlite_url(second / "aisle.db"))
    assert _snapshot(a) == _snapshot(b)
    a.dispose()
    b.dispose()
