"""Identifiers a shopper types: an email, a name with a zip code, and order numbers in the
shop's own format.

The order-number format is learnt from the shop's orders (``OrderIdFormat.from_ids``): the
common prefix and digit count of ids like ``#W2378156``. A shopper may type ``W2378156``,
``#w2378156`` or "order 2378156"; each is normalised to the shop's spelling. A shop whose ids
share no pattern is matched by its ids' own spellings of letters and digits. Nothing here
decides whether the shopper may see the order.

Not here: looking anything up (``tools.service_read``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_NOT_CJK = r"(?![\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef])"
# no Chinese characters in an address: "邮箱ada.park@example.com" is ada.park@example.com
EMAIL = re.compile(rf"(?:{_NOT_CJK}[\w.+%-])+@(?:{_NOT_CJK}[\w-])+(?:\.(?:{_NOT_CJK}[\w-])+)+")
_ZIP = re.compile(r"\b(\d{5})(?:-\d{4})?\b")
_NAME = r"([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'-]+)"
# "I'm Yusuf Rossi, zip 19122", "my name is Yusuf Rossi and my zip code is 19122",
# "Yusuf Rossi 19122": a first and a last name, then a five-digit zip in the same message.
_TAIL = r"\s+" + _NAME + r"\b[^0-9@]{0,40}?\b(\d{5})\b"
_NAME_ZIPS = (
    re.compile(rf"(?:\bname\s+is|\bI\s*am|\bI'm|\bthis\s+is)\s+{_NAME}{_TAIL}", re.IGNORECASE),
    re.compile(rf"^\s*{_NAME}{_TAIL}", re.IGNORECASE),
)
_NOT_NAMES = frozenset(
    {
        "looking",
        "trying",
        "here",
        "not",
        "sure",
        "a",
        "the",
        "calling",
        "writing",
        "interested",
        "wondering",
        "also",
        "just",
        "still",
        "my",
        "name",
        "is",
        "and",
        "zip",
        "code",
        "hi",
        "hello",
        "hey",
        "please",
        "order",
        "i",
        "im",
        "want",
        "need",
    }
)


@dataclass(frozen=True)
class NameZip:
    first_name: str
    last_name: str
    zip: str


def email_in(text: str) -> str | None:
    found = EMAIL.search(text)
    return found.group(0).strip(".").lower() if found else None


def name_zip_in(text: str) -> NameZip | None:
    """A first name, last name and zip code the shopper typed, or None."""
    for pattern in _NAME_ZIPS:
        for m in pattern.finditer(text):
            first, last, zip_code = m.group(1), m.group(2), m.group(3)
            if first.lower() in _NOT_NAMES or last.lower() in _NOT_NAMES:
                continue
            return NameZip(first, last, zip_code)
    return None


@dataclass(frozen=True)
class OrderIdFormat:
    """The shop's order numbers: ``prefix`` (as stored, e.g. "#W") then ``digits`` digits."""

    prefix: str = "#W"
    digits: int = 7

    @classmethod
    def from_ids(cls, ids: Iterable[str]) -> OrderIdFormat:
        """The most common prefix/length among ``ids``; the tau2 format when there are none."""
        shapes: Counter[tuple[str, int]] = Counter()
        for order_id in ids:
            m = re.fullmatch(r"(\D*)(\d+)", order_id.strip())
            if m:
                shapes[(m.group(1), len(m.group(2)))] += 1
        if not shapes:
            return cls()
        (prefix, digits), _ = shapes.most_common(1)[0]
        return cls(prefix, digits)

    @property
    def _letters(self) -> str:
        return self.prefix.lstrip("#").strip()

    def pattern(self) -> re.Pattern[str]:
        letters = re.escape(self._letters)
        body = (
            rf"#?\s?{letters}\s?(\d{{{self.digits}}})" if letters else rf"#\s?(\d{{{self.digits}}})"
        )
        bare = rf"\border\s+(?:number\s+|no\.?\s+|#\s?)?(\d{{{self.digits}}})"
        # no \w before it: a Chinese character is a word character, yet "订单W2378156" holds one
        return re.compile(rf"(?<![A-Za-z0-9_#]){body}(?!\d)|{bare}(?!\d)", re.IGNORECASE)

    def find(self, text: str) -> tuple[str, ...]:
        """The order numbers ``text`` contains, in the shop's spelling, first seen first."""
        found = [self.prefix + (m.group(1) or m.group(2)) for m in self.pattern().finditer(text)]
        return tuple(dict.fromkeys(found))

    def normalise(self, value: str) -> str | None:
        """``value`` (a model's argument, say) in the shop's spelling, or None."""
        found = self.find(value) or self.find(f"order {value.strip()}")
        return found[0] if found else None
