"""The real tau2-bench retail shop for the customer-service tool tests: ``shop`` is a fresh
copy of it per test (``tau2_store`` in tests/conftest.py), ``original`` its ``db.json``;
skipped with the reason when ../shared is absent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from store.db import Store


@pytest.fixture(scope="module")
def original(tau2_dir: Path) -> dict[str, Any]:
    return json.loads((tau2_dir / "db.json").read_text())


@pytest.fixture
def shop(tau2_store: Store) -> Store:
    return tau2_store
