"""Catalog import: the same catalog as CSV, JSONL and Parquet lands as the same rows; the exact
problems of invalid files; re-import idempotence; a rejected file leaves the store untouched."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select

from store.db import Store
from store.errors import HeaderRejected, ImportRejected
from store.importers.catalog import import_catalog
from store.models import Item, Product, ShopMeta

DATA = Path(__file__).resolve().parents[1] / "data"


def _ok_parquet(path: Path) -> Path:
    """tests/data/catalog_ok.csv as Parquet, with the types a dataframe would give it."""
    shoe = "Trailrunner 2 Running Shoe"
    table = pa.table(
        {
            "product_id": ["RS-100", "RS-100", "KT-7", "MUG-1"],
            "item_id": ["RS-100-42", "RS-100-43", None, "MUG-1-W"],
            "title": [shoe, shoe, "Glass Kettle 1.7 L", "Stoneware Mug"],
            "brand": ["Paceline", "Paceline", "Boilwell", "Claybird"],
            "category": ["Sports & Outdoors > Running Shoes"] * 2
            + ["Home > Kitchen > Kettles", "Home>Kitchen>Mugs"],
            "product_type": [None, None, "Electric Kettle", None],
            "description": ["Light trail shoe, 8 mm drop."] * 2
            + ["Borosilicate glass,\nblue LED.", None],
            "price": [129.99, 119.5, 39.0, 12.0],
            "available": [True, False, None, True],
            "rating_avg": [4.5, 4.5, None, None],
            "rating_count": pa.array([12, 12, None, None], pa.int64()),
            "attributes": [{"drop_mm": 8, "waterproof": True}] * 2 + [None, None],
            "options": [
                {"size": "42", "color": "Blue"},
                {"size": "43", "color": "Blue"},
                None,
                {"color": "White"},
            ],
        }
    )
    pq.write_table(table, path)
    return path


def _catalog_file(kind: str, tmp_path: Path) -> Path:
    if kind == "parquet":
        return _ok_parquet(tmp_path / "catalog_ok.parquet")
    return DATA / f"catalog_ok.{kind}"


def snapshot(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Every stored product and item column, timestamps included."""
    with store.session() as s:
        products = s.execute(select(*Product.__table__.columns).order_by("product_id"))  # type: ignore[attr-defined]
        items = s.execute(select(*Item.__table__.columns).order_by("item_id"))  # type: ignore[attr-defined]
        return [tuple(r) for r in products], [tuple(r) for r in items]


@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet"])
def test_each_format_imports_the_same_rows(store: Store, tmp_path: Path, kind: str) -> None:
    report = import_catalog(store, _catalog_file(kind, tmp_path))
    assert (report.products_added, report.items_added) == (3, 4)
    assert (report.products_updated, report.items_updated, report.items_unchanged) == (0, 0, 0)
    with store.session() as s:
        shoe = s.get(Product, "RS-100")
        assert shoe is not None
        assert (shoe.category, shoe.category_leaf, shoe.product_type) == (
            "Sports & Outdoors > Running Shoes",
            "Running Shoes",
            "Running Shoes",
        )
        assert (shoe.price, shoe.rating_avg, shoe.rating_count, shoe.seq) == (119.5, 4.5, 12, 0)
        assert shoe.attributes == {"drop_mm": 8, "waterproof": True}
        kettle, mug = s.get(Product, "KT-7"), s.get(Product, "MUG-1")
        assert kettle is not None and mug is not None
        assert (kettle.product_type, kettle.description, kettle.seq) == (
            "Electric Kettle",
            "Borosilicate glass,\nblue LED.",
            1,
        )
        assert (mug.category, mug.product_type, mug.price, mug.brand) == (
            "Home > Kitchen > Mugs",
            "Mugs",
            12.0,
            "Claybird",
        )
        items = {i.item_id: i for i in s.scalars(select(Item))}
    assert sorted(items) == ["KT-7", "MUG-1-W", "RS-100-42", "RS-100-43"]
    big, small = items["RS-100-42"], items["RS-100-43"]
    assert (big.options, big.price, big.available, big.seq) == (
        {"size": "42", "color": "Blue"},
        129.99,
        True,
        0,
    )
    assert (small.options, small.price, small.available, small.seq) == (
        {"size": "43", "color": "Blue"},
        119.5,
        False,
        1,
    )
    assert (items["KT-7"].product_id, items["KT-7"].options, items["KT-7"].available) == (
        "KT-7",
        {},
        True,
    )
    assert items["MUG-1-W"].options == {"color": "White"}
    with store.session() as s:
        assert s.get(ShopMeta, "source") is not None


