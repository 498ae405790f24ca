"""Hybrid product search: dense (MiniLM) and BM25 legs under hard filters, fused.

A ``ProductSearcher`` holds a snapshot of the catalog (filter table, BM25 index, every stored
embedding) taken at construction; call ``refresh()`` after the store or the index changes.
Filters are hard: the allowed products are computed first and both legs only ever see them.
The dense leg scores a filtered query's allowed set in memory (``VectorTable.top_where``:
exactly for a small set, in float16 over the whole matrix for a large one) and uses Chroma's
HNSW index only for unfiltered queries (or allowed sets above ``EXACT_LIMIT``), then drops
disallowed hits and asks for more until it has enough. (Running the keyword leg in a worker
thread while the query encodes was measured and did not help on 2 cores: torch's threads
already fill them.)

Not here: the ranker (reorders these candidates), explanations (tools/assistant), parsing a
shopper's words into a ``ProductFilter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from retrieval.bm25 import BM25Index
from retrieval.collection import EMBEDDER_KEY
from retrieval.documents import load_product_records, product_doc
from retrieval.embedder import Embedder
from retrieval.errors import IndexNotReady, QueryError
from retrieval.filters import FilterTable, ProductFilter
from retrieval.fusion import Fusion, LegHit, ReciprocalRankFusion, fuse, ranked
from retrieval.index import ProductIndex
from retrieval.vectors import VectorTable, check_k, clean_query
from store.db import Store

Mode = Literal["hybrid", "dense", "bm25"]
# Filtered queries score their allowed set exactly in numpy up to this size (a 384-d float32
# matrix-vector product over 100k rows takes about 15 ms, less than a metadata-filtered HNSW
# query with its re-asks); only larger allowed sets and unfiltered queries go to HNSW.
EXACT_LIMIT = 100_000
LEG_DEPTH = 100  # hits each leg contributes to fusion (at least k)


@dataclass(frozen=True)
class Candidate:
    """One search result with what each leg said about it (None: the leg did not return it)."""

    product_id: str
    score: float
    rank: int
    dense_score: float | None = None
    dense_rank: int | None = None
    bm25_score: float | None = None
    bm25_rank: int | None = None


class ProductSearcher:
    def __init__(
        self,
        store: Store,
        index: ProductIndex,
        embedder: Embedder,
        fusion: Fusion | None = None,
        exact_limit: int = EXACT_LIMIT,
        leg_depth: int = LEG_DEPTH,
    ) -> None:
        self.store = store
        self.index = index
        self.embedder = embedder
        self.fusion: Fusion = fusion or ReciprocalRankFusion()
        self.exact_limit = exact_limit
        self.leg_depth = leg_depth
        self.refresh()

    def refresh(self) -> None:
        """Reload the catalog snapshot and the embeddings (after a sync or a store change)."""
        records = load_product_records(self.store)
        self.ids = [r.product_id for r in records]
        self._pos = {pid: i for i, pid in enumerate(self.ids)}
        self.filters = FilterTable(records)
        self.bm25 = BM25Index([product_doc(r).text for r in records])
        stored = self.index.load_vectors()
        self.vectors = VectorTable.aligned(self._pos, stored.ids, stored.matrix)
        self.indexed = len(stored.ids)
        self._foreign = {str(m.get(EMBEDDER_KEY)) for m in stored.metadatas} - {self.embedder.name}

    @property
    def missing_vectors(self) -> int:
        """Products in the store that the dense leg cannot see (not indexed yet)."""
        return int(len(self.ids) - self.vectors.present.sum())

    def search(
        self,
        query: str,
        filter: ProductFilter | None = None,
        k: int = 50,
        mode: Mode = "hybrid",
    ) -> list[Candidate]:
        """The ``k`` best products for ``query`` that meet ``filter``, best first."""
        text = clean_query(query)
        check_k(k)
        if mode not in get_args(Mode):
            raise QueryError(f"unknown search mode {mode!r}; use one of {get_args(Mode)}")
        flt = None if filter is None or filter.is_empty else filter
        depth = max(k, self.leg_depth)
        if mode != "bm25":
            self._check_index()  # before any work
        mask = None if flt is None else self.filters.mask(flt)
        if mask is not None and not mask.any():
            return []
        dense: list[LegHit] = []
        keyword: list[LegHit] = []
        if mode != "dense":
            hits = self.bm25.top(text, depth, mask)
            keyword = ranked([(self.ids[p], s) for p, s in hits])
        if mode != "bm25":
            dense = self._dense(self.embedder.embed([text])[0], mask, depth)
        legs = [leg for leg, on in ((dense, mode != "bm25"), (keyword, mode != "dense")) if on]
        by_dense = {h.key: h for h in dense}
        by_bm25 = {h.key: h for h in keyword}
        out = []
        for rank, (pid, score) in enumerate(fuse(legs, self.fusion)[:k], start=1):
            d, b = by_dense.get(pid), by_bm25.get(pid)
            out.append(
                Candidate(
                    product_id=pid,
                    score=score,
                    rank=rank,
                    dense_score=d.score if d else None,
                    dense_rank=d.rank if d else None,
                    bm25_score=b.score if b else None,
                    bm25_rank=b.rank if b else None,
                )
            )
        return out

    def _check_index(self) -> None:
        """Raise ``IndexNotReady`` when the dense leg cannot run (before encoding anything)."""
        if self.indexed == 0:
            raise IndexNotReady(
                "the product index is empty; build it with `aisle index` (or search with "
                "mode='bm25')"
            )
        if self._foreign:
            raise IndexNotReady(
                f"the product index holds vectors of {sorted(self._foreign)}, not of "
                f"{self.embedder.name!r}; rebuild it with `aisle index --rebuild`"
            )

    def _dense(self, vector: np.ndarray, mask: np.ndarray | None, depth: int) -> list[LegHit]:
        if mask is not None and int(mask.sum()) <= self.exact_limit:
            hits = self.vectors.top_where(vector, depth, mask)
        else:
            hits = self._hnsw(vector, depth, mask)
        return ranked([(self.ids[p], s) for p, s in hits])

    def _hnsw(
        self, vector: np.ndarray, depth: int, mask: np.ndarray | None
    ) -> list[tuple[int, float]]:
        """Approximate top hits from Chroma, dropping disallowed or deleted products and
        asking for more until ``depth`` remain or the index has no more to give."""
        n = depth if mask is None else depth * 2
        while True:
            kept = []
            hits = self.index.query(vector, n)
            for hit in hits:
                pos = self._pos.get(hit.doc_id)
                if pos is not None and (mask is None or mask[pos]):
                    kept.append((pos, hit.score))
            if len(kept) >= depth or len(hits) < n:
                return kept[:depth]
            n *= 4
