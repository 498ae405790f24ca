"""Help-center search with citations: articles cut into passages, searched by meaning and
title, with a keyword nudge, and a typed "no article answers this".

An article is split at its markdown headings, then paragraphs are packed into passages of at
most ``MAX_CHARS`` (a long paragraph is cut at sentence ends), so a passage is one readable
piece an answer can quote and cite by article id and title. Passages live in their own Chroma
collection, synced by content hash exactly like products (``DerivedIndex``). A search returns
``HelpFound`` or, when the best passage shares no content word with the question,
``HelpNotFound`` (``HelpScoring`` says how passages are scored and why).

Not here: answering from the passages (assistant), the policy text itself (store/demo).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from chromadb.api import ClientAPI
from sqlmodel import select

from retrieval.bm25 import BM25Index, s_stem
from retrieval.collection import DerivedIndex, HnswSettings, IndexedDoc
from retrieval.embedder import Embedder
from retrieval.errors import IndexNotReady
from retrieval.index import PRODUCT_HNSW
from retrieval.vectors import VectorTable, check_k, clean_query
from store.db import Store
from store.models import HelpArticle

MAX_CHARS = 800
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])\s*")  # Chinese: no space after
_WORD = re.compile(r"[^\W\d_]+")
# Words that say nothing about what is asked: function words, the shape of a question
# ("can you tell me how"), and words every help article uses ("order", "item").
_STOP = frozenset(
    """
a about all also am an and any anything are as at be been being but by can cannot could did
didn do does doesn doing don done for from get getting got had has have having he her here
hey hi him his how i if in into is isn it its just know let like many may me might mine
much must my need needed no not of ok okay on one or our ours please really said say see
she should so some something still such tell thank thanks that the their them then there
these they this to us want wanted was way we were what when where which who whom whose why
will with won would you your yours
""".split()
)
_GENERIC = (
    "order",
    "item",
    "product",
    "thing",
    "shop",
    "help",
    "question",
    "work",
    "happen",
    "mean",
)
_SUFFIXES = (
    "ications",
    "ication",
    "ations",
    "ation",
    "ing",
    "ment",
    "ed",
    "er",
    "ly",
    "able",
    "y",
    "e",
)


@dataclass(frozen=True)
class HelpChunk:
    doc_id: str  # "<article_id>#<n>"
    article_id: str
    title: str
    section: str
    passage: str
    topic: str
    text: str  # what is embedded and keyword-indexed: title, section, passage
    content_hash: str
    text_hash: str

    @property
    def head(self) -> str:
        """What the passage is about, in the article's own words: its title and section."""
        return f"{self.title}. {self.section}" if self.section else self.title

    @property
    def metadata(self) -> dict[str, str | int]:
        return {
            "article_id": self.article_id,
            "title": self.title,
            "section": self.section,
            "topic": self.topic,
        }


@dataclass(frozen=True)
class HelpPassage:
    article_id: str
    title: str
    section: str
    text: str
    score: float


@dataclass(frozen=True)
class HelpFound:
    """Passages that answer the question, best first (at least one)."""

    passages: tuple[HelpPassage, ...]


@dataclass(frozen=True)
class HelpNotFound:
    """No article answers the question. ``nearest`` holds what the search ranked first anyway,
    for the trace and the evaluation; it is not an answer and must not be shown as one."""

    reason: str
    nearest: tuple[HelpPassage, ...] = ()


HelpResult = HelpFound | HelpNotFound


