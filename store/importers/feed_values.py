"""Reading the values shops' exports write their own way: HTML bodies, prices with a currency,
availability words, category paths, attribute names, and the ids a file without ids gets.

Each parser returns the value in the form ``catalog_rows`` validates (a number as text, a
boolean, a ``A > B`` path) or raises ``ValueError`` whose message says what a valid value
looks like; the format readers turn it into a ``file:line: column: message`` problem.

Stable ids, for a file with no id column: a product's id is ``p`` followed by the first 12 hex
digits of the SHA-1 of ``brand + "\\n" + title``, both normalised (Unicode NFKC, case-folded,
runs of spaces made one); a variant's is the product's id, ``-`` and the first 6 hex digits of
the SHA-1 of its options as sorted ``name=value`` lines, normalised the same way. Renaming a
product or changing its brand therefore gives it a new id.

Not here: which column holds which value (the format readers).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import warnings
from collections.abc import Mapping
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

_TAG = re.compile(r"<[a-zA-Z/!][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_MONEY = re.compile(
    r"^\s*(?:(?P<pre>[A-Z]{3})\s*)?[$€£]?\s*(?P<num>\d+(?:[.,]\d{1,2})?)\s*(?P<post>[A-Z]{3})?\s*$"
)
_IN = {
    "in_stock",
    "in stock",
    "instock",
    "available",
    "preorder",
    "pre-order",
    "backorder",
    "limited availability",
    "limited_availability",
    "true",
    "yes",
    "1",
}
_OUT = {
    "out_of_stock",
    "out of stock",
    "outofstock",
    "discontinued",
    "sold out",
    "false",
    "no",
    "0",
}


def short(value: Any, limit: int = 60) -> str:
    """``repr`` of a value cut to ``limit`` characters, for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def html_to_text(value: str) -> str:
    """Visible text of an HTML fragment (tags dropped, entities decoded, blocks spaced); text
    without tags comes back as it was."""
    if not _TAG.search(value):
        return value.strip()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        text = BeautifulSoup(value, "html.parser").get_text(" ", strip=True)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ([.,;:!?)])", r"\1", text).strip()


def money(value: str) -> tuple[str, str | None]:
    """``"15.00 USD"`` -> ``("15.00", "USD")``; a bare number has no currency."""
    match = _MONEY.match(value)
    if match is None:
        raise ValueError(f"must be a price like '15.00 USD' or '15.00', got {short(value)}")
    number = match["num"].replace(",", ".")
    return number, match["pre"] or match["post"]


def availability(value: str) -> bool:
    """Merchant Center / ACP availability words: in stock, preorder and backorder can be bought."""
    word = value.strip().lower()
    if word in _IN or word in _OUT:
        return word in _IN
    raise ValueError(f"must be in_stock, out_of_stock, preorder or backorder, got {short(value)}")


def category_path(value: str) -> str:
    """``Home & Garden>Kitchen > Kettles`` -> ``Home & Garden > Kitchen > Kettles``."""
    return " > ".join(s.strip() for s in value.split(">"))


def attribute_name(column: str) -> str:
    """A file's column label as an attribute key: ``Age Group`` -> ``age_group``."""
    key = re.sub(r"[^0-9a-z]+", "_", unicodedata.normalize("NFKC", column).lower())
    return key.strip("_") or "value"


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def product_id_for(brand: str, title: str) -> str:
    digest = hashlib.sha1(f"{_norm(brand)}\n{_norm(title)}".encode()).hexdigest()
    return f"p{digest[:12]}"


def item_id_for(product_id: str, options: Mapping[str, Any]) -> str:
    lines = sorted(f"{_norm(str(k))}={_norm(str(v))}" for k, v in options.items())
    return f"{product_id}-{hashlib.sha1(chr(10).join(lines).encode()).hexdigest()[:6]}"
