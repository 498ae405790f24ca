"""The multilingual dense leg: a second product vector table, embedded by e5, built apart.

``MultilingualIndex`` is a Chroma collection of its own ("products_multilingual") beside the
MiniLM one: one e5 passage vector per product (``passage_text``), each stored with the
embedder's name, so the two models' vectors never share a collection (a sync with another
embedder drops it, ``VectorCollection.sync_docs``). ``MultilingualLeg`` holds that index and
serves its vectors to the searcher once they cover the catalog.

Building it costs minutes (e5 is about 4 times slower than MiniLM per text on this machine),
so the leg is built after the MiniLM index, in one of two ways: ``build`` in the foreground
with a progress bar (``aisle eval retrieval --language``), or ``start_build`` in a daemon
thread with its own model instance, reporting ``BuildStatus`` (products encoded of those to
encode) while non-English queries fall back to the MiniLM and BM25 legs. A searcher given
``build_lazily=True`` starts it on the first non-English query that finds the leg incomplete.
A sync is resumable (``DerivedIndex``): a killed build continues where it stopped.

Not here: routing queries (``retrieval.search``), the embedder (``retrieval.multilingual``).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from chromadb.api import ClientAPI

from retrieval.collection import EMBEDDER_KEY, DerivedIndex, IndexedDoc, StoredVectors, SyncReport
from retrieval.documents import load_product_records
from retrieval.index import PRODUCT_HNSW
from retrieval.multilingual import (
    MultilingualEmbedder,
    PassageEmbedder,
    TextEncoder,
    passage_text,
    shared_multilingual,
)
from store.db import Store

log = logging.getLogger(__name__)
State = Literal["missing", "building", "ready", "failed"]


@dataclass(frozen=True)
class PassageDoc:
    """One product's e5 passage; both hashes cover the text (no metadata is filtered here)."""

    doc_id: str
    text: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return self.text_hash

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


class MultilingualIndex(DerivedIndex):
    """e5 passage vectors of every product, kept in line with the store like the MiniLM one."""

    def __init__(self, client: ClientAPI, name: str = "products_multilingual") -> None:
        super().__init__(client, name, PRODUCT_HNSW)

    def load_docs(self, store: Store) -> Sequence[IndexedDoc]:
        return [PassageDoc(r.product_id, passage_text(r)) for r in load_product_records(store)]


@dataclass(frozen=True)
class BuildStatus:
    """Where the leg stands: ``encoded`` of ``to_encode`` products done in this build."""

    state: State
    encoded: int = 0
    to_encode: int = 0
    error: str | None = None

    def describe(self) -> str:
        if self.state == "building":
            return f"multilingual index: {self.encoded}/{self.to_encode} products encoded"
        if self.state == "failed":
            return f"multilingual index: build failed ({self.error})"
        return f"multilingual index: {self.state}"


class MultilingualLeg:
    """The e5 index, the query embedder, and the build that fills the index.

    ``vectors()`` is the stored table when it holds a vector of this embedder for every
    product of ``store`` (else None: the searcher falls back); ``generation`` grows after
    each finished build so searchers know to reload it.
    """

    def __init__(
        self,
        index: MultilingualIndex,
        embedder: TextEncoder | None = None,
        build_lazily: bool = False,
        new_model: Callable[[], TextEncoder] = MultilingualEmbedder,
    ) -> None:
        self.index = index
        self._embedder = embedder
        self.build_lazily = build_lazily
        self._new_model = new_model  # the background build's own model
        self.generation = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._builder: PassageEmbedder | None = None
        self._to_encode = 0
        self._error: str | None = None

    @property
    def embedder(self) -> TextEncoder:
        """The query-side model (the process's shared one unless one was given)."""
        if self._embedder is None:
            self._embedder = shared_multilingual()
        return self._embedder

    def vectors(self, product_ids: Sequence[str]) -> StoredVectors | None:
        """The stored e5 vectors when they cover ``product_ids`` and none is of another
        model; None while the index is missing, partial or being built."""
        if self.building:
            return None
        stored = self.index.load_vectors()
        names = {str(m.get(EMBEDDER_KEY)) for m in stored.metadatas}
        if names != {self.embedder.name} or not set(product_ids) <= set(stored.ids):
            return None
        return stored

    @property
    def building(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def status(self) -> BuildStatus:
        if self.building and self._builder is not None:
            return BuildStatus("building", self._builder.encoded, self._to_encode)
        if self._error is not None:
            return BuildStatus("failed", error=self._error)
        return BuildStatus("ready" if self.index.count() else "missing")

    def build(self, store: Store, progress: bool = False) -> SyncReport:
        """Bring the index in line with the store now (encodes only what is new)."""
        with self._lock:
            report = self.index.sync(store, PassageEmbedder(self.embedder), progress=progress)
            self.generation += 1
            return report

    def start_build(self, store: Store) -> BuildStatus:
        """Sync in a daemon thread with a model instance of its own, so queries keep their
        model meanwhile; a second call while one runs does nothing."""
        with self._lock:
            if self.building:
                return self.status()
            docs = self.index.load_docs(store)
            check = self.index.check_docs(docs)
            self._to_encode = len(check.missing) + len(check.stale)
            self._builder = PassageEmbedder(self._new_model())
            self._error = None
            self._thread = threading.Thread(
                target=self._run, args=(docs,), name="multilingual-index", daemon=True
            )
            self._thread.start()
            log.info("multilingual index: building, %d products to encode", self._to_encode)
            return BuildStatus("building", 0, self._to_encode)

    def _run(self, docs: Sequence[IndexedDoc]) -> None:
        assert self._builder is not None
        try:
            report = self.index.sync_docs(docs, self._builder)
        except Exception as exc:  # reported through status(); the searcher falls back
            self._error = f"{exc.__class__.__name__}: {exc}"
            log.exception("multilingual index build failed")
            return
        self.generation += 1
        log.info("multilingual index: ready, %d encoded in %.0f s", report.added, report.seconds)
