"""The personalisation stage's data and training: candidate lists for held-out purchases,
their features, fitting the ``Personaliser``, and hit rate@k with and without it.

A case's candidates are the retrieval's top ``depth`` products for the case's query; the
cross-encoder scores them all (one batched pass over every case), and each gets its
``PersonalFeatures`` from the profile as of the cutoff and the "bought together" counts of
orders before it. A case whose bought product is not among its candidates cannot be ranked
first by anything: training skips it, and the hit rate counts it as a miss for every
ordering (``CaseReport.reachable`` says how many were rankable).

Not here: choosing the cases (``retrieval.ranker.holdout``), the features themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from retrieval.documents import ProductRecord
from retrieval.ranker.blend import blend
from retrieval.ranker.candidates import CandidateSource
from retrieval.ranker.features import PersonalFeatures, bought_together_scores, personal_features
from retrieval.ranker.holdout import HeldOut, profiles_before
from retrieval.ranker.ndcg import order_by_score
from retrieval.ranker.personaliser import Personaliser, feature_matrix
from store.db import Store

Scorer = Callable[[Sequence[tuple[str, str]]], np.ndarray]


@dataclass(frozen=True)
class CaseList:
    case: HeldOut
    product_ids: tuple[str, ...]
    relevance: np.ndarray  # cross-encoder logits, one per candidate
    personal: tuple[PersonalFeatures, ...]
    bought: np.ndarray  # 1.0 where the shopper bought the candidate

    @property
    def reachable(self) -> bool:
        return bool(self.bought.any())

    def blended(self, weight: float) -> np.ndarray:
        return blend(self.relevance, range(len(self.product_ids)), weight)

    def features(self, weight: float) -> np.ndarray:
        return feature_matrix(self.blended(weight), self.personal)


@dataclass(frozen=True)
class CaseReport:
    cases: int
    reachable: int
    hit_rate_retrieval: float
    hit_rate_plain: float  # the ranker without personalisation
    hit_rate_personalised: float
    k: int

    def to_dict(self) -> dict[str, float | int]:
        return dict(self.__dict__)


def case_lists(
    store: Store,
    cases: Sequence[HeldOut],
    records: Mapping[str, ProductRecord],
    texts: Mapping[str, str],
    source: CandidateSource,
    depth: int,
    scorer: Scorer,
    progress: bool = False,
) -> list[CaseList]:
    profiles = profiles_before(store, cases)
    found = [[p for p in source.top(c.query, depth) if p in records] for c in cases]
    pairs = [(c.query, texts[p]) for c, pids in zip(cases, found, strict=True) for p in pids]
    scores = scorer(pairs)
    out, start = [], 0
    for case, pids in tqdm(
        list(zip(cases, found, strict=True)), desc="personal features", disable=not progress
    ):
        rel = scores[start : start + len(pids)]
        start += len(pids)
        together = bought_together_scores(store, case.user_id, before=case.cutoff)
        personal = tuple(
            personal_features(records[p], profiles[case.user_id], together) for p in pids
        )
        bought = np.asarray([float(p in case.product_ids) for p in pids])
        out.append(CaseList(case, tuple(pids), rel, personal, bought))
    return out


def fit_personaliser(lists: Sequence[CaseList], weight: float, seed: int) -> Personaliser | None:
    """The stage learned from the reachable cases; None when they cannot teach it (too few,
    or no negatives)."""
    usable = [c for c in lists if c.reachable and len(c.product_ids) > 1]
    if len(usable) < 5:
        return None
    x = np.vstack([c.features(weight) for c in usable])
    y = np.concatenate([c.bought for c in usable])
    return Personaliser.fit(x, y, seed)


def _hit(order: Sequence[int], bought: np.ndarray, k: int) -> bool:
    return any(bought[i] > 0 for i in order[:k])


def case_report(
    lists: Sequence[CaseList], personaliser: Personaliser | None, weight: float, k: int = 10
) -> CaseReport:
    """Hit rate@k of the retrieval order, the ranker without personalisation (blended
    relevance) and with it."""
    hits = np.zeros(3)
    for c in lists:
        if not c.reachable:
            continue
        n = len(c.product_ids)
        plain = order_by_score(c.blended(weight).tolist())
        mine = (
            order_by_score(personaliser.score(c.features(weight)).tolist())
            if personaliser
            else plain
        )
        hits += [_hit(range(n), c.bought, k), _hit(plain, c.bought, k), _hit(mine, c.bought, k)]
    rates = [round(float(h) / max(len(lists), 1), 4) for h in hits]
    return CaseReport(
        cases=len(lists),
        reachable=sum(c.reachable for c in lists),
        hit_rate_retrieval=rates[0],
        hit_rate_plain=rates[1],
        hit_rate_personalised=rates[2],
        k=k,
    )
