"""The demo shop in Chinese: one pass over the generated English rows, in place.

The English generator decides everything (which products exist, their attributes, prices,
variants, reviews' ratings, shoppers, orders, queries and judgements); this pass only writes
the text again: titles, descriptions, categories, attribute and option names and values,
review titles and texts, shoppers' names and addresses (and the user ids and emails spelled
from them), order lines, searches, help articles and labelled queries. Numbers stay numbers
and prices stay in US dollars (the shop's one currency: the respond stage writes "$" and the
claim check refuses any other currency). Each rendering draws from its own seeded generator,
so the English rows, and every English shop, are exactly what they were without it.

Not here: the words (``terms`` and the ``*.toml`` tables), how each kind of text is written
(``listing``, ``reviews``, ``people``, ``queries``, ``help``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from store.demo.catalog import items_by_product
from store.demo.catalog_spec import category_by_leaf
from store.demo.queries import QuerySpec
from store.demo.types import Catalog, People
from store.demo.zh import listing
from store.demo.zh.help import localise_articles
from store.demo.zh.people import localise_people
from store.demo.zh.queries import localise_queries, search_text
from store.demo.zh.reviews import aspects_of, review
from store.demo.zh.terms import Terms, terms
from store.models import Event, EventKind, HelpArticle, Product, Review


def localise_shop(
    seed: int,
    catalog: Catalog,
    people: People,
    articles: Sequence[HelpArticle],
    queries: Sequence[QuerySpec],
) -> tuple[list[HelpArticle], list[QuerySpec]]:
    """Rewrite ``catalog`` and ``people`` in Chinese in place; return the Chinese help
    articles and labelled queries."""
    t = terms()
    english_leaf = {p.product_id: p.category_leaf for p in catalog.products}
    _products(t, seed, catalog)
    _reviews(seed, [*catalog.reviews, *people.reviews])
    localise_people(people, seed)
    _orders_and_events(t, seed, catalog, people, english_leaf)
    _preferences(t, people)
    return localise_articles(articles), localise_queries(queries, t, seed)


def _products(t: Terms, seed: int, catalog: Catalog) -> None:
    specs = category_by_leaf()
    items = items_by_product(catalog.items)
    for p in catalog.products:
        spec = specs[p.category_leaf]
        attrs = dict(p.attributes or {})
        model = catalog.models[p.product_id]
        rng = random.Random(f"{seed}:zh:product:{p.seq}")
        p.title = listing.title(t, spec, p.brand, model, attrs)
        p.description = listing.description(
            rng, t, spec, p.brand, model, attrs, items.get(p.product_id, [])
        )
        p.category = t.path(spec)
        p.category_leaf = p.product_type = t.leaf(spec.leaf).name
        p.attributes = listing.attributes(t, attrs)
    for item in catalog.items:
        item.options = listing.options(t, item.options or {})


def _reviews(seed: int, reviews: Sequence[Review]) -> None:
    for i, r in enumerate(reviews):
        rng = random.Random(f"{seed}:zh:review:{i}")
        r.title, r.text = review(rng, r.rating, aspects_of(f"{r.title}. {r.text}"))


def _orders_and_events(
    t: Terms, seed: int, catalog: Catalog, people: People, english_leaf: dict[str, str]
) -> None:
    specs = category_by_leaf()
    for line in people.order_items:
        line.name = t.leaf(english_leaf[line.product_id]).name
        line.options = listing.options(t, line.options or {})
    by_id: dict[str, Product] = {p.product_id: p for p in catalog.products}
    # A search is followed by views of what it found: the first one says what was sought.
    waiting: dict[str, list[tuple[int, Event]]] = {}
    for i, event in enumerate(people.events):
        if event.kind == EventKind.SEARCH and event.session_id is not None:
            waiting.setdefault(event.session_id, []).append((i, event))
        elif event.product_id and event.session_id in waiting:
            product = by_id[event.product_id]
            spec = specs[english_leaf[product.product_id]]
            for n, search in waiting.pop(event.session_id):
                rng = random.Random(f"{seed}:zh:search:{n}")
                search.query = search_text(rng, t, spec, product.brand)
    for searches in waiting.values():  # a search nothing followed keeps a generic wording
        for _, search in searches:
            search.query = "热销"


def _preferences(t: Terms, people: People) -> None:
    """Users' hidden preferences name categories and colours as the Chinese shop does."""
    for truth in people.truths:
        data = dict(truth.data or {})
        if truth.entity != "user" or "categories" not in data:
            continue

        def leaf(name: str) -> str:
            return t.leaf(name).name

        data["categories"] = [{**c, "leaf": leaf(c["leaf"])} for c in data["categories"]]
        data["top_category"] = leaf(data["top_category"])
        data["brands"] = {leaf(k): v for k, v in data["brands"].items()}
        data["price_bands"] = {leaf(k): v for k, v in data["price_bands"].items()}
        data["colors"] = [t.option_value(c) for c in data["colors"]]
        truth.data = data
