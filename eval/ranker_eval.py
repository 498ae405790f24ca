"""`aisle eval ranker`: does the fine-tuned ranker beat the retrieval order, and does the
personalisation stage beat the ranker alone?

Relevance, on the held-out TEST labelled queries. Every system orders the same candidate list
per query: the retrieval's top ``depth`` products (the ranker's ``rerank_depth``, 20 by default),
as serving reranks them. When the
shop's judgements are sampled (``store.meta``), every judged product of the query that is not
among them follows, in the retrieval's deeper order (its top ``deep``, 200), then by id, so
the condensed reading has judged products to order.
The systems are the retrieval order itself, the untrained base cross-encoder (MiniLM with the
same seeded fresh head training started from), the fine-tuned cross-encoder alone, and the
fine-tuned ranker as ``Ranker.rerank`` orders (the cross-encoder blended with the retrieval
order by the weight fitted on validation queries). nDCG@10 uses graded
gains ``2**grade - 1`` and log2 discounts (``eval.metrics``), with the ideal order over all of
the query's judgements, two ways:
- ``unjudged_zero``: unjudged products count as irrelevant. Exact when the judgements are
  complete (the demo shop's: every exact and partial match judged), and then the gate.
- ``condensed``: products without a judgement are dropped from each ordering before cutting
  at 10; the gate when judgements are sampled, where an unjudged product may be relevant.
- ``complete`` (demo shops only, ``eval.demo_judge``): every candidate graded by the rule the
  generator graded the judged ones with, the ideal taken over the candidate list; with it,
  ``unjudged_relevant_at_10``: how many of a system's top 10 are relevant but unjudged, the
  gains the condensed reading cannot see.
Gate: the fine-tuned ranker's nDCG@10 (the reading above) at least 0.05 above the retrieval
order's.

Serving: ``served`` is the ranker as the assistant runs it, the int8 model when training kept
one (``served_backend`` says which), blended the same way; it is not the gate (the fp32
figures are what earlier runs reported), but it is what shoppers get.

The rating-confidence prior (``retrieval.ranker.rating_prior``): each of the retrieval order,
the fine-tuned ranker and the served one again with the prior (``*_prior``: the fallback's
default weight for the retrieval order, the ranker's own for the others, the catalog's mean
rating), and ``prior_cost``: the nDCG@10 each loses with it (budget 0.005). These six also
report the symptom the prior is for, over each query's ordered list:
``few_reviews_above_good_top3``, the share of queries whose top 3 holds a product with fewer
than 5 reviews ranked above one rated 4.0+ from 20+ reviews, and
``few_reviews_pairs_inverted``, the share of such (few, good) pairs in the wrong order.

Personalisation, on the users the training kept apart (same seeded split): each user's last
purchase session is held out, the query is that session's search (else the product's
category), the candidates are the retrieval's top products for it, and the profile and
"bought together" counts use only what happened before the session. Hit rate@10 of the
ranker without a profile against the personalised order; gate: personalised is higher.

Not here: latency (``eval.bench_ranker``), training (``retrieval.ranker``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from eval.demo_judge import Grader, demo_judge
from eval.metrics import mean, ndcg_at_k
from eval.retrieval_eval import JudgedQuery, load_judged_queries
from retrieval.documents import ProductRecord, load_product_records
from retrieval.ranker import RankerConfig, RetrievalOrder, load_ranker
from retrieval.ranker.blend import blend, retrieval_prior
from retrieval.ranker.candidates import BM25Source, CandidateSource
from retrieval.ranker.errors import RankerError
from retrieval.ranker.holdout import held_out_purchases, split_users
from retrieval.ranker.model import load_base, ranker_text, score_many
from retrieval.ranker.optimise import PairScorer
from retrieval.ranker.rating_prior import (
    RatingPrior,
    catalog_mean,
    few_reviews_above_good,
    inverted_pairs,
)
from retrieval.ranker.stage import case_lists, case_report
from store.db import Store
from store.meta import judgements_complete

GAIN_TARGET = 0.05
PRIOR_BUDGET = 0.005  # nDCG@10 the rating prior may cost a system


@dataclass(frozen=True)
class CandidateList:
    query: JudgedQuery
    product_ids: tuple[str, ...]  # in retrieval order (see the module docstring)
    retrieved: int  # how many came from the top ``depth``
    complete: dict[str, int] | None = None  # every candidate's grade (``eval.demo_judge``)


@dataclass(frozen=True)
class SystemScores:
    ndcg_at_10: float  # condensed: unjudged products dropped
    ndcg_at_10_unjudged_zero: float
    ndcg_at_10_complete: float | None = None  # every candidate judged (demo shops)
    unjudged_relevant_at_10: float | None = None  # mean count in the top 10
    few_reviews_above_good_top3: float | None = None  # share of queries (module docstring)
    few_reviews_pairs_inverted: float | None = None  # share of (few, good) pairs


@dataclass(frozen=True)
class RankerEvalReport:
    ranker_dir: str
    source: str
    test_queries: int
    depth: int
    mean_candidates: float
    mean_judged_added: float  # judged products appended beyond the top ``depth``
    complete_judgements: bool  # the ``complete`` reading is there (a demo shop)
    labels_complete: bool  # the shop's judgements are complete: ``unjudged_zero`` is the gate
    retrieval: SystemScores
    base: SystemScores
    finetuned_cross_encoder: SystemScores
    finetuned: SystemScores  # the ranker: cross-encoder blended with the retrieval order
    retrieval_weight: float
    served: SystemScores  # ``finetuned`` with the model reranking is served with
    served_backend: str
    retrieval_prior: SystemScores  # each with the rating prior
    finetuned_prior: SystemScores
    served_prior: SystemScores
    rating_prior: dict[str, Any]  # the ranker's and the fallback's (weight, count, mean)
    personalisation: dict[str, Any]
    seconds: float

    @property
    def gate_reading(self) -> str:
        return "unjudged_zero" if self.labels_complete else "condensed"

    def gated(self, s: SystemScores) -> float:
        """``s``'s nDCG@10 in the gate's reading."""
        return s.ndcg_at_10_unjudged_zero if self.labels_complete else s.ndcg_at_10

    @property
    def gain_over_retrieval(self) -> float:
        return round(self.gated(self.finetuned) - self.gated(self.retrieval), 4)

    @property
    def prior_cost(self) -> dict[str, float]:
        """nDCG@10 (the gate's reading) each system loses with the rating prior."""
        pairs = {
            "retrieval": (self.retrieval, self.retrieval_prior),
            "finetuned": (self.finetuned, self.finetuned_prior),
            "served": (self.served, self.served_prior),
        }
        return {name: round(self.gated(a) - self.gated(b), 4) for name, (a, b) in pairs.items()}

    @property
    def prior_within_budget(self) -> bool:
        return all(cost <= PRIOR_BUDGET for cost in self.prior_cost.values())

    @property
    def beats_retrieval(self) -> bool:
        return self.gain_over_retrieval >= GAIN_TARGET

    @property
    def personalisation_helps(self) -> bool:
        p = self.personalisation
        return bool(p) and p["hit_rate_personalised"] > p["hit_rate_plain"]

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "gate_reading": self.gate_reading,
            "gain_over_retrieval": self.gain_over_retrieval,
            "beats_retrieval_by_0_05": self.beats_retrieval,
            "prior_cost": self.prior_cost,
            "prior_within_budget_0_005": self.prior_within_budget,
            "personalisation_helps": self.personalisation_helps,
        }


