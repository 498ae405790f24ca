"""The keyword leg: BM25 (``bm25s``) over the same texts the dense leg embeds.

Documents are addressed by position (the caller keeps the id list). Tokens are lower-cased
words minus English stop words, reduced by Harman's "S" stemmer so "shoes" finds "shoe"
(PyStemmer is not a dependency). Chinese has no spaces between words: runs of CJK characters,
in documents and queries alike, are segmented by ``jieba`` (search mode, so "登山鞋" also
yields "登山") and common Chinese function and shopping words are dropped; text without CJK
characters is split exactly as before, and jieba is loaded only when CJK text is first seen.
Scores can be restricted to a mask of allowed positions, so hard filters hold in this leg too.

Not here: fusion with the dense leg (``retrieval.fusion``), filters (``retrieval.filters``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN
from bm25s.tokenization import Tokenizer

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ENGLISH_WORDS = re.compile(r"(?u)\b\w\w+\b")  # bm25s's default splitter
_CJK_PUNCT = re.compile(r"[\s\W_]+")
# Function words and shopping filler ("I want to buy one ... under 200 dollars"): said in
# almost every Chinese request, they would otherwise match every Chinese product text.
CHINESE_STOPWORDS = (
    "的 了 和 与 或 及 是 在 有 我 你 他 她 它 我们 想 要 想要 需要 买 购买 找 在找 请 给 帮 "
    "一个 一双 一件 一把 一台 一款 一些 个 双 件 把 台 款 推荐 吗 呢 吧 啊 这 那 这个 那个 "
    "能 可以 可 用 带 最 很 更 比较 一点 好 好的 以下 以内 以上 左右 之间 到 美元 元 块 钱"
).split()


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


@cache
def _jieba() -> Any:
    """jieba, imported once and on first need (its dictionary takes about a second)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading at INFO
    return jieba


def split_words(text: str) -> list[str]:
    """The words of lower-cased ``text``: bm25s's default split for text without CJK, and
    jieba's search-mode segmentation for each CJK run (single characters such as 鞋 kept)."""
    if not CJK.search(text):
        return _ENGLISH_WORDS.findall(text)
    words: list[str] = []
    end = 0
    for run in CJK.finditer(text):
        words.extend(_ENGLISH_WORDS.findall(text[end : run.start()]))
        words.extend(w for w in _jieba().lcut_for_search(run.group()) if w.strip())
        end = run.end()
    words.extend(_ENGLISH_WORDS.findall(text[end:]))
    return [w for w in words if not _CJK_PUNCT.fullmatch(w)]


class BM25Index:
    """BM25 over ``texts``; position ``i`` is ``texts[i]``."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        self._tokenizer = Tokenizer(
            splitter=split_words, stopwords=[*STOPWORDS_EN, *CHINESE_STOPWORDS], stemmer=s_stem
        )
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
