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
from retrieval.documents import load_product_records
from retrieval.ranker import RankerConfig, load_ranker
from retrieval.ranker.blend import blend
from retrieval.ranker.candidates import BM25Source, CandidateSource
from retrieval.ranker.errors import RankerError
from retrieval.ranker.holdout import held_out_purchases, split_users
from retrieval.ranker.model import load_base, ranker_text, score_many
from retrieval.ranker.optimise import PairScorer
from retrieval.ranker.stage import case_lists, case_report
from store.db import Store
from store.meta import judgements_complete

GAIN_TARGET = 0.05


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
    personalisation: dict[str, Any]
    seconds: float

    @property
    def gate_reading(self) -> str:
        return "unjudged_zero" if self.labels_complete else "condensed"

    @property
    def gain_over_retrieval(self) -> float:
        def gated(s: SystemScores) -> float:
            return s.ndcg_at_10_unjudged_zero if self.labels_complete else s.ndcg_at_10

        return round(gated(self.finetuned) - gated(self.retrieval), 4)

    @property
    def beats_retrieval(self) -> bool:
        return self.gain_over_retrieval >= GAIN_TARGET

    @property
    def personalisation_helps(self) -> bool:
        p = self.personalisation
        return bool(p) and p["hit_rate_personalised"] > p["hit_rate_plain"]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "gate_reading": self.gate_reading,
                "gain_over_retrieval": self.gain_over_retrieval,
                "beats_retrieval_by_0_05": self.beats_retrieval,
                "personalisation_helps": self.personalisation_helps}


def candidate_lists(queries: Sequence[JudgedQuery], source: CandidateSource, depth: int = 50,
                    deep: int = 200, progress: bool = False,
                    judge: Grader | None = None,
                    append_judged: bool = True) -> list[CandidateList]:
    out = []
    for q in tqdm(queries, desc="candidates", disable=not progress):
        top = source.top(q.query, depth)
        extra: list[str] = []
        if append_judged:
            rank = {p: i for i, p in enumerate(source.top(q.query, deep))}
            extra = sorted(set(q.judgements) - set(top),
                           key=lambda p: (rank.get(p, len(rank)), p))
        ids = tuple(top) + tuple(extra)
        complete = judge.grades(q.query, ids) if judge else None
        out.append(CandidateList(q, ids, len(top), complete))
    return out


def system_scores(lists: Sequence[CandidateList], scores: Sequence[np.ndarray] | None,
                  k: int = 10) -> SystemScores:
    """nDCG@k of ordering each list by ``scores`` (None: keep the retrieval order)."""
    condensed, zero, complete, hidden = [], [], [], []
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
    full = len(complete) == len(lists) and bool(lists)
    return SystemScores(round(mean(condensed), 4), round(mean(zero), 4),
                        round(mean(complete), 4) if full else None,
                        round(mean(hidden), 2) if full else None)


def score_lists(scorer: PairScorer, lists: Sequence[CandidateList],
                texts: dict[str, str]) -> list[np.ndarray]:
    """Cross-encoder logits for every candidate list, in one batched pass."""
    pairs = [(c.query.query, texts[p]) for c in lists for p in c.product_ids]
    flat = scorer(pairs)
    out, start = [], 0
    for c in lists:
        out.append(flat[start:start + len(c.product_ids)])
        start += len(c.product_ids)
    return out


def evaluate_ranker(store: Store, ranker_dir: Path, *, source: CandidateSource | None = None,
                    depth: int | None = None, deep: int = 200, progress: bool = True,
                    threads: int | None = None, complete: bool = True,
                    max_queries: int | None = None,
                    max_cases: int | None = None) -> RankerEvalReport:
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
    queries = [q for q in load_judged_queries(store, "test")
               if any(g > 0 for g in q.judgements.values())][:max_queries]
    if not queries:
        raise RankerError("the shop has no labelled TEST queries with a relevant product; "
                          "import labels or generate the demo shop (`aisle init-demo`)")
    judge = demo_judge(store) if complete else None
    labels_complete = judgements_complete(store)
    lists = candidate_lists(queries, source, depth, deep, progress, judge,
                            append_judged=not labels_complete)
    base = load_base(int(ranker.manifest.get("max_seq_length", config.max_seq_length)),
                     config.seed)
    tuned = score_lists(lambda p: score_many(ranker.model, p), lists, texts)
    weight = ranker.retrieval_weight
    personal: dict[str, Any] = {}
    if ranker.personaliser is not None:
        _, cases = split_users(held_out_purchases(store), config.eval_user_share, config.seed)
        cases = cases[:max_cases]
        cases_lists = case_lists(store, cases, records, texts, source, config.personaliser_depth,
                                 lambda p: score_many(ranker.model, p), progress)
        personal = case_report(cases_lists, ranker.personaliser, weight).to_dict()
    return RankerEvalReport(
        ranker_dir=str(ranker_dir), source=source.name, test_queries=len(lists), depth=depth,
        mean_candidates=round(mean([len(c.product_ids) for c in lists]), 1),
        mean_judged_added=round(mean([len(c.product_ids) - c.retrieved for c in lists]), 1),
        complete_judgements=judge is not None, labels_complete=labels_complete,
        retrieval=system_scores(lists, None),
        base=system_scores(lists, score_lists(lambda p: score_many(base, p), lists, texts)),
        finetuned_cross_encoder=system_scores(lists, tuned),
        finetuned=system_scores(lists, [blend(s, range(len(s)), weight) for s in tuned]),
        retrieval_weight=weight,
        personalisation=personal, seconds=round(time.perf_counter() - started, 1))
