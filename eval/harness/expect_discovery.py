"""What the vague, clarifying and "cannot do that" flows (1-8 of /work/notes/flows.md)
expect of a turn, by facts.

Each function takes the turn's ``Ctx`` and returns its failures. The every-turn checks
(``checks``) have already judged the cards against the flow's constraints in effect, so an
expectation adds what is particular to its turn: the kind of reply, the question's attribute
and options, a refinement against the cards shown before, what the text must say.

Not here: refinements and the rest of discovery (``expect_refine``), the service flows
(``expect_service``), the flow table (``flows``).
"""

from __future__ import annotations

import re

from eval.harness.expect_common import (
    ESCAPE,
    budget_range,
    card_has,
    cards_in,
    every_card,
    is_budget,
    is_category,
    kind_is,
    no_cards,
    real_options,
    recommendations,
    says,
    show_category,
)
from eval.harness.flow_types import Ctx, Failure, fail
from retrieval.documents import norm_key, norm_value

NOT_SOLD = re.compile(
    r"\b(don'?t|do not|doesn'?t|does not|not|never|no longer|can'?t|cannot|couldn'?t)\b"
    r"[^.?!]{0,40}\b(carry|carries|carried|sell|sells|sold|stock|stocks|stocked|offer|offers|"
    r"have|has|find|found)\b|\bnot (available|sold|carried|stocked|offered)\b|\bno \w+"
    r"( \w+)? (here|in (our|the|this) (shop|store|catalog))|"
    r"不卖|不销售|本店没有|店里没有|没有(卖|这个品牌|该品牌)|"
    r"\bno (vendemos|tenemos|vende|tiene|manejamos|trabajamos|lo vendemos|la vendemos)\b",
    re.IGNORECASE,
)
UNCHECKED = re.compile(
    r"\b(could ?n[o']t|can ?n[o']t|cannot|unable to|not able to|no way to|don'?t|do not|"
    r"doesn'?t|does not|isn'?t|is not|aren'?t|are not)\b[^.?!]{0,60}\b(check|verify|filter|"
    r"confirm|know|tell|listed|list|recorded|record|track|specified|stated|guarantee)"
    r"|\b(no|without) (data|information|details|attribute|filter)\b|\bnot (listed|recorded|"
    r"specified|stated|checked|verified)\b|"
    r"(没法|无法|没办法|不能)(核实|确认|筛选|检查)|"
    r"\bno (he podido|puedo|se puede|pude) (comprobar|verificar|filtrar|confirmar)",
    re.IGNORECASE,
)
CLAIM = re.compile(
    r"as you asked|you asked for|you wanted|match(es|ing)? (your|what)|"
    r"fits? your|meets? your",
    re.IGNORECASE,
)
CLAIM_FILLER = re.compile(
    r"matches your words|what you meant|everything you asked|"
    r"all you asked",
    re.IGNORECASE,
)
WISHES = {
    "4 people": re.compile(
        r"\b(4|four)[\s-]*(people|persons?|man|men|berth|p)\b|"
        r"\bfor (4|four)\b|"
        r"(4|四)个?人|\b(4|cuatro) personas\b|\bpara (4|cuatro)\b",
        re.IGNORECASE,
    ),
    "black": re.compile(r"\bblack\b|黑|\bneg(ro|ra|ros|ras)\b", re.IGNORECASE),
}
_BRAND_WORDS = re.compile(r"\b(that|this|the) brand\b", re.IGNORECASE)
_NOT_PRICE = {"brand", "price", "budget", "price_max", "price_range", "cost"}


# --- vague requests ---------------------------------------------------------------------


def vague_recipient_t1(c: Ctx) -> list[Failure]:
    out = kind_is(c, "question")
    if out or c.reply.question is None:
        return out
    options = real_options(c.reply.question.options)
    bad = [o for o in options if not (is_category(c.facts, o) or is_budget(o))]
    if bad:
        out += fail("options", f"options {bad} are no category, department or budget")
    if len(options) < 2:
        out += fail("options", f"{len(options)} real options, expected at least 2")
    return out


def vague_recipient_t2(c: Ctx) -> list[Failure]:
    clicked = c.clicked or ""
    if c.reply.kind == "question" and c.reply.question is not None:
        scope = c.facts.category_name(clicked)
        values = set()
        for leaf in (
            [scope]
            if scope in c.facts.by_leaf
            else sorted(c.facts.departments.get(scope or "", set()))
        ):
            values |= {v for vs in c.facts.category_values(leaf).values() for v in vs}
        bad = [
            o
            for o in real_options(c.reply.question.options)
            if not (is_category(c.facts, o) or is_budget(o) or norm_value(o) in values)
        ]
        return fail("options", f"options {bad} are no category, budget or value") if bad else []
    out = recommendations(c)
    if (category := c.facts.category_name(clicked)) is not None:
        return out + cards_in(c, category)
    if (budget := budget_range(clicked)) is not None:
        low, high = budget
        return out + every_card(
            c,
            lambda card, _: low - 0.005 <= card.price <= high + 0.005,
            f"is outside the clicked budget {clicked!r}",
        )
    return out