def test_reimport_changes_nothing(store: Store) -> None:
    import_catalog(store, DATA / "catalog_ok.csv")
    before = snapshot(store)
    report = import_catalog(store, DATA / "catalog_ok.jsonl")  # same catalog, other format
    assert (report.products_unchanged, report.items_unchanged) == (3, 4)
    assert not report.changed
    assert snapshot(store) == before  # updated_at included


def test_changed_price_updates_item_and_product_only(store: Store, tmp_path: Path) -> None:
    import_catalog(store, DATA / "catalog_ok.csv")
    before = {p[0]: p for p in snapshot(store)[0]}
    changed = tmp_path / "catalog.csv"
    changed.write_text((DATA / "catalog_ok.csv").read_text().replace(",119.5,", ",99.0,"))
    report = import_catalog(store, changed)
    assert (report.products_updated, report.products_unchanged) == (1, 2)
    assert (report.items_updated, report.items_unchanged) == (1, 3)
    after = {p[0]: p for p in snapshot(store)[0]}
    assert after["KT-7"] == before["KT-7"]
    with store.session() as s:
        shoe = s.get(Product, "RS-100")
        assert shoe is not None and shoe.price == 99.0
        assert shoe.updated_at > before["RS-100"][-1]


def test_new_products_continue_seq_and_absent_ones_stay(store: Store, tmp_path: Path) -> None:
    import_catalog(store, DATA / "catalog_ok.csv")
    extra = tmp_path / "more.csv"
    extra.write_text("product_id,title,price\nLAMP-1,Desk Lamp,25\n")
    report = import_catalog(store, extra)
    assert (report.products_added, report.products_unchanged, report.items_added) == (1, 0, 1)
    with store.session() as s:
        lamp, shoe = s.get(Product, "LAMP-1"), s.get(Product, "RS-100")
        assert lamp is not None and lamp.seq == 3 and lamp.category == ""
        assert shoe is not None and shoe.rating_count == 12  # absent from the file: untouched
        assert s.scalar(select(func.count()).select_from(Item)) == 5


def test_columns_the_file_lacks_keep_stored_values(store: Store, tmp_path: Path) -> None:
    import_catalog(store, DATA / "catalog_ok.csv")
    slim = tmp_path / "slim.csv"
    slim.write_text("product_id,item_id,title,price\nKT-7,KT-7,Glass Kettle 1.7 L,39\n")
    report = import_catalog(store, slim)
    assert (report.products_unchanged, report.items_unchanged) == (1, 1)
    with store.session() as s:
        kettle = s.get(Product, "KT-7")
        assert kettle is not None and kettle.brand == "Boilwell"


CSV_PROBLEMS = [
    "catalog_bad.csv:2: price: must be a number >= 0, got 'abc'",
    "catalog_bad.csv:3: available: must be one of true/false/1/0/yes/no/y/n, got 'maybe'",
    "catalog_bad.csv:3: title: 'Trailrunner 3' differs from 'Trailrunner 2' on line 2 for product"
    " 'RS-100'; product fields must be the same on every row of a product",
    "catalog_bad.csv:4: rating_avg: must be a number from 0 to 5, got '7'",
    "catalog_bad.csv:4: item_id: required because product 'KT-7' has 2 rows (lines 4, 5); "
    "give each row its own item id",
    "catalog_bad.csv:5: rating_avg: must be a number from 0 to 5, got '7'",
    "catalog_bad.csv:6: title: required; give every row its product's title",
    'catalog_bad.csv:6: attributes: must be a JSON object such as {"color": "red"} '
    "(Expecting value), got '{\"color\": red}'",
    "catalog_bad.csv:6: item_id: 'RS-100-42' is also on line 2; every row needs its own item id",
    "catalog_bad.csv:7: row: has 9 values but the header has 8 columns; quote values that "
    "contain commas",
]

JSONL_PROBLEMS = [
    "catalog_bad.jsonl:1: price: must be a number >= 0, got 'abc'",
    "catalog_bad.jsonl:2: brand: 'Pacelin' differs from 'Paceline' on line 1 for product "
    "'RS-100'; product fields must be the same on every row of a product",
    "catalog_bad.jsonl:4: row: must be a JSON object, got list",
    "catalog_bad.jsonl:5: row: not valid JSON (Expecting ',' delimiter at column 85); each line "
    "must be one JSON object",
    "catalog_bad.jsonl:6: rating_count: must be a whole number >= 0, got 2.5",
    "catalog_bad.jsonl:6: price: must be a number >= 0, got -3",
    "catalog_bad.jsonl:6: options: option values must be text or numbers, got ['S', 'M']",
]


