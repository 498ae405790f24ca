"""Facets read from a product's own text, for catalogs that keep their attributes there.

Many shops export ``title, description, category, price`` and nothing else: "Black linen midi
dress", "Hearthside 4-Person Tunnel Tent ... for 4 people", "Daytripper 22L Daypack". This
module reads such text with curated lexicons and a few patterns (``store.facet_lexicon``), in
plain Python, the same way every time:

- ``color``: the shades a title names (else the description, leaving out colours of parts such
  as "dark green lenses"), each with its family ("forest green" is also "green");
- ``pattern``: prints such as "leopard print", "polka dot", "striped", "gingham";
- ``material``: fibres and materials, not those of a part ("crepe sole", "leather handles");
- ``fit``: "slim fit", "relaxed fit"; ``size``: letter sizes ("Sizes XS-XL", "S, M, L and XL")
  and "one size"; ``audience``: women's, men's, kids, unisex (also from a category path segment
  such as "Women > Dresses");
- ``capacity_l``: litres ("22L", "55 litres"), not a flow ("1.5 litres a minute"), not an
  accessory ("9-litre stuff sack") and not layers ("3L jacket" when the text says "3-layer");
- ``persons``: "4-person", "two-person", "sleeps four", "for 4 people", "six campers".

``derive_facets`` writes what it finds under ``attributes["from_text"]`` of each product; the
retrieval layer reads them as attributes beneath the shop's own (``retrieval.documents``), so a
value the shop gave always wins, and a facet the shop gives under any usual name (``colour``,
``gender``, a ``size`` option) is not read from text at all. Re-running it rewrites only the
products whose facets changed, so ``aisle index`` re-embeds only those.

Not here: an LLM pass (none; the issue allows one as an option), numeric sizes ("UK 6-20"),
temperature ratings and weights, which need units and ranges the lexicons do not cover.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select, update

from store.db import Store
from store.facet_lexicon import (
    AUDIENCES,
    COLOURS,
    DOWN_WORD,
    FITS,
    LETTER_SIZES,
    MATERIALS,
    NUMBER_WORDS,
    PART_NOUNS,
    PATTERNS,
)
from store.models import Item, Product

FROM_TEXT = "from_text"  # the attributes key holding the facets read from text
FacetValue = list[str] | str | int | float
Facets = dict[str, FacetValue]

# a facet is not read from text when the shop gives one of these keys (normalised)
SHOP_KEYS: dict[str, frozenset[str]] = {
    "color": frozenset({"color", "colour", "colors", "colours", "color_pattern"}),
    "pattern": frozenset({"pattern", "print", "color_pattern"}),
    "material": frozenset({"material", "materials", "fabric"}),
    "fit": frozenset({"fit"}),
    "size": frozenset({"size", "sizes"}),
    "audience": frozenset({"audience", "gender", "age_group", "department"}),
    "capacity_l": frozenset({"capacity", "capacity_l", "volume", "volume_l", "capacity_liters"}),
    "persons": frozenset({"persons", "people", "sleeps", "capacity_persons"}),
}
FACET_KEYS = tuple(SHOP_KEYS)

_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z]+(?:'[a-z]*)?|[.;:!?()]")
_CARE = re.compile(r"^\s*(?:machine|hand|cool|dry|wipe|specialist|wash)\b", re.I)
_COLOUR_PARTS = PART_NOUNS | {"night", "mode", "beam", "light", "lamp", "led", "leds"}
_LITRE = r"(?:l|litres?|liters?)"
_CAPACITY = re.compile(
    rf"(?<![\d.])(\d+(?:\.\d+)?)(?:\+\d+)?\s?-?\s?{_LITRE}\b(?P<after>[^.;]*)", re.I
)
_LAYERS = re.compile(r"(\d+(?:\.\d+)?)\s?-?\s?layer", re.I)
_NOT_CAPACITY = re.compile(
    r"^\s*(?:a|per)\s+min|^\s*(?:\w+\s+){0,2}?(?:stuff\s+sack|pouch|"
    r"extension|bottle)",
    re.I,
)
_NUM = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
_PERSONS = (
    re.compile(rf"\b{_NUM}[\s-](?:person|persons|people|man)\b", re.I),
    re.compile(rf"\bsleeps\s+(?:up\s+to\s+)?{_NUM}\b", re.I),
    re.compile(
        rf"\bfor\s+(?:up\s+to\s+)?{_NUM}\s+(?:hikers|campers|people|adults|persons)\b", re.I
    ),
    re.compile(rf"\b{_NUM}\s+(?:hikers|campers)\b", re.I),
)
_SIZE = "|".join(sorted(LETTER_SIZES, key=len, reverse=True))
_SIZE_RANGE = re.compile(rf"\bsizes?\s+({_SIZE})\s*(?:-|–|to)\s*({_SIZE})\b", re.I)
_SIZE_LIST = re.compile(
    rf"\b(?i:available\s+in|sizes?)\s+((?:(?:{_SIZE}),\s*)+(?:{_SIZE})"
    rf"(?:,?\s+(?:and|or)\s+(?:{_SIZE}))?)\b"
)
_ONE_SIZE = re.compile(r"\bone\s+size\b", re.I)
_FIT = re.compile(r"\b(" + "|".join(FITS) + r")(?:,\s*\w+)?[\s-]fit\b(\.?)", re.I)


@dataclass
class FacetReport:
    """What ``derive_facets`` did: products read, changed, and how many got each facet."""

    products: int = 0
    changed: int = 0
    with_facets: int = 0
    by_facet: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for people: "facets from text: 35 products read, 24 with facets (persons 6,
        ...), 24 changed"."""
        keys = ", ".join(
            f"{k} {n}" for k, n in sorted(self.by_facet.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        return (
            f"facets from text: {self.products} products read, {self.with_facets} with "
            f"facets ({keys or 'none'}), {self.changed} changed"
        )


@lru_cache(maxsize=64)  # one product's text is read by every facet in turn
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text.lower().replace("-", " ")))


