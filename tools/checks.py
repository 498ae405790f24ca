"""Checking one product against constraints in code, independently of the retrieval filter.

Search results are re-checked here before anything reaches the model, so a wrong filter, a
stale index or a model that ignored an argument can never put a $120 shoe in an "under $100"
answer. The semantics are the filter's (``retrieval.filters``): category matches the leaf, the
product type or any category path segment; the price, option values and stock must all hold
for ONE variant; an attribute is met by a product attribute or a variant option of that name.
A product without variants is one unavailable variant at the product's price.

Not here: building constraints (``tools.constraints``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrieval.documents import ItemRecord, ProductRecord, norm_key, norm_value, value_list
from tools.constraints import Constraints

_EPS = 1e-9


def _norm_category(text: str) -> str:
    return " > ".join(norm_value(s) for s in text.split(">") if s.strip())


def in_category(record: ProductRecord, category: str) -> bool:
    wanted = _norm_category(category)
    segments = [norm_value(s) for s in record.category.split(">") if s.strip()]
    keys = {norm_value(record.category_leaf), norm_value(record.product_type), *segments}
    keys.update(" > ".join(segments[: i + 1]) for i in range(len(segments)))
    return wanted in keys


def _values_by_key(mapping: Mapping[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key, value in mapping.items():
        out.setdefault(norm_key(key), set()).update(value_list(value))
    return out


def _variants(record: ProductRecord) -> tuple[ItemRecord, ...]:
    if record.items:
        return record.items
    return (ItemRecord(item_id="", options={}, price=record.price, available=False),)


def item_problems(record: ProductRecord, item: ItemRecord, constraints: Constraints) -> list[str]:
    """Why this variant does not meet the variant-level constraints (empty: it does)."""
    problems: list[str] = []
    if constraints.in_stock and not item.available:
        problems.append("out of stock")
    if constraints.price_max is not None and item.price > constraints.price_max + _EPS:
        problems.append(f"${item.price:,.2f} is over ${constraints.price_max:,.2f}")
    if constraints.price_min is not None and item.price < constraints.price_min - _EPS:
        problems.append(f"${item.price:,.2f} is under ${constraints.price_min:,.2f}")
    attrs, opts = _values_by_key(record.attributes), _values_by_key(item.options)
    for key, wanted in constraints.attributes.items():
        allowed = set(value_list(list(wanted)))
        have = attrs.get(norm_key(key), set()) | opts.get(norm_key(key), set())
        if not have & allowed:
            problems.append(f"{key.replace('_', ' ')} is not {' or '.join(wanted)}")
    return problems


def matching_items(record: ProductRecord, constraints: Constraints) -> list[ItemRecord]:
    """The variants that meet every variant-level constraint, in stock first, then cheapest:
    the first is the one to suggest (an out-of-stock variant only when no fitting one is in
    stock). A product without variants yields its single virtual variant (item_id "")."""
    fits = [i for i in _variants(record) if not item_problems(record, i, constraints)]
    return sorted(fits, key=lambda i: (not i.available, i.price, i.item_id))


def violations(record: ProductRecord, constraints: Constraints) -> list[str]:
    """Every constraint the product breaks, in words (empty: it fits)."""
    problems: list[str] = []
    if constraints.category and not in_category(record, constraints.category):
        problems.append(f"not in {constraints.category}")
    brand = norm_value(record.brand)
    if constraints.brands and brand not in {norm_value(b) for b in constraints.brands}:
        problems.append(f"brand {record.brand} was not asked for")
    if brand in {norm_value(b) for b in constraints.exclude_brands}:
        problems.append(f"brand {record.brand} is excluded")
    if constraints.min_rating is not None and record.rating_avg < constraints.min_rating - _EPS:
        problems.append(f"rated {record.rating_avg:g}, under {constraints.min_rating:g}")
    if not matching_items(record, constraints):
        per_item = [item_problems(record, i, constraints) for i in _variants(record)]
        best = min(per_item, key=len)
        problems.append("no variant fits: " + "; ".join(best))
    return problems
