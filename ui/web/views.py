"""What the store adds to a reply before it is drawn: the facts a product card shows (brand,
rating, review count, key attributes, the chosen variant), the comparison table behind a
``compare_products`` step; and what the chat shows before a conversation: the shop's name and
tagline, the demo shoppers one can sign in as, and example prompts that work as the first
message for the shopper signed in (order examples only for a shopper who has such an order).

A ``Reply`` carries product ids, prices and reasons, not the catalog's attributes; the cards
read the rest here, by id, so the reply's JSON stays small and the cards show current data.
A comparison's product ids may be positions in the last results ("1", "2"), so they are
resolved against the conversation's stored candidates, as the tool resolved them.

Not here: HTML (``ui.web.render``), Gradio.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from sqlalchemy import case
from sqlmodel import col, func, select

from assistant.conversation import load_state
from assistant.reply import ProductCard, Reply
from retrieval.documents import ProductRecord, load_product_records
from store.db import Store
from store.meta import shop_meta
from store.models import HelpArticle, Order, OrderStatus, Product, User
from tools.shopping_info import MISSING as MISSING_CELL
from tools.shopping_info import comparison
from ui.web.cart import OptionPicker, picker

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
    picker: OptionPicker | None = None  # None: no "Add to cart" (a reply without variants)


@dataclass(frozen=True)
class ComparisonView:
    """Products side by side: ``rows`` are (label, one cell per product)."""

    product_ids: tuple[str, ...]
    titles: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class ExamplePrompts:
    """Prompts that work as the first message of a conversation, none of them leaning on
    earlier context: product searches, then orders and help."""

    discovery: list[str] = field(default_factory=list)
    service: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ShopIdentity:
    """What the chat's header says: the shop's name and what it sells."""

    name: str
    tagline: str


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
            return " · ".join(
                f"{humanize(k).lower()} {v}"
                for k, v in item.options.items()
                if v is not None and v != ""
            )
    return ""


def card_views(store: Store, cards: Sequence[ProductCard]) -> list[CardView]:
    """Cards in the reply's order; a product the store no longer has keeps the reply's facts."""
    records = {r.product_id: r for r in load_product_records(store, [c.product_id for c in cards])}
    views = []
    for card in cards:
        record = records.get(card.product_id)
        if record is None:
            views.append(
                CardView(card.product_id, card.title, card.price, reasons=tuple(card.reasons))
            )  # no longer sold: nothing to add
            continue
        views.append(
            CardView(
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
                picker=picker(card.variants),
            )
        )
    return views


# --- comparisons ---------------------------------------------------------------------------


def compared_ids(reply: Reply) -> list[str]:
    """The ``product_ids`` of the reply's last successful compare_products step."""
    for step in reversed(reply.trace):
        if step.tool == "compare_products" and step.ok:
            ids = step.arguments.get("product_ids") or []
            return [str(i) for i in ids] if isinstance(ids, list) else []
    return []


def comparison_view(store: Store, session_id: str, reply: Reply) -> ComparisonView | None:
    """The table for a reply that compared products: the same ``Comparison`` the reply's
    sentences were made from (prices of the variants that meet the conversation's
    constraints); None when the reply compared nothing (or the products are gone)."""
    ids = compared_ids(reply)
    if len(ids) < 2:
        return None
    constraints = load_state(store, session_id, None).shopping.constraints
    table = comparison(store, ids, constraints)
    if len(table.products) < 2:
        return None
    rows = [
        (label.capitalize(), tuple(cells))
        for label, cells in table.table()[1:]
        if any(c != MISSING_CELL for c in cells)
    ]
    return ComparisonView(
        tuple(p.product_id for p in table.products),
        tuple(p.title for p in table.products),
        tuple(rows[: MAX_ROWS + 3]),
    )


# --- the shop, who can sign in, what to try -------------------------------------------------

RECENT_ORDER = "Where is my most recent order?"
CANCEL_PENDING = "Cancel my pending order"
ORDER_PROMPTS = (RECENT_ORDER, CANCEL_PENDING)
TAGLINE_DEPARTMENTS = 3  # named in the header; the rest are "and more"


