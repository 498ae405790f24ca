"""Shared fixtures: stores on SQLite and (when reachable) PostgreSQL, and a small demo shop.

PostgreSQL tests use a fresh schema per test on the server at 127.0.0.1:5432 (database
``test``, overridable with AISLE_TEST_POSTGRES_URL) and drop it afterwards; they are skipped
with the reason when the server cannot be reached.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from store.db import Store, open_store, sqlite_url
from store.importers.tau2 import import_tau2

POSTGRES_URL = os.environ.get(
    "AISLE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TAU2_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "tau2-retail"

_pg_unreachable: str | None = None


def _postgres_reason() -> str | None:
    """None when PostgreSQL answers, else why not (memoised: one probe per session)."""
    global _pg_unreachable
    if _pg_unreachable is None:
        try:
            engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _pg_unreachable = ""
        except Exception as exc:  # any failure means: skip, and say why
            _pg_unreachable = (
                f"PostgreSQL not reachable at {POSTGRES_URL}: {exc.__class__.__name__}"
            )
    return _pg_unreachable or None


def _pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(sqlite_url(tmp_path / "shop.db"))
    yield store
    store.dispose()


@pytest.fixture
def postgres_store() -> Iterator[Store]:
    reason = _postgres_reason()
    if reason:
        pytest.skip(reason)
    schema = f"aisle_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    store = open_store(_pg_schema_url(schema))
    try:
        yield store
    finally:
        store.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Store:
    """The same test on both backends."""
    fixture = "sqlite_store" if request.param == "sqlite" else "postgres_store"
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def tau2_dir() -> Path:
    if not (TAU2_DIR / "db.json").exists():
        pytest.skip(f"tau2-bench retail data not found at {TAU2_DIR}")
    return TAU2_DIR


@pytest.fixture(scope="session")
def tau2_template(tmp_path_factory: pytest.TempPathFactory, tau2_dir: Path) -> Path:
    """The tau2-bench retail shop imported once (about 0.6 s) into a template SQLite file."""
    path = tmp_path_factory.mktemp("tau2") / "shop.db"
    store = open_store(sqlite_url(path))
    import_tau2(store, tau2_dir)
    store.dispose()
    return path


@pytest.fixture
def tau2_store(tau2_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the tau2 shop for one test; skipped when ../shared is absent."""
    shutil.copy(tau2_template, tmp_path / "shop.db")
    store = open_store(sqlite_url(tmp_path / "shop.db"))
    yield store
    store.dispose()
