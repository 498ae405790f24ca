"""Every candidate judged, for the demo shop: the generator's own grading rule applied to the
products its labels left out.

A demo shop generated before its labelled queries judged every exact and partial match (they
judged at most 30 and 20), or a very large one whose quotas are reached, leaves relevant
products unjudged: a ranker that lifts one into the top 10 gets no credit in the condensed
nDCG and is penalised when unjudged products count as irrelevant. The demo shop is
deterministic (seed and product count, both in the store), so the harness can rebuild each
query's constraints (``store.demo.queries.build_queries``) and grade any product the way the
generator graded the judged ones: 2 when it meets every constraint, 1 when it misses exactly
one, 0 when it misses more or is of another category. It checks first that the rebuilt
queries reproduce every stored judgement; if they do not (an imported or edited shop), there
is no judge.

Not here: the ranker evaluation that uses it (``eval.ranker_eval``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select

from store.db import Store
from store.demo.catalog import generate_catalog, items_by_product
from store.demo.queries import QuerySpec, build_queries, violations
from store.demo.types import DemoConfig
from store.meta import shop_meta
from store.models import Item, LabelledQuery, Product


class Grader(Protocol):
    def grades(self, query: str, product_ids: Iterable[str]) -> dict[str, int]: ...


@dataclass
class DemoJudge:
    """Grades (query text, product id) with the demo generator's rule."""

    specs: dict[str, QuerySpec]  # by query text
    products: dict[str, Product]
    items: dict[str, list[Item]]

    def grade(self, query: str, product_id: str) -> int:
        spec, product = self.specs.get(query), self.products.get(product_id)
        if spec is None or product is None or product.category_leaf != spec.category:
            return 0
        misses = violations(spec.constraints, product, self.items.get(product_id, []))
        return 2 if misses == 0 else 1 if misses == 1 else 0

    def grades(self, query: str, product_ids: Iterable[str]) -> dict[str, int]:
        return {p: self.grade(query, p) for p in product_ids}


def demo_judge(store: Store) -> DemoJudge | None:
    """The judge for a demo shop whose stored labels it reproduces exactly, else None."""
    meta = shop_meta(store)
    if meta.get("source") != "demo" or not meta.get("seed", "").lstrip("-").isdigit():
        return None
    with store.engine.connect() as conn:
        n = int(conn.execute(select(func.count()).select_from(Product)).scalar_one())
        stored = {
            (q, p): g
            for q, p, g in conn.execute(
                select(  # type: ignore[call-overload]
                    LabelledQuery.query, LabelledQuery.product_id, LabelledQuery.relevance
                )
            )
        }
    config = DemoConfig(products=n, seed=int(meta["seed"]))
    catalog = generate_catalog(config)
    specs = {s.text: s for s in build_queries(config, catalog)}
    rebuilt = {(s.text, p): g for s in specs.values() for p, g in s.judgements}
    if rebuilt != stored:
        return None
    judge = DemoJudge(
        specs, {p.product_id: p for p in catalog.products}, items_by_product(catalog.items)
    )
    # The stored rows were graded from the same rule: every judged grade must come out again.
    if any(judge.grade(q, p) != g for (q, p), g in stored.items()):
        return None
    return judge
