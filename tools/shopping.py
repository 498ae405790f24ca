"""The product-discovery tools: search and clarify (and, from ``tools.shopping_info``, compare,
the shopper's profile and the help center).

``find_products`` is where constraints are enforced in code: they become hard filters in hybrid
retrieval, the ranker (when there is one) orders the candidates with the shopper's profile, and
every candidate is checked again against the constraints before anyone sees it. The result is
a typed ``SearchOutcome``: how many products meet the constraints, the candidates (kept in the
conversation and referred to by position or id, never pasted whole into a prompt), the top
five with reasons built from facts, and, when nothing fits, the nearest relaxations.

``search_products`` is the same capability as a tool for a model or a replay: its arguments are
merged with the conversation's constraints and the shopper's own words (which win) first.

Not here: the information tools (``tools.shopping_info``), parsing (``tools.constraints``),
reasons (``tools.explain``), deciding when to search or ask (``assistant.policy``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from retrieval.documents import ProductRecord, load_product_records, norm_key
from retrieval.ranker.ranker import RetrievalOrder
from retrieval.search import Candidate, ProductSearcher, script_language
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
from tools.explain import ProfileFacts, Recommendation, recommend, review_summaries, set_apart
from tools.relax import Relaxation, relaxations
from tools.service_read import Text
from tools.shop_arguments import (
    AttributeMap,
    Money,
    Names,
    Rating,
    arguments_to_constraints,
    fill_from_query,
    overruled,
)
from tools.shop_context import RerankerLike, ShopContext, Shown
from tools.shopping_info import compare_products, lookup_profile, search_help_center

__all__ = [
    "SHOPPING_TOOLS",
    "Retrieved",
    "SearchOutcome",
    "ask_clarifying_question",
    "compare_products",
    "find_products",
    "lookup_profile",
    "merged_constraints",
    "rank",
    "retrieve",
    "search_help_center",
    "search_products",
    "shown_for",
]

CANDIDATES = 50  # kept in the conversation for follow-ups, clarification and references
TOP = 5  # shown to the shopper


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
    wishes: tuple[str, ...] = ()  # unchecked wishes the ranking used

    def model_text(self) -> str:
        """What a model reads of this outcome: short lines, ids to refer to."""
        lines = [f"Constraints: {self.constraints.describe()}."]
        lines += [f"Note: {n}." for n in self.notes]
        if not self.recommendations:
            lines.append(
                "No product fits all of these. Nearest options:"
                if self.relaxations
                else "No product fits, even with one constraint relaxed."
            )
            lines += [f"- {r.text}" for r in self.relaxations]
            return "\n".join(lines)
        lines.insert(0, f"{self.total} products match; the best {len(self.recommendations)}:")
        for n, rec in enumerate(self.recommendations, start=1):
            lines.append(f"{n}. {rec.title} [id {rec.product_id}] ${rec.price:,.2f}")
        return "\n".join(lines)


def _searcher(ctx: ShopContext) -> ProductSearcher:
    if ctx.searcher is None:
        raise Refusal(
            "product search is not available right now; tell the shopper and offer "
            "to help with something else"
        )
    return ctx.searcher


def _profile(ctx: ShopContext) -> ProfileFacts | None:
    try:
        return ctx.shopper()
    except NotFound:
        return None  # a session user the shop does not know: search without a profile


def _rank(
    ranker: RerankerLike | None,
    query: str,
    pairs: list[tuple[Candidate, ProductRecord]],
    profile: ProfileFacts | None,
) -> list[tuple[Candidate, ProductRecord]]:
    if ranker is None or len(pairs) < 2:
        return pairs  # without a ranker, retrieval order stands
    order = ranker.rerank(query, [r for _, r in pairs], profile.profile if profile else None)
    position = {r.product_id: i for i, r in enumerate(order)}
    return sorted(pairs, key=lambda p: position.get(p[1].product_id, len(position)))


def shown_for(
    record: ProductRecord, constraints: Constraints, hit: Candidate | None = None
) -> Shown:
    """A product as the conversation remembers it, with the variant to suggest: one that
    meets the constraints, in stock whenever one that does is."""
    items = matching_items(record, constraints)
    options: dict[str, list[str]] = {}
    for item in items:
        for key, value in item.options.items():
            if str(value) not in options.setdefault(key, []):
                options[key].append(str(value))
    best = items[0] if items else None
    return Shown(
        product_id=record.product_id,
        title=record.title,
        brand=record.brand,
        price=best.price if best else record.price,
        item_id=(best.item_id or None) if best else None,
        rating=round(record.rating_avg, 2),
        rating_count=record.rating_count,
        options=options,
        category=record.category_leaf or record.product_type,
        in_stock=bool(best and best.available) or not record.items,
        keyword_rank=hit.bm25_rank if hit else None,
        semantic_rank=hit.dense_rank if hit else None,
    )


@dataclass(frozen=True)
class Retrieved:
    """A search's first half: what meets the constraints, before ranking and reasons."""

    words: str
    constraints: Constraints
    total: int  # products in the catalog meeting the constraints
    fitting: list[tuple[Candidate, ProductRecord]]  # retrieval order, re-checked
    rejected: int
    wishes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    language: str | None = None  # the shopper's, when not English: the ranker leaves it alone


