"""`aisle eval help`: does the help-center search cite the right article, and say "not found"
when no article answers?

The cases are shopper questions labelled with the article that answers them, or "none"
(``eval/data/help_questions.toml``, split into ``dev``, tuned on, and ``test``, only measured).
For answerable questions: hit@1 (the cited article, the first passage's, is a right one),
hit@3 (a right article among the three passages the assistant reads) and the share wrongly
refused (``HelpNotFound``). For "none" questions: the share rightly refused. ``ranked_hit_at_1``
is hit@1 of the ranking alone, before the answerability rule, so the two can be told apart.

Not here: the search (``retrieval.help``), wording the answer (``assistant``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.metrics import hit_at_k, mean
from retrieval.help import HelpFound, HelpSearcher

QUESTIONS = Path(__file__).parent / "data" / "help_questions.toml"
SPLITS = ("dev", "test")
NONE = "none"
PASSAGES = 3  # what search_help_center gives the assistant


@dataclass(frozen=True)
class HelpQuestion:
    split: str
    query: str
    articles: frozenset[str]  # any of them answers it; empty: no article does

    @property
    def answerable(self) -> bool:
        return bool(self.articles)


@dataclass(frozen=True)
class Answered:
    """What the search did with one question."""

    question: HelpQuestion
    refused: bool
    articles: tuple[str, ...]  # the passages' articles, best first (the nearest when refused)

    @property
    def right(self) -> bool:
        if not self.question.answerable:
            return self.refused
        return not self.refused and self.articles[0] in self.question.articles


@dataclass(frozen=True)
class HelpScores:
    answerable: int
    unanswerable: int
    hit_at_1: float
    hit_at_3: float
    wrongly_refused: float  # share of answerable questions answered "not found"
    none_refused: float  # share of "none" questions answered "not found"
    ranked_hit_at_1: float  # hit@1 of the ranking, whatever the answerability rule said
    misses: tuple[Answered, ...]

    def to_dict(self, with_misses: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
            "hit_at_1": round(self.hit_at_1, 4),
            "hit_at_3": round(self.hit_at_3, 4),
            "wrongly_refused": round(self.wrongly_refused, 4),
            "none_refused": round(self.none_refused, 4),
            "ranked_hit_at_1": round(self.ranked_hit_at_1, 4),
        }
        if with_misses:
            out["misses"] = [
                {
                    "query": m.question.query,
                    "expected": sorted(m.question.articles) or [NONE],
                    "got": NONE if m.refused else m.articles[0],
                    "ranked": list(m.articles),
                }
                for m in self.misses
            ]
        return out


@dataclass(frozen=True)
class HelpEvalReport:
    """Scores per searcher ("baseline", "served") and split."""

    questions: dict[str, int]
    scores: dict[str, dict[str, HelpScores]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "searchers": {
                name: {split: s.to_dict() for split, s in by_split.items()}
                for name, by_split in self.scores.items()
            },
        }


def load_questions(path: Path = QUESTIONS, splits: Sequence[str] = SPLITS) -> list[HelpQuestion]:
    """The labelled questions of ``splits``, in file order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for split in splits:
        if split not in data:
            raise ValueError(f"{path}: no [[{split}]] questions")
        for row in data[split]:
            named = [row["article"], *row.get("also", [])]
            out.append(HelpQuestion(split, row["q"], frozenset(a for a in named if a != NONE)))
    return out


def check_labels(questions: Sequence[HelpQuestion], article_ids: set[str]) -> None:
    """A label naming no article of the shop is a typo, not a miss."""
    unknown = sorted({a for q in questions for a in q.articles} - article_ids)
    if unknown:
        raise ValueError(f"the question set names articles the shop lacks: {', '.join(unknown)}")


def answer(searcher: HelpSearcher, question: HelpQuestion) -> Answered:
    result = searcher.search_help(question.query, k=PASSAGES)
    found = isinstance(result, HelpFound)
    passages = result.passages if isinstance(result, HelpFound) else result.nearest
    return Answered(question, not found, tuple(p.article_id for p in passages))


def score(answers: Sequence[Answered]) -> HelpScores:
    yes = [a for a in answers if a.question.answerable]
    no = [a for a in answers if not a.question.answerable]

    def hit(a: Answered, k: int) -> float:
        return 0.0 if a.refused else hit_at_k(a.articles, set(a.question.articles), k)

    return HelpScores(
        answerable=len(yes),
        unanswerable=len(no),
        hit_at_1=mean([hit(a, 1) for a in yes]),
        hit_at_3=mean([hit(a, 3) for a in yes]),
        wrongly_refused=mean([float(a.refused) for a in yes]),
        none_refused=mean([float(a.refused) for a in no]),
        ranked_hit_at_1=mean([hit_at_k(a.articles, set(a.question.articles), 1) for a in yes]),
        misses=tuple(a for a in answers if not a.right),
    )


def evaluate_help(
    searchers: dict[str, HelpSearcher], questions: Sequence[HelpQuestion]
) -> HelpEvalReport:
    """Every searcher on every question, scored per split."""
    splits = list(dict.fromkeys(q.split for q in questions))
    for searcher in searchers.values():
        check_labels(questions, {c.article_id for c in searcher.chunks})
    scores = {
        name: {
            split: score([answer(searcher, q) for q in questions if q.split == split])
            for split in splits
        }
        for name, searcher in searchers.items()
    }
    counts = {split: sum(q.split == split for q in questions) for split in splits}
    return HelpEvalReport(counts, scores)
