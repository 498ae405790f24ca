"""The pieces the reply puts into its sentences, in the shopper's language: what was asked
for as a list, a product card's reasons, a "nothing fits" button, an order's state and date.

Catalog words (categories, brands, attribute names and values, titles) stay as the shop spells
them; prices keep the shop's currency sign. Everything else comes from the text tables.

Not here: the sentences (``respond.discovery``, ``respond.service``), the facts (``tools``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from assistant.outcomes import OrderLine, OrderView
from assistant.respond.texts import EN, join, placeholders, plural, say
from tools.constraints import Constraints
from tools.explain import Reason
from tools.relax import Relaxation


def money(value: float) -> str:
    return f"${value:,.2f}"


def describe(c: Constraints, lang: str, category: bool = True) -> str:
    """What the shopper asked for: "Running Shoes, under $90.00, size 10" ("" for nothing)."""
    parts = [c.category] if category and c.category else []
    if c.brands:
        parts.append(join(lang, list(c.brands)))
    parts += [say(lang, "wish_not", brand=b) for b in c.exclude_brands]
    parts += [
        say(lang, "wish_attribute", key=k.replace("_", " "), values=join(lang, list(v)))
        for k, v in c.attributes.items()
    ]
    if c.price_min is not None and c.price_max is not None:
        parts.append(say(lang, "wish_range", low=money(c.price_min), high=money(c.price_max)))
    elif c.price_max is not None:
        parts.append(say(lang, "wish_under", price=money(c.price_max)))
    elif c.price_min is not None:
        parts.append(say(lang, "wish_over", price=money(c.price_min)))
    if c.min_rating is not None:
        parts.append(say(lang, "wish_rated", stars=f"{c.min_rating:g}"))
    if c.in_stock:
        parts.append(say(lang, "wish_in_stock"))
    return say(lang, "list_sep").join(parts)


def _values(lang: str, values: dict[str, str | tuple[str, ...]], word: str) -> dict[str, str]:
    return {k: v if isinstance(v, str) else join(lang, list(v), word) for k, v in values.items()}


def reason_text(reason: Reason, lang: str) -> str:
    """A card's reason in the shopper's language (its English text when it has no name)."""
    if not reason.name:
        return reason.text
    word = "and" if reason.name == "why_praise" else "or"
    values = _values(lang, dict(reason.values), word)
    wanted = placeholders(EN[reason.name])
    if "times" in wanted:
        n = int(reason.facts.get("purchases", 0))
        values["times"] = (
            say(lang, f"times_{n}") if n in (1, 2) else say(lang, "times_many", count=n)
        )
    if "reviews" in wanted:
        values["reviews"] = plural(lang, "review", int(reason.facts.get("rating_count", 0)))
    return say(lang, reason.name, **values)


def relaxation_label(r: Relaxation, lang: str) -> str:
    """A "nothing fits" change as a button: "Raise the price cap from $100.00 to $104.99
    (3 products)"."""
    if not r.name:
        return r.text[:1].upper() + r.text[1:]
    products = say(
        lang, "count_products", count=r.matches, products=plural(lang, "product", r.matches)
    )
    return say(lang, r.name, products=products, **_values(lang, dict(r.values), "or"))


def status_word(status: str, lang: str) -> str:
    """An order's state in words: "pending" -> "待处理"; an unknown state as stored."""
    key = "status_" + "".join(c if c.isalnum() else "_" for c in status.lower()).strip("_")
    key = "_".join(p for p in key.split("_") if p)
    return say(lang, key) if key in EN else status


def date_text(when: datetime, lang: str) -> str:
    return say(lang, "date", month=say(lang, f"month_{when.month}"), day=when.day, year=when.year)


def date_label(view: OrderView, lang: str = "en") -> str:
    return date_text(view.placed, lang) if view.placed else ""


def line_label(line: OrderLine) -> str:
    """An order line by its listing's title and options: "Office Chair (color: Blue)"."""
    options = ", ".join(f"{k}: {v}" for k, v in line.options)
    return f"{line.title} ({options})" if options else line.title


def grouped(labels: Sequence[str]) -> list[str]:
    """ "2 x Office Chair (color: Blue)" for a line the order holds twice."""
    counts = Counter(labels)
    return [f"{n} \u00d7 {label}" if n > 1 else label for label, n in counts.items()]
