"""The personalisation stage: a logistic regression over the cross-encoder score and the
shopper features, learned from users' held-out purchases.

Each row is one candidate of one held-out case: the cross-encoder logit standardised within
that case's candidate list (so queries with higher or lower logits overall compare), then the
``PersonalFeatures``; the label says whether the shopper bought it. Inputs are standardised
with the training means and scales; the model is saved as plain JSON numbers (no pickle), so
loading it runs no code and a corrupt file is a clear error.

Not here: where the cases and features come from (``retrieval.ranker.holdout``,
``retrieval.ranker.features``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.ranker.features import PersonalFeatures

FEATURE_NAMES: tuple[str, ...] = ("relevance", *PersonalFeatures.names())


def standardise_scores(scores: np.ndarray) -> np.ndarray:
    """Scores as z-values within their list (all zeros when they are all equal)."""
    scores = np.asarray(scores, dtype=np.float64)
    spread = float(scores.std()) if scores.size else 0.0
    if spread < 1e-9:
        return np.zeros_like(scores)
    return (scores - scores.mean()) / spread


def feature_matrix(ce_scores: np.ndarray, personal: Sequence[PersonalFeatures]) -> np.ndarray:
    """Rows for one candidate list: standardised relevance, then the personal features."""
    rel = standardise_scores(ce_scores)
    rows = [[float(r), *p.values()] for r, p in zip(rel, personal, strict=True)]
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))


@dataclass(frozen=True)
class Personaliser:
    feature_names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray, seed: int = 7) -> Personaliser:
        from sklearn.linear_model import LogisticRegression

        if len(set(y.tolist())) < 2:
            raise ValueError("the personaliser needs both bought and not-bought candidates")
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale < 1e-9] = 1.0
        # Balanced classes: one bought product per ~30 candidates would otherwise pull every
        # weight towards "never bought".
        model = LogisticRegression(
            C=1.0, class_weight="balanced", max_iter=2_000, random_state=seed
        )
        model.fit((x - mean) / scale, y)
        return cls(
            FEATURE_NAMES,
            tuple(mean.tolist()),
            tuple(scale.tolist()),
            tuple(model.coef_[0].tolist()),
            float(model.intercept_[0]),
        )

    def score(self, x: np.ndarray) -> np.ndarray:
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(z @ np.asarray(self.coef) + self.intercept, dtype=np.float64)

    def weights(self) -> dict[str, float]:
        """Weight per feature on standardised inputs: which signals the stage relies on."""
        return {n: round(c, 4) for n, c in zip(self.feature_names, self.coef, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Personaliser:
        """Raises ValueError (with what is wrong) for a file that is not a personaliser."""
        data = json.loads(path.read_text(encoding="utf-8"))
        names = tuple(data["feature_names"])
        if names != FEATURE_NAMES:
            raise ValueError(
                f"features {list(names)} do not match this version's {list(FEATURE_NAMES)}"
            )
        vectors = [tuple(float(v) for v in data[k]) for k in ("mean", "scale", "coef")]
        if any(len(v) != len(names) for v in vectors):
            raise ValueError("mean, scale and coef must have one number per feature")
        return cls(names, vectors[0], vectors[1], vectors[2], float(data["intercept"]))