def retrieve(
    ctx: ShopContext,
    text: str,
    constraints: Constraints,
    wishes: Sequence[str] = (),
    notes: Sequence[str] = (),
    language: str | None = None,
) -> Retrieved:
    """Hybrid retrieval under ``constraints`` (hard filters), every hit re-checked.
    ``language``: the shopper's ("en", "zh", "es"; the reading's), which picks the dense leg;
    None lets retrieval read the script (Chinese only)."""
    searcher, vocab = _searcher(ctx), ctx.vocabulary()
    words = " ".join(dict.fromkeys([text.strip(), *wishes])).strip() or (constraints.category or "")
    if not words:
        raise BadArgument("query is empty; pass what the shopper is looking for")
    flt = to_filter(constraints, vocab)
    total = int(searcher.filters.mask(flt).sum())
    hits = searcher.search(words, flt, k=CANDIDATES, language=language) if total else []
    records = {
        r.product_id: r for r in load_product_records(ctx.store, [h.product_id for h in hits])
    }
    fitting = [
        (h, records[h.product_id])
        for h in hits
        if h.product_id in records and not violations(records[h.product_id], constraints)
    ]
    return Retrieved(
        words,
        constraints,
        total,
        fitting,
        len(hits) - len(fitting),
        tuple(wishes),
        tuple(notes),
        None
        if (language or script_language(words)) == "en"
        else language or script_language(words),
    )


def rank(ctx: ShopContext, found: Retrieved) -> SearchOutcome:
    """A search's second half: the ranker's order with the shopper's profile, the top five
    with reasons, or the nearest relaxations when nothing fits."""
    if not found.fitting:
        options = relaxations(_searcher(ctx).filters, found.constraints, ctx.vocabulary())
        return SearchOutcome(
            found.words,
            found.constraints,
            0,
            [],
            [],
            options,
            list(found.notes),
            found.rejected,
            found.wishes,
        )
    profile = _profile(ctx)
    # the ranker was trained on the shop's English queries: a Chinese or Spanish query keeps
    # the retrieval order (with the rating prior), which the multilingual leg made
    ranker = ctx.ranker if found.language is None else RetrievalOrder()
    ranked = _rank(ranker, found.words, found.fitting, profile)
    candidates = [shown_for(r, found.constraints, h) for h, r in ranked]
    top = ranked[:TOP]
    summaries = review_summaries(ctx.store, [r.product_id for _, r in top])
    recs = [
        recommend(r, found.constraints, profile, h, summaries[r.product_id], found.wishes)
        for h, r in top
    ]
    return SearchOutcome(
        found.words,
        found.constraints,
        found.total,
        candidates,
        set_apart(recs),
        [],
        list(found.notes),
        found.rejected,
        found.wishes,
    )