@dataclass(frozen=True)
class _Index:
    """A lexicon's phrases as word tuples, longest first, for ``_phrases``."""

    lengths: tuple[int, ...]
    phrases: frozenset[tuple[str, ...]]

    @classmethod
    def of(cls, lexicon: Iterable[str]) -> _Index:
        phrases = frozenset(tuple(p.replace("-", " ").split()) for p in lexicon)
        return cls(tuple(sorted({len(p) for p in phrases}, reverse=True)), phrases)


def _phrases(toks: tuple[str, ...], index: _Index) -> list[tuple[int, int, str]]:
    """Longest lexicon phrases in ``toks``, left to right: (start, end, phrase)."""
    out, i = [], 0
    while i < len(toks):
        for n in index.lengths:
            if tuple(toks[i : i + n]) in index.phrases:
                out.append((i, i + n, " ".join(toks[i : i + n])))
                i += n
                break
        else:
            i += 1
    return out


_COLOUR_INDEX = _Index.of(COLOURS)
_PATTERN_INDEX = _Index.of(PATTERNS)
_MATERIAL_INDEX = _Index.of(MATERIALS)
_AUDIENCE_OF = {
    " ".join(p.replace("-", " ").split()): value
    for value, phrases in AUDIENCES.items()
    for p in phrases
}
_AUDIENCE_INDEX = _Index.of(_AUDIENCE_OF)
AUDIENCES_SEGMENT = {p: v for p, v in _AUDIENCE_OF.items() if " " not in p}  # "Women > Dresses"


def _part_follows(toks: tuple[str, ...], end: int, parts: frozenset[str], reach: int = 2) -> bool:
    """A part noun within ``reach`` words after ``end``, before any punctuation."""
    for tok in toks[end : end + reach]:
        if not tok[0].isalnum():
            return False
        if tok in parts:
            return True
    return False


@lru_cache(maxsize=64)
def _without_care(description: str) -> str:
    """The description without care sentences ("Specialist leather clean only.")."""
    sentences = re.split(r"(?<=[.;])\s+", description)
    return " ".join(s for s in sentences if not _CARE.match(s))


def colours(title: str, description: str) -> list[str]:
    """Shades named by the title, else by the description outside its parts, with families."""
    found: list[str] = []
    for text, parts in ((title, frozenset[str]()), (_without_care(description), _COLOUR_PARTS)):
        toks = _tokens(text)
        for _, end, phrase in _phrases(toks, _COLOUR_INDEX):
            if not _part_follows(toks, end, parts):
                found += [phrase, COLOURS[phrase]]
        if found:
            break
    return list(dict.fromkeys(found))


def patterns(title: str, description: str) -> list[str]:
    """Prints and patterns ("leopard print", "polka dot"), not a part's ("tartan lining")."""
    found: list[str] = []
    for toks in (_tokens(title), _tokens(_without_care(description))):
        found += [
            PATTERNS[phrase]
            for _, end, phrase in _phrases(toks, _PATTERN_INDEX)
            if not _part_follows(toks, end, PART_NOUNS)
        ]
    return list(dict.fromkeys(found))


def materials(title: str, description: str) -> list[str]:
    found: list[str] = []
    title_toks = _tokens(title)
    if DOWN_WORD in title_toks:
        found.append("down")
    # in a title the noun after a material is the product ("Linen Lamp Shade")
    for toks, parts in (
        (title_toks, frozenset[str]()),
        (_tokens(_without_care(description)), PART_NOUNS),
    ):
        for _, end, phrase in _phrases(toks, _MATERIAL_INDEX):
            if not _part_follows(toks, end, parts):
                found += MATERIALS[phrase]
    if "faux leather" in found and "leather" in found:
        found = [m for m in found if m != "leather"]
    return list(dict.fromkeys(found))


def audiences(title: str, description: str, category: str) -> list[str]:
    found = {
        AUDIENCES_SEGMENT[seg]
        for seg in (s.strip().lower() for s in category.split(">"))
        if seg in AUDIENCES_SEGMENT
    }
    toks = _tokens(f"{title} . {_without_care(description)}")
    found |= {_AUDIENCE_OF[phrase] for _, _, phrase in _phrases(toks, _AUDIENCE_INDEX)}
    return [value for value in AUDIENCES if value in found]