def shop_identity(store: Store) -> ShopIdentity:
    """The shop's name and a tagline naming its largest departments. No shop records a name
    of its own, so the name follows where the catalog came from (``ShopMeta["source"]``): the
    generated demo shop, the tau2-bench retail shop, or an imported file's name."""
    source = shop_meta(store).get("source", "")
    if source == "demo":
        name = "Aisle Demo Shop"
    elif source == "tau2":
        name = "tau2 Retail Shop"
    elif source.startswith("catalog:"):
        name = _file_title(source.removeprefix("catalog:")) or "The Shop"
    else:
        name = "The Shop"
    with store.session() as session:
        paths = session.exec(
            select(Product.category, func.count())
            .where(col(Product.category) != "")
            .group_by(col(Product.category))
        ).all()
    sizes: Counter[str] = Counter()
    for path, count in paths:
        sizes[path.split(" > ")[0].strip()] += count
    # Largest first, ties by name, so the header does not change between runs.
    departments = sorted(sizes, key=lambda d: (-sizes[d], d))
    return ShopIdentity(name, _tagline(departments))


def _file_title(filename: str) -> str:
    """``outdoor_gear.csv`` -> ``Outdoor Gear``; a name with capitals keeps them."""
    stem = PurePath(filename).name.split(".")[0].replace("_", " ").replace("-", " ").strip()
    return stem.title() if stem.islower() else stem


def _tagline(departments: Sequence[str]) -> str:
    if not departments:
        return "Ask for anything the shop sells"
    named = list(departments[:TAGLINE_DEPARTMENTS])
    if len(departments) > TAGLINE_DEPARTMENTS:
        return f"{', '.join(named)} and more"
    if len(named) == 1:
        return named[0]
    return f"{', '.join(named[:-1])} and {named[-1]}"


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


def discovery_prompts(store: Store) -> list[str]:
    """A price-capped search in the catalog's largest category (the cap is its median price
    rounded up, so about half of it fits) and a "help me choose" in the second largest: built
    from the catalog, so they find products in any imported shop, not only the demo one."""
    with store.session() as session:
        leaves = session.exec(
            select(Product.category_leaf, func.count())
            .where(Product.category_leaf != "")
            .group_by(col(Product.category_leaf))
            .order_by(func.count().desc(), col(Product.category_leaf))
            .limit(2)
        ).all()
        if not leaves:
            return []
        first = leaves[0][0]
        prices = [
            float(p)
            for p in session.exec(select(Product.price).where(Product.category_leaf == first))
        ]
    cap = _round_up(statistics.median(prices))
    return [f"{first} under ${cap}", f"Help me choose {leaves[-1][0].lower()}"]


def order_prompts(store: Store, user_id: str | None) -> list[str]:
    """The order examples that fit the signed-in shopper: where their latest order is when
    they have one, cancelling when one of them is pending; none for a guest."""
    if not user_id:
        return []
    with store.session() as session:
        statuses = set(
            session.exec(select(Order.status).where(Order.user_id == user_id).distinct())
        )
    prompts = [RECENT_ORDER] if statuses else []
    if OrderStatus.PENDING in statuses:
        prompts.append(CANCEL_PENDING)
    return prompts


def help_prompts(store: Store) -> list[str]:
    """One help-center question the shop's articles answer: returns when an article covers
    them (the question shoppers ask most), else the first topic; none without articles."""
    with store.session() as session:
        topics = list(session.exec(select(HelpArticle.topic).distinct()))
        title = session.exec(select(HelpArticle.title).order_by(col(HelpArticle.title))).first()
    if "returns" in topics:
        return ["How do returns work?"]
    named = sorted(t for t in topics if t)
    if named:
        return [f"What is your policy on {named[0]}?"]
    return [f"What does the help center say about {title}?"] if title else []


def example_prompts(store: Store, user_id: str | None = None) -> ExamplePrompts:
    """Everything to try as the first message, for ``user_id`` (None: a guest)."""
    return ExamplePrompts(
        discovery_prompts(store), [*order_prompts(store, user_id), *help_prompts(store)]
    )
