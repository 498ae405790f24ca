"""What the store adds to a reply before it is drawn: the facts a product card shows (brand,
rating, review count, key attributes, the chosen variant), the comparison table behind a
``compare_products`` step, the demo shoppers one can sign in as, and example prompts that fit
the catalog being served.

A ``Reply`` carries product ids, prices and reasons, not the catalog's attributes; the cards
read the rest here, by id, so the reply's JSON stays small and the cards show current data.
A comparison's product ids may be positions in the last results ("1", "2"), so they are
resolved against the conversation's stored candidates, as the tool resolved them.

Not here: HTML (``ui.web.render``), Gradio.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case
from sqlmodel import col, func, select

from assistant.conversation import load_state
from assistant.reply import ProductCard, Reply
from retrieval.documents import ProductRecord, load_product_records
from store.db import Store
from store.models import Order, OrderStatus, Product, User
from tools.references import resolve_reference

MAX_ATTRIBUTES = 3  # chips on a card: enough to tell products apart, few enough to scan
MAX_ROWS = 10  # comparison rows after price, rating and brand
MISSING = "—"


@dataclass(frozen=True)
class CardView:
    """One product card: the reply's facts plus what the store knows of the product."""

    product_id: str
    title: str
    price: float
    brand: str = ""
    category: str = ""
    rating: float | None = None  # None: no reviews yet
    rating_count: int = 0
    attributes: tuple[str, ...] = ()  # short, human-readable facts ("Layout: 65%")
    variant: str = ""  # the recommended variant's options ("switch clicky · color White")
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComparisonView:
    """Products side by side: ``rows`` are (label, one cell per product)."""

    product_ids: tuple[str, ...]
    titles: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class ExamplePrompts:
    discovery: list[str] = field(default_factory=list)
    service: list[str] = field(default_factory=list)


def humanize(key: str) -> str:
    """``hot_swappable`` -> ``Hot swappable``."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def attribute_facts(attributes: Mapping[str, Any], limit: int = MAX_ATTRIBUTES) -> tuple[str, ...]:
    """The first ``limit`` attributes as short facts; a true flag is its name, a false one is
    left out (a card lists what a product has, the comparison table what it lacks)."""
    facts: list[str] = []
    for key, value in attributes.items():
        if value is None or value is False or value == "" or value == []:
            continue
        facts.append(humanize(key) if value is True else f"{humanize(key)}: {_value(value)}")
        if len(facts) == limit:
            break
    return tuple(facts)


def _variant(record: ProductRecord, item_id: str | None) -> str:
    for item in record.items:
        if item.item_id == item_id:
            return " · ".join(f"{humanize(k).lower()} {v}" for k, v in item.options.items()
                              if v is not None and v != "")
    return ""


def card_views(store: Store, cards: Sequence[ProductCard]) -> list[CardView]:
    """Cards in the reply's order; a product the store no longer has keeps the reply's facts."""
    records = {r.product_id: r for r in load_product_records(store, [c.product_id for c in cards])}
    views = []
    for card in cards:
        record = records.get(card.product_id)
        if record is None:
            views.append(CardView(card.product_id, card.title, card.price,
                                  reasons=tuple(card.reasons)))
            continue
        views.append(CardView(
            product_id=card.product_id,
            title=card.title,
            price=card.price,
            brand=record.brand,
            category=record.category_leaf,
            rating=round(record.rating_avg, 1) if record.rating_count else None,
            rating_count=record.rating_count,
            attributes=attribute_facts(record.attributes),
            variant=_variant(record, card.item_id),
            reasons=tuple(card.reasons),
        ))
    return views


# --- comparisons ---------------------------------------------------------------------------


def compared_ids(reply: Reply) -> list[str]:
    """The ``product_ids`` of the reply's last successful compare_products step."""
    for step in reversed(reply.trace):
        if step.tool == "compare_products" and step.ok:
            ids = step.arguments.get("product_ids") or []
            return [str(i) for i in ids] if isinstance(ids, list) else []
    return []


