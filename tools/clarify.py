"""Which clarifying question to ask: the attribute that splits the candidates best.

The shopper wants one of ``N`` candidates, each equally likely. Asking about attribute ``a``
and hearing value ``v`` leaves the candidates that offer ``v`` (a shoe sold in sizes 9-11 stays
for "10", so a product may offer several values) plus those without the attribute at all (the
answer says nothing about them). With ``p(v)`` the chance the shopper answers ``v`` (each
candidate offering ``k`` values gives each ``1/k`` of its weight) and ``C_v`` the candidates
left, the information gain is ``log2 N - sum_v p(v) log2 |C_v|``; for an attribute with one
value per product and none missing that is the entropy of its values. The best attribute not
fixed by the constraints and not asked before is chosen, if it gains at least ``MIN_GAIN`` bits
and there are at least ``MIN_CANDIDATES`` candidates.

When the candidates are few products with many variants (a shop with one product per type,
as tau2's retail catalog: one puzzle in 20 themes and sizes), each available variant is a
candidate of its own, so the question is about the variant options.

Not here: where candidates come from, storing what was asked (``assistant.state``).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from retrieval.documents import ProductRecord, norm_key, norm_value, value_list

MIN_CANDIDATES = 6
MIN_VARIANTS = 3  # one product in three options is still worth one question about them
MIN_GAIN = 0.5  # bits; below it the answer would barely narrow the list
MAX_OPTIONS = 5
MAX_COUNT = 12  # a whole number up to this, among few values, counts things (see _is_count)
MAX_ATTRIBUTE_VALUES = 8  # more distinct values on a product attribute: a measurement, not a choice
TITLE_SHARE = 0.5  # an attribute named in this share of titles is what sellers lead with
TITLE_BONUS = 1.25  # its gain counts this much more
_STOP = re.compile(
    r"\b(?:stop|no\s+more|don'?t|do\s+not|quit)\s+(?:asking|ask|questions?)\b|"
    r"\bjust\s+(?:show|recommend|give|tell)\b|\bno\s+questions\b",
    re.I,
)


@dataclass(frozen=True)
class Question:
    key: str  # the attribute or option name, as the catalog spells it
    text: str  # in English, for the model; the reply words it from ``name`` and ``label``
    options: tuple[str, ...]
    gain: float  # bits
    counts: dict[str, int] = field(default_factory=dict, compare=False)  # option -> candidates
    name: str = field(default="q_attribute", compare=False)  # "q_attribute" or "q_must"
    label: str = field(default="", compare=False)  # the attribute in words: "max weight (lb)"


@dataclass
class _Column:
    key: str
    is_option: bool = False
    per_candidate: list[set[str]] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)  # norm value -> as spelt


def wants_no_questions(text: str) -> bool:
    """The shopper asked to stop the questions ("just show me", "stop asking")."""
    return bool(_STOP.search(text))


def _columns(candidates: Sequence[ProductRecord]) -> dict[str, _Column]:
    columns: dict[str, _Column] = {}
    for i, record in enumerate(candidates):
        pairs: list[tuple[str, object, bool]] = [
            (k, v, False) for k, v in record.attributes.items()
        ]
        pairs += [(k, v, True) for k, vs in record.option_values().items() for v in vs]
        for key, value, is_option in pairs:
            col = columns.setdefault(norm_key(key), _Column(key))
            col.is_option |= is_option
            while len(col.per_candidate) <= i:
                col.per_candidate.append(set())
            for norm, raw in zip(value_list(value), _raw_values(value), strict=False):
                col.per_candidate[i].add(norm)
                col.shown.setdefault(norm, raw)
    for col in columns.values():
        col.per_candidate += [set() for _ in range(len(candidates) - len(col.per_candidate))]
    return columns


def _raw_values(value: object) -> list[str]:
    """Values as spelt, aligned with ``value_list`` (sorted by normalised value)."""
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    spelt = {norm_value(v): v for v in items if v is not None}
    return [k if isinstance(spelt[k], bool) else str(spelt[k]) for k in sorted(spelt)]


def information_gain(per_candidate: Sequence[set[str]]) -> float:
    """Bits gained by learning which value the shopper wants (see the module doc)."""
    n = len(per_candidate)
    having = [vs for vs in per_candidate if vs]
    if n == 0 or not having:
        return 0.0
    missing = n - len(having)
    weight: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    for values in having:
        for v in values:
            weight[v] += 1 / len(values)
            count[v] += 1
    expected = sum((w / len(having)) * math.log2(count[v] + missing) for v, w in weight.items())
    return max(0.0, math.log2(n) - expected)


def _question(col: _Column, gain: float) -> Question:
    counts: dict[str, int] = defaultdict(int)
    for values in col.per_candidate:
        for v in values:
            counts[v] += 1
    ranked = sorted(counts, key=lambda v: (-counts[v], v))[:MAX_OPTIONS]
    name = label(col.key)
    options: tuple[str, ...] = ("yes", "no")
    if set(counts) <= {"yes", "no"}:
        text, template = f"Is {name} a must?", "q_must"
    elif not col.is_option and _is_count(col):
        text, options = (
            f"How many {name}?",
            tuple(sorted((col.shown[v] for v in ranked), key=float)),
        )
        template = "q_count"
    else:
        text, options = f"Which {name} would you like?", tuple(col.shown[v] for v in ranked)
        template = "q_attribute"
    shown = {col.shown.get(v, v): counts[v] for v in ranked}
    return Question(col.key, text, options, round(gain, 4), shown, template, name)


_UNITS = frozenset(
    {
        "lb",
        "lbs",
        "g",
        "kg",
        "mm",
        "cm",
        "in",
        "inch",
        "gb",
        "tb",
        "w",
        "mah",
        "hz",
        "l",
        "ml",
        "oz",
        "mp",
        "v",
        "db",
        "h",
        "min",
    }
)


def label(key: str) -> str:
    """A key as words, its unit in brackets: "max_weight_lb" -> "max weight (lb)"."""
    parts = key.replace("_", " ").split()
    if len(parts) > 1 and parts[-1].lower() in _UNITS:
        return f"{' '.join(parts[:-1])} ({parts[-1]})"
    return " ".join(parts)


def _is_measurement(col: _Column) -> bool:
    """An attribute whose values are all numbers (weight, drop, capacity): a shopper gives
    a range for those, so a question listing exact values is not asked."""

    def numeric(text: str) -> bool:
        try:
            float(text)
        except ValueError:
            return False
        return True

    return (
        not col.is_option
        and bool(col.shown)
        and all(numeric(v) for v in col.shown)
        and not _is_count(col)
    )


def _is_count(col: _Column) -> bool:
    """A small whole number of things (persons a tent sleeps, burners, seats): a few values
    from 1 to ``MAX_COUNT``, which a shopper picks like any other option."""
    try:
        numbers = [float(v) for v in col.shown]
    except ValueError:
        return False
    return len(numbers) <= MAX_OPTIONS and all(
        n.is_integer() and 1 <= n <= MAX_COUNT for n in numbers
    )


def with_variants(candidates: Sequence[ProductRecord]) -> list[ProductRecord]:
    """The candidates, or each available variant as a candidate of its own when there are
    fewer than ``MIN_CANDIDATES`` products (see the module docstring)."""
    if len(candidates) >= MIN_CANDIDATES:
        return list(candidates)
    variants = [
        replace(r, items=(item,))
        for r in candidates
        for item in r.items
        if item.available and item.options
    ]
    return variants if len(variants) > len(candidates) else list(candidates)


def question_for(
    candidates: Sequence[ProductRecord], key: str, min_gain: float = MIN_GAIN
) -> Question | None:
    """The question about ``key`` when it splits the candidates by at least ``min_gain``."""
    expanded = with_variants(candidates)
    col = _columns(expanded).get(norm_key(key))
    least = MIN_VARIANTS if len(expanded) > len(candidates) else MIN_CANDIDATES
    if col is None or len(expanded) < least:
        return None
    gain = information_gain(col.per_candidate)
    return _question(col, gain) if gain >= min_gain else None


def best_question(
    candidates: Sequence[ProductRecord],
    fixed: set[str],
    asked: set[str],
    min_gain: float = MIN_GAIN,
) -> Question | None:
    """The question with the highest information gain among keys neither fixed nor asked
    (names compared normalised); None when candidates are few or nothing splits them.
    Product attributes come before variant options: what kind of product (over-ear or in-ear)
    is decided before its colour or size, which most products offer several of; options are
    asked about when no attribute splits the candidates (or the candidates are variants)."""
    expanded = with_variants(candidates)
    variants = len(expanded) > len(candidates)
    if len(expanded) < (MIN_VARIANTS if variants else MIN_CANDIDATES):
        return None
    skip = {norm_key(k) for k in fixed | asked}
    columns = _columns(expanded)
    best: dict[bool, tuple[float, str]] = {}
    for key, col in columns.items():
        if key in skip or (not col.is_option and len(col.shown) > MAX_ATTRIBUTE_VALUES):
            continue
        if _is_measurement(col):
            continue
        gain = information_gain(col.per_candidate)
        if gain < min_gain:
            continue
        score = gain * (TITLE_BONUS if _in_titles(col, expanded) else 1.0)
        if col.is_option not in best or (score, key) > best[col.is_option]:
            best[col.is_option] = (score, key)
    chosen = (
        best.get(False) if not variants and False in best else best.get(True) or best.get(False)
    )
    if chosen is None:
        return None
    col = columns[chosen[1]]
    return _question(col, information_gain(col.per_candidate))


def _in_titles(col: _Column, candidates: Sequence[ProductRecord]) -> bool:
    """Most candidates' titles name their value of this attribute ("Over-Ear Headphones"):
    the sellers' own sign that it is what tells these products apart."""

    def named(record: ProductRecord, values: set[str]) -> bool:
        title = record.title.lower().replace("-", " ")
        return any(v.replace("-", " ") in title for v in values if len(v) > 2)

    hits = sum(named(r, vs) for r, vs in zip(candidates, col.per_candidate, strict=False) if vs)
    return hits >= TITLE_SHARE * len(candidates)
