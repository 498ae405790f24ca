"""The trained ranker as the assistant uses it: load it, rerank candidates, or fall back.

A ranker directory (written by ``train_ranker``) holds ``ranker.json`` (the manifest: format,
settings, file names), ``cross_encoder/`` (a sentence-transformers model), optionally
``personaliser.json``, plus ``metrics.json`` and ``model_card.md`` for people.
``load_ranker`` checks all of it and raises ``RankerUnavailable`` saying what is wrong and how
to fix it; ``load_ranker_or_fallback`` turns that into the retrieval order with the reason
attached (and logged), so a shop without a trained ranker still answers. Both orders take the
rating-confidence prior (``retrieval.ranker.rating_prior``) last, so every caller of
``rerank`` gets it: the trained ranker with the weight training fitted (the default for one
trained before the prior), the retrieval order with the default.

Not here: training (``retrieval.ranker.trainer``), where candidates come from.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from retrieval.documents import ProductRecord
from retrieval.ranker.arguments import RankerConfig
from retrieval.ranker.blend import blend, retrieval_prior
from retrieval.ranker.decision import ServingDecision
from retrieval.ranker.errors import RankerMissing, RankerUnavailable
from retrieval.ranker.features import PersonalFeatures, personal_features
from retrieval.ranker.model import load_trained, ranker_text, score_pairs
from retrieval.ranker.ndcg import order_by_score
from retrieval.ranker.optimise import ONNX_INT8, OnnxPairScorer, PairScorer
from retrieval.ranker.personaliser import Personaliser, feature_matrix
from retrieval.ranker.rating_prior import RatingPrior
from store.profiles import UserProfile

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

log = logging.getLogger(__name__)

MANIFEST, MODEL_DIR, PERSONALISER = "ranker.json", "cross_encoder", "personaliser.json"
FORMAT = 1
_FIX = "retrain it with `aisle train-ranker`"


@dataclass(frozen=True)
class RankedProduct:
    product_id: str
    rank: int
    score: float  # what the order is by: blended relevance, or personalised with a profile,
    # standardised plus the rating prior (retrieval order: its DCG discount, the same way)
    relevance: float  # the cross-encoder's logit for (query, product); 0.0 for retrieval order
    personal: PersonalFeatures | None = None


class Reranker(Protocol):
    @property
    def name(self) -> str: ...

    def rerank(
        self,
        query: str,
        candidates: Sequence[ProductRecord],
        profile: UserProfile | None = None,
        bought_together: Mapping[str, float] | None = None,
    ) -> list[RankedProduct]: ...


class RetrievalOrder:
    """The fallback when no ranker is available: the order the candidates came in, with the
    rating prior over the first ``depth`` (later ones keep their order after them)."""

    name = "retrieval-order"

    def __init__(
        self, prior: RatingPrior | None = None, depth: int = RankerConfig.rerank_depth
    ) -> None:
        self.prior = prior or RatingPrior.from_manifest(None)
        self.depth = depth

    def rerank(
        self,
        query: str,
        candidates: Sequence[ProductRecord],
        profile: UserProfile | None = None,
        bought_together: Mapping[str, float] | None = None,
    ) -> list[RankedProduct]:
        head, rest = candidates[: self.depth], candidates[self.depth :]
        scores = self.prior.apply(retrieval_prior(range(len(head))), head)
        ranked = [
            RankedProduct(head[i].product_id, n, float(scores[i]), 0.0)
            for n, i in enumerate(order_by_score(scores.tolist()), start=1)
        ]
        return ranked + _after(ranked, rest)


class Ranker:
    """The fine-tuned cross-encoder blended with the retrieval order (``blend``; candidates
    must come in retrieval order), followed by the personalisation stage when a profile is
    given and the directory has one, over the first ``depth`` candidates (the training
    settings' ``rerank_depth``); later ones keep their retrieval order after them."""

    name = "cross-encoder"

    def __init__(
        self,
        model: CrossEncoder,
        personaliser: Personaliser | None,
        manifest: Mapping[str, Any],
        directory: Path,
        scorer: PairScorer | None = None,
        backend: str = "torch-fp32",
    ) -> None:
        self.model = model
        self.personaliser = personaliser
        self.manifest = dict(manifest)
        self.directory = directory
        self.retrieval_weight = float(self.manifest.get("retrieval_weight", 0.0))
        config = self.manifest.get("config") or {}
        self.depth = int(config.get("rerank_depth", RankerConfig.rerank_depth))
        self.scorer = scorer  # the int8 model reranking is served with; None: ``model``
        self.decision = ServingDecision.from_manifest(self.manifest)
        self.backend = backend
        self.prior = RatingPrior.from_manifest(self.manifest.get("rating_prior"))

    def relevance(self, query: str, candidates: Sequence[ProductRecord]) -> np.ndarray:
        """Cross-encoder logits for ``query`` against each candidate, in input order."""
        texts = [ranker_text(c) for c in candidates]
        if self.scorer is not None:
            return self.scorer([(query, t) for t in texts])
        return score_pairs(self.model, query, texts)

    def rerank(
        self,
        query: str,
        candidates: Sequence[ProductRecord],
        profile: UserProfile | None = None,
        bought_together: Mapping[str, float] | None = None,
    ) -> list[RankedProduct]:
        if not candidates:
            return []
        # The top ``depth`` are reordered; the rest follow in retrieval order, unscored.
        candidates, rest = candidates[: self.depth], candidates[self.depth :]
        rel = self.relevance(query, candidates)
        personal: list[PersonalFeatures] | None = None
        scores = blend(rel, range(len(candidates)), self.retrieval_weight)
        if profile is not None and self.personaliser is not None:
            personal = [personal_features(c, profile, bought_together) for c in candidates]
            scores = self.personaliser.score(feature_matrix(scores, personal))
        scores = self.prior.apply(scores, candidates)
        order = order_by_score(scores.tolist())
        ranked = [
            RankedProduct(
                candidates[i].product_id,
                n,
                float(scores[i]),
                float(rel[i]),
                personal[i] if personal else None,
            )
            for n, i in enumerate(order, start=1)
        ]
        return ranked + _after(ranked, rest)


def _after(ranked: list[RankedProduct], rest: Sequence[ProductRecord]) -> list[RankedProduct]:
    """The candidates past the reranked ones, in their order, scored below all of them."""
    floor = min((r.score for r in ranked), default=0.0)
    return [
        RankedProduct(c.product_id, len(ranked) + n, floor - n, 0.0)
        for n, c in enumerate(rest, start=1)
    ]


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not directory.is_dir():
        raise RankerMissing(
            f"no trained ranker at {directory}: the folder does not exist; "
            "train one with `aisle train-ranker`"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RankerUnavailable(
            f"{path} is missing, so {directory} holds no complete ranker; {_FIX}"
        ) from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RankerUnavailable(f"{path} is unreadable ({exc}); {_FIX}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else None
        raise RankerUnavailable(
            f"{path}: ranker format {found!r}, this version reads {FORMAT}; {_FIX}"
        )
    return data


def load_ranker(directory: Path) -> Ranker:
    """The ranker saved in ``directory``; ``RankerUnavailable`` says what is wrong."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    model_dir = directory / str(manifest.get("cross_encoder", MODEL_DIR))
    if not model_dir.is_dir():
        raise RankerUnavailable(f"{model_dir} is missing; {_FIX}")
    try:
        model = load_trained(model_dir)
    except Exception as exc:  # any loader failure means the same thing: unusable weights
        raise RankerUnavailable(
            f"cannot load the cross-encoder in {model_dir} "
            f"({exc.__class__.__name__}: {exc}); {_FIX}"
        ) from exc
    personaliser = None
    if manifest.get("personaliser"):
        path = directory / str(manifest["personaliser"])
        try:
            personaliser = Personaliser.load(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RankerUnavailable(
                f"{path} is not a valid personaliser ({exc.__class__.__name__}: {exc}); {_FIX}"
            ) from exc
    scorer, backend = _serving_scorer(directory, manifest, model)
    return Ranker(model, personaliser, manifest, directory, scorer, backend)


def _serving_scorer(
    directory: Path, manifest: Mapping[str, Any], model: CrossEncoder
) -> tuple[PairScorer | None, str]:
    """The int8 ONNX scorer training validated and saved (``manifest["serving"]``), or None
    (fp32 torch) when there is none or it does not load, which is logged: slower, same order
    within the validated loss."""
    serving = manifest.get("serving") or {}
    if not isinstance(serving, Mapping) or serving.get("kind") != ONNX_INT8:
        return None, "torch-fp32"
    path = directory / str(serving.get("file", ""))
    try:
        return OnnxPairScorer(path, model, threads=min(2, os.cpu_count() or 1)), ONNX_INT8
    except Exception as exc:  # onnxruntime's errors have no common base worth naming
        log.warning(
            "reranking with the fp32 model: the int8 model %s does not load (%s: %s); %s",
            path,
            exc.__class__.__name__,
            exc,
            _FIX,
        )
        return None, "torch-fp32"


@dataclass(frozen=True)
class RankerChoice:
    """The reranker to use, and why it is the retrieval order when it is."""

    ranker: Ranker | RetrievalOrder
    fallback_reason: str | None = None
    missing: bool = False  # the fallback is because none was ever trained (not a broken one)

    @property
    def is_fallback(self) -> bool:
        return self.fallback_reason is not None


def ranker_choice(ranker: Ranker) -> RankerChoice:
    """``ranker`` if training decided to serve it, else the retrieval order saying why."""
    if ranker.decision.serve:
        return RankerChoice(ranker)
    reason = f"using the retrieval order: the trained ranker {ranker.decision.reason}"
    log.warning(reason)
    return RankerChoice(RetrievalOrder(), reason)


def load_ranker_or_fallback(directory: Path) -> RankerChoice:
    """``load_ranker`` when it is to be served, or the retrieval order with the reason (also
    logged as a warning)."""
    try:
        return ranker_choice(load_ranker(directory))
    except RankerUnavailable as exc:
        reason = f"using the retrieval order: {exc}"
        log.warning(reason)
        return RankerChoice(RetrievalOrder(), reason, missing=isinstance(exc, RankerMissing))
