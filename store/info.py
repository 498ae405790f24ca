"""Counts of what the shop holds (``aisle info``). Cheap COUNT queries, nothing else."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from store.db import Store
from store.models import (
    Event,
    HelpArticle,
    Item,
    LabelledQuery,
    Order,
    Product,
    Review,
    ShopMeta,
    User,
)


@dataclass(frozen=True)
class ShopCounts:
    products: int
    variants: int
    users: int
    orders: int
    reviews: int
    events: int
    help_articles: int
    labelled_queries: int
    relevance_judgements: int
    source: str | None

    def to_dict(self) -> dict[str, int | str | None]:
        return asdict(self)


def shop_counts(store: Store) -> ShopCounts:
    with store.session() as s:

        def count(source: Any) -> int:
            return int(s.scalar(select(func.count()).select_from(source)) or 0)

        source = s.get(ShopMeta, "source")
        return ShopCounts(
            products=count(Product),
            variants=count(Item),
            users=count(User),
            orders=count(Order),
            reviews=count(Review),
            events=count(Event),
            help_articles=count(HelpArticle),
            labelled_queries=count(select(col(LabelledQuery.query_id)).distinct().subquery()),
            relevance_judgements=count(LabelledQuery),
            source=source.value if source else None,
        )
