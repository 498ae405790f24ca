"""The catalog's own words, so a shopper's text can be read against any imported shop.

``CatalogVocabulary`` is built from the product records in the store: category names (leaves,
product types and path segments, with simple singular/plural forms and, when it names one
category only, the head noun: "boots" for "Hiking Boots"), brands, and every attribute and
option value with the key it belongs to and the categories it occurs in ("XL" is a ``size``,
"Amazon Alexa" an ``assistant``, "16GB" a ``ram``). Boolean attributes are matched by their
name ("waterproof" means waterproof = yes); a value such as "women's" also by "women" and
"for women". Values that are bare numbers or single letters are only matched next to their
key ("size 10", "size M"), or with the unit a key's name ends in ("18 l" for ``capacity_l``;
"four person" for ``persons`` 4), so "10" in "under $100" or "2 people" is never a shoe size.

Not here: price, rating and stock phrases (``tools.phrases``), deciding what a match means for
the conversation (``tools.constraints``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from retrieval.documents import ProductRecord, load_product_records, norm_key, norm_value
from store.db import Store

SenseKind = Literal["category", "brand", "value"]
MAX_PHRASE = 6
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+(?:'[a-z]+)?", re.IGNORECASE)
# Words that say nothing on their own when they are a value ("standard" width, "none" backlight).
GENERIC_VALUES = frozenset(
    {
        "none",
        "no",
        "yes",
        "true",
        "false",
        "n/a",
        "na",
        "other",
        "standard",
        "regular",
        "normal",
        "default",
        "unknown",
        "basic",
        "a",
        "an",
        "the",
        "in",
        "on",
        "for",
        "with",
        "and",
        "or",
        "it",
        "is",
        "to",
        "of",
        "up",
        "by",
        "i",
    }
)
# Head nouns too vague to stand for a category ("sets" of Cookware Sets).
GENERIC_HEADS = frozenset(
    {
        "set",
        "sets",
        "kit",
        "kits",
        "accessory",
        "accessories",
        "part",
        "parts",
        "supplies",
        "item",
        "items",
        "product",
        "products",
        "goods",
        "equipment",
        "gear",
        "tools",
        "pack",
        "packs",
        "things",
        "stuff",
    }
)
_IRREGULAR = {
    "mice": "mouse",
    "knives": "knife",
    "shelves": "shelf",
    "men": "man",
    "women": "woman",
    "children": "child",
    "feet": "foot",
    "teeth": "tooth",
    "leaves": "leaf",
    "wolves": "wolf",
    "dice": "die",
}
# A key named "capacity_l" holds litres: its numbers are matched with these spellings.
UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "g": ("g", "grams"),
    "kg": ("kg", "kilograms"),
    "lb": ("lb", "lbs", "pounds"),
    "oz": ("oz", "ounces"),
    "l": ("l", "liter", "litre", "liters", "litres"),
    "ml": ("ml",),
    "mm": ("mm",),
    "cm": ("cm",),
    "in": ("in", "inch", "inches"),
    "gb": ("gb",),
    "tb": ("tb",),
    "mah": ("mah",),
    "w": ("w", "watt", "watts"),
    "watts": ("w", "watt", "watts"),
    "hz": ("hz",),
    "mp": ("mp", "megapixel"),
    "hours": ("hours", "hour", "hr", "h"),
    "days": ("days", "day"),
    "persons": ("persons", "person", "people"),
    "min": ("min", "minutes"),
    "f": ("f",),
    "bar": ("bar",),
}

# "a four-person tent": small whole numbers as words, before a unit only
NUMBER_WORDS = {
    str(n): w
    for n, w in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    )
}


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased word and number tokens with their character spans; "16GB" -> "16", "gb"."""
    return [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def words(text: str) -> tuple[str, ...]:
    return tuple(t for t, _, _ in tokens(text))


def _spellings(phrase: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A phrase as written and without apostrophes ("women's" and "womens")."""
    return {phrase, tuple(w.replace("'", "") for w in phrase)}


def noun_forms(word: str) -> set[str]:
    """The word and its simple singular/plural: shoes/shoe, mice/mouse, batteries/battery."""
    forms = {word}
    if word in _IRREGULAR:
        return forms | {_IRREGULAR[word]}
    if word in _IRREGULAR.values():
        return forms | {p for p, s in _IRREGULAR.items() if s == word}
    if word.endswith("ies") and len(word) > 4:
        forms.add(word[:-3] + "y")
    elif re.search(r"(s|x|z|ch|sh)es$", word):
        forms.add(word[:-2])
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.add(word[:-1])
    else:
        if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
            forms.add(word[:-1] + "ies")
        elif re.search(r"(s|x|z|ch|sh)$", word):
            forms.add(word + "es")
        elif word.isalpha():
            forms.add(word + "s")
    return forms


def phrase_forms(phrase: tuple[str, ...]) -> set[tuple[str, ...]]:
    """A noun phrase in its singular and plural forms (the last word inflects)."""
    if not phrase:
        return set()
    return {(*phrase[:-1], f) for f in noun_forms(phrase[-1])}


@dataclass(frozen=True)
class Sense:
    """One meaning of a phrase: a category, a brand, or a value of an attribute key."""

    kind: SenseKind
    name: str  # category name, brand, or attribute key as the catalog spells it
    value: str = ""  # the value, for kind "value"
    categories: frozenset[str] = frozenset()  # leaves where this key/value occurs
    products: int = 0
    head: bool = False  # a category named by its head noun only


@dataclass(frozen=True)
class Match:
    start: int  # token positions, end exclusive
    end: int
    senses: tuple[Sense, ...]


@dataclass
class CatalogVocabulary:
    phrases: dict[tuple[str, ...], list[Sense]] = field(default_factory=dict)
    brands: dict[str, str] = field(default_factory=dict)  # lower-cased -> as spelt
    categories: dict[str, frozenset[str]] = field(default_factory=dict)  # name -> its leaves
    brands_by_leaf: dict[str, frozenset[str]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # norm_key -> key as spelt
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> norm -> as spelt
    option_keys: frozenset[str] = frozenset()  # norm_keys that are variant options
    boolean_keys: frozenset[str] = frozenset()
    titles: dict[str, str] = field(default_factory=dict)  # lower-cased title -> product id
    nouns: frozenset[tuple[str, ...]] = frozenset()  # category phrases, every form

    @classmethod
    def from_store(cls, store: Store) -> CatalogVocabulary:
        return cls.from_records(load_product_records(store))

    @classmethod
    def from_records(cls, records: Sequence[ProductRecord]) -> CatalogVocabulary:
        vocab = cls()
        vocab._add_categories(records)
        vocab._add_brands(records)
        vocab._add_values(records)
        vocab.titles = {r.title.lower(): r.product_id for r in records if r.title}
        return vocab

    # --- building ---------------------------------------------------------------------------

    def _add(self, phrase: tuple[str, ...], sense: Sense) -> None:
        if phrase and len(phrase) <= MAX_PHRASE and sense not in self.phrases.get(phrase, []):
            self.phrases.setdefault(phrase, []).append(sense)

    def _add_categories(self, records: Sequence[ProductRecord]) -> None:
        leaves: dict[str, set[str]] = defaultdict(set)
        for r in records:
            leaf = r.category_leaf or r.product_type
            if not leaf:
                continue
            for name in (r.category_leaf, r.product_type, *r.category.split(">")):
                if name.strip():
                    leaves[name.strip()].add(leaf)
        self.categories = {name: frozenset(v) for name, v in leaves.items()}
        nouns: set[tuple[str, ...]] = set()
        heads: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for name in sorted(leaves, key=lambda n: (len(leaves[n]), n)):
            base = words(name)
            spellings = {base, words(name.replace("&", " and "))}
            for spelled in spellings:
                for form in phrase_forms(spelled):
                    nouns.add(form)
                    self._add(form, Sense("category", name, categories=self.categories[name]))
            leaf_only = len(leaves[name]) == 1  # "outdoors" would stand for a department
            if leaf_only and len(base) > 1 and len(base[-1]) >= 3 and base[-1] not in GENERIC_HEADS:
                for form in phrase_forms(base[-1:]):
                    heads[form].add(name)
        for head, names in heads.items():
            # "boots" only when one category ends in it, and it is not a category itself
            if len(names) == 1 and head not in self.phrases:
                (name,) = names
                nouns.add(head)
                self._add(
                    head, Sense("category", name, categories=self.categories[name], head=True)
                )
        self.nouns = frozenset(nouns)

    def _add_brands(self, records: Sequence[ProductRecord]) -> None:
        by_leaf: dict[str, set[str]] = defaultdict(set)
        counts: Counter[str] = Counter()
        for r in records:
            if len(r.brand.strip()) > 1:
                by_leaf[r.category_leaf or r.product_type].add(r.brand)
                counts[r.brand] += 1
        self.brands_by_leaf = {k: frozenset(v) for k, v in by_leaf.items()}
        for brand, n in counts.items():
            self.brands[brand.lower()] = brand
            cats = frozenset(k for k, v in by_leaf.items() if brand in v)
            for spelled in _spellings(words(brand)):
                self._add(spelled, Sense("brand", brand, categories=cats, products=n))

    def _add_values(self, records: Sequence[ProductRecord]) -> None:
        # (key, value as stored) -> [key, value as shown, leaves, products]; raw values are
        # grouped before normalising, which is most of the cost on a big catalog
        raw: dict[tuple[str, tuple[type, object]], tuple[str, set[str], set[str]]] = {}
        options: set[str] = set()
        for r in records:
            leaf = r.category_leaf or r.product_type
            pairs: list[tuple[str, object]] = []
            for key, value in r.attributes.items():
                if isinstance(value, list | tuple):
                    pairs.extend((key, v) for v in value)
                else:
                    pairs.append((key, value))
            for item in r.items:
                for key, v in item.options.items():
                    options.add(key)
                    pairs.append((key, v))
            for key, v in pairs:
                if v is None or isinstance(v, dict | list):
                    continue
                entry = raw.setdefault((key, (type(v), v)), (key, set(), set()))
                entry[1].add(leaf)
                entry[2].add(r.product_id)
        seen: dict[tuple[str, str], tuple[str, str, set[str], set[str]]] = {}
        kinds: dict[str, set[str]] = defaultdict(set)
        for (key, (_, v)), (_, leaves, products) in raw.items():
            if str(v).strip() == "":
                continue
            nkey = norm_key(key)
            kinds[nkey].add("bool" if isinstance(v, bool) else "other")
            shown = norm_value(v) if isinstance(v, bool) else str(v)
            merged = seen.setdefault((nkey, norm_value(v)), (key, shown, set(), set()))
            merged[2].update(leaves)
            merged[3].update(products)
        options = {norm_key(k) for k in options}
        self.option_keys = frozenset(options)
        self.boolean_keys = frozenset(k for k, v in kinds.items() if v == {"bool"})
        for (nkey, nvalue), (key, shown, leaves, products) in seen.items():
            self.keys.setdefault(nkey, key)
            self.values.setdefault(nkey, {})[nvalue] = shown
            sense = Sense("value", key, shown, frozenset(leaves), len(products))
            key_words = words(key.replace("_", " "))
            if nkey in self.boolean_keys:
                if nvalue == "yes":
                    self._add(key_words, sense)
                continue
            for value_words in _spellings(words(shown)):
                for phrase in self._keyed_forms(key_words, value_words):
                    self._add(phrase, sense)
                if not self._needs_key(value_words):
                    self._add(value_words, sense)
            possessive = words(shown)
            if len(possessive) == 1 and possessive[0].endswith("'s") and len(possessive[0]) > 4:
                owner = possessive[0][:-2]  # "women's": "for women", "women"
                self._add((owner,), sense)
                self._add(("for", owner), sense)

    @staticmethod
    def _needs_key(value_words: tuple[str, ...]) -> bool:
        """Bare numbers, single letters and generic words only count next to their key."""
        if not value_words:
            return True
        if len(value_words) == 1:
            word = value_words[0]
            return word[0].isdigit() or len(word) == 1 or word in GENERIC_VALUES
        return False

    @staticmethod
    def _keyed_forms(
        key_words: tuple[str, ...], value_words: tuple[str, ...]
    ) -> list[tuple[str, ...]]:
        forms = [key_words + value_words]  # "size 10", "screen size 27 inch"
        if key_words:
            forms.append(value_words + key_words)  # "standard arch support", "wide width"
        if key_words and key_words[-1] in UNIT_WORDS and len(value_words) == 1:
            stem = key_words[:-1]
            spelt = [value_words[0]] + [w for w in (NUMBER_WORDS.get(value_words[0]),) if w]
            for unit in UNIT_WORDS[key_words[-1]]:
                for number in spelt:
                    forms.append((number, unit))  # "18 l", "15.6 inch", "four person"
                if stem:
                    forms.append(stem + value_words)  # "capacity 18"
        return forms

    # --- reading ----------------------------------------------------------------------------

    def match(self, toks: Sequence[str]) -> list[Match]:
        """Greedy longest phrase matches, left to right, never overlapping."""
        out: list[Match] = []
        i = 0
        while i < len(toks):
            for n in range(min(MAX_PHRASE, len(toks) - i), 0, -1):
                senses = self.phrases.get(tuple(toks[i : i + n]))
                if senses:
                    out.append(Match(i, i + n, tuple(senses)))
                    i += n
                    break
            else:
                i += 1
        return out

    def leaves_for(self, category: str | None) -> frozenset[str] | None:
        """The leaves a category name covers (None: unknown or not given)."""
        if not category:
            return None
        return self.categories.get(category)

    def brands_in(self, category: str | None) -> list[str]:
        leaves = self.leaves_for(category)
        if leaves is None:
            return sorted(set(self.brands.values()))
        return sorted({b for leaf in leaves for b in self.brands_by_leaf.get(leaf, ())})

    def resolve_category(self, text: str) -> str | None:
        """A category name as the catalog spells it, from any spelling or form of it."""
        exact = {n.lower(): n for n in self.categories}
        if text.strip().lower() in exact:
            return exact[text.strip().lower()]
        senses = self.phrases.get(words(text), [])
        names = {s.name for s in senses if s.kind == "category"}
        return names.pop() if len(names) == 1 else None

    def resolve_brand(self, text: str) -> str | None:
        return self.brands.get(" ".join(text.split()).lower())

    def resolve_key(self, key: str) -> str | None:
        return self.keys.get(norm_key(key))

    def resolve_value(self, key: str, value: str) -> str | None:
        """The catalog's spelling of ``value`` for ``key``, or None when it never occurs."""
        known = self.values.get(norm_key(key), {})
        return known.get(norm_value(value))
