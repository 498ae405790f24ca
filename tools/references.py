"""Which shown product a shopper means: "the second one", "the cheaper one", "that one in blue".

Positions ("the first", "the 2nd", "number 3", "#2", "option 2", "the last one") count in the
list as it was shown. Brand names, option values ("in blue", "the wide one") and product ids
narrow the shown products; comparatives ("the cheaper one", "the best rated") pick among what
is left. An answer is given only when it is unambiguous; otherwise None, and the assistant asks.

Not here: the candidate list itself (``tools.shop_context``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.documents import norm_value
from tools.shop_context import Shown

SHOWN = 5  # comparatives and descriptions refer to the products the shopper saw
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
}
_POSITION = re.compile(r"\b(?:number|no\.?|option|item|#)\s*(\d{1,2})\b|#(\d{1,2})\b", re.I)
_CHEAP = re.compile(
    r"\b(?:cheap(?:er|est)|least\s+expensive|less\s+expensive|lower[\s-]priced|"
    r"more\s+affordable|most\s+affordable)\b",
    re.I,
)
_DEAR = re.compile(r"\b(?:pricier|priciest|(?:more|most)\s+expensive|higher[\s-]priced)\b", re.I)
_RATED = re.compile(r"\b(?:best|better|highest|higher|top)[\s-]rated\b", re.I)
_DEICTIC = re.compile(r"\b(?:it|that\s+one|this\s+one|that|this)\b", re.I)


def _mentions(text: str, phrase: str) -> bool:
    return bool(re.search(rf"(?<![\w-]){re.escape(phrase.lower())}(?![\w-])", text))


def resolve_reference(text: str, last_candidates: Sequence[Shown]) -> str | None:
    """The product id the shopper refers to in ``text``, or None when it is not clear."""
    if not last_candidates:
        return None
    lower = text.lower()
    for c in last_candidates:
        if _mentions(lower, c.product_id):
            return c.product_id
    ordinal = next((n for w, n in _ORDINALS.items() if _mentions(lower, w)), None)
    if ordinal is None and re.search(r"\blast\s+one\b|\bthe\s+last\b", lower):
        ordinal = min(len(last_candidates), SHOWN)
    if ordinal is None and (m := _POSITION.search(lower)):
        ordinal = int(m.group(1) or m.group(2))
    if ordinal is not None:
        return last_candidates[ordinal - 1].product_id if ordinal <= len(last_candidates) else None
    shown = list(last_candidates[:SHOWN])
    subset = [c for c in shown if c.brand and _mentions(lower, c.brand)] or shown
    by_value = [
        c
        for c in subset
        if any(
            _mentions(lower, v) for vs in c.options.values() for v in vs if len(norm_value(v)) > 1
        )
    ]
    subset = by_value or subset
    narrowed = len(subset) < len(shown)
    if _CHEAP.search(lower):
        return min(subset, key=lambda c: (c.price, shown.index(c))).product_id
    if _DEAR.search(lower):
        return max(subset, key=lambda c: (c.price, -shown.index(c))).product_id
    if _RATED.search(lower):
        return max(subset, key=lambda c: (c.rating, c.rating_count, -shown.index(c))).product_id
    if narrowed and len(subset) == 1:
        return subset[0].product_id
    if len(shown) == 1 and _DEICTIC.search(lower):
        return shown[0].product_id
    return None
