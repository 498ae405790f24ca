"""Which variant of a product the shopper means: their words ("size 10 in blue") and any
options already named, matched against the product's own variants (``Item.options``).

``resolve`` answers with one of:
- ``Picked``: exactly one variant fits and it is in stock (options that every in-stock fitting
  variant shares need no question: a product whose only size 10 in stock is blue is picked);
- ``OpenChoice``: several in-stock variants fit; the first option (in the product's order) on
  which they differ, with its in-stock values, is the question to ask;
- ``NoneInStock``: variants fit but none can be sold now;
- ``NoSuchVariant``: no variant has that combination; the values the product does have for the
  first option that failed.

A value is read from the words as a whole word ("10" in "size 10", not in "10.5"); a value
that several options share ("10" as size and as pieces) counts only after its option's name
("size 10"). Stock: a variant sells when it is available and its stock is untracked (None)
or above zero.

Not here: cart rows (``tools.cart_rows``), the tools (``tools.cart``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from store.models import Item


@dataclass(frozen=True)
class Picked:
    item: Item


@dataclass(frozen=True)
class OpenChoice:
    option: str
    values: tuple[str, ...]  # in stock, in the product's variant order
    chosen: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NoneInStock:
    chosen: dict[str, str]
    items: tuple[Item, ...]  # the fitting variants, none sellable


@dataclass(frozen=True)
class NoSuchVariant:
    option: str
    wanted: str
    values: tuple[str, ...]  # the product's values for that option


Resolution = Picked | OpenChoice | NoneInStock | NoSuchVariant


def sellable(item: Item, quantity: int = 1) -> bool:
    return bool(item.available) and (item.stock is None or item.stock >= quantity)


def option_values(items: Sequence[Item]) -> dict[str, list[str]]:
    """Each option of the product with its values, in variant order."""
    out: dict[str, list[str]] = {}
    for item in items:
        for key, value in (item.options or {}).items():
            values = out.setdefault(str(key), [])
            if str(value) not in values:
                values.append(str(value))
    return out


def _said(value: str, words: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(value.lower())}(?!\w|\.\d)", words.lower()) is not None


def options_in_words(words: str, items: Sequence[Item]) -> dict[str, str]:
    """The option values ``words`` name among ``items``' values (module docstring)."""
    if not words.strip():
        return {}
    found: dict[str, list[str]] = {}
    for key, values in option_values(items).items():
        # the longest value first: "light blue" before "blue"
        for value in sorted(values, key=len, reverse=True):
            if _said(value, words):
                found.setdefault(value.lower(), []).append(key)
                break
    out: dict[str, str] = {}
    values_by_key = option_values(items)
    for value, keys in found.items():
        if len(keys) > 1:
            keys = [k for k in keys if _said(f"{k} {value}", words)]
        if len(keys) == 1:
            key = keys[0]
            out[key] = next(v for v in values_by_key[key] if v.lower() == value)
    return out


def _normalised(chosen: dict[str, str], items: Sequence[Item]) -> dict[str, str] | NoSuchVariant:
    """``chosen`` with the product's own spelling of keys and values."""
    known = option_values(items)
    out: dict[str, str] = {}
    for key, value in chosen.items():
        real = next((k for k in known if k.lower() == key.strip().lower()), None)
        if real is None:
            continue  # an option this product does not have says nothing about it
        spelled = next((v for v in known[real] if v.lower() == str(value).strip().lower()), None)
        if spelled is None:
            return NoSuchVariant(real, str(value), tuple(known[real]))
        out[real] = spelled
    return out


def resolve(items: Sequence[Item], chosen: dict[str, str], words: str = "") -> Resolution:
    """The variant of ``items`` (one product's, in order) meant by ``chosen`` and ``words``."""
    picked = _normalised({**options_in_words(words, items), **chosen}, items)
    if isinstance(picked, NoSuchVariant):
        return picked
    fitting = [
        i for i in items if all(str((i.options or {}).get(k)) == v for k, v in picked.items())
    ]
    if not fitting:
        key = next(reversed(picked))  # the last value named is the one that does not combine
        values = option_values(
            [
                i
                for i in items
                if all(str((i.options or {}).get(k)) == v for k, v in picked.items() if k != key)
            ]
        ).get(key, [])
        return NoSuchVariant(key, picked[key], tuple(values))
    in_stock = [i for i in fitting if sellable(i)]
    if not in_stock:
        return NoneInStock(picked, tuple(fitting))
    if len(in_stock) == 1:
        return Picked(in_stock[0])
    for key, values in option_values(in_stock).items():
        if len(values) > 1:
            return OpenChoice(key, tuple(values), picked)
    return Picked(in_stock[0])  # variants that differ in nothing the shopper can choose
