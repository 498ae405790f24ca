"""Shopping tools that inform rather than search: the shopper's profile, a side-by-side
comparison, and help-center passages to cite.

``lookup_profile`` takes no argument on purpose: it reads the session's user, which code set
when the shopper signed in; a model cannot ask for anyone else's profile. ``compare_products``
accepts ids or positions in the last results ("1", "2"). Every number these tools return is
recorded in the turn's facts, so the reply may quote it.

Not here: search (``tools.shopping``), customer-service account tools (``tools.service_read``).
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.documents import ProductRecord, load_product_records, norm_key
from store.aspects import AspectSummary
from store.errors import NotFound
from tools.base import ToolResult, tool
from tools.checks import matching_items
from tools.errors import BadArgument, NotAuthenticated, Refusal, UnknownId
from tools.explain import review_summaries
from tools.grounding import ProductFact, numbers_in
from tools.references import resolve_reference
from tools.service_read import IdList
from tools.shop_context import Citation, ShopContext

MAX_COMPARED = 4
MAX_ROWS = 8
MAX_VALUES = 6
PASSAGES = 3
PASSAGE_CHARS = 500


@tool
def lookup_profile(ctx: ShopContext) -> ToolResult:
    """Summarise what the signed-in shopper usually buys (categories, brands, sizes, price
    range). Only for the shopper of this conversation; it needs no arguments."""
    if ctx.session_user_id is None:
        raise NotAuthenticated("no shopper is signed in to this conversation, so there is no "
                               "profile; recommend without one and never ask for a user id")
    try:
        facts = ctx.shopper()
    except NotFound as exc:
        raise UnknownId("the signed-in shopper has no record in this shop; recommend "
                        "without a profile") from exc
    assert facts is not None  # session_user_id is set
    p = facts.profile
    parts = []
    if p.categories:
        parts.append("shops most for " + ", ".join(c for c, _ in p.categories[:3]))
    if p.brands:
        parts.append("brands: " + ", ".join(
            f"{b} (bought {facts.brand_purchases[b]})" if facts.brand_purchases.get(b) else b
            for b, _ in p.brands[:3]))
        ctx.turn.numbers.update(float(n) for n in facts.brand_purchases.values())
    if p.price_band:
        parts.append(f"usually pays ${p.price_band.low:,.2f}-${p.price_band.high:,.2f}")
        ctx.turn.prices.update({p.price_band.low, p.price_band.high})
    for key, values in p.preferred_options.items():
        parts.append(f"usual {key.replace('_', ' ')}: {', '.join(values)}")
        for v in values:
            ctx.turn.numbers.update(numbers_in(v))
    if p.recent_searches:
        parts.append("recent searches: " + "; ".join(p.recent_searches[:3]))
    parts.append(f"{p.order_count} orders")
    ctx.turn.numbers.add(float(p.order_count))
    return ToolResult(ok=True, data=facts, content="Signed-in shopper: " + "; ".join(parts) + ".")


def _resolve_ids(ctx: ShopContext, product_ids: Sequence[str]) -> list[str]:
    known = {r.product_id for r in load_product_records(ctx.store, list(product_ids))}
    out: list[str] = []
    for pid in product_ids:
        found: str | None = pid if pid in known else None
        if found is None and pid.isdigit() and 0 < int(pid) <= len(ctx.last_candidates) \
                and len(pid) <= 2:
            found = ctx.last_candidates[int(pid) - 1].product_id
        found = found or resolve_reference(pid, ctx.last_candidates)
        if found is None:
            raise UnknownId(f"unknown product {pid!r}; use ids or positions (1-"
                            f"{len(ctx.last_candidates)}) from the last search results")
        if found not in out:
            out.append(found)
    return out


def _cell(values: Sequence[object]) -> str:
    shown = [str(v) for v in values[:MAX_VALUES]]
    return ", ".join(shown) + (", ..." if len(values) > MAX_VALUES else "") if shown else "-"


def _rows(records: Sequence[ProductRecord]) -> list[tuple[str, list[str]]]:
    keys: dict[str, str] = {}
    for r in records:
        for k in list(r.attributes) + list(r.option_values()):
            keys.setdefault(norm_key(k), k)
    rows: list[tuple[bool, bool, str, list[str]]] = []
    for nkey, key in keys.items():
        cells = []
        for r in records:
            attr = {norm_key(k): v for k, v in r.attributes.items()}.get(nkey)
            opts = {norm_key(k): v for k, v in r.option_values().items()}.get(nkey)
            value = attr if attr is not None else opts
            values = value if isinstance(value, list) else ([] if value is None else [value])
            cells.append(_cell(["yes" if v is True else "no" if v is False else v
                                for v in values]))
        rows.append((all(c != "-" for c in cells), len(set(cells)) > 1, key, cells))
    rows.sort(key=lambda r: (not r[0], not r[1]))  # shared and differing first
    return [(key.replace("_", " "), cells) for _, _, key, cells in rows[:MAX_ROWS]]


def _aspects(summary: Sequence[AspectSummary], praise: bool) -> str:
    picked = [a.aspect for a in summary
              if (a.positive > a.negative if praise else a.negative >= max(a.positive, 1))]
    return ", ".join(picked[:2]) or "-"


@tool
def compare_products(ctx: ShopContext, product_ids: IdList) -> ToolResult:
    """Compare 2 to 4 products side by side: price, rating, key attributes and what reviews say.

    Args:
        product_ids: Product ids, or positions in the last search results such as ['1', '2'].
    """
    ids = _resolve_ids(ctx, product_ids)
    if not 2 <= len(ids) <= MAX_COMPARED:
        raise BadArgument(f"compare 2 to {MAX_COMPARED} different products; got {len(ids)}")
    by_id = {r.product_id: r for r in load_product_records(ctx.store, ids)}
    records = [by_id[i] for i in ids]
    summaries = review_summaries(ctx.store, ids)
    prices = []
    for r in records:
        fits = matching_items(r, ctx.constraints)
        price = fits[0].price if fits else r.price
        prices.append(price)
        numbers = {x for v in r.attributes.values() for x in numbers_in(str(v))} | {
            x for vs in r.option_values().values() for v in vs for x in numbers_in(v)}
        ctx.turn.add(ProductFact(r.product_id, r.title, r.brand, (price, r.price),
                                 round(r.rating_avg, 1), r.rating_count, frozenset(numbers)))
    table: list[tuple[str, list[str]]] = [
        ("product", [f"{n}. {r.title} [id {r.product_id}]" for n, r in enumerate(records, 1)]),
        ("brand", [r.brand or "-" for r in records]),
        ("price", [f"${p:,.2f}" for p in prices]),
        ("rating", [f"{r.rating_avg:.1f} ({r.rating_count} reviews)" for r in records]),
        *_rows(records),
        ("reviewers praise", [_aspects(summaries[i], True) for i in ids]),
        ("complaints", [_aspects(summaries[i], False) for i in ids]),
    ]
    lines = [f"| {name} | " + " | ".join(cells) + " |" for name, cells in table]
    lines.insert(1, "|---|" + "---|" * len(records))
    return ToolResult(ok=True, content="\n".join(lines), data=table)


@tool
def search_help_center(ctx: ShopContext, query: str) -> ToolResult:
    """Search the shop's help-center articles (shipping, returns, warranty, payment, accounts).
    Answer policy questions only from these passages and cite the article id and title.

    Args:
        query: The shopper's question, such as 'how long do returns take'.
    """
    if ctx.help_searcher is None:
        raise Refusal("the help center is not available right now; offer a human agent")
    passages = ctx.help_searcher.search_help(query, k=PASSAGES)
    if not passages:
        return ToolResult(ok=True, content="No help-center article answers this; offer a "
                          "human agent.")
    lines = []
    for p in passages:
        section = f" > {p.section}" if p.section else ""
        text = " ".join(p.text.split())[:PASSAGE_CHARS]
        lines.append(f'[{p.article_id}] "{p.title}"{section}: {text}')
        ctx.turn.citations.append(Citation(p.article_id, p.title))
        found = numbers_in(text)
        ctx.turn.numbers.update(found)
        ctx.turn.prices.update(found)
    lines.append("Cite the article id and title you use.")
    return ToolResult(ok=True, content="\n".join(lines), data=passages)
