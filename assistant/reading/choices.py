"""Which option of the question on screen a message picks: its label (a click sends it
exactly), an order number, a value or category it names alone, an item's title, its position
("the first one"), the words shoppers use to accept a relaxation ("ok, raise the budget"), or
the one option sharing two content words with the message. A confirmation is answered only by
its own label or a plain yes or no (``assistant.reading.words``), never by shared words.

Not here: acting on the choice (``assistant.policy``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.reading import words

if TYPE_CHECKING:
    from assistant.state import Choice, OpenQuestion


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w$#.%-]+", " ", text.lower()).split())


def choice_in(text: str, question: OpenQuestion | None) -> Choice | None:
    """The option of ``question`` that ``text`` picks: its label (a click sends it exactly,
    or typed), an order number, a value or category it names alone, or its position."""
    if question is None or not question.choices:
        return None
    said = norm(text)
    if not said:
        return None
    for choice in question.choices:
        if norm(choice.label) == said:
            return choice
    if question.kind == "confirm":
        return None  # a yes or a no is read as such (``words``), never from shared words
    for choice in question.choices:  # an order number, a value or a category, named
        named = norm(choice.value) if choice.kind in ("order", "value", "category") else ""
        if named in _GENERIC_VALUES:
            continue  # "no" of "Is waterproof a must?" is said only alone (the label)
        if named and re.search(rf"(?<![\w#]){re.escape(named)}(?![\w])", said):
            others = [
                c
                for c in question.choices
                if c is not choice
                and c.value
                and re.search(rf"(?<![\w#]){re.escape(norm(c.value))}(?![\w])", said)
            ]
            if not others:
                return choice
    inside = [
        c
        for c in question.choices
        if len(said) >= 3 and (said in norm(c.label) or norm(c.label) in said)
    ]
    if len(inside) == 1:
        return inside[0]
    titled = [
        c
        for c in question.choices
        if c.kind == "items"
        and (title := norm(c.label.split(" (")[0]))
        and len(title) > 2
        and title in said
    ]
    if len(titled) == 1:
        return titled[0]
    spots = words.positions(text, len(question.choices))
    if len(spots) == 1 and len(said.split()) <= 4:
        return question.choices[spots[0] - 1]
    relaxed = [
        c
        for c in question.choices
        if c.kind == "relax"
        and (pattern := _RELAX_WORDS.get(c.key.split(".")[0])) is not None
        and pattern.search(text)
    ]
    if len(relaxed) == 1:
        return relaxed[0]
    return _overlapping(said, question.choices)


_GENERIC_VALUES = frozenset({"yes", "no", "none", "other", "standard", "regular", "any"})
# How shoppers accept a relaxation without clicking it ("ok, raise the budget").
_MORE = r"(?:raise|increase|higher|bigger|up|more|extend|stretch|go\s+up\s+on)"
_RELAX_WORDS = {
    "price_max": re.compile(
        rf"\b{_MORE}\b[^.?!]*\b(?:price|cap|budget|limit|max\w*)\b|"
        r"\b(?:raise|increase|up)\s+it\b|\bgo\s+(?:a\s+bit\s+)?(?:higher|up)\b|"
        r"^\W*(?:ok\w*|fine|sure)?\W*(?:then\s+)?(?:higher|raise|increase)\W*$|"
        r"\b(?:spend|pay)\s+(?:a\s+bit\s+|a\s+little\s+|some\s+)?more\b|"
        r"\bmore\s+money\b|\b(?:pricier|more\s+expensive)\b",
        re.I,
    ),
    "price_cap": re.compile(
        r"\b(?:forget|ignore|drop|remove|skip|never\s*mind|no)\s+(?:the\s+|"
        r"my\s+|a\s+|about\s+the\s+)?(?:budget|price(?:\s+(?:cap|limit))?|cap|"
        r"limit)\b|"
        r"\b(?:any|whatever)\s+price\b|\bprice\s+doesn'?t\s+matter\b",
        re.I,
    ),
    "price_min": re.compile(r"\b(?:lower|drop|remove)\b[^.?!]*\b(?:floor|minimum)\b", re.I),
    "min_rating": re.compile(r"\b(?:lower|any|drop)\b[^.?!]*\brating\b|\bfewer\s+stars\b", re.I),
    "brands": re.compile(r"\b(?:other|any|different)\s+brands?\b", re.I),
    "exclude_brands": re.compile(r"\ballow\b[^.?!]*\bagain\b", re.I),
    "category": re.compile(
        r"\b(?:beyond|other\s+categor\w*|anything\s+else|"
        r"other\s+kinds?)\b",
        re.I,
    ),
    "in_stock": re.compile(r"\bout\s+of\s+stock\b|\bcan\s+wait\b", re.I),
    "attributes": re.compile(r"\b(?:drop|without|skip|forget|ignore)\b", re.I),
}
_FILLER = frozenset(
    "the a an and or to of for with from in on it ok okay please yes no "
    "that this then let's lets fine sure".split()
)


def _overlapping(said: str, choices: list[Choice]) -> Choice | None:
    """The one option whose label shares at least two content words with the message."""
    wanted = {w for w in said.split() if len(w) > 2 and w not in _FILLER}
    scores = [
        (len(wanted & {w for w in norm(c.label).split() if w not in _FILLER}), i)
        for i, c in enumerate(choices)
    ]
    best = max(scores, default=(0, -1))
    if best[0] >= 2 and [s for s, _ in scores].count(best[0]) == 1:
        return choices[best[1]]
    return None
