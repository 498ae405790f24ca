"""`aisle eval retrieval`: dense, BM25 and hybrid search on the shop's labelled queries.

For every labelled query of a split, each mode retrieves 50 products (no filter: the query text
alone, as a shopper types it) and is scored with graded nDCG@10, recall@50 (grade >= 1) and MRR
(first exact match). The gate: hybrid nDCG@10 at least the better of the two legs.

With a ``language`` other than English, the queries are the split's labelled queries that have
a hand-written translation in ``TRANSLATIONS`` (keyed by the English text, so a regenerated
demo keeps them aligned as long as its queries are the same); each mode searches the
translated text with that ``language``, and the same queries are also scored in English, so
the report compares like with like. The gate there: hybrid nDCG@10 within ``MAX_GAP`` of
English on the same queries.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, get_args

from sqlmodel import select
from tqdm import tqdm

from eval.metrics import mean, ndcg_at_k, recall_at_k, reciprocal_rank
from retrieval.search import Mode, ProductSearcher
from store.db import Store
from store.models import LabelledQuery

TRANSLATIONS = Path(__file__).parent / "data" / "retrieval_translations.toml"
LANGUAGES = ("en", "zh", "es")
MIN_TRANSLATED = 60  # fewer matching queries: the demo's queries changed, translate again
MAX_GAP = 0.1  # a translated language's hybrid nDCG@10 may trail English by at most this


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


def _rounded(modes: dict[str, ModeScores]) -> dict[str, dict[str, float]]:
    return {m: {k: round(v, 4) for k, v in asdict(s).items()} for m, s in modes.items()}


@dataclass(frozen=True)
class RetrievalEvalReport:
    split: str
    queries: int
    modes: dict[str, ModeScores]
    language: str = "en"
    english: dict[str, ModeScores] | None = None  # the same queries in English (language != en)

    @property
    def hybrid_beats_legs(self) -> bool:
        best_leg = max(self.modes["dense"].ndcg_at_10, self.modes["bm25"].ndcg_at_10)
        return self.modes["hybrid"].ndcg_at_10 >= best_leg

    @property
    def gap_to_english(self) -> float | None:
        """English hybrid nDCG@10 minus this language's, on the same queries."""
        if self.english is None:
            return None
        return self.english["hybrid"].ndcg_at_10 - self.modes["hybrid"].ndcg_at_10

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "split": self.split,
            "language": self.language,
            "queries": self.queries,
            "modes": _rounded(self.modes),
            "hybrid_ndcg_at_least_best_leg": self.hybrid_beats_legs,
        }
        gap = self.gap_to_english
        if self.english is not None and gap is not None:
            out["english_same_queries"] = _rounded(self.english)
            out["hybrid_gap_to_english"] = round(gap, 4)
            out["within_gap"] = gap <= MAX_GAP
        return out


def load_translations(language: str, path: Path = TRANSLATIONS) -> dict[str, str]:
    """English query text -> its translation into ``language`` ("zh", "es")."""
    with path.open("rb") as fh:
        rows = tomllib.load(fh).get("query", [])
    return {row["en"]: row[language] for row in rows if row.get(language)}


def translated(
    queries: Sequence[JudgedQuery], language: str, path: Path = TRANSLATIONS
) -> list[JudgedQuery]:
    """The queries that have a ``language`` translation, with the translated text."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {LANGUAGES}")
    table = load_translations(language, path)
    out = [replace(q, query=table[q.query]) for q in queries if q.query in table]
    if len(out) < MIN_TRANSLATED:
        raise ValueError(
            f"only {len(out)} of {len(queries)} labelled queries have a {language!r} "
            f"translation in {path} (need {MIN_TRANSLATED}); the shop's queries differ from "
            "the default demo's: translate its test queries into that file"
        )
    return out


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


def score_modes(
    searcher: ProductSearcher,
    queries: Sequence[JudgedQuery],
    language: str = "en",
    progress: bool = True,
) -> dict[str, ModeScores]:
    """Mean nDCG@10, recall@50 and MRR of each search mode over ``queries``."""
    per_mode: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for q in tqdm(queries, desc=f"eval retrieval ({language})", disable=not progress):
        for mode in get_args(Mode):
            hits = searcher.search(q.query, k=50, mode=mode, language=language)
            ranked = [c.product_id for c in hits]
            per_mode[mode].append(
                (
                    ndcg_at_k(ranked, q.judgements, 10),
                    recall_at_k(ranked, q.judgements, 50),
                    reciprocal_rank(ranked, q.judgements),
                )
            )
    return {
        mode: ModeScores(*(mean([row[i] for row in rows]) for i in range(3)))
        for mode, rows in per_mode.items()
    }


def evaluate_retrieval(
    store: Store,
    searcher: ProductSearcher,
    split: str = "test",
    progress: bool = True,
    language: str = "en",
    translations: Path = TRANSLATIONS,
) -> RetrievalEvalReport:
    queries = load_judged_queries(store, split)
    if not queries:
        raise ValueError(f"the shop has no labelled queries in split {split!r}")
    if language == "en":
        modes = score_modes(searcher, queries, "en", progress)
        return RetrievalEvalReport(split=split, queries=len(queries), modes=modes)
    foreign = translated(queries, language, translations)
    originals = {q.query_id: q for q in queries}
    english = score_modes(searcher, [originals[q.query_id] for q in foreign], "en", progress)
    modes = score_modes(searcher, foreign, language, progress)
    return RetrievalEvalReport(split, len(foreign), modes, language, english)
