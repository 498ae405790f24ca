"""Ranking metrics with graded relevance: nDCG@k, recall@k, MRR, hit rate.

Gains are ``2**rel - 1`` with ``log2(rank + 1)`` discounts (the usual graded nDCG); relevance
is the store's grade (2 exact, 1 partial, 0 irrelevant). Unjudged documents count as 0.
The ideal ordering is computed from every judged document of the query, not only the
retrieved ones, so a system that misses relevant products is penalised.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], judgements: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k of ``ranked`` ids against graded ``judgements`` (0 when nothing is relevant)."""
    gains = [2 ** judgements.get(pid, 0) - 1 for pid in ranked[:k]]
    ideal = sorted((2**rel - 1 for rel in judgements.values()), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best > 0 else 0.0


def recall_at_k(
    ranked: Sequence[str], judgements: Mapping[str, int], k: int = 50, min_rel: int = 1
) -> float:
    """Share of relevant (grade >= ``min_rel``) judged products found in the top ``k``."""
    relevant = {pid for pid, rel in judgements.items() if rel >= min_rel}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank(
    ranked: Sequence[str], judgements: Mapping[str, int], min_rel: int = 2
) -> float:
    """1/rank of the first product of grade >= ``min_rel`` (exact match by default), else 0."""
    for i, pid in enumerate(ranked, start=1):
        if judgements.get(pid, 0) >= min_rel:
            return 1.0 / i
    return 0.0


def hit_at_k(ranked: Sequence[str], targets: set[str], k: int = 10) -> float:
    return 1.0 if targets.intersection(ranked[:k]) else 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
