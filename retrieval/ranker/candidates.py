"""Where the ranker's candidates come from: a small interface over our own retrieval.

Training mines hard negatives from it, the personalisation stage takes its candidates from
it, and the evaluation compares the ranker with its order. ``SearcherSource`` wraps the hybrid
``ProductSearcher`` (dense + BM25, what the assistant uses); ``BM25Source`` is the keyword leg
alone over the same document texts and needs no vector index, so training works before
``aisle index`` has run and in tests.

Not here: search itself (``retrieval.search``, ``retrieval.bm25``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from retrieval.bm25 import BM25Index
from retrieval.documents import ProductRecord, product_doc
from retrieval.search import Mode, ProductSearcher


class CandidateSource(Protocol):
    """Product ids for a query, best first."""

    @property
    def name(self) -> str: ...

    def top(self, query: str, k: int) -> list[str]: ...


class BM25Source:
    """BM25 over the retrieval document text of ``records``."""

    name = "bm25"

    def __init__(self, records: Sequence[ProductRecord]) -> None:
        self._ids = [r.product_id for r in records]
        self._index = BM25Index([product_doc(r).text for r in records])

    def top(self, query: str, k: int) -> list[str]:
        return [self._ids[pos] for pos, _ in self._index.top(query, k)]


class SearcherSource:
    """The assistant's own search (hybrid by default), unfiltered."""

    def __init__(self, searcher: ProductSearcher, mode: Mode = "hybrid") -> None:
        self._searcher = searcher
        self._mode: Mode = mode
        self.name = mode

    def top(self, query: str, k: int) -> list[str]:
        return [c.product_id for c in self._searcher.search(query, k=k, mode=self._mode)]
