"""``aisle audit``'s facet coverage: per category, how many products have which facets, and how
many of them were read from the products' text (``store.facets``) rather than given by the shop.

A category whose products have no facets cannot be filtered or narrowed by a clarifying
question; one whose facets all come from text is worth a look at the shop's export (it may hold
a column Aisle is not mapping). The facets counted are the keys ``store.facets`` reads
(colour, material, fit, size, audience, litres, persons) under any of the shop's usual names,
plus every other attribute the shop gives, and variant options; page links are not facets.

Not here: reading facets (``store.facets``), rendering (``store.audit_markdown``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from store.audit_checks import table_of
from store.audit_report import FacetCoverage
from store.facets import FROM_TEXT, SHOP_KEYS
from store.importers.columns import LINKS
from store.models import Item, Product

_STREAM = {"yield_per": 5_000}
_CANONICAL = {name: facet for facet, names in SHOP_KEYS.items() for name in names}


def _key(name: str) -> str:
    norm = "_".join(name.strip().lower().replace("-", " ").split())
    return _CANONICAL.get(norm, norm)


def facet_coverage(conn: Connection) -> list[FacetCoverage]:
    """One row per category path (else its leaf; "" for none), largest first."""
    product, item = table_of(Product).c, table_of(Item).c
    options: dict[str, set[str]] = defaultdict(set)
    variants = select(item.product_id, item.options).execution_options(**_STREAM)
    for pid, opts in conn.execute(variants):
        options[pid].update(_key(k) for k in (opts or {}))
    products: dict[str, int] = defaultdict(int)
    with_facets: dict[str, int] = defaultdict(int)
    from_text: dict[str, int] = defaultdict(int)
    keys: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = select(
        product.product_id, product.category, product.category_leaf, product.attributes
    ).execution_options(**_STREAM)
    for pid, category, leaf, attributes in conn.execute(rows):
        name = category or leaf or ""
        attrs: dict[str, Any] = dict(attributes or {})
        derived = attrs.pop(FROM_TEXT, None) or {}
        attrs.pop(LINKS, None)
        own = {_key(k) for k, v in attrs.items() if v not in (None, "", [], {})} | options[pid]
        text = {_key(k) for k in derived} - own
        products[name] += 1
        with_facets[name] += bool(own | text)
        from_text[name] += bool(text)
        for key in own | text:
            keys[name][key] += 1
    return sorted(
        (
            FacetCoverage(
                name,
                n,
                with_facets[name],
                from_text[name],
                dict(sorted(keys[name].items(), key=lambda kv: (-kv[1], kv[0]))),
            )
            for name, n in products.items()
        ),
        key=lambda c: (-c.products, c.category),
    )
