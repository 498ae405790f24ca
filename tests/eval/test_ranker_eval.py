"""The ranker evaluation's candidate lists, condensed vs unjudged-as-zero nDCG, and gates
(eval.ranker_eval); the benchmark report's gates (eval.bench_ranker)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pytest

from eval.bench_ranker import RankerBenchReport, VariantResult
from eval.ranker_eval import (
    RankerEvalReport,
    SystemScores,
    candidate_lists,
    system_scores,
    with_prior,
)
from eval.retrieval_eval import JudgedQuery
from retrieval.documents import ProductRecord
from retrieval.ranker.rating_prior import RatingPrior

QUERY = JudgedQuery("q1", "trail shoes", {"a": 2, "x": 1, "y": 0})


class _Source:
    name = "fake"

    def top(self, query: str, k: int) -> list[str]:
        return ["p", "a", "q", "y"][:k]


def test_candidates_are_top_depth_then_judged_in_deeper_retrieval_order() -> None:
    (lst,) = candidate_lists([QUERY], _Source(), depth=3, deep=4)
    # top 3 as retrieved; then y (retrieved at depth 4), then x (never retrieved)
    assert lst.product_ids == ("p", "a", "q", "y", "x")
    assert lst.retrieved == 3


def test_condensed_ndcg_drops_unjudged_products() -> None:
    lists = candidate_lists([QUERY], _Source(), depth=3, deep=4)
    ideal = 3 + 1 / math.log2(3)  # grades 2, 1, 0
    retrieval = system_scores(lists, None)
    # condensed a, y, x -> gains 3, 0, 1: DCG = 3 + 1/2 = 3.5
    assert retrieval.ndcg_at_10 == pytest.approx(round(3.5 / ideal, 4))
    # as listed p, a, q, y, x -> gains 0, 3, 0, 0, 1
    zero = 3 / math.log2(3) + 1 / math.log2(6)
    assert retrieval.ndcg_at_10_unjudged_zero == pytest.approx(round(zero / ideal, 4))
    reranked = system_scores(lists, [np.array([0.0, 5.0, 0.0, 0.0, 4.0])])
    assert reranked == SystemScores(1.0, 1.0)  # a, x first


class _Judge:
    """Grades every product: x, y unjudged-looking ones included (p exact, q partial)."""

    def grades(self, query: str, product_ids: Iterable[str]) -> dict[str, int]:
        truth = {"a": 2, "x": 1, "p": 2, "q": 1}
        return {pid: truth.get(pid, 0) for pid in product_ids}


def test_complete_reading_grades_unjudged_candidates() -> None:
    (lst,) = candidate_lists([QUERY], _Source(), depth=3, deep=4, judge=_Judge())
    assert lst.complete == {"p": 2, "a": 2, "q": 1, "y": 0, "x": 1}
    retrieval = system_scores([lst], None)
    # p, a, q, y, x -> gains 3, 3, 1, 0, 1; ideal 3, 3, 1, 1, 0
    ideal = 3 + 3 / math.log2(3) + 1 / 2 + 1 / math.log2(5)
    got = 3 + 3 / math.log2(3) + 1 / 2 + 1 / math.log2(6)
    assert retrieval.ndcg_at_10_complete == pytest.approx(round(got / ideal, 4))
    assert retrieval.unjudged_relevant_at_10 == 2  # p and q: relevant, not judged
    assert system_scores([candidate_lists([QUERY], _Source(), 3, 4)[0]], None) == SystemScores(
        retrieval.ndcg_at_10, retrieval.ndcg_at_10_unjudged_zero
    )
    # Complete judgements: the retrieval's top ``depth`` only, as serving reranks it.
    (top,) = candidate_lists([QUERY], _Source(), depth=3, deep=4, append_judged=False)
    assert top.product_ids == lst.product_ids[:3] and top.retrieved == 3


def _rated(pid: str, avg: float, count: int) -> ProductRecord:
    return ProductRecord(pid, pid, "", "", "", "", "", 1.0, avg, count, {})


def test_the_rating_symptom_with_and_without_the_prior() -> None:
    # p: 2.7 stars from 3 reviews, retrieved first; a: 4.5 from 40, the exact match.
    records = {
        "p": _rated("p", 2.7, 3),
        "a": _rated("a", 4.5, 40),
        "q": _rated("q", 4.0, 8),
        "y": _rated("y", 3.0, 2),
    }
    (lst,) = candidate_lists([QUERY], _Source(), depth=4, append_judged=False)
    plain = system_scores([lst], None, records=records)
    # p (few) above a (good): the top 3 shows it; pairs (few, good): p-a and y-a, p wrong
    assert (plain.few_reviews_above_good_top3, plain.few_reviews_pairs_inverted) == (1.0, 0.5)
    # The retrieval order with the prior (m = 2, C = 4, weight 2; hand-worked in
    # tests/retrieval/test_ranker_rating_prior.py): a, with the most good reviews, goes first.
    prior = RatingPrior(2.0, count=2.0, mean=4.0)
    order = [np.array([4.0, 3.0, 2.0, 1.0])]
    fixed = system_scores([lst], with_prior(prior, [lst], order, records), records=records)
    assert (fixed.few_reviews_above_good_top3, fixed.few_reviews_pairs_inverted) == (0.0, 0.0)
    # a (grade 2) first, y (grade 0) and p, q unjudged: 3 / ideal(2, 1, 0)
    assert fixed.ndcg_at_10_unjudged_zero == pytest.approx(round(3 / (3 + 1 / math.log2(3)), 4))
    assert system_scores([lst], None).few_reviews_above_good_top3 is None  # no records


def _eval_report(
    finetuned: float,
    plain: float,
    personalised: float,
    labels_complete: bool = False,
    zero: float = 0.5,
    with_prior: float = 0.5,
) -> RankerEvalReport:
    scores = SystemScores(0.9, 0.5)
    return RankerEvalReport(
        ranker_dir="r",
        source="hybrid",
        test_queries=3,
        depth=50,
        mean_candidates=80.0,
        mean_judged_added=30.0,
        complete_judgements=False,
        labels_complete=labels_complete,
        retrieval=scores,
        base=SystemScores(0.4, 0.2),
        finetuned_cross_encoder=SystemScores(0.7, 0.4),
        finetuned=SystemScores(finetuned, zero),
        retrieval_weight=2.0,
        served=SystemScores(finetuned, zero),
        served_backend="torch-fp32",
        retrieval_prior=SystemScores(0.898, 0.5),
        finetuned_prior=SystemScores(finetuned - 0.004, with_prior),
        served_prior=SystemScores(finetuned - 0.006, with_prior),
        rating_prior={},
        personalisation={"hit_rate_plain": plain, "hit_rate_personalised": personalised},
        seconds=1.0,
    )


def test_eval_gates() -> None:
    good = _eval_report(0.95, 0.3, 0.4).to_dict()
    assert (
        good["gain_over_retrieval"],
        good["beats_retrieval_by_0_05"],
        good["personalisation_helps"],
    ) == (0.05, True, True)
    bad = _eval_report(0.94, 0.3, 0.3).to_dict()
    assert (bad["beats_retrieval_by_0_05"], bad["personalisation_helps"]) == (False, False)
    # Complete judgements: the gate reads unjudged products as irrelevant (0.5 -> 0.56).
    complete = _eval_report(0.9, 0.3, 0.4, labels_complete=True, zero=0.56).to_dict()
    assert (
        complete["gate_reading"],
        complete["gain_over_retrieval"],
        complete["beats_retrieval_by_0_05"],
    ) == ("unjudged_zero", 0.06, True)
    assert _eval_report(0.96, 0.3, 0.4).to_dict()["gate_reading"] == "condensed"


def test_the_prior_cost_is_read_like_the_gate() -> None:
    condensed = _eval_report(0.95, 0.3, 0.4).to_dict()  # served loses 0.006 condensed
    assert condensed["prior_cost"] == {"retrieval": 0.002, "finetuned": 0.004, "served": 0.006}
    assert condensed["prior_within_budget_0_005"] is False
    complete = _eval_report(
        0.95, 0.3, 0.4, labels_complete=True, zero=0.56, with_prior=0.557
    ).to_dict()
    assert complete["prior_cost"] == {"retrieval": 0.0, "finetuned": 0.003, "served": 0.003}
    assert complete["prior_within_budget_0_005"] is True


def test_bench_gates() -> None:
    report = RankerBenchReport(
        ranker_dir="r",
        source="hybrid",
        optimised_kind="torch-int8-dynamic",
        queries=10,
        candidates=50,
        repeats=3,
        threads=2,
        fp32=VariantResult(1000.0, 1100.0, 0.95),
        optimised=VariantResult(480.0, 520.0, 0.946),
        load_average=(1.0, 1.2),
        seconds=9.0,
    )
    assert (report.latency_ratio, report.ndcg_loss) == (0.48, 0.004)
    assert report.to_dict()["gates"] == {
        "latency_at_most_half": True,
        "ndcg_loss_at_most_0_005": True,
    }
