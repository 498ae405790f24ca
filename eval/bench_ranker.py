"""`aisle bench ranker`: latency of reranking 50 candidates with the fp32 cross-encoder against
an optimised (int8) one, and what the optimisation costs in nDCG@10, in the same run.

The optimised model is ONNX Runtime with int8 weights when the ``onnx`` package is installed
(exported to a scratch folder for the run), else PyTorch's int8 dynamic quantisation; the
report names which (``optimised_kind``).

Latency: for each of the first ``queries`` TEST labelled queries, the retrieval's top
``candidates`` products are scored by both models, alternating fp32 and int8 query by query
so that load from other processes hits both alike; p50/p95 over ``repeats`` rounds after one
warm-up round. Quality: condensed nDCG@10 of both on every test query's candidate list, built
exactly as ``eval.ranker_eval`` builds it, ordered as ``Ranker.rerank`` orders them (blended
with the retrieval order). Gates: optimised p50 at most half the fp32 p50, and
at most 0.005 nDCG@10 lost. The load average is recorded: on a shared machine it explains
slow absolute numbers (the ratio is what the gate reads).

Not here: the optimisation itself (``retrieval.ranker.optimise``, with why it does not go
through sentence-transformers' ONNX backend).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.ranker_eval import candidate_lists, score_lists, system_scores
from eval.retrieval_eval import load_judged_queries
from retrieval.documents import load_product_records
from retrieval.ranker import load_ranker
from retrieval.ranker.blend import blend
from retrieval.ranker.candidates import BM25Source, CandidateSource
from retrieval.ranker.errors import RankerError
from retrieval.ranker.model import ranker_text, score_many
from retrieval.ranker.optimise import PairScorer, best_optimised
from store.db import Store

MAX_RATIO, MAX_NDCG_LOSS = 0.5, 0.005


@dataclass(frozen=True)
class VariantResult:
    p50_ms: float
    p95_ms: float
    ndcg_at_10: float


@dataclass(frozen=True)
class RankerBenchReport:
    ranker_dir: str
    source: str
    optimised_kind: str
    queries: int
    candidates: int
    repeats: int
    threads: int
    fp32: VariantResult
    optimised: VariantResult
    load_average: tuple[float, float]  # 1-minute load at start and end
    seconds: float

    @property
    def latency_ratio(self) -> float:
        return round(self.optimised.p50_ms / self.fp32.p50_ms, 3) if self.fp32.p50_ms else 0.0

    @property
    def ndcg_loss(self) -> float:
        return round(self.fp32.ndcg_at_10 - self.optimised.ndcg_at_10, 4)

    @property
    def gates(self) -> dict[str, bool]:
        return {
            "latency_at_most_half": self.latency_ratio <= MAX_RATIO,
            "ndcg_loss_at_most_0_005": self.ndcg_loss <= MAX_NDCG_LOSS,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "latency_ratio": self.latency_ratio,
            "ndcg_loss": self.ndcg_loss,
            "gates": self.gates,
        }


def _ms(seconds: list[float]) -> tuple[float, float]:
    ms = sorted(s * 1000 for s in seconds)
    return round(statistics.median(ms), 1), round(ms[int(0.95 * (len(ms) - 1))], 1)


def bench_ranker(
    ranker_dir: Path,
    store: Store,
    *,
    source: CandidateSource | None = None,
    queries: int = 10,
    candidates: int = 50,
    repeats: int = 3,
    threads: int = 2,
    progress: bool = True,
    quality_queries: int | None = None,
) -> RankerBenchReport:
    """The figures in the module docstring; ``quality_queries`` cuts the test queries the
    nDCG@10 comparison uses (default: all of them)."""
    import torch

    started = time.perf_counter()
    load_start = os.getloadavg()[0]
    torch.set_num_threads(threads)
    ranker = load_ranker(Path(ranker_dir))
    records = {r.product_id: r for r in load_product_records(store)}
    texts = {pid: ranker_text(r) for pid, r in records.items()}
    source = source or BM25Source(list(records.values()))
    judged = [
        q for q in load_judged_queries(store, "test") if any(g > 0 for g in q.judgements.values())
    ]
    if not judged:
        raise RankerError(
            "the shop has no labelled TEST queries with a relevant product; "
            "import labels or generate the demo shop (`aisle init-demo`)"
        )
    timed = [
        (q.query, [texts[p] for p in source.top(q.query, candidates)]) for q in judged[:queries]
    ]
    timed = [(q, t) for q, t in timed if t]
    with tempfile.TemporaryDirectory(prefix="aisle-ranker-onnx-") as scratch:
        kind, fast = best_optimised(ranker.model, Path(scratch), threads)
        scorers: dict[str, PairScorer] = {
            "fp32": lambda pairs: score_many(ranker.model, pairs),
            "optimised": fast,
        }
        for q, t in timed[:1]:  # warm-up: first calls allocate and pick kernels
            for scorer in scorers.values():
                scorer([(q, x) for x in t])
        seconds: dict[str, list[float]] = {name: [] for name in scorers}
        rounds = [(q, t) for _ in range(repeats) for q, t in timed]
        for q, t in tqdm(rounds, desc="latency", disable=not progress):
            pairs = [(q, x) for x in t]
            for name, scorer in scorers.items():
                t0 = time.perf_counter()
                scorer(pairs)
                seconds[name].append(time.perf_counter() - t0)
        lists = candidate_lists(
            judged[:quality_queries], source, depth=candidates, progress=progress
        )
        weight = ranker.retrieval_weight  # score what ``Ranker.rerank`` orders by
        quality = {
            name: system_scores(
                lists, [blend(s, range(len(s)), weight) for s in score_lists(scorer, lists, texts)]
            ).ndcg_at_10
            for name, scorer in scorers.items()
        }
    results = {name: VariantResult(*_ms(seconds[name]), quality[name]) for name in seconds}
    return RankerBenchReport(
        ranker_dir=str(ranker_dir),
        source=source.name,
        optimised_kind=kind,
        queries=len(timed),
        candidates=candidates,
        repeats=repeats,
        threads=threads,
        fp32=results["fp32"],
        optimised=results["optimised"],
        load_average=(round(load_start, 2), round(os.getloadavg()[0], 2)),
        seconds=round(time.perf_counter() - started, 1),
    )
