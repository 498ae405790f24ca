"""Shopping tools that inform rather than search: the shopper's profile, a side-by-side
comparison, and help-center passages to cite. Each returns a typed outcome.

``lookup_profile`` takes no argument on purpose: it reads the session's user, which code set;
a model cannot ask for anyone else's profile. ``compare_products`` accepts positions in the
list on screen ("1", "2") before ids, so "the first two" never means products 1 and 2 of a
catalog whose ids are numbers; ``comparison`` builds the one table that both the reply's
prose and the web chat's table are made from.

Not here: search (``tools.shopping``), customer-service account tools (``tools.service_read``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.documents import ProductRecord, load_product_records, norm_key
from retrieval.help import HelpNotFound, HelpPassage
from store.aspects import AspectSummary
from store.db import Store
from store.errors import NotFound
from tools.base import ToolResult, tool
from tools.checks import matching_items
from tools.clarify import label
from tools.constraints import Constraints
from tools.errors import BadArgument, NotAuthenticated, Refusal, UnknownId
from tools.explain import ProfileFacts, review_summaries
from tools.references import resolve_reference
from tools.service_read import IdList
from tools.shop_context import ShopContext, Shown

MAX_COMPARED = 4
MAX_ROWS = 8
MAX_VALUES = 6
PASSAGES = 3
PASSAGE_CHARS = 500
MISSING = "-"
ON_SCREEN = 5  # products a shopper sees after a search: positions count among these


@tool
def lookup_profile(ctx: ShopContext) -> ToolResult:
    """Summarise what the signed-in shopper usually buys (categories, brands, sizes, price
    range). Only for the shopper of this conversation; it needs no arguments."""
    if ctx.session_user_id is None:
        raise NotAuthenticated(
            "no shopper is signed in to this conversation, so there is no "
            "profile; recommend without one and never ask for a user id"
        )
    try:
        facts = ctx.shopper()
    except NotFound as exc:
        raise UnknownId(
            "the signed-in shopper has no record in this shop; recommend without a profile"
        ) from exc
    assert facts is not None  # session_user_id is set
    return ToolResult(ok=True, data=facts, content=profile_text(facts))


def profile_text(facts: ProfileFacts) -> str:
    p = facts.profile
    parts = []
    if p.categories:
        parts.append("shops most for " + ", ".join(c for c, _ in p.categories[:3]))
    if p.brands:
        parts.append(
            "brands: "
            + ", ".join(
                f"{b} (bought {facts.brand_purchases[b]})" if facts.brand_purchases.get(b) else b
                for b, _ in p.brands[:3]
            )
        )
    if p.price_band:
        parts.append(f"usually pays ${p.price_band.low:,.2f}-${p.price_band.high:,.2f}")
    for key, values in p.preferred_options.items():
        parts.append(f"usual {key.replace('_', ' ')}: {', '.join(values)}")
    if p.recent_searches:
        parts.append("recent searches: " + "; ".join(p.recent_searches[:3]))
    parts.append(f"{p.order_count} orders")
    return "Signed-in shopper: " + "; ".join(parts) + "."


# --- comparison ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedProduct:
    product_id: str
    title: str
    brand: str
    price: float  # of the variant that meets the conversation's constraints, if one does
    item_id: str | None
    rating: float
    rating_count: int
    praise: tuple[str, ...] = ()  # review aspects reviewers praise
    complaints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    label: str  # "cushioning", "color"
    cells: tuple[str, ...]  # one per product, "-" when the product does not say

    @property
    def differs(self) -> bool:
        return len(set(self.cells)) > 1

    @property
    def shared(self) -> bool:
        return MISSING not in self.cells


@dataclass(frozen=True)
class Comparison:
    """Products side by side; every sentence about them is made from this."""

    products: tuple[ComparedProduct, ...]
    rows: tuple[Row, ...]  # attributes and options, shared-and-differing first

    def table(self) -> list[tuple[str, list[str]]]:
        """(label, cells) rows for a table: product, brand, price, rating, the attributes,
        then what reviewers praise and complain about."""
        ps = self.products
        return [
            ("product", [p.title for p in ps]),
            ("brand", [p.brand or MISSING for p in ps]),
            ("price", [f"${p.price:,.2f}" for p in ps]),
            (
                "rating",
                [
                    f"{p.rating:.1f} ({p.rating_count} reviews)"
                    if p.rating_count
                    else "no reviews yet"
                    for p in ps
                ],
            ),
            *[(r.label, list(r.cells)) for r in self.rows],
            ("reviewers praise", [", ".join(p.praise) or MISSING for p in ps]),
            ("complaints", [", ".join(p.complaints) or MISSING for p in ps]),
        ]

    def markdown(self) -> str:
        table = self.table()
        lines = [f"| {name} | " + " | ".join(cells) + " |" for name, cells in table]
        lines.insert(1, "|---|" + "---|" * len(self.products))
        return "\n".join(lines)


def _cell(values: Sequence[object]) -> str:
    shown = [str(v) for v in values[:MAX_VALUES]]
    return ", ".join(shown) + (", ..." if len(values) > MAX_VALUES else "") if shown else MISSING


def _rows(records: Sequence[ProductRecord]) -> list[Row]:
    keys: dict[str, str] = {}
    for r in records:
        for k in list(r.attributes) + list(r.option_values()):
            keys.setdefault(norm_key(k), k)
    rows: list[Row] = []
    for nkey, key in keys.items():
        cells = []
        for r in records:
            attr = {norm_key(k): v for k, v in r.attributes.items()}.get(nkey)
            opts = {norm_key(k): v for k, v in r.option_values().items()}.get(nkey)
            value = attr if attr is not None else opts
            values = value if isinstance(value, list) else ([] if value is None else [value])
            cells.append(_cell(["yes" if v is True else "no" if v is False else v for v in values]))
        rows.append(Row(label(key), tuple(cells)))
    rows.sort(key=lambda r: (not r.shared, not r.differs))  # shared and differing first
    return rows[:MAX_ROWS]


def _aspects(summary: Sequence[AspectSummary], praise: bool) -> tuple[str, ...]:
    picked = [
        a.aspect
        for a in summary
        if (a.positive > a.negative if praise else a.negative >= max(a.positive, 1))
    ]
    return tuple(picked[:2])


def comparison(
    store: Store, product_ids: Sequence[str], constraints: Constraints | None = None
) -> Comparison:
    """The comparison of ``product_ids`` (existing ids, in order), prices those of the
    variant that meets ``constraints``."""
    by_id = {r.product_id: r for r in load_product_records(store, list(product_ids))}
    records = [by_id[i] for i in product_ids if i in by_id]
    summaries = review_summaries(store, [r.product_id for r in records])
    products = []
    for r in records:
        fits = matching_items(r, constraints or Constraints())
        best = fits[0] if fits else None
        products.append(
            ComparedProduct(
                r.product_id,
                r.title,
                r.brand,
                best.price if best else r.price,
                (best.item_id or None) if best else None,
                round(r.rating_avg, 1),
                r.rating_count,
                _aspects(summaries[r.product_id], True),
                _aspects(summaries[r.product_id], False),
            )
        )
    return Comparison(tuple(products), tuple(_rows(records)))


def resolve_products(store: Store, refs: Sequence[str], shown: Sequence[Shown]) -> list[str]:
    """Product ids for ``refs``: a position in the list on screen first ("1", "2"), then a
    product id, then a description of a shown product ("the blue one")."""
    known = {r.product_id for r in load_product_records(store, list(refs))}
    out: list[str] = []
    for ref in refs:
        text = str(ref).strip().lstrip("#")
        found: str | None = None
        if text.isdigit() and 0 < int(text) <= min(len(shown), ON_SCREEN) and len(text) <= 2:
            found = shown[int(text) - 1].product_id
        found = found or (text if text in known else None) or resolve_reference(text, shown)
        if found is None:
            on_screen = min(len(shown), ON_SCREEN)
            raise UnknownId(
                f"unknown product {ref!r}; use positions (1-{on_screen}) in the "
                "list on screen, or product ids from the last search results"
            )
        if found not in out:
            out.append(found)
    return out


@tool
def compare_products(ctx: ShopContext, product_ids: IdList) -> ToolResult:
    """Compare 2 to 4 products side by side: price, rating, key attributes and what reviews say.

    Args:
        product_ids: Positions in the last search results such as ['1', '2'], or product ids.
    """
    ids = resolve_products(ctx.store, product_ids, ctx.shopping.candidates)
    if not 2 <= len(ids) <= MAX_COMPARED:
        raise BadArgument(f"compare 2 to {MAX_COMPARED} different products; got {len(ids)}")
    result = comparison(ctx.store, ids, ctx.shopping.constraints)
    return ToolResult(ok=True, content=result.markdown(), data=result)


# --- the help center -------------------------------------------------------------------------


@dataclass(frozen=True)
class HelpAnswer:
    query: str
    passages: tuple[HelpPassage, ...]


@tool
def search_help_center(ctx: ShopContext, query: str) -> ToolResult:
    """Search the shop's help-center articles (shipping, returns, warranty, payment, accounts).
    Answer policy questions only from these passages and cite the article id and title.

    Args:
        query: The shopper's question, such as 'how long do returns take'.
    """
    if ctx.help_searcher is None:
        raise Refusal("the help center is not available right now; offer a human agent")
    result = ctx.help_searcher.search_help(query, k=PASSAGES)
    if isinstance(result, HelpNotFound):
        return ToolResult(
            ok=True,
            data=HelpAnswer(query, ()),
            content=("No help-center article answers this; offer a human agent."),
        )
    lines = []
    for p in result.passages:
        section = f" > {p.section}" if p.section else ""
        text = " ".join(p.text.split())[:PASSAGE_CHARS]
        lines.append(f'[{p.article_id}] "{p.title}"{section}: {text}')
    lines.append("Cite the article id and title you use.")
    return ToolResult(ok=True, content="\n".join(lines), data=HelpAnswer(query, result.passages))
