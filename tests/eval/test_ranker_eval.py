"""The ranker evaluation's candidate lists, condensed vs unjudged-as-zero nDCG, and gates
(eval.ranker_eval); the benchmark report's gates (eval.bench_ranker)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pytest

from eval.bench_ranker import RankerBenchReport, VariantResult
from eval.ranker_eval import RankerEvalReport, SystemScores, candidate_lists, system_scores
from eval.retrieval_eval import JudgedQuery

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
        retrieval.ndcg_at_10, retrieval.ndcg_at_10_unjudged_zero)
    # Complete judgements: the retrieval's top ``depth`` only, as serving reranks it.
    (top,) = candidate_lists([QUERY], _Source(), depth=3, deep=4, append_judged=False)
    assert top.product_ids == lst.product_ids[:3] and top.retrieved == 3


def _eval_report(finetuned: float, plain: float, personalised: float,
                 labels_complete: bool = False, zero: float = 0.5) -> RankerEvalReport:
    scores = SystemScores(0.9, 0.5)
    return RankerEvalReport(
        ranker_dir="r", source="hybrid", test_queries=3, depth=50, mean_candidates=80.0,
        mean_judged_added=30.0, complete_judgements=False, labels_complete=labels_complete,
        retrieval=scores, base=SystemScores(0.4, 0.2),
        finetuned_cross_encoder=SystemScores(0.7, 0.4),
        finetuned=SystemScores(finetuned, zero),
        retrieval_weight=2.0,
        personalisation={"hit_rate_plain": plain, "hit_rate_personalised": personalised},
        seconds=1.0)


def test_eval_gates() -> None:
    good = _eval_report(0.95, 0.3, 0.4).to_dict()
    assert (good["gain_over_retrieval"], good["beats_retrieval_by_0_05"],
            good["personalisation_helps"]) == (0.05, True, True)
    bad = _eval_report(0.94, 0.3, 0.3).to_dict()
    assert (bad["beats_retrieval_by_0_05"], bad["personalisation_helps"]) == (False, False)
    # Complete judgements: the gate reads unjudged products as irrelevant (0.5 -> 0.56).
    complete = _eval_report(0.9, 0.3, 0.4, labels_complete=True, zero=0.56).to_dict()
    assert (complete["gate_reading"], complete["gain_over_retrieval"],
            complete["beats_retrieval_by_0_05"]) == ("unjudged_zero", 0.06, True)
    assert _eval_report(0.96, 0.3, 0.4).to_dict()["gate_reading"] == "condensed"


def test_bench_gates() -> None:
    report = RankerBenchReport(
        ranker_dir="r", source="hybrid", optimised_kind="torch-int8-dynamic", queries=10,
        candidates=50, repeats=3, threads=2, fp32=VariantResult(1000.0, 1100.0, 0.95),
        optimised=VariantResult(480.0, 520.0, 0.946), load_average=(1.0, 1.2), seconds=9.0)
    assert (report.latency_ratio, report.ndcg_loss) == (0.48, 0.004)
    assert report.to_dict()["gates"] == {"latency_at_most_half": True,
                                         "ndcg_loss_at_most_0_005": True}
