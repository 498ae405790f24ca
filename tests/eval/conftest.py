"""Shops for the harness tests: a 400-product demo shop indexed with the hash embedder (no
model download, a few seconds) and the two-order tau2 fixture, each as a read-only template."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.harness.dbstate import copy_shop
from eval.harness.env import ShopUnderTest
from retrieval.embedder import HashEmbedder
from retrieval.help import HelpIndex, HelpSearcher
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import open_store, sqlite_url
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from store.importers.tau2 import import_tau2

TAU2_MINI = Path(__file__).resolve().parents[1] / "data" / "tau2_mini"


@pytest.fixture(scope="module")
def eval_shops(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ShopUnderTest]:
    root = tmp_path_factory.mktemp("eval-shops")
    store = open_store(sqlite_url(root / "shop.db"))
    generate_demo(store, DemoConfig(products=400, users=40, seed=3))
    embedder = HashEmbedder()
    client = open_chroma(root / "chroma")
    products, help_index = ProductIndex(client), HelpIndex(client)
    products.sync(store, embedder)
    help_index.sync(store, embedder)
    demo = ShopUnderTest(
        "demo",
        copy_shop(root / "shop.db", root / "demo-template.db"),
        ProductSearcher(store, products, embedder),
        HelpSearcher(store, help_index, embedder),
    )
    tau2_store = open_store(sqlite_url(root / "tau2.db"))
    import_tau2(tau2_store, TAU2_MINI)
    tau2_store.dispose()
    tau2 = ShopUnderTest("tau2", copy_shop(root / "tau2.db", root / "tau2-template.db"))
    return {"demo": demo, "tau2": tau2}
