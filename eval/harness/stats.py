"""Small statistics the harness reports: pass^k, percentiles, paired bootstrap intervals.

``pass_hat_k`` is tau-bench's: with ``n`` trials of a task of which ``c`` succeeded, the
chance that ``k`` trials drawn without replacement all succeed is ``C(c, k) / C(n, k)``;
pass^k is its mean over the tasks that have at least ``k`` trials.

``bootstrap_ci`` resamples paired per-case differences (seeded) and returns the mean and the
percentile interval; a difference is "real" at 95% when the interval excludes 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def pass_hat_k(trials: Sequence[Sequence[bool]], k: int) -> float | None:
    """tau-bench pass^k over tasks (each a list of trial outcomes); None when no task has
    ``k`` trials."""
    values = [math.comb(sum(t), k) / math.comb(len(t), k) for t in trials if len(t) >= k]
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100, linear interpolation); None for no values."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else None


def mean_or_none(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def bootstrap_ci(
    differences: Sequence[float], resamples: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float, float]:
    """(mean, low, high) of the mean of paired ``differences`` by the percentile bootstrap."""
    data = np.asarray(differences, dtype=float)
    if data.size == 0:
        raise ValueError("no paired cases to compare")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, data.size, size=(resamples, data.size))
    means = data[picks].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(data.mean()), float(low), float(high)