def find_products(
    ctx: ShopContext,
    text: str,
    constraints: Constraints,
    wishes: Sequence[str] = (),
    notes: Sequence[str] = (),
    language: str | None = None,
) -> SearchOutcome:
    """Search the catalog for ``text`` under ``constraints`` (hard), ranked with the shopper's
    profile; ``wishes`` are words the catalog cannot filter on, used for ranking and named in
    reasons only where a product's own text mentions them."""
    return rank(ctx, retrieve(ctx, text, constraints, wishes, notes, language))


def merged_constraints(
    ctx: ShopContext, parsed: ParsedConstraints, model: Constraints | None = None
) -> Constraints:
    """The conversation's constraints, then the model's where the shopper has not spoken,
    then the shopper's own words (``tools.constraints.merge_constraints``)."""
    return merge_constraints(ctx.shopping.constraints, model, parsed)


@tool
def search_products(
    ctx: ShopContext,
    query: str,
    category: Text | None = None,
    brands: Names | None = None,
    price_min: Money | None = None,
    price_max: Money | None = None,
    min_rating: Rating | None = None,
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
    vocab = ctx.vocabulary()
    context = ctx.shopping.constraints.category
    parsed = parse_constraints(ctx.message, vocab, context) if ctx.message else ParsedConstraints()
    llm, notes = arguments_to_constraints(
        vocab, category, brands, price_min, price_max, min_rating, in_stock, attributes
    )
    llm = fill_from_query(
        llm, parse_constraints(query, vocab, llm.category or context), attributes=not ctx.message
    )
    merged = merged_constraints(ctx, parsed, llm)
    notes += overruled(llm, merged)
    text = query.strip() or ctx.message.strip()
    outcome = find_products(ctx, text, merged, notes=notes)
    return ToolResult(ok=True, content=outcome.model_text(), data=outcome)


def clarifying_question(
    ctx: ShopContext,
    candidates: Sequence[Shown],
    constraints: Constraints,
    asked: Sequence[str],
    attribute: str | None = None,
) -> Question | None:
    """The question that best splits ``candidates`` (``tools.clarify``), about ``attribute``
    when that one splits them well; None when no question is worth asking."""
    records = load_product_records(ctx.store, [c.product_id for c in candidates])
    fixed, done = constraints.fixed_keys(), {norm_key(a) for a in asked}
    if attribute:
        key = ctx.vocabulary().resolve_key(attribute) or attribute
        if norm_key(key) not in fixed | done and (found := question_for(records, key)):
            return found
    return best_question(records, fixed, done)


@tool
def ask_clarifying_question(ctx: ShopContext, attribute: str | None = None) -> ToolResult:
    """Choose a clarifying question that best narrows the last search results, with options to
    offer. Use it when many products fit and the shopper's need is vague.

    Args:
        attribute: An attribute you think is worth asking about, such as 'size'; the tool may
            choose a better one.
    """
    shopping = ctx.shopping
    if shopping.stop_asking:
        return ToolResult(
            ok=True,
            content="The shopper asked for no more questions; recommend from the current results.",
        )
    if not shopping.candidates:
        raise BadArgument("there are no search results to narrow; call search_products first")
    question = clarifying_question(
        ctx, shopping.candidates, shopping.constraints, shopping.asked, attribute
    )
    if question is None:
        return ToolResult(
            ok=True,
            content=f"No question needed: the {len(shopping.candidates)} "
            "results do not differ much on anything the shopper has not said; "
            "recommend them.",
        )
    return ToolResult(
        ok=True,
        data=question,
        content=(f'Ask the shopper: "{question.text}" Options: {" | ".join(question.options)}'),
    )


SHOPPING_TOOLS = ToolSet(
    [
        search_products,
        ask_clarifying_question,
        compare_products,
        lookup_profile,
        search_help_center,
    ]
)
