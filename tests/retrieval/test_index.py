"""Index sync/check/rebuild, run against the embedded client and a real Chroma server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest
from sqlmodel import select

from retrieval.collection import HASH_KEY
from retrieval.documents import load_product_docs
from retrieval.embedder import HashEmbedder
from retrieval.errors import IndexNotReady
from retrieval.index import ProductIndex, open_chroma
from store.db import Store
from store.models import Item, Product, Review


class CrashingEmbedder:
    """Embeds the first ``ok_calls`` batches, then fails like a killed process would."""

    def __init__(self, inner: HashEmbedder, ok_calls: int) -> None:
        self.inner, self.ok_calls, self.calls = inner, ok_calls, 0
        self.name, self.dim = inner.name, inner.dim

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        self.calls += 1
        if self.calls > self.ok_calls:
            raise RuntimeError("killed mid-sync")
        return self.inner.embed(texts)


def _retitle(store: Store, product_ids: list[str]) -> None:
    with store.session() as s:
        for pid in product_ids:
            product = s.get(Product, pid)
            assert product is not None
            product.title = f"Renamed {pid}"
            s.add(product)


def _delete_product(store: Store, pid: str) -> None:
    with store.session() as s:
        for row in [
            *s.exec(select(Item).where(Item.product_id == pid)),
            *s.exec(select(Review).where(Review.product_id == pid)),
        ]:
            s.delete(row)
        s.flush()
        product = s.get(Product, pid)
        assert product is not None
        s.delete(product)


def load_ids(store: Store) -> list[str]:
    with store.session() as s:
        return list(s.exec(select(Product.product_id)).all())


def test_collection_is_cosine_without_embedding_function(product_index: ProductIndex) -> None:
    config = product_index.collection().configuration
    hnsw = config["hnsw"]
    assert hnsw is not None and hnsw["space"] == "cosine"
    assert hnsw["ef_search"] == product_index.hnsw.ef_search
    assert hnsw["max_neighbors"] == product_index.hnsw.max_neighbors
    assert config.get("embedding_function") is None


def test_an_existing_collection_takes_a_new_ef_search_without_a_rebuild(
    product_index: ProductIndex, shop: Store, embedder: HashEmbedder
) -> None:
    product_index.sync(shop, embedder)
    older = ProductIndex(
        product_index.client,
        name=product_index.name,
        hnsw=replace(product_index.hnsw, ef_search=product_index.hnsw.ef_search + 60),
    )
    older.collection()
    stored = product_index.client.get_collection(product_index.name).configuration["hnsw"]
    assert stored is not None and stored["ef_search"] == product_index.hnsw.ef_search + 60
    assert older.check(shop).clean  # the vectors are all still there


def test_sync_adds_then_is_a_no_op(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    first = product_index.sync(shop, embedder)
    assert (first.added, first.updated, first.deleted, first.unchanged) == (60, 0, 0, 0)
    second = product_index.sync(shop, embedder)
    assert (second.added, second.updated, second.deleted, second.unchanged) == (0, 0, 0, 60)
    assert product_index.count() == 60
    assert product_index.check(shop).clean


def test_sync_updates_changed_and_deletes_removed(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    product_index.sync(shop, embedder)
    _retitle(shop, ["lap02"])
    report = product_index.sync(shop, embedder)
    assert (report.added, report.updated, report.reembedded, report.deleted) == (0, 1, 1, 0)
    _delete_product(shop, "ten05")
    report = product_index.sync(shop, embedder)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (0, 0, 1, 59)
    assert product_index.count() == 59


def test_metadata_change_updates_without_reembedding(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    product_index.sync(shop, embedder)
    with shop.session() as s:
        product = s.get(Product, "run03")
        assert product is not None
        product.attributes = {"terrain": "road"}  # two attributes removed
        product.rating_avg = 4.5
        s.add(product)
    report = product_index.sync(shop, embedder)
    assert (report.updated, report.reembedded) == (1, 1)  # attributes are in the text
    with shop.session() as s:
        item = s.exec(select(Item).where(Item.product_id == "run03")).first()
        assert item is not None
        item.price = 1.0
        s.add(item)
    report = product_index.sync(shop, embedder)
    assert (report.updated, report.reembedded) == (1, 0)
    meta = product_index.collection().get(ids=["run03"], include=["metadatas"])["metadatas"]
    assert meta is not None
    assert meta[0]["attr_terrain"] == "road" and meta[0]["rating"] == 4.5
    assert "attr_waterproof" not in meta[0] and "attr_weight_g" not in meta[0]
    assert product_index.check(shop).clean


def test_check_lists_every_planted_difference(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    product_index.sync(shop, embedder)
    col = product_index.collection()
    col.delete(ids=["hea04"])
    col.update(ids=["cof01"], metadatas=[{HASH_KEY: "tampered"}])
    col.upsert(ids=["ghost"], embeddings=embedder.embed(["ghost"]), metadatas=[{HASH_KEY: "x"}])
    report = product_index.check(shop)
    assert (report.missing, report.stale, report.extra) == (["hea04"], ["cof01"], ["ghost"])
    assert not report.clean


def test_sync_killed_after_first_batch_is_finished_by_a_rerun(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    with pytest.raises(RuntimeError, match="killed"):
        product_index.sync(shop, CrashingEmbedder(embedder, ok_calls=1), batch_size=16)
    assert len(product_index.check(shop).missing) == 44
    report = product_index.sync(shop, embedder, batch_size=16)
    assert (report.added, report.unchanged) == (44, 16)
    assert product_index.check(shop).clean
    # and a crash in the middle of updates
    _retitle(shop, ["run01", "run02", "run03", "run04", "run05"])
    with pytest.raises(RuntimeError):
        product_index.sync(shop, CrashingEmbedder(embedder, ok_calls=1), batch_size=2)
    assert len(product_index.check(shop).stale) == 3
    assert product_index.sync(shop, embedder).updated == 3
    assert product_index.check(shop).clean


def test_rebuild_drops_and_resyncs(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    product_index.sync(shop, embedder)
    report = product_index.rebuild(shop, embedder)
    assert (report.added, report.unchanged) == (60, 0)
    assert product_index.check(shop).clean


def test_another_embedder_replaces_every_vector(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    product_index.sync(shop, embedder)
    report = product_index.sync(shop, HashEmbedder(dim=32))
    assert report.added == 60
    assert product_index.load_vectors().matrix.shape == (60, 32)


def test_query_by_vector_with_where_and_ids(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    product_index.sync(shop, embedder)
    [vector] = embedder.embed([load_product_docs(shop, ["lap04"])[0].text])
    hits = product_index.query(vector, k=3)
    assert hits[0].doc_id == "lap04" and hits[0].score == pytest.approx(1.0, abs=1e-3)
    tents = product_index.query(vector, k=5, where={"category_leaf": "tents"})
    assert len(tents) == 5 and all(h.doc_id.startswith("ten") for h in tents)
    only = product_index.query(vector, k=5, ids=["run01", "cof02"])
    assert sorted(h.doc_id for h in only) == ["cof02", "run01"]
    colour = product_index.query(vector, k=60, where={"opt_color": {"$contains": "orange"}})
    assert colour and all(h.doc_id.startswith("ten") for h in colour)


def test_load_vectors_returns_unit_rows_for_every_product(
    shop: Store, product_index: ProductIndex, embedder: HashEmbedder
) -> None:
    product_index.sync(shop, embedder)
    stored = product_index.load_vectors()
    assert sorted(stored.ids) == sorted(load_ids(shop))
    np.testing.assert_allclose(np.linalg.norm(stored.matrix, axis=1), 1.0, rtol=1e-5)
    assert all(m[HASH_KEY] for m in stored.metadatas)


def test_open_chroma_errors_say_what_to_fix() -> None:
    with pytest.raises(IndexNotReady, match="expected http://host:port"):
        open_chroma(url="localhost:8000")
    with pytest.raises(IndexNotReady, match="cannot reach the Chroma server"):
        open_chroma(url="http://127.0.0.1:9")
    with pytest.raises(IndexNotReady, match="no Chroma location"):
        open_chroma()
