"""The product-discovery tools: search, clarify, compare, the shopper's profile, the help center.

``search_products`` is where constraints are enforced in code: the model's arguments and the
deterministic parse of the shopper's latest message (``ShopContext.message``) are merged with
the earlier turns' constraints (the shopper's words win), become hard filters in hybrid
retrieval, the ranker (when there is one) orders the candidates with the shopper's profile, and
every candidate is checked again against the constraints before the model sees it. The model
gets the top five as short lines, with reasons built from facts; the full candidate list stays
in the context and is referred to by position or id. When nothing fits, it gets the nearest
relaxations instead of an empty answer it might fill with inventions.

Not here: the information tools (``tools.shopping_info``: profile, compare, help center),
parsing (``tools.constraints``), reasons (``tools.explain``), the agent loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from retrieval.documents import ProductRecord, load_product_records, norm_key
from retrieval.search import Candidate, ProductSearcher
from store.errors import NotFound
from tools.base import ToolResult, ToolSet, tool
from tools.checks import matching_items, violations
from tools.clarify import Question, best_question, question_for
from tools.constraints import (
    Constraints,
    ParsedConstraints,
    merge_constraints,
    parse_constraints,
    to_filter,
)
from tools.errors import BadArgument, Refusal
from tools.explain import ProfileFacts, Recommendation, recommend, review_summaries
from tools.grounding import numbers_in
from tools.references import resolve_reference
from tools.relax import Relaxation, relaxations
from tools.service_read import Text
from tools.shop_arguments import (
    AttributeMap,
    Money,
    Names,
    arguments_to_constraints,
    fill_from_query,
    overruled,
)
from tools.shop_context import ShopContext, Shown
from tools.shopping_info import compare_products, lookup_profile, search_help_center

__all__ = ["SHOPPING_TOOLS", "SearchOutcome", "ask_clarifying_question", "compare_products",
           "lookup_profile", "resolve_reference", "search_help_center", "search_products"]

CANDIDATES = 50  # kept in the context for follow-ups, clarification and references
TOP = 5  # shown to the model


@dataclass(frozen=True)
class SearchOutcome:
    query: str
    constraints: Constraints
    total: int  # products in the catalog meeting the constraints
    candidates: list[Shown]
    recommendations: list[Recommendation]
    relaxations: list[Relaxation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rejected: int = 0  # retrieval results the re-check threw out (should stay 0)


def nothing_fits_text(outcome: SearchOutcome) -> str:
    """The reply when a search found nothing that fits, from its facts: what was asked for,
    and the nearest relaxations (each with how many products it would bring back)."""
    asked = outcome.constraints.describe() or outcome.query
    if not outcome.relaxations:
        return (f"Nothing in the shop fits all of that ({asked}), even with one requirement "
                "relaxed. Which of them matters least to you?")
    nearest = "\n".join(f"- {r.text}" for r in outcome.relaxations)
    return (f"Nothing in the shop fits all of that ({asked}). The nearest options:\n{nearest}\n"
            "Shall I search with one of these?")


def _searcher(ctx: ShopContext) -> ProductSearcher:
    if ctx.searcher is None:
        raise Refusal("product search is not available right now; tell the shopper and offer "
                      "to help with something else")
    return ctx.searcher


def _profile(ctx: ShopContext) -> ProfileFacts | None:
    try:
        return ctx.shopper()
    except NotFound:
        return None  # a session user the shop does not know: search without a profile


def _rank(ctx: ShopContext, query: str, pairs: list[tuple[Candidate, ProductRecord]],
          profile: ProfileFacts | None) -> list[tuple[Candidate, ProductRecord]]:
    if ctx.ranker is None or len(pairs) < 2:
        return pairs  # the hook: without a trained ranker, retrieval order stands
    order = ctx.ranker.rerank(query, [r for _, r in pairs], profile.profile if profile else None)
    position = {r.product_id: i for i, r in enumerate(order)}
    return sorted(pairs, key=lambda p: position.get(p[1].product_id, len(position)))


def _shown(record: ProductRecord, constraints: Constraints, hit: Candidate) -> Shown:
    items = matching_items(record, constraints)
    options: dict[str, list[str]] = {}
    for item in items:
        for key, value in item.options.items():
            if str(value) not in options.setdefault(key, []):
                options[key].append(str(value))
    best = items[0] if items else None
    return Shown(product_id=record.product_id, title=record.title, brand=record.brand,
                 price=best.price if best else record.price,
                 item_id=(best.item_id or None) if best else None,
                 rating=round(record.rating_avg, 2), rating_count=record.rating_count,
                 options=options, keyword_rank=hit.bm25_rank, semantic_rank=hit.dense_rank)


def _remember_numbers(ctx: ShopContext, constraints: Constraints) -> None:
    for value in (constraints.price_min, constraints.price_max):
        if value is not None:
            ctx.turn.prices.add(value)
    if constraints.min_rating is not None:
        ctx.turn.numbers.add(constraints.min_rating)
    for values in constraints.attributes.values():
        for v in values:
            ctx.turn.numbers.update(numbers_in(v))


def _line(n: int, rec: Recommendation) -> str:
    why = "; ".join([r.text for r in rec.reasons if r.kind != "retrieval"][:3])
    noun = "review" if rec.rating_count == 1 else "reviews"
    rating = f", {rec.rating:.1f} stars ({rec.rating_count} {noun})" if rec.rating_count else ""
    return f"{n}. {rec.title} [id {rec.product_id}] ${rec.price:,.2f}{rating}" + (
        f". Why: {why}" if why else "")


@tool
def search_products(
    ctx: ShopContext,
    query: str,
    category: Text | None = None,
    brands: Names | None = None,
    price_min: Money | None = None,
    price_max: Money | None = None,
    min_rating: float | None = None,
    in_stock: bool | None = None,
    attributes: AttributeMap | None = None,
) -> ToolResult:
    """Search the shop's catalog for products that fit what the shopper wants. Call it for every
    product request; recommend only products it returns. Earlier constraints are remembered.

    Args:
        query: What the shopper is looking for, in their words, such as 'trail running shoes'.
        category: A category or product type, such as 'Running Shoes', if the shopper named one.
        brands: Brands the shopper asked for, such as ['Paceline'].
        price_min: The lowest price the shopper accepts, in dollars.
        price_max: The highest price the shopper accepts, in dollars, such as 100.
        min_rating: The lowest average star rating the shopper accepts, 0-5.
        in_stock: True when the shopper needs it in stock now.
        attributes: Required features or options, such as {'size': '10', 'color': 'Black'}.
    """
    searcher, vocab = _searcher(ctx), ctx.vocabulary()
    parsed = (parse_constraints(ctx.message, vocab, ctx.constraints.category)
              if ctx.message else ParsedConstraints())
    llm, notes = arguments_to_constraints(vocab, category, brands, price_min, price_max,
                                          min_rating, in_stock, attributes)
    context = llm.category or ctx.constraints.category
    llm = fill_from_query(llm, parse_constraints(query, vocab, context),
                          attributes=not ctx.message)
    merged = merge_constraints(ctx.constraints, llm, parsed)
    notes += overruled(llm, merged)
    text = query.strip() or ctx.message.strip() or (merged.category or "")
    if not text:
        raise BadArgument("query is empty; pass what the shopper is looking for")
    total, fitting, rejected = _retrieve(ctx, searcher, text, merged)
    if merged.category != ctx.constraints.category:
        ctx.asked = set()  # questions about the old category do not count
    ctx.constraints, ctx.last_query = merged, text
    ctx.last_candidates = [_shown(r, merged, h) for h, r in fitting]
    ctx.turn.searched = True
    _remember_numbers(ctx, merged)
    lines = [f"Constraints: {merged.describe()}."] + [f"Note: {n}." for n in notes]
    if not fitting:
        options = relaxations(searcher.filters, merged, vocab)
        for option in options:
            relaxed = option.constraints
            ctx.turn.prices.update(p for p in (relaxed.price_min, relaxed.price_max)
                                   if p is not None)
            ctx.turn.numbers.update({option.matches, relaxed.min_rating or 0})
        lines.append("No product fits all of these. Do not suggest other products; tell the "
                     "shopper and offer the nearest options:" if options else
                     "No product fits, even with one constraint relaxed; ask the shopper "
                     "which requirement matters least.")
        lines += [f"- {o.text}" for o in options]
        return ToolResult(ok=True, content="\n".join(lines), data=SearchOutcome(
            text, merged, 0, [], [], options, notes, rejected))
    top = fitting[:TOP]
    summaries = review_summaries(ctx.store, [r.product_id for _, r in top])
    recs = [recommend(r, merged, _profile(ctx), h, summaries[r.product_id]) for h, r in top]
    for rec in recs:
        ctx.turn.add_recommendation(rec)
    ctx.turn.numbers.update({total, len(fitting)})
    lines.insert(0, f"{total} products match; the best {len(top)}:")
    lines += [_line(n, rec) for n, rec in enumerate(recs, start=1)]
    lines.append("Refer to products by number or id.")
    return ToolResult(ok=True, content="\n".join(lines), data=SearchOutcome(
        text, merged, total, ctx.last_candidates, recs, [], notes, rejected))


def _retrieve(ctx: ShopContext, searcher: ProductSearcher, text: str, constraints: Constraints
              ) -> tuple[int, list[tuple[Candidate, ProductRecord]], int]:
    """(products meeting the filter, candidates that pass the re-check in ranked order, how
    many retrieval results the re-check threw out)."""
    flt = to_filter(constraints, ctx.vocabulary())
    total = int(searcher.filters.mask(flt).sum())
    hits = searcher.search(text, flt, k=CANDIDATES) if total else []
    records = {r.product_id: r for r in load_product_records(ctx.store,
                                                             [h.product_id for h in hits])}
    fitting = [(h, records[h.product_id]) for h in hits
               if h.product_id in records and not violations(records[h.product_id], constraints)]
    return total, _rank(ctx, text, fitting, _profile(ctx)), len(hits) - len(fitting)


@tool
def ask_clarifying_question(ctx: ShopContext, attribute: str | None = None) -> ToolResult:
    """Choose a clarifying question that best narrows the last search results, with options to
    offer. Use it when many products fit and the shopper's need is vague.

    Args:
        attribute: An attribute you think is worth asking about, such as 'size'; the tool may
            choose a better one.
    """
    if ctx.stop_asking:
        return ToolResult(ok=True, content="The shopper asked for no more questions; recommend "
                          "from the current results.")
    if not ctx.last_candidates:
        raise BadArgument("there are no search results to narrow; call search_products first")
    records = load_product_records(ctx.store, [c.product_id for c in ctx.last_candidates])
    fixed, note, question = ctx.constraints.fixed_keys(), "", None
    if attribute:
        key = ctx.vocabulary().resolve_key(attribute) or attribute
        if norm_key(key) in fixed | ctx.asked:
            note = f"{attribute!r} is already settled or asked; "
        else:
            question = question_for(records, key)
            note = "" if question else f"{attribute!r} barely separates the results; "
    question = question or best_question(records, fixed, ctx.asked)
    if question is None:
        return ToolResult(ok=True, content=f"{note}No question needed: the {len(records)} "
                          "results do not differ much on anything the shopper has not said; "
                          "recommend them.")
    return _asked(ctx, question, note)


def _asked(ctx: ShopContext, question: Question, note: str) -> ToolResult:
    ctx.asked.add(norm_key(question.key))
    ctx.turn.question = question
    for option in question.options:
        ctx.turn.numbers.update(numbers_in(option))
    return ToolResult(ok=True, data=question, content=(
        f'{note}Ask the shopper: "{question.text}" Options: {" | ".join(question.options)}'))


SHOPPING_TOOLS = ToolSet([
    search_products,
    ask_clarifying_question,
    compare_products,
    lookup_profile,
    search_help_center,
])
