"""Blending the cross-encoder with the retrieval order it reranks.

The candidates arrive in retrieval order, and that order already carries a lot (lexical and
semantic match over the full product text). The blended relevance of the candidate at
position ``r`` (0-based) is ``z(logit) + w * 1 / log2(r + 2)``: the cross-encoder logit
standardised within the list plus a DCG-shaped bonus for being retrieved early. The weight
``w`` is chosen after training on the validation queries, from a fixed grid, as the one with
the best graded nDCG@10 (the smallest on ties): a strong cross-encoder gets a small weight, an
undertrained one cannot make the retrieval order much worse. Whether the blend is served at
all is judged with a cross-fitted weight (``cross_fitted_ndcgs``) so that the choice of ``w``
does not flatter it.

Not here: the personalisation stage, which takes the blended relevance as its first feature.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.ranker.ndcg import RerankSample, ndcg_at_k, order_by_score
from retrieval.ranker.personaliser import standardise_scores

WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 64.0)


def retrieval_prior(ranks: Sequence[int] | np.ndarray) -> np.ndarray:
    return 1.0 / np.log2(np.asarray(ranks, dtype=np.float64) + 2.0)


def blend(logits: np.ndarray, ranks: Sequence[int] | np.ndarray, weight: float) -> np.ndarray:
    """Blended relevance (see the module docstring); ``ranks`` are retrieval positions."""
    return standardise_scores(logits) + weight * retrieval_prior(ranks)


def blended_ndcgs(
    samples: Sequence[RerankSample],
    logits: Sequence[np.ndarray],
    ranks: Sequence[Sequence[int]],
    weight: float,
    k: int = 10,
) -> list[float]:
    """Each sample's nDCG@k, ordered by the blend with ``weight``."""
    values = []
    for sample, score, rank in zip(samples, logits, ranks, strict=True):
        order = order_by_score(blend(score, rank, weight).tolist())
        values.append(ndcg_at_k([sample.grades[i] for i in order], sample.grades, k))
    return values


def blended_ndcg(
    samples: Sequence[RerankSample],
    logits: Sequence[np.ndarray],
    ranks: Sequence[Sequence[int]],
    weight: float,
    k: int = 10,
) -> float:
    """Mean nDCG@k of the samples ordered by the blend with ``weight``."""
    values = blended_ndcgs(samples, logits, ranks, weight, k)
    return float(np.mean(values)) if values else 0.0


def cross_fitted_ndcgs(
    samples: Sequence[RerankSample],
    logits: Sequence[np.ndarray],
    ranks: Sequence[Sequence[int]],
    k: int = 10,
) -> list[float]:
    """Each sample's nDCG@k with a weight fitted on the OTHER half of the samples (even and
    odd positions, two folds): what the blend is worth on queries its weight never saw, which
    the serving decision needs (the weight fitted on all of them flatters the ranker)."""
    values = [0.0] * len(samples)
    for fold in (0, 1):
        tune = [i for i in range(len(samples)) if i % 2 != fold]
        held = [i for i in range(len(samples)) if i % 2 == fold]
        if not held:
            continue
        weight, _ = (
            fit_weight(
                [samples[i] for i in tune], [logits[i] for i in tune], [ranks[i] for i in tune], k
            )
            if tune
            else (0.0, 0.0)
        )
        scored = blended_ndcgs(
            [samples[i] for i in held],
            [logits[i] for i in held],
            [ranks[i] for i in held],
            weight,
            k,
        )
        for i, value in zip(held, scored, strict=True):
            values[i] = value
    return values


def fit_weight(
    samples: Sequence[RerankSample],
    logits: Sequence[np.ndarray],
    ranks: Sequence[Sequence[int]],
    k: int = 10,
) -> tuple[float, float]:
    """(weight, mean nDCG@k with it) over the validation samples."""
    best = (0.0, -1.0)
    for weight in WEIGHTS:
        mean = blended_ndcg(samples, logits, ranks, weight, k)
        if mean > best[1] + 1e-9:
            best = (weight, mean)
    return best
