"""One Chroma collection kept in line with a list of documents, by content hash.

Every vector is written together with its document's ``content_hash``, ``text_hash`` and the
embedder's name (in the vector's metadata), in one upsert. ``sync_docs`` compares those with
the documents and embeds only what is new or whose text changed; a change of metadata alone
(a price) rewrites the metadata without re-embedding. Because an upsert is idempotent and the
hash travels with the vector, a sync killed at any point is finished by simply running it
again. ``DerivedIndex`` is the base of the product and help-center indexes: it knows how to
load its documents from the store, so the index is always rebuildable from SQL.

Not here: which documents (``retrieval.documents``, ``retrieval.help``), clients and HNSW
settings (``retrieval.index``), ranking (``retrieval.search``).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.errors import NotFoundError
from tqdm import tqdm

from retrieval.embedder import Embedder
from retrieval.errors import IndexNotReady
from store.db import Store

HASH_KEY, TEXT_HASH_KEY, EMBEDDER_KEY = "sync_hash", "sync_text_hash", "sync_embedder"
_SYNC_KEYS = (HASH_KEY, TEXT_HASH_KEY, EMBEDDER_KEY)
_PAGE = 5_000


class IndexedDoc(Protocol):
    @property
    def doc_id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def metadata(self) -> Mapping[str, Any]: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def text_hash(self) -> str: ...


@dataclass(frozen=True)
class HnswSettings:
    ef_construction: int
    ef_search: int
    max_neighbors: int


@dataclass(frozen=True)
class SyncReport:
    added: int
    updated: int
    deleted: int
    unchanged: int
    seconds: float
    reembedded: int = 0  # of ``updated``, how many needed a new vector (text changed)
    encode_seconds: float = 0.0  # of ``seconds``, time spent embedding


@dataclass(frozen=True)
class CheckReport:
    """Every difference between index and source; empty lists mean in sync."""

    missing: list[str] = field(default_factory=list)  # in the store, not in the index
    stale: list[str] = field(default_factory=list)  # in both, hash differs
    extra: list[str] = field(default_factory=list)  # in the index, not in the store

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


@dataclass(frozen=True)
class VectorHit:
    doc_id: str
    score: float  # cosine similarity


@dataclass(frozen=True)
class StoredVectors:
    ids: list[str]
    matrix: np.ndarray  # float32, one row per id
    metadatas: list[dict[str, Any]]


class VectorCollection:
    """A named Chroma collection in cosine space, with our own vectors (no embedding function)."""

    def __init__(self, client: ClientAPI, name: str, hnsw: HnswSettings) -> None:
        self.client = client
        self.name = name
        self.hnsw = hnsw
        self._cached: Collection | None = None

    def collection(self) -> Collection:
        """The collection, created on first use with cosine space and our HNSW settings."""
        if self._cached is not None:
            return self._cached
        configuration: Any = {
            "hnsw": {
                "space": "cosine",
                "ef_construction": self.hnsw.ef_construction,
                "ef_search": self.hnsw.ef_search,
                "max_neighbors": self.hnsw.max_neighbors,
            }
        }
        col = self.client.get_or_create_collection(
            self.name, configuration=configuration, embedding_function=None
        )
        hnsw = col.configuration.get("hnsw") or {}
        space = hnsw.get("space")
        if space not in (None, "cosine"):
            raise IndexNotReady(
                f"Chroma collection {self.name!r} uses the {space!r} space, not cosine; "
                "rebuild the index (`aisle index --rebuild`)."
            )
        if hnsw.get("ef_search") not in (None, self.hnsw.ef_search):
            # ef_search is a query-time setting: a collection made with another value takes
            # ours without a rebuild (the build-time ones only change on `--rebuild`).
            col.modify(configuration=cast(Any, {"hnsw": {"ef_search": self.hnsw.ef_search}}))
        self._cached = col
        return col

    def drop(self) -> None:
        self._cached = None
        with contextlib.suppress(NotFoundError, ValueError):
            self.client.delete_collection(self.name)

    def count(self) -> int:
        return self.collection().count()

    def _pages(self, include: list[str]) -> Iterator[Mapping[str, Any]]:
        col = self.collection()
        offset = 0
        while True:
            page = col.get(include=cast(Any, include), limit=_PAGE, offset=offset)
            if not page["ids"]:
                return
            yield page
            offset += len(page["ids"])

    def stored_metadata(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for page in self._pages(["metadatas"]):
            for doc_id, meta in zip(page["ids"], page["metadatas"], strict=True):
                out[doc_id] = dict(meta or {})
        return out

    def load_vectors(self) -> StoredVectors:
        """Every vector with its metadata; one pass, paged so a server answers in pieces."""
        ids: list[str] = []
        rows: list[np.ndarray] = []
        metas: list[dict[str, Any]] = []
        for page in self._pages(["embeddings", "metadatas"]):
            ids.extend(page["ids"])
            rows.append(np.asarray(page["embeddings"], dtype=np.float32))
            metas.extend(dict(m or {}) for m in page["metadatas"])
        matrix = np.concatenate(rows) if rows else np.zeros((0, 0), dtype=np.float32)
        return StoredVectors(ids, matrix, metas)

    def query(
        self,
        vector: np.ndarray,
        k: int,
        where: Mapping[str, Any] | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[VectorHit]:
        """Nearest vectors by cosine similarity (HNSW, approximate), optionally restricted."""
        if k < 1:
            return []
        # Chroma 1.x answers with fewer hits when k exceeds the collection: no count() round trip.
        res = self.collection().query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1),
            n_results=k,
            where=cast(Any, dict(where)) if where else None,
            ids=list(ids) if ids is not None else None,
            include=cast(Any, ["distances"]),
        )
        distances = (res["distances"] or [[]])[0]
        return [
            VectorHit(doc_id, 1.0 - float(d))
            for doc_id, d in zip(res["ids"][0], distances, strict=True)
        ]

    def check_docs(self, docs: Sequence[IndexedDoc]) -> CheckReport:
        stored = self.stored_metadata()
        wanted = {d.doc_id: d.content_hash for d in docs}
        return CheckReport(
            missing=sorted(i for i in wanted if i not in stored),
            stale=sorted(
                i for i, h in wanted.items() if i in stored and stored[i].get(HASH_KEY) != h
            ),
            extra=sorted(i for i in stored if i not in wanted),
        )

    def sync_docs(
        self,
        docs: Sequence[IndexedDoc],
        embedder: Embedder,
        progress: bool = False,
        batch_size: int = 256,
    ) -> SyncReport:
        start = time.perf_counter()
        stored = self.stored_metadata()
        if any(m.get(EMBEDDER_KEY) != embedder.name for m in stored.values()):
            # Vectors of another model (maybe another dimension) cannot share a collection.
            self.drop()
            stored = {}
        col = self.collection()
        batch = max(1, min(batch_size, self.client.get_max_batch_size()))
        added, reembed, meta_only = [], [], []
        for doc in docs:
            old = stored.get(doc.doc_id)
            if old is None:
                added.append(doc)
            elif old.get(TEXT_HASH_KEY) != doc.text_hash:
                reembed.append(doc)
            elif old.get(HASH_KEY) != doc.content_hash:
                meta_only.append(doc)
        wanted = {d.doc_id for d in docs}
        extra = [i for i in stored if i not in wanted]

        def meta(doc: IndexedDoc) -> dict[str, Any]:
            # Chroma merges metadata on upsert/update; None deletes a key that is gone now.
            out: dict[str, Any] = {k: None for k in stored.get(doc.doc_id, {})}
            out.update(doc.metadata)
            out.update(
                {
                    HASH_KEY: doc.content_hash,
                    TEXT_HASH_KEY: doc.text_hash,
                    EMBEDDER_KEY: embedder.name,
                }
            )
            return out

        # By length, as one encode call sorts them: batches of alike texts need less padding.
        to_embed = sorted(added + reembed, key=lambda d: len(d.text))
        encoding = 0.0
        # Encoding (torch) and writing (Chroma) overlap: batch i is written in a worker
        # thread while batch i+1 is encoded, with one write in flight at a time.
        with (
            tqdm(total=len(to_embed), desc=f"index {self.name}", disable=not progress) as bar,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="chroma-write") as writer,
        ):
            in_flight: Future[None] | None = None
            for i in range(0, len(to_embed), batch):
                part = to_embed[i : i + batch]
                t = time.perf_counter()
                vectors = embedder.embed([d.text for d in part])
                encoding += time.perf_counter() - t
                if in_flight is not None:
                    in_flight.result()  # a failed write stops the sync here
                in_flight = writer.submit(
                    col.upsert,
                    ids=[d.doc_id for d in part],
                    embeddings=vectors,
                    metadatas=[meta(d) for d in part],
                )
                bar.update(len(part))
            if in_flight is not None:
                in_flight.result()
        for i in range(0, len(meta_only), batch):
            part = meta_only[i : i + batch]
            col.update(ids=[d.doc_id for d in part], metadatas=[meta(d) for d in part])
        for i in range(0, len(extra), batch):
            col.delete(ids=extra[i : i + batch])
        return SyncReport(
            added=len(added),
            updated=len(reembed) + len(meta_only),
            deleted=len(extra),
            unchanged=len(docs) - len(added) - len(reembed) - len(meta_only),
            seconds=round(time.perf_counter() - start, 3),
            reembedded=len(reembed),
            encode_seconds=round(encoding, 3),
        )


class DerivedIndex(VectorCollection):
    """A collection derived from the store: subclasses say how to load its documents."""

    def load_docs(self, store: Store) -> Sequence[IndexedDoc]:
        raise NotImplementedError

    def sync(
        self, store: Store, embedder: Embedder, progress: bool = False, batch_size: int = 256
    ) -> SyncReport:
        """Bring the index in line with the store; safe to re-run after a crash or kill."""
        return self.sync_docs(self.load_docs(store), embedder, progress, batch_size)

    def check(self, store: Store) -> CheckReport:
        return self.check_docs(self.load_docs(store))

    def rebuild(
        self, store: Store, embedder: Embedder, progress: bool = False, batch_size: int = 256
    ) -> SyncReport:
        """Drop the collection and index everything again (the index is derived data)."""
        self.drop()
        return self.sync(store, embedder, progress, batch_size)
