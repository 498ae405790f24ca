"""A data dir made before variants had stock (and before carts) opens as it is: the missing
tables are created and ``item.stock`` is added, empty (stock not counted)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlmodel import select

from store.db import open_store, sqlite_url
from store.models import Cart, Item


def test_an_old_item_table_gets_the_stock_column(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as conn:  # the release-1 layout of the two tables involved
        conn.execute(
            "CREATE TABLE product (product_id VARCHAR(64) PRIMARY KEY, title VARCHAR NOT NULL,"
            " description VARCHAR NOT NULL DEFAULT '', brand VARCHAR NOT NULL DEFAULT '',"
            " product_type VARCHAR NOT NULL DEFAULT '', category VARCHAR NOT NULL DEFAULT '',"
            " category_leaf VARCHAR NOT NULL DEFAULT '', price FLOAT NOT NULL DEFAULT 0,"
            " rating_avg FLOAT NOT NULL DEFAULT 0, rating_count INTEGER NOT NULL DEFAULT 0,"
            " attributes JSON, seq INTEGER NOT NULL DEFAULT 0,"
            " updated_at DATETIME NOT NULL DEFAULT '2026-01-01 00:00:00')"
        )
        conn.execute(
            "CREATE TABLE item (item_id VARCHAR(64) PRIMARY KEY, product_id VARCHAR(64) NOT NULL"
            " REFERENCES product (product_id), options JSON, price FLOAT NOT NULL,"
            " available BOOLEAN NOT NULL, seq INTEGER NOT NULL)"
        )
        conn.execute("INSERT INTO product (product_id, title) VALUES ('P1', 'Old Boot')")
        conn.execute("INSERT INTO item VALUES ('I1', 'P1', '{\"size\": \"9\"}', 80.0, 1, 0)")
    store = open_store(sqlite_url(path))
    with store.session() as s:
        item = s.exec(select(Item)).one()
        assert (item.item_id, item.price, item.available, item.stock) == ("I1", 80.0, True, None)
        assert s.exec(select(Cart)).all() == []
    store.dispose()
    store = open_store(sqlite_url(path))  # a second open changes nothing
    store.dispose()
