"""Discovery decisions: search (and maybe ask first), refine what is on screen, ask for a
category, or say the shop does not carry it.

- A message that refines the list on screen ("cheaper", "in blue", "not that brand", "under
  $60 instead") keeps every other constraint; "cheaper" means below the cheapest product shown,
  "more expensive" above the dearest (within the cap the shopper stated, not one an earlier
  "cheaper" set), "better rated" above the lowest-rated one shown.
- A new request naming a category, brand or value searches; a bare one ("help me choose
  headphones", "I want a tent") may ask the best question first.
- A brand the shop does not carry, or a thing no listing mentions, is said to be not sold.
- A vague request ("a gift for my dad") gets a question about the category.

The model's ``search_products`` arguments count only where the shopper's words say nothing
(``tools.constraints.merge_constraints``); its query words join the ranking words.

Not here: carrying the act out (``assistant.act``).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from assistant.policy.acts import Act, AskCategory, NotCarried, Search
from assistant.proposal import Proposal
from assistant.reading import Reading, ShopWords
from assistant.reading.shop import words_of
from assistant.reading.wishes import OCCASIONS, RECIPIENTS, ROOMS
from assistant.state import ConversationState
from tools.constraints import Constraints, merge_constraints
from tools.shop_arguments import arguments_to_constraints
from tools.shop_context import Shown
from tools.shopping import ask_clarifying_question, search_products

SHOWN = 5  # products on screen after a search


def model_constraints(
    proposal: Proposal | None, shop: ShopWords, words: str | None = None
) -> Constraints | None:
    """The constraints in the model's ``search_products`` proposal, kept to what the catalog
    knows; None when it proposed something else. A price bound counts only when ``words``
    (the shopper's, in English) hold that amount: a model that turns "a tent for 4 people"
    into "$10-$20" must not filter the shop (``None`` words: the caller checked them)."""
    if proposal is None or not proposal.is_tool(search_products):
        return None
    args = proposal.arguments
    said = _amounts(words) if words is not None else None

    def grounded(value: object) -> float | None:
        try:
            amount = None if value is None else float(str(value))
        except ValueError:
            return None
        if amount is None or said is None:
            return amount
        return amount if round(amount, 2) in said else None

    constraints, _ = arguments_to_constraints(
        shop.vocab,
        args.get("category"),
        args.get("brands"),
        grounded(args.get("price_min")),
        grounded(args.get("price_max")),
        args.get("min_rating"),
        args.get("in_stock"),
        args.get("attributes"),
    )
    return constraints


def _amounts(words: str) -> set[float]:
    """Every amount written in digits in ``words`` ("$1,200", "90", "1.5k")."""
    out = set()
    for whole, k in re.findall(r"(\d[\d,]*(?:\.\d+)?)\s*(k\b)?", words.lower()):
        value = float(whole.replace(",", ""))
        out.add(round(value * (1000 if k else 1), 2))
    return out


def discovery(
    r: Reading, state: ConversationState, proposal: Proposal | None, shop: ShopWords
) -> Act | None:
    shopping = state.shopping
    parsed = r.constraints
    shown = shopping.candidates[:SHOWN]
    previous = shopping.constraints
    # "other makers?" refines the list; "makers" is no request for Coffee Makers
    same_topic = (
        not parsed.category
        or parsed.category == previous.category
        or bool(r.refine and parsed.category_by_head)
    )
    if (
        shown
        and same_topic
        and (r.refine or r.instead or (r.has_constraints and not parsed.category))
    ):
        if parsed.category_by_head:
            r = replace(r, constraints=replace(parsed, category=None, category_by_head=False))
        return _refined(r, state, shown)
    model = model_constraints(proposal, shop, r.english)
    hint = (
        proposal.arguments.get("attribute")
        if proposal and proposal.is_tool(ask_clarifying_question)
        else None
    )
    names = bool(parsed.category or parsed.brands or parsed.exclude_brands)
    if len(shop.departments.get(parsed.category or "", ())) > 1 and not (
        parsed.brands
        or parsed.attributes
        or parsed.price_max
        or parsed.price_min
        or parsed.min_rating
    ):
        return AskCategory(r.fixed, department=parsed.category)  # "office": which of these?
    if (
        names
        or (parsed.attributes and not r.unknown_things)
        or (r.has_constraints and (previous.category and not r.unknown_things))
    ):
        constraints = merge_constraints(previous, model, parsed)
        return Search(
            constraints,
            _words(r, proposal),
            r.wishes,
            may_ask=_bare(r, state, constraints),
            attribute=hint,
            unknown_brands=r.unknown_brands,
        )
    if r.unknown_brands:
        return NotCarried(r.unknown_brands[0], brand=True)
    if r.unknown_things and (r.product_request or r.vague):
        return NotCarried(r.unknown_things[0])
    if model is not None and (model.category or model.brands):
        constraints = merge_constraints(previous, model, parsed)
        return Search(
            constraints,
            _words(r, proposal),
            r.wishes,
            may_ask=_bare(r, state, constraints),
            attribute=hint,
        )
    if r.vague or (r.product_request and not r.catalog_words):
        if shown and not r.help_choose and not set(words_of(r.english)) & FOR_WHOM:
            return None  # "something more luxurious?" is about the list: not a new search
        return AskCategory(r.fixed, r.rooms)
    if r.product_request and r.catalog_words:
        constraints = merge_constraints(Constraints(), model, parsed)
        return Search(constraints, _words(r, proposal), r.wishes, may_ask=True)
    return None


FOR_WHOM = RECIPIENTS | OCCASIONS | ROOMS  # "a gift for my dad" starts over, list or not


def _words(r: Reading, proposal: Proposal | None) -> str:
    """The ranking words: the shopper's, plus the model's query when it proposed a search."""
    words = r.fixed
    if proposal is not None and proposal.is_tool(search_products):
        query = str(proposal.arguments.get("query") or "")
        if query and query.lower() not in words.lower():
            words = f"{words} {query}"
    return words


def _bare(r: Reading, state: ConversationState, c: Constraints) -> bool:
    """A request that names little more than a category: worth one question first."""
    if r.stop_questions or state.shopping.stop_asking:
        return False
    said = bool(
        c.brands
        or c.exclude_brands
        or c.attributes
        or c.price_max is not None
        or c.price_min is not None
        or c.min_rating is not None
    )
    return r.help_choose or not said


def _refined(r: Reading, state: ConversationState, shown: list[Shown]) -> Search:
    shopping = state.shopping
    c = merge_constraints(shopping.constraints, None, r.constraints)
    baseline: float | None = None
    excluded: tuple[str, ...] = ()
    said = set(c.said)
    stated = shopping.stated
    if r.refine == "cheaper" and r.constraints.price_max is not None:
        pass  # "cheaper, under $100": the cap the shopper names is the refinement
    elif r.refine == "dearer" and r.constraints.price_min is not None:
        pass  # "pricier, over $200"
    elif r.refine == "cheaper":
        baseline = min(s.price for s in shown)
        floor = stated.get("price_min")  # back to the shopper's own floor, if any
        low = floor if floor is not None and floor < baseline else None
        c = c.model_copy(update={"price_max": round(baseline - 0.01, 2), "price_min": low})
        said.add("price_max")
    elif r.refine == "dearer":
        baseline = max(s.price for s in shown)
        cap = stated.get("price_max")  # back to the shopper's own cap, if any
        high = cap if cap is not None and cap > baseline else None
        c = c.model_copy(update={"price_min": round(baseline + 0.01, 2), "price_max": high})
        said.add("price_min")
    elif r.refine == "better_rated":
        baseline = min(s.rating for s in shown)
        c = c.model_copy(update={"min_rating": min(5.0, math.floor(baseline * 10 + 1) / 10)})
        said.add("min_rating")
    elif r.refine == "other_brand":
        excluded = _that_brand(state, shown)
        c = c.model_copy(
            update={
                "brands": [b for b in c.brands if b not in excluded],
                "exclude_brands": list(dict.fromkeys([*c.exclude_brands, *excluded])),
            }
        )
        said.add("exclude_brands")
    c = c.model_copy(update={"said": sorted(said)})
    wishes = tuple(dict.fromkeys([*shopping.unchecked, *r.wishes]))
    return Search(
        c,
        shopping.query or r.fixed,
        wishes,
        may_ask=False,
        refined=r.refine,
        baseline=baseline,
        excluded=excluded,
    )


def _that_brand(state: ConversationState, shown: list[Shown]) -> tuple[str, ...]:
    """ "that brand": the brand of the product in focus, else the brands asked for, else the
    brand of the first product shown."""
    by_id = {s.product_id: s for s in state.shopping.candidates}
    focus = [by_id[p].brand for p in state.focus if p in by_id and by_id[p].brand]
    if focus:
        return (focus[0],)
    if state.shopping.constraints.brands:
        return tuple(state.shopping.constraints.brands)
    return (shown[0].brand,) if shown and shown[0].brand else ()
