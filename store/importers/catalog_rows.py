"""Validating one catalog row: each value is parsed on its own and every problem is kept.

A row becomes a ``CatalogRow`` (product-level fields, then the variant's own fields) or a list of
``RowProblem`` whose messages say what a valid value looks like. Defaults: ``brand``,
``description`` and ``category`` empty, ``product_type`` = the category's last segment,
``available`` true, ratings 0, attributes and options empty.

A description written in HTML becomes its visible text (tags dropped, entities decoded).

Product links and image addresses (``link``, ``image_link``) have no column of their own in
``store.models``: they are kept in ``attributes["links"]`` as ``{"url": ..., "image": ...}``, a
dict, which the vocabulary does not read as a facet.

Value rules that differ by format: CSV cells are text, so an ``attr.<name>`` cell that reads as a
JSON number or boolean (``8``, ``2.5``, ``true``) is stored as that number or boolean, anything
else as text; JSONL and Parquet values keep their type. Option values are always text (a number
is written as text), because shoppers and filters match them as words ("XL", "7.5").

Not here: checks that need several rows (duplicates, conflicting product fields) or the store;
those are in ``store.importers.catalog``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from store.errors import RowProblem
from store.importers.catalog_file import RawRow
from store.importers.columns import ATTR_PREFIX, OPT_PREFIX
from store.importers.feed_values import html_to_text, short

MAX_ID = 64  # the key columns' max_length in store.models
_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


class _Bad(ValueError):
    """A value is invalid; the message is the part after ``field:``."""


@dataclass
class CatalogRow:
    """A parsed row. In a row with problems (``valid`` false) the fields that failed are None;
    such rows only take part in the cross-row checks, and the file is never written."""

    line: int
    product_id: str
    item_id: str | None  # None: not given (allowed when the product has one row)
    product: dict[str, Any]  # Product columns: title, brand, category, ..., attributes
    price: float
    available: bool
    options: dict[str, Any]
    valid: bool = True


def parse_row(
    raw: RawRow, file: str, text_cells: bool
) -> tuple[CatalogRow | None, list[RowProblem]]:
    """Validate every value of ``raw``. The row comes back whenever its product_id is usable
    (so duplicates are still found), marked invalid when anything else failed.
    ``text_cells`` says the format has only text (CSV), so ``attr.<name>`` numbers are parsed."""
    problems: list[RowProblem] = []
    values = raw.values

    def take(name: str, parse: Callable[[Any], Any]) -> Any:
        try:
            return parse(values.get(name))
        except _Bad as exc:
            problems.append(RowProblem(file, raw.line, name, str(exc)))
            return None

    product_id = take("product_id", _required_id)
    item_id = take("item_id", _optional_id)
    title = take("title", _required_text)
    category = take("category", _category)
    leaf = category.rsplit(" > ", 1)[-1] if category else ""
    product_type = take("product_type", _text) or leaf
    product = {
        "title": title,
        "brand": take("brand", _text),
        "category": category,
        "category_leaf": leaf,
        "product_type": product_type,
        "description": html_to_text(take("description", _text) or ""),
        "rating_avg": take("rating_avg", _rating),
        "rating_count": take("rating_count", _count),
        "attributes": _merged(
            raw,
            file,
            "attributes",
            ATTR_PREFIX,
            _same,
            _attribute if text_cells else _same,
            problems,
        ),
    }
    links = {k: take(c, _link) for k, c in (("url", "link"), ("image", "image_link"))}
    if any(links.values()) and isinstance(product["attributes"], dict):
        product["attributes"]["links"] = {k: v for k, v in links.items() if v}
    price = take("price", _price)
    available = take("available", _available)
    options = _merged(raw, file, "options", OPT_PREFIX, _option, _option, problems)
    if product_id is None:
        return None, problems
    row = CatalogRow(
        raw.line, product_id, item_id, product, price, available, options, valid=not problems
    )
    return row, problems


def _merged(
    raw: RawRow,
    file: str,
    column: str,
    prefix: str,
    convert: Callable[[Any], Any],
    convert_flat: Callable[[Any], Any],
    problems: list[RowProblem],
) -> dict[str, Any]:
    """The JSON-object column merged with its flattened ``prefix<name>`` columns."""
    out: dict[str, Any] = {}
    try:
        out = {k: convert(v) for k, v in _json_object(raw.values.get(column)).items()}
    except _Bad as exc:
        problems.append(RowProblem(file, raw.line, column, str(exc)))
    for name, value in raw.values.items():
        if not name.startswith(prefix) or value is None:
            continue
        key = name[len(prefix) :]
        if key in out:
            problems.append(
                RowProblem(file, raw.line, name, f"{key!r} is also given in {column}; give it once")
            )
            continue
        try:
            out[key] = convert_flat(value)
        except _Bad as exc:
            problems.append(RowProblem(file, raw.line, name, str(exc)))
    return out


def _shown(value: Any) -> str:
    return short(value)


def _required_id(value: Any) -> str:
    got = _optional_id(value)
    if not got:
        raise _Bad("required; give every row the id of its product")
    return got


def _optional_id(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _Bad(f"must be text or a whole number, got {_shown(value)}")
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_ID:
        raise _Bad(f"must be at most {MAX_ID} characters, got {len(value)}")
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(f"must be text, got {_shown(value)}")
    return value.strip()


def _required_text(value: Any) -> str:
    text = _text(value)
    if not text:
        raise _Bad("required; give every row its product's title")
    return text


def _category(value: Any) -> str:
    segments = [s.strip() for s in _text(value).split(">")]
    if segments == [""]:
        return ""
    if not all(segments):
        raise _Bad(
            f"must be a path like 'Home > Kitchen > Kettles' without empty parts, "
            f"got {_shown(value)}"
        )
    return " > ".join(segments)


def _link(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    if not text.startswith(("http://", "https://", "/")):
        raise _Bad(f"must be a web address starting with https://, got {_shown(value)}")
    return text


def _number(value: Any, ok: Callable[[float], bool], expected: str) -> float:
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number) or not ok(number):
        raise _Bad(f"must be {expected}, got {_shown(value)}")
    return number


def _price(value: Any) -> float:
    if value is None:
        raise _Bad("required; give the variant's price as a number >= 0, e.g. 19.99")
    return _number(value, lambda x: x >= 0, "a number >= 0")


def _rating(value: Any) -> float:
    return 0.0 if value is None else _number(value, lambda x: 0 <= x <= 5, "a number from 0 to 5")


def _count(value: Any) -> int:
    if value is None:
        return 0
    number = _number(value, lambda x: x >= 0 and x.is_integer(), "a whole number >= 0")
    return int(number)


def _available(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _Bad(f"must be one of true/false/1/0/yes/no/y/n, got {_shown(value)}")


def _json_object(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise _Bad(
                f'must be a JSON object such as {{"color": "red"}} ({exc.msg}), got {_shown(value)}'
            ) from None
    if not isinstance(value, dict):
        raise _Bad(f'must be a JSON object such as {{"color": "red"}}, got {_shown(value)}')
    return value


def _same(value: Any) -> Any:
    return value


def _attribute(value: Any) -> Any:
    """A CSV ``attr.<name>`` cell."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return value
        # Only numbers and booleans are read from text; "null" or "[1]" stay words.
        return parsed if isinstance(parsed, int | float | bool) else value
    return value


def _option(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format(value)
    raise _Bad(f"option values must be text or numbers, got {_shown(value)}")
