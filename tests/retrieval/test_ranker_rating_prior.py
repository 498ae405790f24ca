"""The rating-confidence prior, worked by hand on three products, and where it applies: the
trained ranker, the retrieval-order fallback, the swappable holder (retrieval.ranker.rating_prior).
No model is loaded: the "trained" ranker's relevance is fixed numbers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval.documents import ProductRecord
from retrieval.ranker import RankedProduct, Ranker, RankerChoice, RetrievalOrder, SwappableRanker
from retrieval.ranker.rating_prior import (
    DEFAULT_WEIGHT,
    PRIOR_COUNT,
    RatingPrior,
    catalog_mean,
    few_reviews_above_good,
    fit_prior_weight,
    inverted_pairs,
    shrunk_ratings,
)
from store.db import Store
from store.models import Product


def _rated(pid: str, avg: float, count: int) -> ProductRecord:
    return ProductRecord(pid, pid, "", "", "", "", "", 10.0, avg, count, {})


# The shopper's complaint: A (2.7 stars, 3 reviews) above B (4.5 stars, 40 reviews); C has one
# 5-star review.
A, B, C = _rated("A", 2.7, 3), _rated("B", 4.5, 40), _rated("C", 5.0, 1)
HAND = RatingPrior(weight=1.0, count=2.0, mean=4.0)  # small numbers, easy to follow by hand


def _ids(ranked: Sequence[RankedProduct]) -> list[str]:
    return [r.product_id for r in ranked]


def test_shrunk_ratings_by_hand() -> None:
    # (n * avg + m * C) / (n + m) with m = 2, C = 4
    assert shrunk_ratings(
        np.array([2.7, 4.5, 5.0]), np.array([3, 40, 1]), 4.0, 2.0
    ).tolist() == pytest.approx([(8.1 + 8) / 5, (180 + 8) / 42, (5 + 8) / 3])  # 3.22, 4.476, 4.333
    # The default m = 50 against a 3.8 mean: one 5-star review is barely above the mean.
    assert PRIOR_COUNT == 50.0
    assert shrunk_ratings(
        np.array([2.7, 4.5, 5.0]), np.array([3, 40, 1]), 3.8
    ).tolist() == pytest.approx([(8.1 + 190) / 53, (180 + 190) / 90, (5 + 190) / 51])
    assert shrunk_ratings(np.array([0.0]), np.array([0]), 3.8).tolist() == [3.8]  # no reviews


def test_prior_reorders_three_products_by_hand() -> None:
    relevance = np.array([3.0, 2.0, 1.0])  # A most relevant, then B, then C
    # z-scores of the relevance: (x - 2) / sqrt(2/3) = 1.2247, 0, -1.2247
    # bonus = shrunk - 4: A 3.22 - 4 = -0.78, B +0.4762, C +0.3333
    assert HAND.bonus([A, B, C]).tolist() == pytest.approx([-0.78, 0.47619, 0.33333], abs=1e-5)
    scores = HAND.apply(relevance, [A, B, C])
    assert scores.tolist() == pytest.approx([0.44474, 0.47619, -0.89141], abs=1e-5)
    assert np.argsort(-scores).tolist() == [1, 0, 2]  # B, A, C: many good reviews win
    # Weight 0: the scores as they were; a clearly more relevant A keeps its place at weight 1.
    assert RatingPrior(0.0).apply(relevance, [A, B, C]).tolist() == [3.0, 2.0, 1.0]
    far = HAND.apply(np.array([9.0, 2.0, 1.0]), [A, B, C])
    assert np.argsort(-far).tolist() == [0, 1, 2]


def test_without_a_catalog_mean_the_candidates_own_mean_is_used() -> None:
    own = RatingPrior(weight=1.0, count=2.0)  # mean of 2.7, 4.5, 5.0 = 4.0667
    mean = (2.7 + 4.5 + 5.0) / 3
    assert own.bonus([A, B, C]).tolist() == pytest.approx(
        [(8.1 + 2 * mean) / 5 - mean, (180 + 2 * mean) / 42 - mean, (5 + 2 * mean) / 3 - mean]
    )
    unrated = [_rated("x", 0.0, 0), _rated("y", 0.0, 0)]
    assert own.bonus(unrated).tolist() == [0.0, 0.0]
    assert own.with_mean(3.5).mean == 3.5 and HAND.with_mean(3.5).mean == 4.0


class FixedRanker(Ranker):
    """A "trained" ranker whose cross-encoder logits are given (no model behind it)."""

    def __init__(self, logits: list[float], manifest: dict[str, object]) -> None:
        super().__init__(
            model=None,
            personaliser=None,  # type: ignore[arg-type]
            manifest={"retrieval_weight": 0.0, **manifest},
            directory=Path("."),
        )
        self.logits = np.asarray(logits)

    def relevance(self, query: str, candidates: Sequence[ProductRecord]) -> np.ndarray:
        return self.logits[: len(candidates)]


def test_the_trained_ranker_applies_the_prior_its_manifest_records() -> None:
    recorded = FixedRanker([3.0, 2.0, 1.0], {"rating_prior": HAND.to_dict()})
    assert recorded.prior == HAND
    ranked = recorded.rerank("q", [A, B, C])
    assert _ids(ranked) == ["B", "A", "C"]
    assert [r.score for r in ranked] == pytest.approx([0.47619, 0.44474, -0.89141], abs=1e-5)
    assert [r.relevance for r in ranked] == [2.0, 3.0, 1.0]  # the logits, untouched
    off = FixedRanker([3.0, 2.0, 1.0], {"rating_prior": {**HAND.to_dict(), "weight": 0.0}})
    assert _ids(off.rerank("q", [A, B, C])) == ["A", "B", "C"]
    older = FixedRanker([3.0, 2.0, 1.0], {})  # trained before the prior: the default weight
    assert older.prior == RatingPrior(DEFAULT_WEIGHT) and older.prior.mean is None


def test_the_retrieval_order_fallback_applies_the_prior_over_its_depth() -> None:
    # DCG discounts 1, 1/log2(3), 1/2 standardise to 1.3683, -0.3750, -0.9934; with bonuses
    # -0.78, +0.4762, +0.3333 times the weight: weight 1 keeps A first, weight 2 puts B first.
    assert _ids(RetrievalOrder(HAND).rerank("q", [A, B, C])) == ["A", "B", "C"]
    doubled = RetrievalOrder(RatingPrior(2.0, count=2.0, mean=4.0))
    ranked = doubled.rerank("q", [A, B, C])
    assert _ids(ranked) == ["B", "A", "C"]
    assert [r.score for r in ranked] == pytest.approx([0.5774, -0.1917, -0.3267], abs=1e-4)
    shallow = RetrievalOrder(RatingPrior(2.0, count=2.0, mean=4.0), depth=1)
    assert _ids(shallow.rerank("q", [A, B, C])) == ["A", "B", "C"]  # B is past the depth
    assert RetrievalOrder().prior == RatingPrior(DEFAULT_WEIGHT)
    assert RetrievalOrder().rerank("q", []) == []


def _shop(store: Store) -> None:
    with store.session() as s:
        s.add_all(
            [
                Product(
                    product_id=p.product_id,
                    title=p.product_id,
                    rating_avg=p.rating_avg,
                    rating_count=p.rating_count,
                )
                for p in (A, B, C)
            ]
        )
        s.add(Product(product_id="D", title="D"))  # no reviews: not in the mean
        s.commit()


def test_catalog_mean_and_the_holder_gives_it_to_rankers_without_one(sqlite_store: Store) -> None:
    assert catalog_mean(sqlite_store) is None
    _shop(sqlite_store)
    assert catalog_mean(sqlite_store) == pytest.approx((2.7 + 4.5 + 5.0) / 3, abs=1e-4)
    holder = SwappableRanker(store=sqlite_store)
    assert holder.current.prior.mean == pytest.approx(4.0667, abs=1e-4)
    recorded = FixedRanker([3.0, 2.0, 1.0], {"rating_prior": HAND.to_dict()})
    holder.swap(RankerChoice(recorded))
    assert holder.current.prior.mean == 4.0  # what training recorded stays
    older = FixedRanker([3.0, 2.0, 1.0], {})
    holder.swap(older)
    assert older.prior.weight == DEFAULT_WEIGHT
    assert older.prior.mean == pytest.approx(4.0667, abs=1e-4)


def test_fit_takes_the_largest_weight_that_costs_no_validation_ndcg() -> None:
    # Equal grades: reordering costs nothing, so the whole grid is free.
    free = [(np.array([2.0, 1.9, 0.0]), [A, B, C], [2, 2, 2])]
    assert fit_prior_weight(free, 4.0).prior.weight == 1.0
    # A (grade 2) only just above B (grade 0): B's bonus passes A from weight 0.25 on
    # (z-gap 0.109 against a bonus gap of 0.97 * weight with m = 50), so no prior.
    costly = [(np.array([2.0, 1.9, 0.0]), [A, _rated("B", 5.0, 450), C], [2, 0, 1])]
    fit = fit_prior_weight(costly, 4.0)
    assert fit.prior == RatingPrior(0.0, mean=4.0)
    # grades in order 2, 0, 1: (3 + 0 + 1/2) / (3 + 1/log2(3)) = 0.9639
    assert fit.valid_ndcg == fit.valid_ndcg_without == pytest.approx(3.5 / (3 + 1 / np.log2(3)))


def test_the_symptom_counted_by_hand() -> None:
    few, good, plain = _rated("few", 2.7, 3), _rated("good", 4.5, 40), _rated("plain", 4.0, 10)
    assert few_reviews_above_good([few, plain, good])  # in the top 3, above a good one
    assert few_reviews_above_good([plain, good, plain, few, good], k=4)
    assert not few_reviews_above_good([good, few, plain])  # the good one is first
    assert not few_reviews_above_good([plain, plain, plain, few, good])  # below the top 3
    assert not few_reviews_above_good([few, plain, _rated("so-so", 3.9, 40)])  # not good
    # pairs (few, good): few above good1 and good2, below good0
    assert inverted_pairs([good, few, good, good]) == (2, 3)
    assert inverted_pairs([plain, few]) == (0, 0)
