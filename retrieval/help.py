"""Help-center search with citations: articles cut into passages, searched dense + BM25.

An article is split at its markdown headings, then paragraphs are packed into passages of at
most ``MAX_CHARS`` (a long paragraph is cut at sentence ends), so a passage is one readable
piece an answer can quote and cite by article id and title. Passages live in their own Chroma
collection, synced by content hash exactly like products (``DerivedIndex``).

Not here: answering from the passages (assistant), the policy text itself (store/demo).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from chromadb.api import ClientAPI
from sqlmodel import select

from retrieval.bm25 import BM25Index
from retrieval.collection import DerivedIndex, HnswSettings, IndexedDoc
from retrieval.embedder import Embedder
from retrieval.errors import IndexNotReady
from retrieval.fusion import Fusion, ReciprocalRankFusion, fuse, ranked
from retrieval.index import PRODUCT_HNSW
from retrieval.vectors import VectorTable, check_k, clean_query
from store.db import Store
from store.models import HelpArticle

MAX_CHARS = 800
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


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
            current = f"{current} {sentence}" if current else sentence
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
    """Hybrid search over help passages. A help center is small (hundreds of passages), so the
    dense leg is always exact; call ``refresh()`` after articles or the index change."""

    def __init__(
        self,
        store: Store,
        index: HelpIndex,
        embedder: Embedder,
        fusion: Fusion | None = None,
        leg_depth: int = 20,
    ) -> None:
        self.store = store
        self.index = index
        self.embedder = embedder
        self.fusion: Fusion = fusion or ReciprocalRankFusion()
        self.leg_depth = leg_depth
        self.refresh()

    def refresh(self) -> None:
        self.chunks = load_help_chunks(self.store)
        self.bm25 = BM25Index([c.text for c in self.chunks])
        stored = self.index.load_vectors()
        positions = {c.doc_id: i for i, c in enumerate(self.chunks)}
        self.vectors = VectorTable.aligned(positions, stored.ids, stored.matrix)

    def search_help(self, query: str, k: int = 3) -> HelpResult:
        """The ``k`` passages that best answer ``query``, each citable by article id/title,
        or ``HelpNotFound`` when none does."""
        text = clean_query(query)
        check_k(k)
        if not self.chunks:
            return HelpNotFound("the help center has no articles")
        if not self.vectors.present.any():
            raise IndexNotReady("the help-center index is empty; build it with `aisle index`")
        depth = max(k, self.leg_depth)
        vector = self.embedder.embed([text])[0]
        dense = ranked([(str(p), s) for p, s in self.vectors.top(vector, depth)])
        keyword = ranked([(str(p), s) for p, s in self.bm25.top(text, depth)])
        out = []
        for key, score in fuse([dense, keyword], self.fusion)[:k]:
            chunk = self.chunks[int(key)]
            out.append(
                HelpPassage(chunk.article_id, chunk.title, chunk.section, chunk.passage, score)
            )
        return HelpFound(tuple(out))
