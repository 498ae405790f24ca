"""Graded nDCG and the validation evaluator (retrieval.ranker.evaluator)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from retrieval.ranker.evaluator import (
    GradedRerankingEvaluator,
    RerankSample,
    ndcg_at_k,
    order_by_score,
)


def test_ndcg_hand_worked_three_items() -> None:
    # Ranked grades 1, 2, 0: DCG = (2^1-1)/log2(2) + (2^2-1)/log2(3) + 0 = 1 + 3/1.58496
    #                              = 2.892789
    # Ideal 2, 1, 0:        IDCG = 3/1 + 1/1.58496 = 3.630930, nDCG = 0.796708
    assert ndcg_at_k([1, 2, 0], [1, 2, 0], k=3) == pytest.approx(2.892789 / 3.630930, abs=1e-6)
    assert ndcg_at_k([1, 2, 0], [1, 2, 0], k=3) == pytest.approx(0.796708, abs=1e-6)
    assert ndcg_at_k([2, 1, 0], [0, 1, 2], k=3) == pytest.approx(1.0)


def test_ndcg_cut_at_k_and_ideal_over_all_judgements() -> None:
    # Only the first item counts at k=1; the ideal still holds the best grade (2 -> gain 3).
    assert ndcg_at_k([1, 2], [1, 2], k=1) == pytest.approx(1 / 3)
    # A relevant product missing from the ranking lowers the score.
    assert ndcg_at_k([2], [2, 2], k=10) == pytest.approx(3 / (3 + 3 / math.log2(3)))
    assert ndcg_at_k([0, 0], [0, 0], k=10) == 0.0


def test_order_by_score_is_stable_on_ties() -> None:
    assert order_by_score([0.5, 2.0, 0.5, -1.0]) == [1, 0, 2, 3]


class _FakeCardData:
    def __init__(self) -> None:
        self.seen: list[dict[str, float]] = []

    def set_evaluation_metrics(
        self, evaluator: Any, metrics: dict[str, float], epoch: int, step: int
    ) -> None:
        self.seen.append(metrics)


class _ScoresByText:
    """Stands in for a CrossEncoder: scores a pair by a fixed table of document texts."""

    def __init__(self, table: dict[str, float]) -> None:
        self.table = table
        self.model_card_data = _FakeCardData()

    def predict(self, pairs: Sequence[tuple[str, str]], **_: Any) -> np.ndarray:
        return np.asarray([self.table[doc] for _, doc in pairs], dtype=np.float32)


def test_evaluator_reports_graded_ndcg_as_primary_metric() -> None:
    samples = [
        RerankSample("q1", ("exact", "partial", "other"), (2, 1, 0)),
        RerankSample("q2", ("a", "b"), (0, 2)),
    ]
    model = _ScoresByText({"exact": 0.1, "partial": 0.9, "other": -1.0, "a": 0.0, "b": 1.0})
    evaluator = GradedRerankingEvaluator(samples, name="valid", at_k=10)
    metrics = evaluator(model)  # type: ignore[arg-type]
    # q1 ranked partial, exact, other: the hand-worked 0.796708; q2 ranked perfectly: 1.0
    assert evaluator.primary_metric == "valid_ndcg@10"
    assert metrics["valid_ndcg@10"] == pytest.approx((0.796708 + 1.0) / 2, abs=1e-6)
    # first exact match at rank 2 in q1, rank 1 in q2
    assert metrics["valid_mrr@10"] == pytest.approx((0.5 + 1.0) / 2)
    assert model.model_card_data.seen == [metrics]
