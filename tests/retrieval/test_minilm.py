"""The real embedder, loaded once per session, finds products by meaning (no shared words)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest

from retrieval.embedder import MiniLMEmbedder
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import Store, open_store, sqlite_url


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture(scope="module")
def searcher(
    tmp_path_factory: pytest.TempPathFactory,
    minilm: MiniLMEmbedder,
    shop_maker: Callable[[Store], None],
) -> Iterator[ProductSearcher]:
    folder = tmp_path_factory.mktemp("minilm")
    store = open_store(sqlite_url(folder / "shop.db"))
    shop_maker(store)
    index = ProductIndex(open_chroma(path=folder / "chroma"))
    index.sync(store, minilm)
    yield ProductSearcher(store, index, minilm)
    store.dispose()


def test_minilm_shape_norm_and_similarity(minilm: MiniLMEmbedder) -> None:
    out = minilm.embed(["a tent for camping", "a shelter to sleep outdoors", "an espresso maker"])
    assert (minilm.name, minilm.dim, out.shape, out.dtype) == (
        "all-MiniLM-L6-v2",
        384,
        (3, 384),
        np.float32,
    )
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-5)
    assert float(out[0] @ out[1]) > float(out[0] @ out[2]) + 0.2
    assert np.allclose(minilm.embed(["a tent for camping"])[0], out[0], atol=1e-5)


@pytest.mark.parametrize(
    ("query", "prefix"),
    [
        ("somewhere to sleep outside in the woods", "ten"),
        ("make a latte at home", "cof"),
        ("earbuds for listening on my commute", "hea"),
        ("notebook pc for university", "lap"),
    ],
)
def test_semantic_query_finds_the_right_product_kind(
    searcher: ProductSearcher, query: str, prefix: str
) -> None:
    results = searcher.search(query, k=3, mode="dense")
    assert [c.product_id[:3] for c in results] == [prefix] * 3
