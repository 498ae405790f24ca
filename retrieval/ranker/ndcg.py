"""Graded nDCG@k, ordering by score, and the judged list a validation query is.

``ndcg_at_k`` uses graded gains ``2**grade - 1`` and ``log2(rank + 1)`` discounts; the ideal
ordering is taken over every judged grade of the query, so a ranking that leaves relevant
products out of its top k is penalised. Plain Python and numpy only: serving and the CLI
import this without loading torch.

Not here: the evaluator the trainer runs (``retrieval.ranker.evaluator``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def dcg(grades: Sequence[float], k: int) -> float:
    return sum((2.0**g - 1.0) / math.log2(i + 2) for i, g in enumerate(grades[:k]))


def ndcg_at_k(ranked: Sequence[float], judged: Sequence[float], k: int = 10) -> float:
    """nDCG@k of grades in ranked order, against the ideal order of ``judged`` (all the
    query's grades). 0.0 when nothing is relevant."""
    ideal = dcg(sorted(judged, reverse=True), k)
    return dcg(ranked, k) / ideal if ideal > 0 else 0.0


def order_by_score(scores: Sequence[float]) -> list[int]:
    """Positions sorted by score, best first; ties keep input order (deterministic)."""
    return sorted(range(len(scores)), key=lambda i: (-float(scores[i]), i))


@dataclass(frozen=True)
class RerankSample:
    query: str
    texts: tuple[str, ...]
    grades: tuple[int, ...]
    product_ids: tuple[str, ...] = ()  # for comparing with the retrieval order