def candidate_lists(
    queries: Sequence[JudgedQuery],
    source: CandidateSource,
    depth: int = 50,
    deep: int = 200,
    progress: bool = False,
    judge: Grader | None = None,
    append_judged: bool = True,
) -> list[CandidateList]:
    out = []
    for q in tqdm(queries, desc="candidates", disable=not progress):
        top = source.top(q.query, depth)
        extra: list[str] = []
        if append_judged:
            rank = {p: i for i, p in enumerate(source.top(q.query, deep))}
            extra = sorted(set(q.judgements) - set(top), key=lambda p: (rank.get(p, len(rank)), p))
        ids = tuple(top) + tuple(extra)
        complete = judge.grades(q.query, ids) if judge else None
        out.append(CandidateList(q, ids, len(top), complete))
    return out


def system_scores(
    lists: Sequence[CandidateList],
    scores: Sequence[np.ndarray] | None,
    k: int = 10,
    records: dict[str, ProductRecord] | None = None,
) -> SystemScores:
    """nDCG@k of ordering each list by ``scores`` (None: keep the retrieval order); with
    ``records``, the rating symptom too (module docstring)."""
    condensed, zero, complete, hidden, top3 = [], [], [], [], []
    inverted = pairs = 0
    for n, c in enumerate(lists):
        ids = list(c.product_ids)
        if scores is not None:
            s = scores[n]
            ids = [ids[i] for i in sorted(range(len(ids)), key=lambda i: (-float(s[i]), i))]
        judged = c.query.judgements
        condensed.append(ndcg_at_k([p for p in ids if p in judged], judged, k))
        zero.append(ndcg_at_k(ids, judged, k))
        if c.complete is not None:
            complete.append(ndcg_at_k(ids, c.complete, k))
            hidden.append(sum(p not in judged and c.complete[p] > 0 for p in ids[:k]))
        if records is not None:
            ordered = [records[p] for p in ids]
            top3.append(few_reviews_above_good(ordered, 3))
            wrong, total = inverted_pairs(ordered)
            inverted, pairs = inverted + wrong, pairs + total
    full = len(complete) == len(lists) and bool(lists)
    return SystemScores(
        round(mean(condensed), 4),
        round(mean(zero), 4),
        round(mean(complete), 4) if full else None,
        round(mean(hidden), 2) if full else None,
        round(mean(top3), 4) if records is not None else None,
        round(inverted / pairs, 4) if records is not None and pairs else None,
    )


