"""`aisle eval retrieval`: dense, BM25 and hybrid search on the shop's labelled queries.

For every labelled query of a split, each mode retrieves 50 products (no filter: the query text
alone, as a shopper types it) and is scored with graded nDCG@10, recall@50 (grade >= 1) and MRR
(first exact match). The gate: hybrid nDCG@10 at least the better of the two legs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any, get_args

from sqlmodel import select
from tqdm import tqdm

from eval.metrics import mean, ndcg_at_k, recall_at_k, reciprocal_rank
from retrieval.search import Mode, ProductSearcher
from store.db import Store
from store.models import LabelledQuery


@dataclass(frozen=True)
class JudgedQuery:
    query_id: str
    query: str
    judgements: dict[str, int]


@dataclass(frozen=True)
class ModeScores:
    ndcg_at_10: float
    recall_at_50: float
    mrr: float


@dataclass(frozen=True)
class RetrievalEvalReport:
    split: str
    queries: int
    modes: dict[str, ModeScores]

    @property
    def hybrid_beats_legs(self) -> bool:
        best_leg = max(self.modes["dense"].ndcg_at_10, self.modes["bm25"].ndcg_at_10)
        return self.modes["hybrid"].ndcg_at_10 >= best_leg

    def to_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "queries": self.queries,
            "modes": {
                m: {k: round(v, 4) for k, v in asdict(s).items()} for m, s in self.modes.items()
            },
            "hybrid_ndcg_at_least_best_leg": self.hybrid_beats_legs,
        }


def load_judged_queries(store: Store, split: str) -> list[JudgedQuery]:
    """The labelled queries of ``split`` with their graded judgements, in query-id order."""
    texts: dict[str, str] = {}
    grades: dict[str, dict[str, int]] = defaultdict(dict)
    with store.session() as session:
        rows = session.exec(select(LabelledQuery).where(LabelledQuery.split == split)).all()
        for row in rows:
            texts[row.query_id] = row.query
            grades[row.query_id][row.product_id] = row.relevance
    return [JudgedQuery(q, texts[q], grades[q]) for q in sorted(texts)]


def evaluate_retrieval(
    store: Store, searcher: ProductSearcher, split: str = "test", progress: bool = True
) -> RetrievalEvalReport:
    queries = load_judged_queries(store, split)
    if not queries:
        raise ValueError(f"the shop has no labelled queries in split {split!r}")
    per_mode: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for q in tqdm(queries, desc=f"eval retrieval ({split})", disable=not progress):
        for mode in get_args(Mode):
            ranked = [c.product_id for c in searcher.search(q.query, k=50, mode=mode)]
            per_mode[mode].append(
                (
                    ndcg_at_k(ranked, q.judgements, 10),
                    recall_at_k(ranked, q.judgements, 50),
                    reciprocal_rank(ranked, q.judgements),
                )
            )
    modes = {
        mode: ModeScores(*(mean([row[i] for row in rows]) for i in range(3)))
        for mode, rows in per_mode.items()
    }
    return RetrievalEvalReport(split=split, queries=len(queries), modes=modes)
