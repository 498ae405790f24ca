"""The validation evaluator the trainer keeps the best model by.

``GradedRerankingEvaluator`` is a sentence-transformers evaluator with one primary metric,
``ndcg@10``: each sample is a query with its judged products and their grades, the model
scores them all in one batched pass and each query's products are ordered by score. The
stock ``CrossEncoderRerankingEvaluator`` is binary (positives vs the rest, sklearn's linear
gains), which would flatten "exact" and "partial" into one; that difference is exactly what
the ranker has to learn, so this one keeps the grades. Samples hold judged products only, so
it measures the condensed list (unjudged products removed), as ``eval.ranker_eval`` does.

Not here: graded nDCG itself (``retrieval.ranker.ndcg``, re-exported here), the test-set
evaluation against the retrieval order (``eval.ranker_eval``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from sentence_transformers.base.evaluation import BaseEvaluator

from retrieval.ranker.model import score_many
from retrieval.ranker.ndcg import RerankSample, dcg, ndcg_at_k, order_by_score

__all__ = ["GradedRerankingEvaluator", "RerankSample", "dcg", "ndcg_at_k", "order_by_score"]

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder
    from sentence_transformers.base.model import BaseModel


class GradedRerankingEvaluator(BaseEvaluator):
    """Mean graded nDCG@k (primary) and MRR@k (first exact match) over ``samples``."""

    def __init__(
        self,
        samples: Sequence[RerankSample],
        name: str = "valid",
        at_k: int = 10,
        batch_size: int = 64,
    ) -> None:
        super().__init__()
        self.samples = list(samples)
        self.name = name
        self.at_k = at_k
        self.batch_size = batch_size
        self.primary_metric = f"ndcg@{at_k}"

    def __call__(
        self, model: BaseModel, output_path: str | None = None, epoch: int = -1, steps: int = -1
    ) -> dict[str, float]:
        pairs = [(s.query, t) for s in self.samples for t in s.texts]
        scores = score_many(cast("CrossEncoder", model), pairs, self.batch_size)
        ndcgs: list[float] = []
        rrs: list[float] = []
        start = 0
        for sample in self.samples:
            mine = scores[start : start + len(sample.texts)]
            start += len(sample.texts)
            ranked = [sample.grades[i] for i in order_by_score(mine.tolist())]
            ndcgs.append(ndcg_at_k(ranked, sample.grades, self.at_k))
            first = next((r for r, g in enumerate(ranked[: self.at_k], 1) if g == max(ranked)), 0)
            rrs.append(1.0 / first if first else 0.0)
        metrics = {
            f"ndcg@{self.at_k}": float(np.mean(ndcgs)) if ndcgs else 0.0,
            f"mrr@{self.at_k}": float(np.mean(rrs)) if rrs else 0.0,
        }
        metrics = self.prefix_name_to_metrics(metrics, self.name)
        self.store_metrics_in_model_card_data(model, metrics, epoch, steps)
        return metrics

    def get_config_dict(self) -> dict[str, Any]:
        return {"at_k": self.at_k, "queries": len(self.samples)}