@dataclass(frozen=True)
class HelpScoring:
    """How a passage is scored, and when the help center has no answer.

    A passage's score is its cosine with the question, plus ``title_weight`` times the cosine
    of its title (and section) with the question, plus ``keyword_weight`` times its BM25 score
    relative to the best passage's. The question is answered only if the best passage shares
    a content word with it (``shared_word``; stop words and words every policy uses, such as
    "order", do not count; words are compared by stem).

    Chosen on the dev half of ``aisle eval help`` (demo shop, 43 answerable and 12 unanswerable
    questions): reciprocal-rank fusion of the dense and BM25 legs cited the right article for
    72% of them, the dense leg alone 84%, with the title 88%, with the keyword term 91%;
    BM25 alone 63% (a tiny corpus of passages that all share the same policy words, so the
    keyword leg is a nudge, not a vote). Requiring a shared word refuses half the unanswerable
    questions ("is there a restocking fee?") and one answerable one ("how fast can I get it?
    I need it tomorrow"). A floor on the cosine did not separate them: "can I pay with amex?"
    scores below "do you price match?".
    """

    title_weight: float = 1.0
    keyword_weight: float = 0.1
    shared_word: bool = True


def _sections(body: str) -> list[tuple[str, str]]:
    sections: list[tuple[str, str]] = []
    heading, lines = "", list[str]()
    for line in body.splitlines():
        match = _HEADING.match(line)
        if match:
            sections.append((heading, "\n".join(lines)))
            heading, lines = match.group(1).strip(), []
        else:
            lines.append(line)
    sections.append((heading, "\n".join(lines)))
    return [(h, t) for h, t in sections if t.strip()]


def _pieces(paragraph: str, max_chars: int) -> list[str]:
    if len(paragraph) <= max_chars:
        return [paragraph]
    out: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(paragraph):
        while len(sentence) > max_chars:  # one run-on "sentence": cut it hard
            out.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        if current and len(current) + 1 + len(sentence) > max_chars:
            out.append(current)
            current = sentence
        else:
            gap = "" if current.endswith(("。", "！", "？", "；")) else " "
            current = f"{current}{gap}{sentence}" if current else sentence
    if current:
        out.append(current)
    return out


def split_passages(body: str, max_chars: int = MAX_CHARS) -> list[tuple[str, str]]:
    """(section heading, passage) pairs; passages never cross a heading."""
    out: list[tuple[str, str]] = []
    for heading, text in _sections(body):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        current = ""
        for para in paragraphs:
            for piece in _pieces(para, max_chars):
                if current and len(current) + 2 + len(piece) > max_chars:
                    out.append((heading, current))
                    current = piece
                else:
                    current = f"{current}\n\n{piece}" if current else piece
        if current:
            out.append((heading, current))
    return out


def stem(word: str) -> str:
    """A light English stem, enough to match a question's words with a passage's:
    "shipping", "shipped" and "ship" -> "ship"; "cancelled", "cancellation" -> "cancel";
    "delivery", "delivered" -> "deliv"; "payment" -> "pay". Plurals first (``s_stem``), then
    up to two suffixes, keeping at least three letters."""
    word = s_stem(word)
    for _ in range(2):
        suffix = next((x for x in _SUFFIXES if word.endswith(x) and len(word) - len(x) >= 3), "")
        if not suffix:
            break
        word = word[: -len(suffix)]
        if len(word) > 3 and word[-1] == word[-2] and word[-1] != "s":  # shipp -> ship
            word = word[:-1]
    return word


def word_stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower())}


_GENERIC_STEMS = frozenset(stem(w) for w in _GENERIC)


def content_stems(question: str) -> set[str]:
    """The stems of the words that say what ``question`` is about (``_STOP``, ``_GENERIC``)."""
    words = (w for w in _WORD.findall(question.lower()) if len(w) >= 3 and w not in _STOP)
    return {stem(w) for w in words} - _GENERIC_STEMS


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chunk_article(
    article_id: str, title: str, body: str, topic: str = "", max_chars: int = MAX_CHARS
) -> list[HelpChunk]:
    chunks = []
    for n, (section, passage) in enumerate(split_passages(body, max_chars)):
        text = f"{title}\n{section}\n{passage}" if section else f"{title}\n{passage}"
        meta = f"{article_id}|{title}|{section}|{topic}"
        chunks.append(
            HelpChunk(
                doc_id=f"{article_id}#{n}",
                article_id=article_id,
                title=title,
                section=section,
                passage=passage,
                topic=topic,
                text=text,
                content_hash=_sha256(f"{text}\n{meta}"),
                text_hash=_sha256(text),
            )
        )
    return chunks


