from __future__ import annotations

import numpy as np
import pytest

from retrieval.bm25 import BM25Index, s_stem

TEXTS = ["red running shoes", "blue hiking boots", "red coffee maker", ""]


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("shoes", "shoe"),
        ("batteries", "battery"),
        ("boxes", "boxe"),
        ("glass", "glass"),
        ("status", "status"),
        ("bus", "bus"),
        ("boots", "boot"),
    ],
)
def test_s_stem(word: str, stem: str) -> None:
    assert s_stem(word) == stem


def test_plural_query_finds_singular_text() -> None:
    index = BM25Index(TEXTS)
    assert [pos for pos, _ in index.top("running shoe", k=5)] == [0]


def test_top_respects_allowed_positions_and_drops_zero_scores() -> None:
    index = BM25Index(TEXTS)
    assert [pos for pos, _ in index.top("red", k=5)] == [0, 2]
    only_2_and_3 = np.isin(np.arange(len(TEXTS)), [2, 3])
    assert [pos for pos, _ in index.top("red", k=5, mask=only_2_and_3)] == [2]


def test_unknown_or_stop_words_score_nothing() -> None:
    index = BM25Index(TEXTS)
    assert index.top("zebra the", k=5) == []
    assert index.scores("zebra").tolist() == [0.0, 0.0, 0.0, 0.0]


def test_empty_corpus() -> None:
    assert BM25Index([]).top("red", k=3) == []
