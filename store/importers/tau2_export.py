"""Exporting the store as a tau2-bench retail database (``DIRECTORY/db.json``).

The inverse of ``store.importers.tau2``: products with their variants, users with their payment
methods and orders, and orders with their lines, each in ``seq`` order, with tau2's key order
and 4-space indentation, so exporting an imported file reproduces it byte for byte. Optional
keys (a card's brand, a gift card's balance, an order's request fields) are written only when
set. Any shop can be exported, the demo shop included; fields tau2 has no place for (brand,
category, ratings, attributes, reviews, events) are left out.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from store.db import Store
from store.importers.tau2_schema import FILE, REQUEST_FIELDS
from store.models import Item, Order, OrderItem, PaymentMethod, Product, User


def export_tau2(store: Store, directory: Path) -> Path:
    """Write every product, user and order of ``store`` as ``directory/db.json`` in the tau2
    layout (4-space indent, like tau2's own file), in ``seq`` order. Returns the file's path."""
    with store.session() as session:
        data = {
            "products": _export_products(session),
            "users": _export_users(session),
            "orders": _export_orders(session),
        }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(data, indent=4), encoding="utf-8")
    os.replace(partial, path)  # readers never see half a file
    return path


def _all(session: Session, model: Any, *order: Any) -> list[Any]:
    return list(session.scalars(select(model).order_by(*order)))


def _export_products(session: Session) -> dict[str, Any]:
    variants: dict[str, dict[str, Any]] = defaultdict(dict)
    for item in _all(session, Item, Item.product_id, Item.seq, Item.item_id):
        variants[item.product_id][item.item_id] = {
            "item_id": item.item_id,
            "options": item.options or {},
            "available": item.available,
            "price": item.price,
        }
    return {
        p.product_id: {
            "name": p.title,
            "product_id": p.product_id,
            "variants": variants[p.product_id],
        }
        for p in _all(session, Product, Product.seq, Product.product_id)
    }


def _export_users(session: Session) -> dict[str, Any]:
    methods: dict[str, dict[str, Any]] = defaultdict(dict)
    for m in _all(
        session, PaymentMethod, PaymentMethod.user_id, PaymentMethod.seq, PaymentMethod.id
    ):
        entry: dict[str, Any] = {"source": m.source, "id": m.id}
        entry.update(
            {k: v for k in ("brand", "last_four", "balance") if (v := getattr(m, k)) is not None}
        )
        methods[m.user_id][m.id] = entry
    orders: dict[str, list[str]] = defaultdict(list)
    query = select(col(Order.user_id), col(Order.order_id))
    for user_id, order_id in session.execute(query.order_by(col(Order.seq), col(Order.order_id))):
        orders[user_id].append(order_id)
    return {
        u.user_id: {
            "user_id": u.user_id,
            "name": {"first_name": u.first_name, "last_name": u.last_name},
            "address": u.address,
            "email": u.email,
            "payment_methods": methods[u.user_id],
            "orders": orders[u.user_id],
        }
        for u in _all(session, User, User.seq, User.user_id)
    }


def _export_orders(session: Session) -> dict[str, Any]:
    lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for li in _all(session, OrderItem, OrderItem.order_id, OrderItem.seq):
        lines[li.order_id].append(
            {
                "name": li.name,
                "product_id": li.product_id,
                "item_id": li.item_id,
                "price": li.price,
                "options": li.options or {},
            }
        )
    out: dict[str, Any] = {}
    for o in _all(session, Order, Order.seq, Order.order_id):
        entry: dict[str, Any] = {
            "order_id": o.order_id,
            "user_id": o.user_id,
            "address": o.address,
            "items": lines[o.order_id],
            "status": o.status,
            "fulfillments": o.fulfillments or [],
            "payment_history": o.payment_history or [],
        }
        entry.update({f: v for f in REQUEST_FIELDS if (v := getattr(o, f)) is not None})
        out[o.order_id] = entry
    return out
