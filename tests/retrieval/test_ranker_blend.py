"""Blending the cross-encoder with the retrieval order (retrieval.ranker.blend)."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.ranker.blend import blend, fit_weight, retrieval_prior
from retrieval.ranker.evaluator import RerankSample


def test_prior_and_blend_by_hand() -> None:
    assert retrieval_prior([0, 2]).tolist() == pytest.approx([1.0, 0.5])
    # logits 1, 3 standardise to -1, +1; weight 4 adds 4 * (1, 1/log2(3))
    assert blend(np.array([1.0, 3.0]), [0, 1], 4.0).tolist() == pytest.approx(
        [-1 + 4.0, 1 + 4 / np.log2(3)]
    )
    assert blend(np.array([1.0, 3.0]), [0, 1], 0.0).tolist() == [-1.0, 1.0]


def test_fit_weight_trusts_the_better_signal() -> None:
    sample = RerankSample("q", ("a", "b", "c"), (2, 1, 0))
    good_order = [0, 1, 2]  # retrieval already perfect
    # A cross-encoder that has the order backwards: only a large weight fixes it.
    backwards = np.array([0.0, 1.0, 2.0])
    weight, ndcg = fit_weight([sample], [backwards], [good_order])
    assert ndcg == pytest.approx(1.0) and weight >= 4.0
    # A cross-encoder that is right: no retrieval weight needed (smallest weight on ties).
    assert fit_weight([sample], [-backwards], [[2, 1, 0]]) == (0.0, pytest.approx(1.0))
