"""The fine-tuned product ranker: a cross-encoder plus a personalisation stage.

Split the way sentence-transformers splits its CrossEncoder: ``model`` (base, trained,
scoring, the product text), ``loss``, ``arguments`` (``RankerConfig`` and the trainer
arguments), ``evaluator`` (graded nDCG@10, the one primary metric), ``trainer``
(``train_ranker``), and around them ``data`` (labels, behaviour, hard negatives),
``candidates`` (our retrieval as a candidate source), ``holdout``/``features``/
``personaliser``/``stage`` (the personalisation stage), ``card`` and ``ranker`` (loading and
reranking, with a retrieval-order fallback).
"""

from retrieval.ranker.arguments import RankerConfig
from retrieval.ranker.candidates import BM25Source, CandidateSource, SearcherSource
from retrieval.ranker.errors import NoTrainingData, RankerError, RankerUnavailable
from retrieval.ranker.evaluator import ndcg_at_k
from retrieval.ranker.features import PersonalFeatures, bought_together_scores
from retrieval.ranker.ranker import (
    RankedProduct,
    Ranker,
    RankerChoice,
    Reranker,
    RetrievalOrder,
    load_ranker,
    load_ranker_or_fallback,
)
from retrieval.ranker.trainer import TrainReport, train_ranker

__all__ = [
    "BM25Source",
    "CandidateSource",
    "NoTrainingData",
    "PersonalFeatures",
    "RankedProduct",
    "Ranker",
    "RankerChoice",
    "RankerConfig",
    "RankerError",
    "RankerUnavailable",
    "Reranker",
    "RetrievalOrder",
    "SearcherSource",
    "TrainReport",
    "bought_together_scores",
    "load_ranker",
    "load_ranker_or_fallback",
    "ndcg_at_k",
    "train_ranker",
]
