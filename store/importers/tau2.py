"""Importing and exporting a tau2-bench retail database (``DIRECTORY/db.json``).

Mapping onto ``store.models``: a tau2 product becomes a ``Product`` whose title, product type and
category are its name (brand and description empty, price = lowest variant price) with one
``Item`` per variant; a user becomes a ``User`` (zip copied out of the address) with its
``PaymentMethod`` rows; an order becomes an ``Order`` (fulfillments and payment history as JSON,
request fields as columns) with ``OrderItem`` lines. ``seq`` columns keep the file's order, so
``export_tau2`` writes the same JSON back: import followed by export reproduces the file.

The whole file is validated first (``store.importers.tau2_schema``); any problem rejects it and
nothing is committed. A valid file is written in one transaction with bulk statements; rows
identical to the stored ones are skipped, so re-importing changes nothing. A product, user or
order in the file replaces its stored parts as a whole: variants, payment methods and order
lines absent from the file are deleted. Rows the file does not mention are left alone, and
product fields tau2 has no place for (description, brand, ratings, attributes) keep their stored
values.

Not here: writing the file back (``store.importers.tau2_export``, re-exported here as
``export_tau2``), and reviews, events, help articles and other tables tau2 has no place for.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col
from tqdm import tqdm

from store.db import Store
from store.errors import ImportRejected, RowProblem
from store.importers.tau2_export import export_tau2
from store.importers.tau2_schema import (
    FILE,
    REQUEST_FIELDS,
    Stored,
    Tau2Db,
    cross_check,
    problems_with_lines,
    validate,
)
from store.importers.upsert import ImportReport, Row, apply, diff, insert_rows, load_by, note_source
from store.models import Item, Order, OrderItem, PaymentMethod, Product, User, utcnow

__all__ = ["export_tau2", "import_tau2"]

_CHUNK = 2_000


def import_tau2(store: Store, directory: Path, progress: bool = False) -> ImportReport:
    """Validate ``directory/db.json`` completely, then upsert it in one transaction.

    Raises ``ImportRejected`` with every problem (``db.json:line: json.path: message``) when
    anything is invalid; the store is then unchanged.
    """
    started = time.perf_counter()
    path = directory / FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImportRejected(
            [
                RowProblem(
                    FILE,
                    0,
                    "file",
                    f"cannot read {path}: {exc}; pass the folder that holds tau2's db.json",
                )
            ]
        ) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            [
                RowProblem(
                    FILE, exc.lineno, "file", f"not valid JSON: {exc.msg} at column {exc.colno}"
                )
            ]
        ) from exc
    db, found = validate(data)
    report = ImportReport(file=str(path))
    with store.session() as session:
        found += cross_check(db, _stored(session, db))
        if found:
            raise ImportRejected(problems_with_lines(text, found))
        _write(session, db, report, progress)
        note_source(session, "tau2")
    report.seconds = time.perf_counter() - started
    return report


def _stored(session: Session, db: Tau2Db) -> Stored:
    """What the store holds for the ids the file refers to."""
    lines = {line.item_id for order in db.orders.values() for line in order.items}
    items = load_by(session, Item.item_id, set(db.item_product) | lines)
    methods = {m for user in db.users.values() for m in user.payment_methods}
    listed = {oid for user in db.users.values() for oid in user.orders}
    return Stored(
        item_product={r["item_id"]: r["product_id"] for r in items},
        payment_owner={r["id"]: r["user_id"] for r in load_by(session, PaymentMethod.id, methods)},
        users={
            r["user_id"]
            for r in load_by(session, User.user_id, {o.user_id for o in db.orders.values()})
        },
        order_owner={r["order_id"]: r["user_id"] for r in load_by(session, Order.order_id, listed)},
    )


def _keyed(rows: list[Row], key: str) -> dict[Any, Row]:
    return {r[key]: r for r in rows}


def _write(session: Session, db: Tau2Db, report: ImportReport, progress: bool) -> None:
    now = utcnow()
    steps = tqdm(total=3, desc="writing tau2 data", unit="section", disable=not progress)
    _write_catalog(session, db, report, now)
    steps.update()
    _write_users(session, db, report, now)
    steps.update()
    _write_orders(session, db, report, now)
    steps.update()
    steps.close()


def _write_catalog(session: Session, db: Tau2Db, report: ImportReport, now: Any) -> None:
    products, items = [], []
    for seq, (pid, product) in enumerate(db.products.items()):
        prices = [v.price for v in product.variants.values()]
        name = product.name
        products.append(
            {
                "product_id": pid,
                "title": name,
                "description": "",
                "brand": "",
                "product_type": name,
                "category": name,
                "category_leaf": name,
                "price": min(prices, default=0.0),
                "rating_avg": 0.0,
                "rating_count": 0,
                "attributes": None,
                "seq": seq,
                "updated_at": now,
            }
        )
        for position, (iid, v) in enumerate(product.variants.items()):
            items.append(
                {
                    "item_id": iid,
                    "product_id": pid,
                    "options": v.options,
                    "price": v.price,
                    "available": v.available,
                    "seq": position,
                }
            )
    stored = _keyed(load_by(session, Product.product_id, db.products), "product_id")
    plan = diff(
        products,
        stored,
        "product_id",
        ["title", "product_type", "category", "category_leaf", "price", "seq"],
        touch={"updated_at": now},
    )
    apply(session, Product, plan)
    report.products_added, report.products_updated = len(plan.inserts), len(plan.updates)
    report.products_unchanged = plan.unchanged

    stored_items = _keyed(load_by(session, Item.product_id, db.products), "item_id")
    stale = [i for i, r in stored_items.items() if i not in db.item_product]
    item_plan = diff(
        items, stored_items, "item_id", ["product_id", "options", "price", "available", "seq"]
    )
    _delete(session, Item, Item.item_id, stale)
    apply(session, Item, item_plan)
    report.items_added, report.items_updated = len(item_plan.inserts), len(item_plan.updates)
    report.items_unchanged, report.items_removed = item_plan.unchanged, len(stale)


def _write_users(session: Session, db: Tau2Db, report: ImportReport, now: Any) -> None:
    users, methods = [], []
    for seq, (uid, user) in enumerate(db.users.items()):
        address = user.address.model_dump()
        users.append(
            {
                "user_id": uid,
                "first_name": user.name.first_name,
                "last_name": user.name.last_name,
                "email": user.email,
                "zip": user.address.zip,
                "address": address,
                "seq": seq,
                "created_at": now,
            }
        )
        for position, (mid, m) in enumerate(user.payment_methods.items()):
            methods.append(
                {
                    "id": mid,
                    "user_id": uid,
                    "source": m.source,
                    "brand": m.brand,
                    "last_four": m.last_four,
                    "balance": m.balance,
                    "seq": position,
                }
            )
    stored = _keyed(load_by(session, User.user_id, db.users), "user_id")
    plan = diff(
        users, stored, "user_id", ["first_name", "last_name", "email", "zip", "address", "seq"]
    )
    stored_methods = _keyed(load_by(session, PaymentMethod.user_id, db.users), "id")
    wanted = {m["id"] for m in methods}
    stale = [r for i, r in stored_methods.items() if i not in wanted]
    method_plan = diff(
        methods, stored_methods, "id", ["user_id", "source", "brand", "last_four", "balance", "seq"]
    )
    apply(session, User, plan)
    _delete(session, PaymentMethod, PaymentMethod.id, [r["id"] for r in stale])
    apply(session, PaymentMethod, method_plan)
    owner = {m["id"]: m["user_id"] for m in methods}
    touched = {owner[r["__key__"]] for r in [*method_plan.inserts, *method_plan.updates]}
    touched |= {r["user_id"] for r in stale}
    touched -= {r["user_id"] for r in plan.inserts}
    report.users_added = len(plan.inserts)
    report.users_updated = len(touched | {r["user_id"] for r in plan.updates})
    report.users_unchanged = len(users) - report.users_added - report.users_updated


def _write_orders(session: Session, db: Tau2Db, report: ImportReport, now: Any) -> None:
    orders: list[Row] = []
    lines: dict[str, list[Row]] = {}
    for seq, (oid, order) in enumerate(db.orders.items()):
        row: Row = {
            "order_id": oid,
            "user_id": order.user_id,
            "status": order.status,
            "address": order.address.model_dump(),
            "fulfillments": [f.model_dump() for f in order.fulfillments],
            "payment_history": [p.model_dump() for p in order.payment_history],
            "seq": seq,
            "created_at": now,
            "updated_at": now,
        }
        row.update({f: getattr(order, f) for f in REQUEST_FIELDS})
        orders.append(row)
        lines[oid] = [
            {
                "order_id": oid,
                "seq": i,
                "product_id": item.product_id,
                "item_id": item.item_id,
                "name": item.name,
                "price": item.price,
                "options": item.options,
            }
            for i, item in enumerate(order.items)
        ]
    compared = [
        "user_id",
        "status",
        "address",
        "fulfillments",
        "payment_history",
        "seq",
        *REQUEST_FIELDS,
    ]
    stored = _keyed(load_by(session, Order.order_id, db.orders), "order_id")
    plan = diff(orders, stored, "order_id", compared, touch={"updated_at": now})
    stored_lines: dict[str, list[Row]] = defaultdict(list)
    for r in sorted(load_by(session, OrderItem.order_id, stored), key=lambda r: r["seq"]):
        stored_lines[r["order_id"]].append(r)
    relined = [oid for oid in stored if _lines_text(stored_lines[oid]) != _lines_text(lines[oid])]
    updated = {r["order_id"] for r in plan.updates}
    plan.updates += [
        {"order_id": oid, "updated_at": now, "__key__": oid}
        for oid in relined
        if oid not in updated
    ]
    plan.unchanged -= len([oid for oid in relined if oid not in updated])
    apply(session, Order, plan)
    _delete(session, OrderItem, OrderItem.order_id, relined)
    new_orders = [r["order_id"] for r in plan.inserts]
    insert_rows(
        session, OrderItem, [line for oid in [*new_orders, *relined] for line in lines[oid]]
    )
    report.orders_added, report.orders_updated = len(plan.inserts), len(plan.updates)
    report.orders_unchanged = plan.unchanged


def _lines_text(rows: list[Row]) -> str:
    """Order lines as comparable text (key order and number types included)."""
    fields = ("seq", "product_id", "item_id", "name", "price", "options")
    return json.dumps([[r[f] for f in fields] for r in rows])


def _delete(session: Session, model: Any, column: Any, keys: list[Any]) -> None:
    for start in range(0, len(keys), _CHUNK):
        session.execute(delete(model).where(col(column).in_(keys[start : start + _CHUNK])))