def _bad_parquet(path: Path) -> Path:
    pq.write_table(
        pa.table(
            {
                "product_id": ["RS-100", "RS-100", "KT-7"],
                "item_id": ["RS-100-42", "RS-100-42", "KT-7"],
                "title": ["Trailrunner 2", "Trailrunner 2", "Glass Kettle"],
                "category": ["Sports > Running Shoes", "Sports > Trail Shoes", "Home > > Kettles"],
                "price": [129.99, 119.5, -1.0],
            }
        ),
        path,
    )
    return path


PARQUET_PROBLEMS = [
    "catalog_bad.parquet:2: category: 'Sports > Trail Shoes' differs from 'Sports > Running Shoes'"
    " on line 1 for product 'RS-100'; product fields must be the same on every row of a product",
    "catalog_bad.parquet:2: item_id: 'RS-100-42' is also on line 1; every row needs its own "
    "item id",
    "catalog_bad.parquet:3: category: must be a path like 'Home > Kitchen > Kettles' without empty "
    "parts, got 'Home > > Kettles'",
    "catalog_bad.parquet:3: price: must be a number >= 0, got -1.0",
]


@pytest.mark.parametrize("kind", ["csv", "jsonl", "parquet"])
def test_rejected_file_lists_every_problem_and_commits_nothing(
    store: Store, tmp_path: Path, kind: str
) -> None:
    import_catalog(store, _catalog_file("csv", tmp_path))
    with store.session() as s:
        s.add(ShopMeta(key="marker", value="before"))
    before = snapshot(store)
    if kind == "parquet":
        bad, expected = _bad_parquet(tmp_path / "catalog_bad.parquet"), PARQUET_PROBLEMS
    else:
        bad = DATA / f"catalog_bad.{kind}"
        expected = CSV_PROBLEMS if kind == "csv" else JSONL_PROBLEMS
    with pytest.raises(ImportRejected) as caught:
        import_catalog(store, bad)
    got = [str(p) for p in caught.value.problems]
    if kind == "csv":  # the store already holds RS-100-42, so line 6 also collides with it
        assert got.pop(-2) == (
            "catalog_bad.csv:6: item_id: 'RS-100-42' already belongs to "
            "product 'RS-100' in the store; use another item id"
        )
    assert got == expected
    assert snapshot(store) == before
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Product)) == 3
        assert s.get(ShopMeta, "marker") is not None


def test_header_problems_are_reported_before_rows(sqlite_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "typo.csv"
    path.write_text("product_id,Title,prize,price_band\nP1,Lamp,abc,Desk\n")
    with pytest.raises(HeaderRejected) as caught:
        import_catalog(sqlite_store, path)
    assert [str(p) for p in caught.value.problems] == [
        "typo.csv:1: price: missing required column; the file has 'prize': rename it or add "
        "--map 'prize=price'"
    ]
    assert "Fix the header" in str(caught.value)


def test_unknown_columns_are_ignored_with_a_warning_and_no_misleading_hint(
    sqlite_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "extra.csv"
    path.write_text("product_id,Title,price,price_band,prise,subcategory\nP1,Lamp,12,low,13,Desk\n")
    report = import_catalog(sqlite_store, path)
    assert report.products_added == 1
    assert report.warnings == [
        "read column 'Title' as title",
        "read column 'subcategory' as category",
        "ignored column(s) Aisle does not model: 'price_band', 'prise' (did you mean 'price'? "
        "then --map 'prise=price'); keep one as an attribute with --map 'COLUMN=attr.NAME'",
    ]


def test_unsupported_and_empty_files(sqlite_store: Store, tmp_path: Path) -> None:
    xlsx = tmp_path / "catalog.xlsx"
    shutil.copy(DATA / "catalog_ok.csv", xlsx)
    with pytest.raises(ImportRejected, match=r"use \.csv, \.tsv, \.jsonl \(or \.ndjson\), \.xml"):
        import_catalog(sqlite_store, xlsx)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(ImportRejected, match="no rows; nothing to import"):
        import_catalog(sqlite_store, empty)


def test_item_id_of_another_stored_product_is_rejected(sqlite_store: Store, tmp_path: Path) -> None:
    import_catalog(sqlite_store, DATA / "catalog_ok.csv")
    moved = tmp_path / "moved.jsonl"
    moved.write_text('{"product_id": "MUG-2", "item_id": "MUG-1-W", "title": "Mug", "price": 9}\n')
    with pytest.raises(ImportRejected) as caught:
        import_catalog(sqlite_store, moved)
    assert [str(p) for p in caught.value.problems] == [
        "moved.jsonl:1: item_id: 'MUG-1-W' already belongs to product 'MUG-1' in the store; "
        "use another item id"
    ]