def fit(description: str) -> str | None:
    matches = list(_FIT.finditer(description))
    if not matches:
        return None
    ended = [m for m in matches if m.group(2)]  # "Slim fit." said as its own sentence
    return (ended or matches)[0].group(1).lower()


def sizes(description: str) -> list[str]:
    found: list[str] = []
    for m in _SIZE_RANGE.finditer(description):
        low, high = LETTER_SIZES.index(m[1].upper()), LETTER_SIZES.index(m[2].upper())
        found += LETTER_SIZES[low : high + 1]
    for m in _SIZE_LIST.finditer(description):
        found += [s for s in re.split(r",\s*|\s+(?:and|or)\s+", m[1]) if s in LETTER_SIZES]
    if _ONE_SIZE.search(description):
        found.append("one size")
    order = {s: i for i, s in enumerate((*LETTER_SIZES, "one size"))}
    return sorted(set(found), key=order.__getitem__)


def _number(text: str) -> float:
    return float(NUMBER_WORDS.get(text.lower(), text)) if not text.isdigit() else float(text)


def capacity_litres(title: str, description: str) -> float | None:
    text = f"{title}. {description}"
    layers = {float(m[1]) for m in _LAYERS.finditer(text)}
    for source in (title, description):
        for m in _CAPACITY.finditer(source):
            litres = float(m[1])
            if litres in layers or _NOT_CAPACITY.search(m["after"]):
                continue
            return litres
    return None


def persons(title: str, description: str) -> int | None:
    for source in (title, description):
        for pattern in _PERSONS:
            m = pattern.search(source)
            if m:
                return int(_number(m[1]))
    return None


def extract_facets(title: str, description: str = "", category: str = "") -> Facets:
    """The facets a product's text states (see the module docstring); absent ones are left out."""
    out: Facets = {}
    found: dict[str, Any] = {
        "color": colours(title, description),
        "pattern": patterns(title, description),
        "material": materials(title, description),
        "fit": fit(description),
        "size": sizes(description),
        "audience": audiences(title, description, category),
        "capacity_l": capacity_litres(title, description),
        "persons": persons(title, description),
    }
    for key, value in found.items():
        if value in (None, []):
            continue
        if isinstance(value, float):
            out[key] = int(value) if value.is_integer() else value
        else:
            out[key] = value
    return out


def _norm(key: str) -> str:
    return "_".join(key.strip().lower().replace("-", " ").split())


def shop_facets(attributes: Mapping[str, Any], option_keys: Iterable[str]) -> set[str]:
    """The facet keys the shop itself gives (any usual name), which text must not override."""
    given = {_norm(k) for k, v in attributes.items() if k != FROM_TEXT and v not in (None, "")}
    given |= {_norm(k) for k in option_keys}
    return {facet for facet, names in SHOP_KEYS.items() if given & names}


def facets_for(title: str, description: str, category: str, given: Iterable[str] = ()) -> Facets:
    """The facets to store from text: those not in ``given`` (what the shop gives itself)."""
    skip = set(given)
    return {k: v for k, v in extract_facets(title, description, category).items() if k not in skip}


def derive_facets(store: Store) -> FacetReport:
    """Read every product's facets from its text and store them under
    ``attributes["from_text"]``; only products whose facets changed are written.

    A facet the shop gives for any product of a category (leaf) is read from text for none of
    them: a kettle without the shop's colour is not given a colour from its description."""
    report = FacetReport()
    p, it = Product.__table__.c, Item.__table__.c  # type: ignore[attr-defined]
    with store.session() as session:
        options: dict[str, set[str]] = {}
        for pid, opts in session.execute(select(it.product_id, it.options)):
            options.setdefault(pid, set()).update((opts or {}).keys())
        rows = session.execute(
            select(p.product_id, p.title, p.description, p.category, p.category_leaf, p.attributes)
        ).all()
        given: dict[str, set[str]] = {}
        changed: list[dict[str, Any]] = []
        for pid, _, _, category, leaf, attributes in rows:
            given.setdefault(leaf or category or "", set()).update(
                shop_facets(attributes or {}, options.get(pid, ()))
            )
        for pid, title, description, category, leaf, attributes in rows:
            attributes = dict(attributes or {})
            facets = facets_for(
                title or "", description or "", category or "", given[leaf or category or ""]
            )
            report.products += 1
            report.with_facets += bool(facets)
            for key in facets:
                report.by_facet[key] = report.by_facet.get(key, 0) + 1
            if attributes.get(FROM_TEXT, {}) == facets:
                continue
            if facets:
                attributes[FROM_TEXT] = facets
            else:
                attributes.pop(FROM_TEXT, None)
            changed.append({"pid": pid, "attrs": attributes})
        if changed:  # one executemany, not a statement per product
            session.execute(
                update(Product.__table__)  # type: ignore[attr-defined]
                .where(p.product_id == bindparam("pid"))
                .values(attributes=bindparam("attrs", type_=p.attributes.type)),
                changed,
            )
        report.changed = len(changed)
    return report
