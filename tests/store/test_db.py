from pathlib import Path

import pytest
from sqlalchemy import text

from store.db import Store, open_store, sqlite_url
from store.errors import StoreUnavailable
from store.models import Product, User


def test_sqlite_uses_wal_and_busy_timeout(sqlite_store: Store) -> None:
    with sqlite_store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_sqlite_creates_parent_folder(tmp_path: Path) -> None:
    store = open_store(sqlite_url(tmp_path / "a" / "b" / "shop.db"))
    assert (tmp_path / "a" / "b" / "shop.db").exists()
    store.dispose()


def test_session_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.session() as s:
        s.add(User(user_id="u1", first_name="Ada", last_name="Lovelace", email="a@example.com"))
        s.flush()
        raise RuntimeError("boom")
    with store.session() as s:
        assert s.get(User, "u1") is None


def test_json_columns_round_trip(store: Store) -> None:
    attrs = {"ram": "16GB", "ports": ["usb-c", "hdmi"], "weight_kg": 1.3}
    with store.session() as s:
        s.add(Product(product_id="p1", title="Laptop", attributes=attrs))
    with store.session() as s:
        got = s.get(Product, "p1")
        assert got is not None and got.attributes == attrs


def test_unreachable_database_says_what_to_check() -> None:
    store = Store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreUnavailable, match="AISLE_DATABASE_URL"):
        store.create_schema()