def _resolve(store: Store, session_id: str, refs: Sequence[str]) -> list[str]:
    """Ids, positions ("1") or references ("the Aurora") -> product ids, as the tool did."""
    with store.session() as session:
        candidates = load_state(session, session_id, None).shop.candidates
        known = set(session.exec(select(Product.product_id).where(
            col(Product.product_id).in_(list(refs)))))
    out: list[str] = []
    for ref in refs:
        found: str | None = ref if ref in known else None
        if found is None and ref.isdigit() and 0 < int(ref) <= len(candidates):
            found = candidates[int(ref) - 1].product_id
        found = found or resolve_reference(ref, candidates)
        if found is not None and found not in out:
            out.append(found)
    return out


def _cells(values: Sequence[Any]) -> tuple[str, ...]:
    return tuple(MISSING if v is None else _value(v) for v in values)


def _price(record: ProductRecord) -> str:
    prices = {item.price for item in record.items} or {record.price}
    lowest = f"${min(prices):,.2f}"
    return f"from {lowest}" if len(prices) > 1 else lowest


def comparison_view(store: Store, session_id: str, reply: Reply) -> ComparisonView | None:
    """The table for a reply that compared products; None when it did not (or ids are gone)."""
    refs = compared_ids(reply)
    ids = _resolve(store, session_id, refs) if refs else []
    by_id = {r.product_id: r for r in load_product_records(store, ids)}
    records = [by_id[i] for i in ids if i in by_id]
    if len(records) < 2:
        return None
    rows: list[tuple[str, tuple[str, ...]]] = [
        ("Price", tuple(_price(r) for r in records)),
        ("Rating", tuple(f"{r.rating_avg:.1f} ★ ({r.rating_count})" if r.rating_count
                         else "no reviews yet" for r in records)),
        ("Brand", tuple(r.brand or MISSING for r in records)),
    ]
    keys = list(dict.fromkeys(k for r in records for k in r.attributes))
    options = list(dict.fromkeys(k for r in records for k in r.option_values()))
    extra = [(humanize(k), _cells([r.attributes.get(k) for r in records])) for k in keys]
    extra += [(humanize(k), _cells([r.option_values().get(k) for r in records]))
              for k in options if k not in keys]
    extra.sort(key=lambda row: len(set(row[1])) == 1)  # rows that tell them apart first
    rows += extra[:MAX_ROWS]
    return ComparisonView(tuple(r.product_id for r in records),
                          tuple(r.title for r in records), tuple(rows))


# --- who can sign in, what to try ------------------------------------------------------------


def demo_shoppers(store: Store, limit: int = 5) -> list[tuple[str, str]]:
    """(display name, user id) of customers worth demoing: those with a pending order first
    (the cancel and change examples need one), then those with the most orders (their
    profiles personalise results); ties in the shop's own order."""
    orders = func.count(col(Order.order_id))
    pending = func.sum(case((col(Order.status) == OrderStatus.PENDING, 1), else_=0))
    query = (
        select(User.user_id, User.first_name, User.last_name)
        .join(Order, col(Order.user_id) == col(User.user_id), isouter=True)
        .group_by(col(User.user_id), col(User.first_name), col(User.last_name), col(User.seq))
        .order_by(pending.desc(), orders.desc(), col(User.seq))
        .limit(limit)
    )
    with store.session() as session:
        rows = session.exec(query).all()
    return [(f"{first} {last}".strip() or uid, uid) for uid, first, last in rows]


def _round_up(price: float) -> int:
    step = 10 if price < 200 else 50 if price < 1000 else 100
    return int(math.ceil(price / step) * step)


def example_prompts(store: Store) -> ExamplePrompts:
    """Discovery prompts built from the catalog's two largest categories (so they work for any
    imported catalog, not only the demo shop) and customer-service prompts."""
    with store.session() as session:
        leaves = session.exec(
            select(Product.category_leaf, func.count())
            .where(Product.category_leaf != "")
            .group_by(col(Product.category_leaf))
            .order_by(func.count().desc(), col(Product.category_leaf))
            .limit(2)
        ).all()
        prices = {leaf: [float(p) for p in session.exec(
            select(Product.price).where(Product.category_leaf == leaf))] for leaf, _ in leaves}
    discovery: list[str] = []
    if leaves:
        first = leaves[0][0]
        cap = _round_up(statistics.median(prices[first]))
        discovery.append(f"{first} under ${cap}")
        discovery.append(f"Help me choose {leaves[-1][0].lower()}")
        discovery.append("Compare the first two")
    service = [
        "Where is my most recent order?",
        "How do returns work?",
        "I want to cancel my pending order",
    ]
    return ExamplePrompts(discovery, service)
