"""The product vector index in Chroma: opening a client, the HNSW settings, and ``ProductIndex``.

``open_chroma`` gives the embedded ``PersistentClient`` by default and an ``HttpClient`` when a
server URL is set (the scale-out mode). ``ProductIndex`` is a ``DerivedIndex`` over
``load_product_docs``: ``sync`` embeds only new or changed products, ``check`` lists every
difference, ``rebuild`` drops and re-syncs, ``query`` searches by vector.

Not here: the sync mechanics (``retrieval.collection``), hybrid search and filters
(``retrieval.search``, ``retrieval.filters``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings

from retrieval.collection import (
    CheckReport,
    DerivedIndex,
    HnswSettings,
    IndexedDoc,
    StoredVectors,
    SyncReport,
    VectorHit,
)
from retrieval.documents import load_product_docs
from retrieval.errors import IndexNotReady
from store.db import Store

__all__ = [
    "PRODUCT_HNSW",
    "CheckReport",
    "ProductIndex",
    "StoredVectors",
    "SyncReport",
    "VectorHit",
    "open_chroma",
]

# Chosen by measurement (retrieval.tuning.measure_hnsw): recall@10 of Chroma's HNSW against exact
# numpy search, 300 demo-shop labelled queries over MiniLM vectors of demo product docs (seed 7),
# embedded PersistentClient, 2 shared cores. Query p50 was 1.4-3 ms for every setting (noise).
#                              4,000 docs    10,000 docs
#   M=16 ef_c=100 ef_search=20    0.974         0.930
#   M=16 ef_c=200 ef_search=20    0.978         0.966
#   M=8  ef_c=200 ef_search=40    0.994         0.979
#   M=16 ef_c=100 ef_search=40    0.997         0.979
#   M=16 ef_c=200 ef_search=40    0.996         0.993
#   M=16 ef_c=200 ef_search=100   1.000         1.000
# At 20,000 docs (M=16, ef_c=200; 200 queries, `aisle bench retrieval`'s recall; one process
# per setting, since Chroma reads ef_search when it loads the index) recall fell well below
# the 10k figures: ef_search 40 0.957, 100 0.973, 200 0.979, 400 0.995. The hybrid query's p50
# moved by less than 1 ms between 100 and 400, so ef_search is 400: recall holds a margin as
# the catalog grows, at no measurable cost (the searcher asks for >= 100 hits anyway, and
# hnswlib searches with max(ef_search, k)). ef_search is a query-time setting: an existing
# collection takes a new value when opened (``VectorCollection.collection``).
PRODUCT_HNSW = HnswSettings(ef_construction=200, ef_search=400, max_neighbors=16)


def open_chroma(path: Path | None = None, url: str | None = None) -> ClientAPI:
    """A Chroma client: ``HttpClient`` when ``url`` ("http://host:port") is given, else a
    ``PersistentClient`` in folder ``path``. Telemetry is off (the assistant runs offline)."""
    settings = Settings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise IndexNotReady(
                f"bad Chroma URL {url!r}: expected http://host:port (check AISLE_CHROMA_URL)"
            )
        ssl = parsed.scheme == "https"
        port = parsed.port or (443 if ssl else 8000)
        try:
            return chromadb.HttpClient(host=parsed.hostname, port=port, ssl=ssl, settings=settings)
        except Exception as exc:  # connection refused, DNS, TLS: all mean "not reachable"
            raise IndexNotReady(
                f"cannot reach the Chroma server at {url}: {exc.__class__.__name__}: {exc}. "
                "Start it (`chroma run --path DIR --host H --port P`) or unset AISLE_CHROMA_URL."
            ) from exc
    if path is None:
        raise IndexNotReady("no Chroma location: give a folder (AISLE_DATA_DIR) or a server URL")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class ProductIndex(DerivedIndex):
    """Product vectors (one per product) with filterable metadata, kept in line with the store."""

    def __init__(
        self, client: ClientAPI, name: str = "products", hnsw: HnswSettings = PRODUCT_HNSW
    ) -> None:
        super().__init__(client, name, hnsw)

    def load_docs(self, store: Store) -> Sequence[IndexedDoc]:
        return load_product_docs(store)