def vague_room_t1(c: Ctx) -> list[Failure]:
    out = kind_is(c, "question")
    if out or c.reply.question is None:
        return out
    fitting = {c.facts.category_name(f) for f in c.slots.fitting}
    if not any(c.facts.category_name(o) in fitting for o in c.reply.question.options):
        out += fail(
            "options",
            f"no option is a category for the {c.slots.room} ({', '.join(c.slots.fitting[:6])}...)",
        )
    return out


# --- questions about the candidates ------------------------------------------------------


def choose_question(c: Ctx) -> list[Failure]:
    """A question on an attribute or option of the category, with values its products have
    (brand never, price only when no attribute splits the category)."""
    category = c.slots.category or ""
    out = kind_is(c, "question")
    if out or c.reply.question is None:
        return out
    q = c.reply.question
    values = c.facts.category_values(category)
    splitting = sorted(k for k, v in values.items() if len(v) >= 2)
    key = norm_key(q.attribute)
    if key in _NOT_PRICE:
        if key == "brand" or splitting:
            out += fail(
                "question_attribute",
                f"asks about {q.attribute!r} although "
                f"{', '.join(splitting[:5])} split the {category}",
            )
        return out
    if key not in values:
        return fail(
            "question_attribute",
            f"{q.attribute!r} is no attribute or option of "
            f"{category} ({', '.join(sorted(values)[:8])})",
        )
    bad = [o for o in real_options(q.options) if norm_value(o) not in values[key]]
    if bad:
        out += fail("options", f"options {bad} are no {q.attribute} of {category}")
    return out


def clicked_value(c: Ctx) -> list[Failure]:
    category, value = c.slots.category or "", c.clicked or ""
    out = recommendations(c) + cards_in(c, category)
    if ESCAPE.match(value):
        return out
    return out + every_card(
        c,
        lambda card, r: card_has(card, r, c.clicked_attribute, value),
        f"does not have {c.clicked_attribute} {value!r}",
    )


def variant_question_t1(c: Ctx) -> list[Failure]:
    out = kind_is(c, "question")
    if out or c.reply.question is None:
        return out
    product = c.facts.by_leaf[c.slots.category or ""][0]
    offered = {norm_key(k): set(map(norm_value, v)) for k, v in product.option_values().items()}
    q = c.reply.question
    key = norm_key(q.attribute)
    if key not in offered:
        return fail(
            "question_attribute",
            f"{q.attribute!r} is none of the variant options {sorted(offered)} of {product.title}",
        )
    bad = [o for o in real_options(q.options) if norm_value(o) not in offered[key]]
    return fail("options", f"options {bad} are no {q.attribute} of {product.title}") if bad else []


def variant_question_t2(c: Ctx) -> list[Failure]:
    value, key = c.clicked or "", c.clicked_attribute or ""

    def fits(card: object, record: object) -> bool:
        items = [
            i
            for i in c.facts.by_leaf[c.slots.category or ""][0].items
            if i.item_id == getattr(card, "item_id", None)
        ]
        return any(
            norm_value(i.options.get(k)) == norm_value(value)
            for i in items
            for k in i.options
            if norm_key(k) == norm_key(key)
        )

    return recommendations(c) + every_card(c, fits, f"suggests no variant with {key} {value!r}")


# --- what the shop cannot do ---------------------------------------------------------------


def not_sold_t1(c: Ctx) -> list[Failure]:
    out = no_cards(c)
    if not says(c.reply.text, NOT_SOLD):
        out += fail("not_sold", f"the text does not say the shop does not sell {c.slots.thing}")
    if c.reply.question is not None:
        bad = [o for o in real_options(c.reply.question.options) if not is_category(c.facts, o)]
        out += fail("options", f"options {bad} are no categories") if bad else []
    return out


def unknown_brand_t1(c: Ctx) -> list[Failure]:
    brand = c.slots.other_brand or ""
    # not \b: in "本店没有Nike，" the brand touches Chinese letters, which are word characters too
    named = re.compile(
        rf"(?<![A-Za-z0-9]){re.escape(brand)}(?![A-Za-z0-9])|{_BRAND_WORDS.pattern}", re.IGNORECASE
    )
    out = (
        []
        if says(c.reply.text, named, NOT_SOLD)
        else fail("not_sold", f"the text does not say {brand} is not carried")
    )
    mentions = re.compile(rf"\b{re.escape(brand)}\b", re.IGNORECASE)
    out += every_card(
        c,
        lambda card, _: (
            not (mentions.search(card.title) or any(mentions.search(r) for r in card.reasons))
        ),
        f"claims the brand {brand}",
    )
    return out + cards_in(c, c.slots.category or "")


def unfilterable_t1(c: Ctx) -> list[Failure]:
    wish = c.slots.wish or ""
    pattern = WISHES[wish]
    out = show_category(c)
    if not says(c.reply.text, pattern, UNCHECKED):
        out += fail("unchecked_wish", f"the text does not say {wish!r} could not be checked")

    def claims(reason: str) -> bool:  # "black, as you asked", or the filler that claims all
        return bool(CLAIM_FILLER.search(reason)) or (
            bool(pattern.search(reason) and CLAIM.search(reason))
        )

    out += every_card(
        c,
        lambda card, _: not any(claims(r) for r in card.reasons),
        f"has a reason claiming {wish!r}",
    )
    return out
