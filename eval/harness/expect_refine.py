"""What the constraint, refinement, reference, nothing-fits and stock flows (9-22 of
/work/notes/flows.md) expect of a turn, by facts.

A refinement is judged against the cards of the turn it refines (``Ctx.earlier``): "cheaper"
means below the cheapest card shown, "more expensive" above the dearest, "better rated" above
the lowest-rated. When the catalog has nothing that would satisfy it (nothing cheaper in the
category), a reply without products is right. References ("the second one", "the cheaper
one") are about one card: its title is in the text and no other card's, or it is the only card.

Not here: the flows' constraints in effect, already checked on every turn (``checks``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.reply import ProductCard, Reply
from eval.harness.cases import TargetConstraint
from eval.harness.expect_common import (
    amounts,
    budget_range,
    cards_in,
    every_card,
    no_cards,
    recommendations,
    says,
    title_in,
)
from eval.harness.flow_types import Ctx, Failure, fail
from eval.harness.shopper import NOTHING_FITS
from retrieval.documents import ProductRecord, norm_value

_PRICE_DROP = re.compile(
    r"\b(any price|no (price )?(limit|cap|budget|max)|without|remove|drop|"
    r"ignore|raise|increase|higher|more|relax|over|above|any budget)\b|"
    r"提高|不限价格|价格上限|\b(subir|quitar) el precio\b",
    re.IGNORECASE,
)
_BEYOND = re.compile(
    r"\b(beyond|outside|other categor\w*|any categor\w*|all categor\w*|"
    r"elsewhere|whole (shop|store|catalog))\b|不限于|\bm[aá]s all[aá] de\b",
    re.IGNORECASE,
)
CardTest = Callable[[ProductCard, ProductRecord], bool]


def _before(c: Ctx, turn: int = 1) -> Reply | None:
    return c.earlier[turn - 1] if len(c.earlier) >= turn else None


def _category_cap(c: Ctx, cap: float | None) -> list[TargetConstraint]:
    out = [
        TargetConstraint(
            kind="category", key="category", value=c.slots.category or "", disclosure="volunteered"
        )
    ]
    if cap is not None:
        out.append(
            TargetConstraint(
                kind="price_max", key="price", value=float(cap), disclosure="volunteered"
            )
        )
    return out


def first_results(c: Ctx) -> list[Failure]:
    return recommendations(c)


def two_results(c: Ctx) -> list[Failure]:
    return recommendations(c, 2)


def price_phrasings_t1(c: Ctx) -> list[Failure]:
    """Cards (each under the cap, checked on every turn), or a correct "nothing fits"."""
    if c.reply.products:
        return []
    fits = c.facts.truth.fitting(_category_cap(c, c.slots.cap))
    if fits:
        return fail(
            "kind",
            f"no products shown although {len(fits)} "
            f"{c.slots.category} cost at most ${c.slots.cap}",
        )
    return (
        []
        if says(c.reply.text, NOTHING_FITS)
        else fail("nothing_fits", "no products, and the text does not say so")
    )


# --- refinements ----------------------------------------------------------------------------


def _refined(c: Ctx, exists: bool, test: CardTest, what: str) -> list[Failure]:
    if not c.reply.products:
        return fail("kind", f"no products although the catalog has some {what}") if exists else []
    return every_card(c, test, f"is not {what}")


def _prices(c: Ctx) -> list[float]:
    return [i.price for r in c.facts.by_leaf.get(c.slots.category or "", []) for i in r.items]


def cheaper_t2(c: Ctx) -> list[Failure]:
    before = _before(c)
    if before is None or not before.products:
        return fail("refine", "no products on screen to refine")
    floor = min(p.price for p in before.products)
    exists = any(p < floor - 0.005 for p in _prices(c))
    return _refined(
        c, exists, lambda card, _: card.price < floor - 0.005, f"cheaper than ${floor:,.2f}"
    )


def pricier_t2(c: Ctx) -> list[Failure]:
    before = _before(c)
    if before is None or not before.products:
        return fail("refine", "no products on screen to refine")
    top = max(p.price for p in before.products)
    exists = any(p > top + 0.005 for p in _prices(c))
    return _refined(c, exists, lambda card, _: card.price > top + 0.005, f"dearer than ${top:,.2f}")


def rated_t2(c: Ctx) -> list[Failure]:
    before = _before(c)
    records = [c.facts.record(p.product_id) for p in (before.products if before else [])]
    ratings = [r.rating_avg for r in records if r is not None]
    if not ratings:
        return fail("refine", "no products on screen to refine")
    low = min(ratings)
    exists = any(r.rating_avg > low + 1e-9 for r in c.facts.by_leaf.get(c.slots.category or "", []))
    return _refined(c, exists, lambda _, r: r.rating_avg > low + 1e-9, f"rated above {low:g}")


def not_brand_t2(c: Ctx) -> list[Failure]:
    brand = c.slots.brand or ""
    return recommendations(c) + every_card(
        c, lambda _, r: norm_value(r.brand) != norm_value(brand), f"is from {brand}"
    )


# --- comparison and references -----------------------------------------------------------


def compare_t2(c: Ctx) -> list[Failure]:
    before = _before(c)
    if before is None or len(before.products) < 2:
        return fail("refine", "fewer than two products on screen to compare")
    first, second = before.products[:2]
    text = c.reply.text
    out = [
        Failure("names", f"the text does not name {p.title!r}")
        for p in (first, second)
        if not title_in(p.title, text)
    ]
    others = [
        r.title
        for r in c.facts.truth.records.values()
        if r.product_id not in (first.product_id, second.product_id)
        and title_in(r.title, text)
        and not (title_in(r.title, first.title) or title_in(r.title, second.title))
    ]
    out += fail("names", f"the text names other products: {others[:3]}") if others else []
    allowed = [first.price, second.price, abs(first.price - second.price)]
    bases = [
        r.price
        for pid in (first.product_id, second.product_id)
        if (r := c.facts.record(pid)) is not None
    ]
    allowed += bases + ([abs(bases[0] - bases[1])] if len(bases) == 2 else [])
    wrong = [a for a in amounts(text) if not any(abs(a - x) < 0.01 for x in allowed)]
    return out + (
        fail("amounts", f"amounts {wrong} are neither their prices nor the difference")
        if wrong
        else []
    )


def _about(c: Ctx, target: ProductCard, shown: list[ProductCard]) -> list[Failure]:
    if [p.product_id for p in c.reply.products] == [target.product_id]:
        return []
    others = [
        p.title
        for p in shown
        if p.product_id != target.product_id
        and title_in(p.title, c.reply.text)
        and not title_in(p.title, target.title)
    ]
    if title_in(target.title, c.reply.text) and not others:
        return []
    return fail(
        "reference",
        f"the reply is not about {target.title!r}"
        + (f" (it names {others[0]!r})" if others else ""),
    )


def second_t2(c: Ctx) -> list[Failure]:
    before = _before(c)
    if before is None or len(before.products) < 2:
        return fail("refine", "fewer than two products on screen")
    return _about(c, before.products[1], before.products)


def cheaper_one_t3(c: Ctx) -> list[Failure]:
    before = _before(c)
    if before is None or len(before.products) < 2:
        return fail("refine", "fewer than two products on screen")
    first, second = before.products[:2]
    if abs(first.price - second.price) < 0.005:  # either is "the cheaper one"
        return min((_about(c, p, [first, second]) for p in (first, second)), key=len)
    return _about(c, first if first.price < second.price else second, [first, second])


# --- nothing fits -------------------------------------------------------------------------


def nothing_fits_t1(c: Ctx) -> list[Failure]:
    out = raise_cap_t1(c)
    options = c.reply.question.options if c.reply.question else []
    if not options:
        return out + fail("options", "no relaxations offered as options")
    bad = [o for o in options if not _relaxes(c, o)]
    return out + (fail("options", f"options {bad} relax nothing") if bad else [])


def _relaxes(c: Ctx, option: str) -> bool:
    budget = budget_range(option)
    if budget is not None and budget[1] > (c.slots.cap or 0):
        return True
    return bool(
        _PRICE_DROP.search(option) or _BEYOND.search(option) or c.facts.categories_in(option)
    )


def relaxed(c: Ctx, option: str) -> tuple[str | None, float | None]:
    """The (category, cap) an option relaxes the request to: "Raise the price cap to $35"
    keeps the category, "Search beyond Blenders" keeps the cap, "Blenders" names another
    category, "Any price" drops the cap."""
    mine = c.facts.category_name(c.slots.category or "")
    others = [n for n in c.facts.categories_in(option) if n != mine]
    category = others[0] if others else None if _BEYOND.search(option) else mine
    budget = budget_range(option)
    if budget is not None and budget[1] != float("inf"):
        return category, budget[1]
    if _PRICE_DROP.search(option) and category == mine:
        return category, None
    return category, c.slots.cap


def nothing_fits_t2(c: Ctx) -> list[Failure]:
    """Products that meet the relaxation clicked."""
    category, cap = relaxed(c, c.clicked or "")
    out = recommendations(c) + (cards_in(c, category) if category else [])
    if cap is not None:
        out += every_card(
            c, lambda card, _: card.price <= cap + 0.005, f"costs more than ${cap:,.2f}"
        )
    return out


def raise_cap_t1(c: Ctx) -> list[Failure]:
    out = no_cards(c)
    if not says(c.reply.text, NOTHING_FITS):
        out += fail("nothing_fits", "the text does not say nothing fits")
    return out


# --- stock ----------------------------------------------------------------------------------


def stock_t1(c: Ctx) -> list[Failure]:
    def in_stock(card: ProductCard, record: ProductRecord) -> bool:
        return any(i.item_id == card.item_id and i.available for i in record.items)

    return recommendations(c) + every_card(c, in_stock, "suggests no in-stock variant")
