"""The keyword leg: BM25 (``bm25s``) over the same texts the dense leg embeds.

Documents are addressed by position (the caller keeps the id list). Tokens are lower-cased
words minus English stop words, reduced by Harman's "S" stemmer so "shoes" finds "shoe"
(PyStemmer is not a dependency). Scores can be restricted to a mask of allowed positions,
so hard filters hold in this leg too.

Not here: fusion with the dense leg (``retrieval.fusion``), filters (``retrieval.filters``).
"""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np
from bm25s.tokenization import Tokenizer


def s_stem(word: str) -> str:
    """Harman's S stemmer: plural endings only, so it rarely merges unrelated words."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


class BM25Index:
    """BM25 over ``texts``; position ``i`` is ``texts[i]``."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        self._tokenizer = Tokenizer(stopwords="en", stemmer=s_stem)
        self._retriever: bm25s.BM25 | None = None
        self._empty_id: int | None = None
        if not texts:
            return
        corpus = self._tokenizer.tokenize(
            list(texts), update_vocab=True, return_as="tuple", show_progress=False
        )
        self._retriever = bm25s.BM25()
        self._retriever.index(corpus, show_progress=False)
        # bm25s maps unknown query words to the "" token of empty documents; drop it.
        self._empty_id = self._tokenizer.get_vocab_dict().get("")

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (0 where no query word occurs)."""
        if self._retriever is None:
            return np.zeros(0, dtype=np.float32)
        ids = self._tokenizer.tokenize(
            [query], update_vocab=False, return_as="ids", show_progress=False
        )[0]
        ids = [i for i in ids if i != self._empty_id]
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores_from_ids(ids), dtype=np.float32)

    def top(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Best ``k`` (position, score) with a positive score, restricted to the positions
        where the boolean ``mask`` is True when given; ties broken by position so results
        are deterministic."""
        scores = self.scores(query)
        if scores.size == 0:
            return []
        hit = scores > 0
        rows = np.flatnonzero(hit if mask is None else hit & mask)
        if rows.size == 0:
            return []
        if rows.size > 4 * k:
            # Keep everything tied with the k-th best, then order that short list exactly.
            kth = -np.partition(-scores[rows], k - 1)[k - 1]
            rows = rows[scores[rows] >= kth]
        order = np.lexsort((rows, -scores[rows]))[:k]
        return [(int(rows[i]), float(scores[rows[i]])) for i in order]