def with_prior(
    prior: RatingPrior,
    lists: Sequence[CandidateList],
    scores: Sequence[np.ndarray],
    records: dict[str, ProductRecord],
) -> list[np.ndarray]:
    """``scores`` as ``prior`` changes them (see ``RatingPrior.apply``)."""
    return [
        prior.apply(s, [records[p] for p in c.product_ids])
        for c, s in zip(lists, scores, strict=True)
    ]


def score_lists(
    scorer: PairScorer, lists: Sequence[CandidateList], texts: dict[str, str]
) -> list[np.ndarray]:
    """Cross-encoder logits for every candidate list, one list per call as serving scores
    them: with int8 weights a pair's logit depends on the batch it is in (ONNX Runtime scales
    the activations per batch), so pairs of other queries must not share its batches."""
    return [scorer([(c.query.query, texts[p]) for p in c.product_ids]) for c in lists]


def evaluate_ranker(
    store: Store,
    ranker_dir: Path,
    *,
    source: CandidateSource | None = None,
    depth: int | None = None,
    deep: int = 200,
    progress: bool = True,
    threads: int | None = None,
    complete: bool = True,
    max_queries: int | None = None,
    max_cases: int | None = None,
) -> RankerEvalReport:
    """The figures in the module docstring; ``source`` defaults to BM25 over product texts
    (pass ``SearcherSource(searcher)`` for the hybrid search the assistant uses);
    ``complete`` adds the every-candidate-judged reading when the shop is the demo's;
    ``max_queries``/``max_cases`` cut the test queries/held-out purchases (quick looks)."""
    import torch

    started = time.perf_counter()
    if threads:
        torch.set_num_threads(threads)
    ranker = load_ranker(Path(ranker_dir))
    config = RankerConfig.from_dict(ranker.manifest.get("config", {}))
    depth = depth or ranker.depth
    records = {r.product_id: r for r in load_product_records(store)}
    texts = {pid: ranker_text(r) for pid, r in records.items()}
    source = source or BM25Source(list(records.values()))
    queries = [
        q for q in load_judged_queries(store, "test") if any(g > 0 for g in q.judgements.values())
    ][:max_queries]
    if not queries:
        raise RankerError(
            "the shop has no labelled TEST queries with a relevant product; "
            "import labels or generate the demo shop (`aisle init-demo`)"
        )
    judge = demo_judge(store) if complete else None
    labels_complete = judgements_complete(store)
    lists = candidate_lists(
        queries, source, depth, deep, progress, judge, append_judged=not labels_complete
    )
    base = load_base(int(ranker.manifest.get("max_seq_length", config.max_seq_length)), config.seed)
    tuned = score_lists(lambda p: score_many(ranker.model, p), lists, texts)
    weight = ranker.retrieval_weight
    served = score_lists(ranker.scorer, lists, texts) if ranker.scorer else tuned
    catalog = catalog_mean(store)
    prior, fallback = ranker.prior.with_mean(catalog), RetrievalOrder().prior.with_mean(catalog)
    order = [retrieval_prior(range(len(c.product_ids))) for c in lists]
    finetuned = [blend(s, range(len(s)), weight) for s in tuned]
    blended = [blend(s, range(len(s)), weight) for s in served]
    personal: dict[str, Any] = {}
    if ranker.personaliser is not None:
        _, cases = split_users(held_out_purchases(store), config.eval_user_share, config.seed)
        cases = cases[:max_cases]
        cases_lists = case_lists(
            store,
            cases,
            records,
            texts,
            source,
            config.personaliser_depth,
            lambda p: score_many(ranker.model, p),
            progress,
        )
        personal = case_report(cases_lists, ranker.personaliser, weight).to_dict()
    return RankerEvalReport(
        ranker_dir=str(ranker_dir),
        source=source.name,
        test_queries=len(lists),
        depth=depth,
        mean_candidates=round(mean([len(c.product_ids) for c in lists]), 1),
        mean_judged_added=round(mean([len(c.product_ids) - c.retrieved for c in lists]), 1),
        complete_judgements=judge is not None,
        labels_complete=labels_complete,
        retrieval=system_scores(lists, None, records=records),
        base=system_scores(lists, score_lists(lambda p: score_many(base, p), lists, texts)),
        finetuned_cross_encoder=system_scores(lists, tuned),
        finetuned=system_scores(lists, finetuned, records=records),
        retrieval_weight=weight,
        served=system_scores(lists, blended, records=records),
        served_backend=ranker.backend,
        retrieval_prior=system_scores(
            lists, with_prior(fallback, lists, order, records), records=records
        ),
        finetuned_prior=system_scores(
            lists, with_prior(prior, lists, finetuned, records), records=records
        ),
        served_prior=system_scores(
            lists, with_prior(prior, lists, blended, records), records=records
        ),
        rating_prior={"ranker": prior.to_dict(), "retrieval_order": fallback.to_dict()},
        personalisation=personal,
        seconds=round(time.perf_counter() - started, 1),
    )
