from __future__ import annotations

import pytest

from retrieval.fusion import LegHit, ReciprocalRankFusion, WeightedScoreFusion, fuse, ranked


def test_rrf_hand_worked() -> None:
    dense = ranked([("a", 0.9), ("b", 0.8)])
    bm25 = ranked([("b", 7.0), ("c", 3.0)])
    scores = ReciprocalRankFusion(k=60)([dense, bm25])
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["c"] == pytest.approx(1 / 62)
    assert [key for key, _ in fuse([dense, bm25], ReciprocalRankFusion())] == ["b", "a", "c"]


def test_rrf_weights_scale_each_leg() -> None:
    scores = ReciprocalRankFusion(k=0, weights=(2.0, 1.0))(
        [ranked([("a", 1.0)]), ranked([("b", 1.0)])]
    )
    assert scores == {"a": 2.0, "b": 1.0}


def test_weighted_score_fusion_min_max_normalises() -> None:
    dense = ranked([("a", 0.9), ("b", 0.5), ("c", 0.1)])
    bm25 = ranked([("c", 10.0), ("a", 0.0)])
    scores = WeightedScoreFusion(weights=(0.7, 0.3))([dense, bm25])
    assert scores["a"] == pytest.approx(0.7 * 1.0 + 0.3 * 0.0)
    assert scores["b"] == pytest.approx(0.7 * 0.5)
    assert scores["c"] == pytest.approx(0.7 * 0.0 + 0.3 * 1.0)


def test_fuse_breaks_ties_by_best_rank_then_key() -> None:
    legs = [[LegHit("x", 1.0, 2), LegHit("y", 1.0, 1)], [LegHit("y", 1.0, 2), LegHit("x", 1.0, 1)]]
    # x and y tie on RRF score and on best rank (1), so the key decides.
    assert fuse(legs, ReciprocalRankFusion()) == [
        ("x", pytest.approx(1 / 62 + 1 / 61)),
        ("y", pytest.approx(1 / 61 + 1 / 62)),
    ]