def load_help_chunks(store: Store) -> list[HelpChunk]:
    with store.session() as session:
        articles = session.exec(select(HelpArticle).order_by(HelpArticle.article_id)).all()
        return [c for a in articles for c in chunk_article(a.article_id, a.title, a.body, a.topic)]


class HelpIndex(DerivedIndex):
    """Help-center passages in their own collection, synced from the store like products."""

    def __init__(
        self, client: ClientAPI, name: str = "help_passages", hnsw: HnswSettings = PRODUCT_HNSW
    ) -> None:
        super().__init__(client, name, hnsw)

    def load_docs(self, store: Store) -> Sequence[IndexedDoc]:
        return load_help_chunks(store)


class HelpSearcher:
    """Search over help passages that says so when no passage answers. A help center is small
    (hundreds of passages), so every passage is scored exactly; call ``refresh()`` after
    articles or the index change."""

    def __init__(
        self,
        store: Store,
        index: HelpIndex,
        embedder: Embedder,
        scoring: HelpScoring = HelpScoring(),
    ) -> None:
        self.store = store
        self.index = index
        self.embedder = embedder
        self.scoring = scoring
        self.refresh()

    def refresh(self) -> None:
        self.chunks = load_help_chunks(self.store)
        self.bm25 = BM25Index([c.text for c in self.chunks])
        stored = self.index.load_vectors()
        positions = {c.doc_id: i for i, c in enumerate(self.chunks)}
        self.vectors = VectorTable.aligned(positions, stored.ids, stored.matrix)
        # A few dozen short texts: embedded here rather than stored, so the index keeps one
        # vector per passage.
        heads = [c.head for c in self.chunks]
        self.head_vectors = self.embedder.embed(heads) if heads else np.zeros((0, 0))
        self.words = [word_stems(c.text) for c in self.chunks]

    def scores(self, text: str) -> np.ndarray:
        """Every passage's score for the (cleaned) query ``text`` (``HelpScoring``)."""
        vector = np.asarray(self.embedder.embed([text])[0], dtype=np.float32)
        keyword = self.bm25.scores(text)
        best = float(keyword.max()) if keyword.size else 0.0
        return (
            self.vectors.matrix @ vector  # a passage not indexed yet scores 0 here
            + self.scoring.title_weight * (self.head_vectors @ vector)
            + self.scoring.keyword_weight * (keyword / best if best > 0 else keyword)
        )

    def search_help(self, query: str, k: int = 3) -> HelpResult:
        """The ``k`` passages that best answer ``query``, each citable by article id/title,
        or ``HelpNotFound`` when none does (``HelpScoring.shared_word``)."""
        text = clean_query(query)
        check_k(k)
        if not self.chunks:
            return HelpNotFound("the help center has no articles")
        if not self.vectors.present.any():
            raise IndexNotReady("the help-center index is empty; build it with `aisle index`")
        scores = self.scores(text)
        order = np.lexsort((np.arange(len(scores)), -scores))[:k]
        passages = tuple(
            HelpPassage(c.article_id, c.title, c.section, c.passage, float(scores[i]))
            for i, c in ((int(i), self.chunks[int(i)]) for i in order)
        )
        if self.scoring.shared_word:
            asked = content_stems(text)
            if not asked:
                return HelpNotFound("the question names nothing to look up", passages)
            if not asked & self.words[int(order[0])]:
                return HelpNotFound(
                    f"the best passage ({passages[0].article_id}) has none of the question's "
                    f"words ({', '.join(sorted(asked))})",
                    passages,
                )
        return HelpFound(passages)
