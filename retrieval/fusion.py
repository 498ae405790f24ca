"""Fusing ranked lists from several retrieval legs into one ranking.

A fusion is any callable taking the legs' hit lists and returning a fused score per key, so
the choice (reciprocal rank fusion by default, or a weighted sum of normalised scores) can be
made by measurement in the eval harness without touching the searchers.

Not here: producing the legs (``retrieval.search``, ``retrieval.help``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol


class LegHit(NamedTuple):
    """One hit of one leg. A tuple, not a dataclass: a search builds a few hundred of these
    per query, and a frozen dataclass costs about four times as much to create."""

    key: str
    score: float
    rank: int  # 1-based within its leg


class Fusion(Protocol):
    def __call__(self, legs: Sequence[Sequence[LegHit]]) -> dict[str, float]: ...


def ranked(hits: Sequence[tuple[str, float]]) -> list[LegHit]:
    """(key, score) pairs, best first, as LegHits with ranks 1..n."""
    return [LegHit(key, score, rank) for rank, (key, score) in enumerate(hits, start=1)]


@dataclass(frozen=True)
class ReciprocalRankFusion:
    """score = sum over legs of weight / (k + rank); k=60 as in Cormack et al. (2009).

    Needs no score calibration between legs, which is why it is the default."""

    k: int = 60
    weights: tuple[float, ...] | None = None

    def __call__(self, legs: Sequence[Sequence[LegHit]]) -> dict[str, float]:
        fused: dict[str, float] = {}
        for i, leg in enumerate(legs):
            weight = self.weights[i] if self.weights else 1.0
            for key, _, rank in leg:
                fused[key] = fused.get(key, 0.0) + weight / (self.k + rank)
        return fused


@dataclass(frozen=True)
class WeightedScoreFusion:
    """score = sum over legs of weight * min-max normalised leg score (0 when absent)."""

    weights: tuple[float, ...] = (0.5, 0.5)

    def __call__(self, legs: Sequence[Sequence[LegHit]]) -> dict[str, float]:
        fused: dict[str, float] = {}
        for i, leg in enumerate(legs):
            if not leg:
                continue
            weight = self.weights[i] if i < len(self.weights) else 1.0
            lo, hi = min(h.score for h in leg), max(h.score for h in leg)
            span = hi - lo
            for hit in leg:
                norm = (hit.score - lo) / span if span > 0 else 1.0
                fused[hit.key] = fused.get(hit.key, 0.0) + weight * norm
        return fused


def fuse(legs: Sequence[Sequence[LegHit]], fusion: Fusion) -> list[tuple[str, float]]:
    """Keys by fused score, best first; ties go to the better best-rank, then the key."""
    scores = fusion(legs)
    best_rank: dict[str, int] = {}
    for leg in legs:
        for key, _, rank in leg:
            if rank < best_rank.get(key, rank + 1):
                best_rank[key] = rank
    return sorted(scores.items(), key=lambda kv: (-kv[1], best_rank[kv[0]], kv[0]))
