"""The real tau2-bench retail shop for the customer-service tool tests: imported once per
module into a template SQLite file that every test gets a fresh copy of (an import takes
about 0.6 s); skipped with the reason when ../shared is absent."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from store.db import Store, open_store, sqlite_url
from store.importers.tau2 import import_tau2

TAU2 = Path(__file__).resolve().parents[3] / "shared" / "data" / "tau2-retail"


@pytest.fixture(scope="module")
def original() -> dict[str, Any]:
    if not (TAU2 / "db.json").exists():
        pytest.skip(f"tau2-bench retail data not found at {TAU2}")
    return json.loads((TAU2 / "db.json").read_text())


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, original: dict[str, Any]) -> Path:
    path = tmp_path_factory.mktemp("tau2") / "shop.db"
    store = open_store(sqlite_url(path))
    import_tau2(store, TAU2)
    store.dispose()
    return path


@pytest.fixture
def shop(template: Path, tmp_path: Path) -> Iterator[Store]:
    shutil.copy(template, tmp_path / "shop.db")
    store = open_store(sqlite_url(tmp_path / "shop.db"))
    yield store
    store.dispose()
