"""Build the demo shop: catalog, people and their behaviour, help center, labelled queries.

Stages run in memory (deterministic for a seed), then everything is written in ONE transaction,
so an interrupted run leaves either the old shop or the whole new one, never half of each.
Product ratings are derived here from all stored reviews, so they always agree with them.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session, SQLModel
from tqdm import tqdm

from store.db import Store
from store.demo.catalog import generate_catalog
from store.demo.help import help_articles
from store.demo.people import generate_people
from store.demo.queries import QuerySpec, build_queries, labelled_rows
from store.demo.types import LANGUAGES, Catalog, DemoConfig, People
from store.errors import StoreError
from store.meta import JUDGEMENTS_KEY
from store.models import (
    Event,
    HelpArticle,
    HiddenTruth,
    Item,
    LabelledQuery,
    Order,
    OrderItem,
    PaymentMethod,
    Product,
    Review,
    ShopMeta,
    User,
    utcnow,
)

_CHUNK = 5_000
_COUNT_NAMES: dict[type[SQLModel], str] = {
    Product: "products",
    Item: "variants",
    User: "users",
    PaymentMethod: "payment_methods",
    Review: "reviews",
    Event: "events",
    Order: "orders",
    OrderItem: "order_items",
    HelpArticle: "help_articles",
    LabelledQuery: "relevance_judgements",
    HiddenTruth: "hidden_truths",
    ShopMeta: "shop_meta",
}


class ShopNotEmpty(StoreError):
    """The store already holds a shop; generating would mix two shops."""


class UnknownLanguage(StoreError):
    """The demo shop cannot be generated in the asked language."""


def localise(
    config: DemoConfig,
    catalog: Catalog,
    people: People,
    articles: list[HelpArticle],
    queries: list[QuerySpec],
) -> tuple[list[HelpArticle], list[QuerySpec]]:
    """Rewrite the generated shop in ``config.language`` (in place for catalog and people)."""
    if config.language == "zh":
        from store.demo.zh.shop import localise_shop

        return localise_shop(config.seed, catalog, people, articles, queries)
    return list(articles), list(queries)


@dataclass
class DemoSummary:
    config: DemoConfig
    counts: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seed": self.config.seed,
            "language": self.config.language,
            "counts": self.counts,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def shop_is_empty(store: Store) -> bool:
    with store.session() as session:
        return not session.scalar(select(func.count()).select_from(Product))


def generate_demo(
    store: Store, config: DemoConfig, *, replace: bool = False, progress: bool = False
) -> DemoSummary:
    """Generate the demo shop into ``store``. Refuses a non-empty store unless ``replace``."""
    if config.language not in LANGUAGES:
        raise UnknownLanguage(
            f"no demo shop in language {config.language!r}; choose one of {', '.join(LANGUAGES)}"
        )
    if not replace and not shop_is_empty(store):
        raise ShopNotEmpty(
            f"the store at {store.safe_url} already holds products; "
            "use `aisle init-demo --force` to replace the shop, or point AISLE_DATA_DIR elsewhere"
        )
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    catalog = generate_catalog(config, progress=progress)
    seconds["catalog"] = time.perf_counter() - started

    t = time.perf_counter()
    people = generate_people(config, catalog, progress=progress)
    seconds["people"] = time.perf_counter() - t

    t = time.perf_counter()
    articles = help_articles()
    specs = build_queries(config, catalog)
    seconds["content"] = time.perf_counter() - t

    _apply_ratings(catalog.products, [*catalog.reviews, *people.reviews])
    if config.language != "en":
        t = time.perf_counter()
        articles, specs = localise(config, catalog, people, articles, specs)
        seconds["language"] = time.perf_counter() - t
    queries = labelled_rows(specs)
    complete = all(q.complete for q in specs)

    t = time.perf_counter()
    batches = _batches(catalog, people, articles, queries, config, complete)
    with store.session() as session:
        if replace:
            _clear(session)
        total = sum(len(rows) for _, rows in batches)
        with tqdm(total=total, desc="writing shop", unit="row", disable=not progress) as bar:
            for model, rows in batches:
                _bulk_insert(session, model, rows, bar.update)
    seconds["write"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - started
    counts = {_COUNT_NAMES[model]: len(rows) for model, rows in batches}
    return DemoSummary(config=config, counts=counts, seconds=seconds)


def _apply_ratings(products: Sequence[Product], reviews: Iterable[Review]) -> None:
    ratings: dict[str, list[int]] = defaultdict(list)
    for review in reviews:
        ratings[review.product_id].append(review.rating)
    for product in products:
        got = ratings.get(product.product_id, [])
        product.rating_count = len(got)
        product.rating_avg = round(sum(got) / len(got), 2) if got else 0.0


def _batches(
    catalog: Catalog,
    people: People,
    articles: list[HelpArticle],
    queries: list[LabelledQuery],
    config: DemoConfig,
    judgements_complete: bool,
) -> list[tuple[type[SQLModel], Sequence[SQLModel]]]:
    meta = [
        ShopMeta(key="source", value="demo"),
        # Every exact and partial match of each labelled query is judged (store.demo.queries):
        # an unjudged product is irrelevant, which rankers may train and be scored on.
        ShopMeta(key=JUDGEMENTS_KEY, value="complete" if judgements_complete else "sampled"),
        ShopMeta(key="seed", value=str(config.seed)),
        ShopMeta(key="generated_at", value=utcnow().isoformat(timespec="seconds")),
    ]
    if config.language != "en":  # an English shop's rows stay as they always were
        meta.append(ShopMeta(key="language", value=config.language))
    # Parents before children, so foreign keys hold at every insert.
    return [
        (Product, catalog.products),
        (Item, catalog.items),
        (User, people.users),
        (PaymentMethod, people.payment_methods),
        (Review, [*catalog.reviews, *people.reviews]),
        (Event, people.events),
        (Order, people.orders),
        (OrderItem, people.order_items),
        (HelpArticle, articles),
        (LabelledQuery, queries),
        (HiddenTruth, [*catalog.truths, *people.truths]),
        (ShopMeta, meta),
    ]


def _bulk_insert(
    session: Session, model: type[SQLModel], rows: Sequence[SQLModel], advance: Any
) -> None:
    columns = [c.name for c in model.__table__.columns]  # type: ignore[attr-defined]
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        values = [{c: getattr(row, c) for c in columns} for row in chunk]
        for value in values:  # autoincrement keys are assigned by the database
            if value.get("id", 0) is None:
                del value["id"]
        session.execute(insert(model), values)
        advance(len(chunk))


def _clear(session: Session) -> None:
    """Delete every table's rows (conversations included), children before parents."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        session.execute(table.delete())
