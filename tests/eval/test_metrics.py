import math

import pytest

from eval.metrics import hit_at_k, ndcg_at_k, recall_at_k, reciprocal_rank


def test_ndcg_hand_worked_three_items() -> None:
    judgements = {"a": 2, "b": 0, "c": 1}
    # ranked a, b, c: gains 3, 0, 1 -> DCG = 3/1 + 0/log2(3) + 1/2 = 3.5
    # ideal a, c, b: 3/1 + 1/log2(3) + 0 = 3.6309...
    expected = 3.5 / (3 + 1 / math.log2(3))
    assert ndcg_at_k(["a", "b", "c"], judgements, k=3) == pytest.approx(expected)
    assert ndcg_at_k(["a", "c", "b"], judgements, k=3) == pytest.approx(1.0)
    assert ndcg_at_k(["b"], judgements, k=3) == 0.0


def test_ndcg_counts_missed_relevant_items_in_the_ideal() -> None:
    # Only "a" retrieved, but "c" (partial) also exists: ideal includes it.
    assert ndcg_at_k(["a"], {"a": 2, "c": 1}, k=10) == pytest.approx(3 / (3 + 1 / math.log2(3)))


def test_ndcg_without_relevant_items_is_zero() -> None:
    assert ndcg_at_k(["x", "y"], {"x": 0}, k=10) == 0.0


def test_recall_mrr_hit() -> None:
    judgements = {"a": 2, "b": 1, "c": 0, "d": 2}
    assert recall_at_k(["c", "a", "z"], judgements, k=2) == pytest.approx(1 / 3)
    assert reciprocal_rank(["c", "b", "d"], judgements) == pytest.approx(1 / 3)
    assert reciprocal_rank(["c"], judgements) == 0.0
    assert hit_at_k(["x", "y", "t"], {"t"}, k=3) == 1.0
    assert hit_at_k(["x", "y", "t"], {"t"}, k=2) == 0.0
