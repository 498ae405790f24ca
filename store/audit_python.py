"""Audit checks SQL cannot express portably, done in Python over the few columns they need.

- duplicates: products whose (title, brand) match after normalisation (case, punctuation and
  spacing ignored), which a GROUP BY on raw text would miss;
- price outliers: per category, prices outside median ± K·σ of log price, where σ is the scaled
  median absolute deviation (robust: one $99,999 t-shirt does not move it). Log scale because
  prices are multiplicative (a $5 cable next to a $50 one is normal); σ has a floor so that a
  category whose prices are all equal does not flag the first product that differs by a cent;
- order payments: ``payment_history`` entries naming a payment method the order's user lacks
  (a JSON list, so loaded and checked here rather than with dialect-specific JSON functions).

Not here: the SQL aggregate checks (``store.audit_checks``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Connection

from store.audit_checks import table_of
from store.audit_report import (
    EXAMPLES,
    DanglingExample,
    DanglingRelation,
    DuplicateGroup,
    PriceOutlier,
)
from store.models import Order, PaymentMethod, Product

OUTLIER_K = 5.0
OUTLIER_MIN_CATEGORY = 8  # fewer products give no stable median
OUTLIER_SIGMA_FLOOR = 0.2  # in log price: even a uniform category tolerates about ×/÷ 2.7
_MAD_TO_SIGMA = 1.4826  # MAD of a normal distribution times this is its standard deviation
_STREAM = {"yield_per": 5_000}  # bounded memory on large shops, server-side cursor on PostgreSQL

PAYMENTS_RELATION = "order payments -> user's payment methods"


_NON_WORD = re.compile(r"\W+")


def normalise(text: str) -> str:
    return _NON_WORD.sub(" ", text.casefold()).strip()


def duplicate_products(conn: Connection) -> list[DuplicateGroup]:
    p = table_of(Product).c
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    query = select(p.product_id, p.title, p.brand).order_by(p.product_id)
    for product_id, title, brand in conn.execute(query.execution_options(**_STREAM)):
        key = (normalise(title or ""), normalise(brand or ""))
        if key[0]:  # a blank title is reported by the field profile, not as a duplicate
            groups[key].append(product_id)
    return [
        DuplicateGroup(title=title, brand=brand, product_ids=ids)
        for (title, brand), ids in sorted(groups.items(), key=lambda kv: kv[1][0])
        if len(ids) > 1
    ]


def price_outliers(conn: Connection) -> tuple[list[PriceOutlier], int]:
    """The outliers, and how many categories were large enough to judge."""
    p = table_of(Product).c
    by_category: dict[str, list[tuple[str, float]]] = defaultdict(list)
    # prices <= 0 have no logarithm; the sanity check reports them on their own
    query = select(p.category_leaf, p.product_id, p.price).where(p.price > 0)
    for category, product_id, price in conn.execute(query.execution_options(**_STREAM)):
        if category:
            by_category[category].append((product_id, float(price)))
    outliers: list[PriceOutlier] = []
    checked = 0
    for category in sorted(by_category):
        rows = by_category[category]
        if len(rows) < OUTLIER_MIN_CATEGORY:
            continue
        checked += 1
        outliers.extend(_category_outliers(category, rows))
    return outliers, checked


def _category_outliers(category: str, rows: list[tuple[str, float]]) -> list[PriceOutlier]:
    prices = np.array([price for _, price in rows])
    logs = np.log(prices)
    centre = float(np.median(logs))
    mad = float(np.median(np.abs(logs - centre)))
    sigma = max(_MAD_TO_SIGMA * mad, OUTLIER_SIGMA_FLOOR)
    low, high = np.exp(centre - OUTLIER_K * sigma), np.exp(centre + OUTLIER_K * sigma)
    median = float(np.median(prices))
    return sorted(
        (
            PriceOutlier(product_id, category, price, median, round(low, 2), round(high, 2))
            for product_id, price in rows
            if not low <= price <= high
        ),
        key=lambda o: o.product_id,
    )


def foreign_payments(conn: Connection) -> DanglingRelation:
    """Payment-history entries whose method is not one of the order's user's payment methods."""
    pm, order = table_of(PaymentMethod).c, table_of(Order).c
    owned = {(user_id, pm_id) for user_id, pm_id in conn.execute(select(pm.user_id, pm.id))}
    count, examples = 0, list[DanglingExample]()
    query = select(order.order_id, order.user_id, order.payment_history).order_by(order.order_id)
    for order_id, user_id, history in conn.execute(query.execution_options(**_STREAM)):
        seen: set[str] = set()
        for method in _payment_method_ids(history):
            if (user_id, method) not in owned and method not in seen:
                seen.add(method)
                count += 1
                if len(examples) < EXAMPLES:
                    examples.append(DanglingExample(row=order_id, missing=method))
    return DanglingRelation(PAYMENTS_RELATION, count, examples)


def _payment_method_ids(history: Any) -> list[str]:
    if not isinstance(history, list):
        return []
    return [
        str(entry["payment_method_id"])
        for entry in history
        if isinstance(entry, dict) and entry.get("payment_method_id")
    ]
