"""Shared by the assistant tests: shops with their search parts (the generated demo shop, the
tau2 shop and the fixture catalogs of eval/data/shops), an ``Assistant`` on any of them, and,
for the real-model tests, the embedded GGUF assembled once and kept between runs.

``bot(shop)`` builds an assistant whose model is a ``ScriptedChat`` with an empty script unless
one is given: a test whose turn consults the model then fails with ``ScriptExhausted``, so the
tests also show which turns need no model at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from assistant_shops import Shop, indexed, make_bot
from shops import FASHION, HOME_KITCHEN, OUTDOOR_GEAR, build_fixture_shop

from assistant.agent import Assistant
from assistant.llm.errors import WeightsMissing
from assistant.llm.weights import WeightsSpec, ensure_gguf, locate_parts
from store.db import Store, open_store, sqlite_url
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 300-product demo shop (seed 5) generated once; tests get copies."""
    root = tmp_path_factory.mktemp("demo-template")
    store = open_store(sqlite_url(root / "shop.db"))
    generate_demo(store, DemoConfig(products=300, users=30, seed=5))
    store.dispose()
    return root / "shop.db"


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Shop]:
    """A fresh, indexed copy of the demo shop for one test (writes stay in it)."""
    shutil.copy(demo_template, tmp_path / "shop.db")
    store = open_store(sqlite_url(tmp_path / "shop.db"))
    yield indexed(store, tmp_path)
    store.dispose()


@pytest.fixture(scope="session")
def demo_shared(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """One indexed copy of the demo shop for tests that write nothing to it."""
    root = tmp_path_factory.mktemp("demo-shared")
    shutil.copy(demo_template, root / "shop.db")
    store = open_store(sqlite_url(root / "shop.db"))
    yield indexed(store, root)
    store.dispose()


@pytest.fixture
def tau2(tau2_store: Store, tmp_path: Path) -> Shop:
    """The tau2-bench retail shop, indexed (skipped without ../shared's data)."""
    return indexed(tau2_store, tmp_path / "index", with_help=False)


def _fixture(path: Path, workdir: Path) -> Iterator[Shop]:
    shop = build_fixture_shop(path, workdir)
    yield Shop(shop.store, shop.searcher, None, shop.vocab)
    shop.close()


@pytest.fixture
def fashion(tmp_path: Path) -> Iterator[Shop]:
    yield from _fixture(FASHION, tmp_path)


@pytest.fixture
def outdoor(tmp_path: Path) -> Iterator[Shop]:
    yield from _fixture(OUTDOOR_GEAR, tmp_path)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Shop]:
    yield from _fixture(HOME_KITCHEN, tmp_path)


@pytest.fixture
def bot() -> Callable[..., Assistant]:
    return make_bot


@pytest.fixture(scope="session")
def gguf_for(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[WeightsSpec], Path]:
    """``gguf_for(spec)``: the assembled GGUF; skips the test, saying why, without its parts."""

    def assemble(spec: WeightsSpec) -> Path:
        try:
            locate_parts(spec)
        except WeightsMissing as exc:
            pytest.skip(f"the {spec.title} weights are not installed: {exc}")
        # pytest's cache dir keeps the assembled GGUF between runs (assembly copies ~1 GB).
        cache = getattr(request.config, "cache", None)
        where = cache.mkdir("aisle-llm") if cache else tmp_path_factory.mktemp("llm")
        return ensure_gguf(spec, where, progress=False)

    return assemble
