"""`aisle eval retrieval --language`: the translation file, matching queries to it, and the
report comparing a language with English on the same queries (eval.retrieval_eval)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eval.retrieval_eval import (
    MIN_TRANSLATED,
    TRANSLATIONS,
    JudgedQuery,
    ModeScores,
    RetrievalEvalReport,
    load_translations,
    score_modes,
    translated,
)
from retrieval.filters import ProductFilter
from retrieval.search import Candidate

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_file_translates_at_least_60_queries_into_both_languages() -> None:
    zh, es = load_translations("zh"), load_translations("es")
    assert len(zh) >= MIN_TRANSLATED and set(zh) == set(es)
    assert all(CJK.search(text) for text in zh.values())
    assert not any(CJK.search(text) for text in es.values())
    assert zh["best 1080p monitor"] == "最好的1080p显示器"
    assert es["best 1080p monitor"] == "el mejor monitor 1080p"


def test_translated_keeps_ids_and_judgements_and_replaces_the_text() -> None:
    english = sorted(load_translations("es"))
    queries = [JudgedQuery(f"q{i}", text, {"p1": 2}) for i, text in enumerate(english)]
    queries.append(JudgedQuery("new", "a query nobody translated", {"p2": 1}))
    out = translated(queries, "es")
    assert len(out) == len(english)
    first = next(q for q in out if q.query_id == f"q{english.index('steel tumbler')}")
    assert first.query == "vaso térmico de acero" and first.judgements == {"p1": 2}


def test_too_few_matching_queries_is_an_error_that_says_what_to_do(tmp_path: Path) -> None:
    queries = [JudgedQuery("q1", "best 1080p monitor", {"p": 2})]
    with pytest.raises(ValueError, match="only 1 of 1 labelled queries have a 'zh' translation"):
        translated(queries, "zh", TRANSLATIONS)
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        translated(queries, "fr")


class _Searcher:
    """English finds p1 first; other languages find it second."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def search(
        self,
        query: str,
        filter: ProductFilter | None = None,
        k: int = 50,
        mode: str = "hybrid",
        language: str | None = None,
    ) -> list[Candidate]:
        self.calls.append((query, mode, language or ""))
        order = ["p1", "x"] if language == "en" else ["x", "p1"]
        return [Candidate(pid, 1.0 / r, r) for r, pid in enumerate(order, start=1)]


def test_modes_are_scored_with_the_language_passed_to_the_search() -> None:
    searcher = _Searcher()
    queries = [JudgedQuery("q1", "睡袋", {"p1": 2})]
    scores = score_modes(searcher, queries, "zh", progress=False)  # type: ignore[arg-type]
    assert searcher.calls == [("睡袋", m, "zh") for m in ("hybrid", "dense", "bm25")]
    assert scores["hybrid"].mrr == 0.5
    english = score_modes(searcher, queries, "en", progress=False)  # type: ignore[arg-type]
    report = RetrievalEvalReport("test", 1, scores, "zh", english)
    assert report.gap_to_english == pytest.approx(1 - 1 / 1.5849625, abs=1e-6)
    out = report.to_dict()
    assert out["language"] == "zh" and out["within_gap"] is False
    assert out["english_same_queries"]["hybrid"]["ndcg_at_10"] == 1.0


def test_an_english_report_has_no_comparison() -> None:
    modes = {m: ModeScores(0.75, 0.35, 0.78) for m in ("hybrid", "dense", "bm25")}
    out = RetrievalEvalReport("test", 67, modes).to_dict()
    assert out["language"] == "en" and "hybrid_gap_to_english" not in out


@pytest.mark.slow
def test_every_test_query_of_the_default_demo_has_both_translations() -> None:
    """The file stays aligned with the generator: the default demo (seeded) yields the same
    test queries on every build, and each one is translated. Fails when the generator's
    queries change: translate the new ones."""
    from store.demo.catalog import generate_catalog
    from store.demo.queries import build_queries
    from store.demo.types import DemoConfig

    config = DemoConfig()
    specs = build_queries(config, generate_catalog(config))
    test = {q.text for q in specs if q.split == "test"}
    assert len(test) == 67
    assert test == set(load_translations("zh")) == set(load_translations("es"))
