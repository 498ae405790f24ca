"""What a tool argument may be, checked before anything reads it: the shape of the arguments
as a whole, and per-field rules for text, ids and amounts.

A model (or whoever speaks for it over the OpenAI or MCP protocol) can send anything: JSON
nested 50,000 deep, a 200 kB address, NUL or right-to-left override characters in a name,
``-1e308`` or ``NaN`` for a price, an integer too large for any column. Each is refused here
as a ``BadArgument`` the model can correct, never as an exception that ends the turn, and
nothing of it reaches the database or the shopper's screen.

- ``check_json_text`` / ``check_shape``: arguments as a whole (characters, nesting depth,
  number of values, string length, finite numbers, integers a database column can hold);
  iterative, so a deep value cannot exhaust the stack.
- ``single_line(n)``: a name, address part, email or id: at most ``n`` characters, none of
  them control, format (bidi overrides, zero-width) or unassigned characters.
- ``price`` and ``rating``: finite and in range.

Not here: what a value means (``tools.service_read``'s normalisers, ``tools.shop_arguments``).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import Any

from tools.errors import BadArgument

MAX_ARGUMENTS_CHARS = 20_000  # the longest honest call (a comparison of a dozen ids) is < 1 kB
MAX_DEPTH = 6  # the deepest schema (attributes: {key: [values]}) is 3 levels below the object
MAX_VALUES = 500
MAX_STRING = 4_000  # a free-text argument (a query, a handoff summary)
MAX_INTEGER = 2**53  # JSON's exact integers; every integer column holds them
MAX_PRICE = 10_000_000.0

_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})  # control, format, surrogate,
# private use, unassigned: NUL, bidi overrides (U+202E), zero-width characters
_FREE_TEXT_CONTROLS = frozenset("\t\n\r")


def check_json_text(text: str) -> None:
    """Refuse arguments text that is too long or nests too deep, before parsing it (a parser
    recurses once per level)."""
    if len(text) > MAX_ARGUMENTS_CHARS:
        raise BadArgument(
            f"the arguments are {len(text):,} characters long; the limit is "
            f"{MAX_ARGUMENTS_CHARS:,}. Send only the arguments the tool takes"
        )
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep()
        elif char in "]}":
            depth -= 1


def check_shape(arguments: object) -> None:
    """Refuse parsed arguments that nest too deep, hold too many values, a string too long or
    with control characters, a number that is not finite or an integer out of range; the
    message names the argument."""
    stack: list[tuple[object, int, str]] = [(arguments, 0, "")]
    seen = 0
    while stack:
        value, depth, name = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise BadArgument(
                f"the arguments hold more than {MAX_VALUES} values; send only the "
                "arguments the tool takes"
            )
        where = f"{name}: " if name else ""
        if isinstance(value, dict):
            if depth >= MAX_DEPTH:
                raise _too_deep()
            for key, child in value.items():
                stack += [(key, depth + 1, name), (child, depth + 1, name or str(key)[:40])]
        elif isinstance(value, list | tuple):
            if depth >= MAX_DEPTH:
                raise _too_deep()
            stack += [(child, depth + 1, name) for child in value]
        elif isinstance(value, str):
            _check_string(value, where)
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_INTEGER:
                raise BadArgument(
                    f"{where}the number {_short(value)} is out of range; numbers "
                    f"are between -{MAX_INTEGER} and {MAX_INTEGER}"
                )
        elif isinstance(value, float) and not math.isfinite(value):
            raise BadArgument(f"{where}{value} is not a number; send a finite number")


def _check_string(value: str, where: str) -> None:
    if len(value) > MAX_STRING:
        raise BadArgument(
            f"{where}a text argument is {len(value):,} characters long; the limit is {MAX_STRING:,}"
        )
    bad = next(
        (
            c
            for c in value
            if c not in _FREE_TEXT_CONTROLS and unicodedata.category(c) in ("Cc", "Cs")
        ),
        None,
    )
    if bad is not None:
        raise BadArgument(
            f"{where}a text argument contains the control character "
            f"U+{ord(bad):04X}; send plain text"
        )


def _too_deep() -> BadArgument:
    return BadArgument(
        f"the arguments nest deeper than {MAX_DEPTH} levels; send a flat JSON "
        "object of argument names to values"
    )


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} characters)"


def single_line(max_chars: int) -> Callable[[str], str]:
    """A validator for a name, address part, email or id: at most ``max_chars`` characters,
    no control, format (bidi, zero-width), private-use or unassigned characters."""

    def check(value: str) -> str:
        if len(value) > max_chars:
            raise ValueError(f"at most {max_chars} characters (got {len(value):,})")
        bad = next((c for c in value if unicodedata.category(c) in _BAD_CATEGORIES), None)
        if bad is not None:
            raise ValueError(
                f"contains the invisible or control character U+{ord(bad):04X}; "
                "use plain letters, digits and punctuation"
            )
        return value

    return check


def price(value: float) -> float:
    if not math.isfinite(value) or not 0 <= value <= MAX_PRICE:
        raise ValueError(f"a price is a number of dollars from 0 to {MAX_PRICE:,.0f}, such as 100")
    return value


def rating(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("a rating is a number from 0 to 5, such as 4")
    return value


def at_most(count: int) -> Callable[[list[Any]], list[Any]]:
    """A validator for a list of at most ``count`` entries."""

    def check(value: list[Any]) -> list[Any]:
        if len(value) > count:
            raise ValueError(f"at most {count} entries (got {len(value)})")
        return value

    return check
