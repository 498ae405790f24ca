"""The field rules the two product-feed specs publish, and checking records against them.

ACP: the OpenAI / Stripe Agentic Commerce Protocol product feed (developers.openai.com/
commerce/specs/feed, the flat file format the importer reads, ``store.importers.feeds``):
``enable_search`` and ``enable_checkout`` are lower-case ``true``/``false``; ``id`` is at most
100 characters, ``item_group_id`` and ``brand`` at most 70, ``title`` at most 150 and
``description`` at most 5,000; ``price`` is a number with two decimals and an ISO 4217 code
(``15.00 USD``); ``availability`` is ``in_stock``, ``out_of_stock`` or ``preorder``;
``product_category`` is a path joined by `` > ``; ``link`` and ``image_link`` are http(s) URLs;
``product_review_rating`` is 0-5 and ``product_review_count`` a whole number. Required:
the flags, ``id``, ``title``, ``description``, ``link``, ``image_link``, ``price``,
``availability``, ``inventory_quantity``, ``brand``, ``product_category``; ``item_group_id``
when a product has variants.

Merchant Center (support.google.com/merchants/answer/7052112, the product data
specification): ``id`` at most 50 characters, ``title`` at most 150, ``description`` at most
5,000, ``brand`` at most 70, ``item_group_id`` at most 50, ``price`` as above,
``availability`` ``in_stock``, ``out_of_stock``, ``preorder`` or ``backorder``,
``condition`` ``new``, ``refurbished`` or ``used``, ``product_type`` at most 750 characters.
Required: ``id``, ``title``, ``description``, ``link``, ``image_link``, ``availability``,
``price``, and ``brand`` for most products.

A record breaking a format rule is an error (the exporter wrote something wrong); a required
field the shop has no data for (no page URL, no brand) is a gap, reported once per field with
its count, because the feed is still readable by Aisle and useful to fix at the source.

Not here: building the records (``store.exporters.feeds``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

_PRICE = re.compile(r"^\d+\.\d{2} [A-Z]{3}$")
_URL = re.compile(r"^https?://\S+$")

Check = Callable[[Any], str | None]


def at_most(limit: int) -> Check:
    def check(value: Any) -> str | None:
        text = str(value)
        return f"is {len(text)} characters, over {limit}" if len(text) > limit else None

    return check


def one_of(*allowed: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in allowed else f"{value!r} is not one of {', '.join(allowed)}"

    return check


def matches(pattern: re.Pattern[str], example: str) -> Check:
    def check(value: Any) -> str | None:
        return None if pattern.match(str(value)) else f"{value!r} is not like {example!r}"

    return check


def number(low: float, high: float | None = None) -> Check:
    def check(value: Any) -> str | None:
        try:
            amount = float(value)
        except (TypeError, ValueError):
            return f"{value!r} is not a number"
        if amount < low or (high is not None and amount > high):
            return f"{amount:g} is outside {low:g}-{high:g}" if high else f"{amount:g} < {low:g}"
        return None

    return check


def path() -> Check:
    def check(value: Any) -> str | None:
        parts = str(value).split(" > ")
        return None if all(p.strip() and ">" not in p for p in parts) else f"{value!r} is no path"

    return check


@dataclass(frozen=True)
class FeedSpec:
    name: str
    required: tuple[str, ...]
    rules: Mapping[str, tuple[Check, ...]]


BOOL = one_of("true", "false")
PRICE = matches(_PRICE, "15.00 USD")
URL = matches(_URL, "https://shop.example/p/1")

ACP = FeedSpec(
    "ACP product feed",
    required=(
        "enable_search",
        "enable_checkout",
        "id",
        "title",
        "description",
        "link",
        "image_link",
        "price",
        "availability",
        "inventory_quantity",
        "brand",
        "product_category",
    ),
    rules={
        "enable_search": (BOOL,),
        "enable_checkout": (BOOL,),
        "id": (at_most(100),),
        "item_group_id": (at_most(70),),
        "item_group_title": (at_most(150),),
        "title": (at_most(150),),
        "description": (at_most(5000),),
        "brand": (at_most(70),),
        "price": (PRICE,),
        "availability": (one_of("in_stock", "out_of_stock", "preorder"),),
        "inventory_quantity": (number(0),),
        "product_category": (path(),),
        "link": (URL,),
        "image_link": (URL,),
        "product_review_rating": (number(0, 5),),
        "product_review_count": (number(0),),
        "condition": (one_of("new", "refurbished", "used"),),
    },
)

MERCHANT = FeedSpec(
    "Merchant Center feed",
    required=("id", "title", "description", "link", "image_link", "availability", "price", "brand"),
    rules={
        "id": (at_most(50),),
        "item_group_id": (at_most(50),),
        "title": (at_most(150),),
        "description": (at_most(5000),),
        "brand": (at_most(70),),
        "price": (PRICE,),
        "availability": (one_of("in_stock", "out_of_stock", "preorder", "backorder"),),
        "condition": (one_of("new", "refurbished", "used"),),
        "product_type": (at_most(750), path()),
        "link": (URL,),
        "image_link": (URL,),
    },
)


@dataclass
class Validation:
    """Format errors (``record id: field: problem``) and gaps (required field -> records
    without it)."""

    errors: list[str] = field(default_factory=list)
    gaps: Counter[str] = field(default_factory=Counter)

    def gap_lines(self, spec: FeedSpec) -> list[str]:
        return [
            f"{count} record(s) have no {name}, which the {spec.name} requires; "
            "the shop's data has none to give"
            for name, count in sorted(self.gaps.items())
        ]


def validate(records: Iterable[Mapping[str, Any]], spec: FeedSpec) -> Validation:
    result = Validation()
    for record in records:
        ident = record.get("id", "?")
        for name in spec.required:
            if record.get(name) in (None, ""):
                result.gaps[name] += 1
        for name, checks in spec.rules.items():
            value = record.get(name)
            if value in (None, ""):
                continue
            for check in checks:
                problem = check(value)
                if problem:
                    result.errors.append(f"{ident}: {name}: {problem}")
    return result
