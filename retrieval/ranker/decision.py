"""Whether a trained ranker is served, decided once when training ends.

A fine-tuned cross-encoder can rank worse than the retrieval order it reranks: a short time
budget on a busy machine (24 of 141 steps), a shop whose labels say little, a validation set
of a few dozen queries on which the blend weight was also chosen. Serving it anyway gave
shoppers a worse order than no ranker (demo shop at load 4-5: validation +0.018, test
-0.041). So the ranker is served only when the validation queries show, with confidence, that
its blended order beats the retrieval order: the paired bootstrap over queries of the mean
nDCG@10 difference must have its lower bound (``CONFIDENCE``, one-sided) above zero. The
blended order is scored with a blend weight fitted on the other half of the queries
(``blend.cross_fitted_ndcgs``), not the one chosen on all of them. A shop with no validation
queries gets no evidence, so its ranker is not served either.

The decision is stored in the manifest (``"decision"``); ``ranker_choice`` honours it, so
the server, the demo and the About panel say "retrieval order (the trained ranker did not
beat it...)". ``load_ranker`` still loads the model (``aisle eval ranker`` measures it
whatever was decided). A manifest written before decisions existed counts as served.

Not here: training (``retrieval.ranker.trainer``), the blend (``retrieval.ranker.blend``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

CONFIDENCE = 0.9  # one-sided: the gain's lower bound at this level must be above zero
RESAMPLES = 2000
SEED = 7


@dataclass(frozen=True)
class ServingDecision:
    serve: bool
    gain: float  # mean nDCG@10 of the blended order minus the retrieval order's
    low: float  # the gain's bootstrap lower bound at ``confidence``
    queries: int
    confidence: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any]) -> ServingDecision:
        """The manifest's decision; a manifest without one (older rankers) is served."""
        raw = manifest.get("decision")
        if not isinstance(raw, Mapping):
            return cls(True, 0.0, 0.0, 0, CONFIDENCE, "trained before serving decisions")
        return cls(
            serve=bool(raw.get("serve", False)),
            gain=float(raw.get("gain", 0.0)),
            low=float(raw.get("low", 0.0)),
            queries=int(raw.get("queries", 0)),
            confidence=float(raw.get("confidence", CONFIDENCE)),
            reason=str(raw.get("reason", "")),
        )


def decide(
    ranked: Sequence[float],
    baseline: Sequence[float],
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> ServingDecision:
    """Serve iff the paired bootstrap lower bound of mean(ranked - baseline) is above zero.

    ``ranked`` and ``baseline`` are per-query nDCG@10 on the same validation queries, in the
    same order."""
    if len(ranked) != len(baseline):
        raise ValueError(f"{len(ranked)} ranked scores against {len(baseline)} baseline scores")
    if not ranked:
        return ServingDecision(
            False, 0.0, 0.0, 0, confidence, "no validation queries to show that it helps"
        )
    diff = np.asarray(ranked, dtype=np.float64) - np.asarray(baseline, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), size=(resamples, len(diff)))].mean(axis=1)
    gain, low = float(diff.mean()), float(np.quantile(means, 1.0 - confidence))
    serve = low > 0.0
    reason = (
        f"beats the retrieval order on {len(diff)} validation queries "
        f"(nDCG@10 {gain:+.3f}, {confidence:.0%} lower bound {low:+.3f})"
        if serve
        else f"did not beat the retrieval order with confidence on {len(diff)} validation "
        f"queries (nDCG@10 {gain:+.3f}, {confidence:.0%} lower bound {low:+.3f})"
    )
    return ServingDecision(serve, round(gain, 4), round(low, 4), len(diff), confidence, reason)
