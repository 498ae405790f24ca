"""The fine-tuned product ranker: a cross-encoder plus a personalisation stage.

Split the way sentence-transformers splits its CrossEncoder: ``model`` (base, trained,
scoring, the product text), ``loss``, ``arguments`` (``RankerConfig`` and the trainer
arguments), ``evaluator`` (graded nDCG@10, the one primary metric), ``trainer``
(``train_ranker``), and around them ``data`` (labels, behaviour, hard negatives),
``candidates`` (our retrieval as a candidate source), ``holdout``/``features``/
``personaliser``/``stage`` (the personalisation stage), ``card`` and ``ranker`` (loading and
reranking, with a retrieval-order fallback), ``lifecycle`` (where it lives, ``ensure_ranker``)
and ``swap`` (a ranker the running assistant can have replaced).

The names below are imported on first use (PEP 562): the CLI and the server import this
package at start-up, and the training side pulls in transformers and torch, which take
seconds to import and are only needed once something trains or scores.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retrieval.ranker.arguments import RankerConfig
    from retrieval.ranker.candidates import BM25Source, CandidateSource, SearcherSource
    from retrieval.ranker.errors import (
        NoTrainingData,
        RankerError,
        RankerMissing,
        RankerUnavailable,
    )
    from retrieval.ranker.features import PersonalFeatures, bought_together_scores
    from retrieval.ranker.lifecycle import (
        Ensured,
        RankerStatus,
        ensure_ranker,
        has_trained_ranker,
        ranker_dir,
        ranker_status,
    )
    from retrieval.ranker.ndcg import ndcg_at_k
    from retrieval.ranker.ranker import (
        RankedProduct,
        Ranker,
        RankerChoice,
        Reranker,
        RetrievalOrder,
        load_ranker,
        load_ranker_or_fallback,
        ranker_choice,
    )
    from retrieval.ranker.swap import SwappableRanker
    from retrieval.ranker.trainer import TrainReport, train_ranker

_WHERE = {
    "arguments": ("RankerConfig",),
    "candidates": ("BM25Source", "CandidateSource", "SearcherSource"),
    "errors": ("NoTrainingData", "RankerError", "RankerMissing", "RankerUnavailable"),
    "features": ("PersonalFeatures", "bought_together_scores"),
    "lifecycle": (
        "Ensured",
        "RankerStatus",
        "ensure_ranker",
        "has_trained_ranker",
        "ranker_dir",
        "ranker_status",
    ),
    "ndcg": ("ndcg_at_k",),
    "ranker": (
        "RankedProduct",
        "Ranker",
        "RankerChoice",
        "Reranker",
        "RetrievalOrder",
        "load_ranker",
        "load_ranker_or_fallback",
        "ranker_choice",
    ),
    "swap": ("SwappableRanker",),
    "trainer": ("TrainReport", "train_ranker"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}
__all__ = [
    "BM25Source",
    "CandidateSource",
    "Ensured",
    "NoTrainingData",
    "PersonalFeatures",
    "RankedProduct",
    "Ranker",
    "RankerChoice",
    "RankerConfig",
    "RankerError",
    "RankerMissing",
    "RankerStatus",
    "RankerUnavailable",
    "Reranker",
    "RetrievalOrder",
    "SearcherSource",
    "SwappableRanker",
    "TrainReport",
    "bought_together_scores",
    "ensure_ranker",
    "has_trained_ranker",
    "load_ranker",
    "load_ranker_or_fallback",
    "ndcg_at_k",
    "ranker_choice",
    "ranker_dir",
    "ranker_status",
    "train_ranker",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
