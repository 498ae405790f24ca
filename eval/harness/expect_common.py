"""Small pieces the flows' expectations are built from: the reply's kind, cards against a
test, what the text says (sentence by sentence), and reading an option (a category, a budget,
an "any is fine").

A card that fails a constraint the turn asks for (in the category, cheaper than before, with
the clicked value) is reported under the check "violating", so the suite's count of
constraint-violating products covers the refinements as well as the flow's constraints.

Not here: the every-turn checks (``checks``), the flows' expectations (``expect_*``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.reply import ProductCard
from eval.harness.checks import has_value
from eval.harness.flow_types import Ctx, Failure, fail
from eval.harness.shopfacts import ShopFacts
from retrieval.documents import ItemRecord, ProductRecord

ESCAPE = re.compile(  # options that stop asking rather than choose: "Show me all of them"
    r"^\s*(any|anything|any of them|no preference|not sure|i'?m not sure|don'?t know|"
    r"doesn'?t matter|skip|something else|other|others|none of these|surprise me|"
    r"(just )?show (me )?(all|everything|anything|them|them all|all of them|some)|"
    r"any is fine|either|whatever|"
    # Chinese and Spanish (the zh and es banks): "全部给我看看", "Enséñamelos todos"
    r"全部.{0,4}看看?|都看看|随便|都行|"
    r"ens[eé][ñn]amelos todos|mu[eé]stramelos todos|cualquiera|me da igual|ninguno de estos)"
    r"\W*$",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"\$\s?(\d[\d,]*(?:\.\d{1,2})?)|\b(\d[\d,]*(?:\.\d{1,2})?)\s*"
    r"(?:dollars|bucks|usd)\b",
    re.IGNORECASE,
)
_UNDER = re.compile(
    r"\b(under|below|less than|up to|at most|max|maximum|within|cheaper than)\b"
    r"|^\s*<",
    re.IGNORECASE,
)
_OVER = re.compile(r"\b(over|above|more than|at least|from)\b|\+|^\s*>", re.IGNORECASE)
_SENTENCES = re.compile(r"(?<=[.!?;:\n])\s+|(?<=[。！？；：])")


def amounts(text: str) -> list[float]:
    """Dollar amounts in ``text``: "$1,299.99", "$90", "90 dollars"."""
    out = []
    for m in _AMOUNT.finditer(text):
        raw = (m.group(1) or m.group(2)).replace(",", "")
        out.append(float(raw))
    return out


def budget_range(option: str) -> tuple[float, float] | None:
    """The price range an option like "Under $50", "$50-$100" or "$200+" offers, else None."""
    found = amounts(option) or [
        float(n)
        for n in re.findall(r"\b\d+\b", option)
        if re.search(r"\b(under|over|budget|price)\b", option, re.I)
    ]
    if not found:
        return None
    if len(found) >= 2:
        return min(found), max(found)
    if _UNDER.search(option):
        return 0.0, found[0]
    if _OVER.search(option):
        return found[0], float("inf")
    return 0.0, found[0]


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCES.split(text) if s.strip()]


def says(text: str, *patterns: re.Pattern[str]) -> bool:
    """Whether one sentence of ``text`` matches every pattern (typographic apostrophes read
    as plain ones)."""
    plain = text.replace("’", "'").replace("‘", "'")
    return any(all(p.search(s) for p in patterns) for s in sentences(plain))


def title_in(title: str, text: str) -> bool:
    return " ".join(title.casefold().split()) in " ".join(text.casefold().split())


# --- the reply's shape ------------------------------------------------------------------


def kind_is(c: Ctx, *kinds: str) -> list[Failure]:
    if c.reply.kind in kinds:
        return []
    return fail("kind", f"the reply is {c.reply.kind!r}, expected {' or '.join(kinds)}")


def recommendations(c: Ctx, at_least: int = 1) -> list[Failure]:
    got = len(c.reply.products)
    if c.reply.kind == "recommendations" and got >= at_least:
        return []
    return fail(
        "kind",
        f"expected recommendations with at least {at_least} products, got "
        f"{c.reply.kind!r} with {got}",
    )


def no_cards(c: Ctx) -> list[Failure]:
    if not c.reply.products:
        return []
    return fail("cards", f"{len(c.reply.products)} products shown, expected none")


def every_card(
    c: Ctx, test: Callable[[ProductCard, ProductRecord], bool], what: str
) -> list[Failure]:
    """A "violating" failure for each card (of a catalog product) failing ``test``."""
    out = []
    for card in c.reply.products:
        record = c.facts.record(card.product_id)
        if record is not None and not test(card, record):
            out.append(Failure("violating", f"{card.title!r} (${card.price:,.2f}) {what}"))
    return out


def cards_in(c: Ctx, category: str) -> list[Failure]:
    return every_card(
        c, lambda _, r: c.facts.in_category(r.product_id, category), f"is not in {category}"
    )


def show_category(c: Ctx) -> list[Failure]:
    return recommendations(c) + cards_in(c, c.slots.category or "")


def suggested(card: ProductCard, record: ProductRecord) -> list[ItemRecord]:
    """The variant a card suggests: its item, else the variants at the card's price."""
    if card.item_id:
        return [i for i in record.items if i.item_id == card.item_id]
    return [i for i in record.items if abs(i.price - card.price) < 0.005]


def card_has(card: ProductCard, record: ProductRecord, key: str | None, value: str) -> bool:
    """The product's attribute, or the suggested variant's option, has ``value``."""
    return has_value(record, None, key, value) or any(
        has_value(record, item, key, value) for item in suggested(card, record)
    )


# --- options ----------------------------------------------------------------------------


def real_options(options: list[str]) -> list[str]:
    return [o for o in options if not ESCAPE.match(o)]


def is_category(facts: ShopFacts, option: str) -> bool:
    return facts.category_name(option) is not None


def is_budget(option: str) -> bool:
    return budget_range(option) is not None
