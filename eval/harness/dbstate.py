"""The shop's account state as data: fresh copies, snapshots, digests and differences.

The service suite runs every scenario on its own copy of the SQLite shop (``copy_shop``: the
SQLite backup API, so a shop in WAL mode copies consistently while others read it) and scores
the final state. A snapshot holds every row of the tables customer service and checkout can
change (orders, order lines, payment methods, users, variants' stock, cart lines) without
bookkeeping columns (``updated_at``), keyed ``"order:#W0000000"``; two snapshots are equal
exactly when the shop is in the same state. ``owners`` says which user each changed row
belongs to, for the cross-user check.

Not here: deciding what the state should be (``service`` replays the gold actions).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select

from store.db import Store, open_store, sqlite_url
from store.models import CartLine, Item, Order, OrderItem, PaymentMethod, User

Snapshot = dict[str, dict[str, Any]]
_IGNORED = {"updated_at", "added_at"}
_TABLES: tuple[tuple[str, Any, str], ...] = (
    ("order", Order, "order_id"),
    ("order_item", OrderItem, "id"),
    ("payment_method", PaymentMethod, "id"),
    ("user", User, "user_id"),
    ("item", Item, "item_id"),
    ("cart_line", CartLine, "id"),
)
# Of a variant, only what a purchase changes: a catalog's options and prices are not account
# state, and leaving them out keeps a snapshot of a big catalog cheap.
_ONLY = {"item": ("item_id", "stock", "available")}


def copy_shop(source: Path, target: Path) -> Path:
    """A consistent copy of the SQLite file ``source`` at ``target`` (replaced)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def clone(template: Path, target: Path) -> Store:
    """A store on a byte copy of ``template`` (a file no one else writes; fast)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return open_store(sqlite_url(target))


def snapshot(store: Store) -> Snapshot:
    rows: Snapshot = {}
    with store.engine.connect() as conn:
        for name, model, key in _TABLES:
            table: Table = model.__table__
            columns = [
                c
                for c in table.columns
                if c.name not in _IGNORED and c.name in _ONLY.get(name, (c.name,))
            ]
            for row in conn.execute(select(*columns)):
                data = dict(row._mapping)
                rows[f"{name}:{data[key]}"] = {k: _plain(v) for k, v in data.items()}
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def digest(rows: Snapshot) -> str:
    canonical = json.dumps(rows, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def differences(before: Snapshot, after: Snapshot, limit: int = 20) -> list[str]:
    """Readable differences: ``order:#W1 status: 'pending' -> 'cancelled'``."""
    out: list[str] = []
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if a is None or b is None:
            out.append(f"{key} {'added' if a is None else 'removed'}")
            continue
        for column in sorted(set(a) | set(b)):
            if a.get(column) != b.get(column):
                out.append(f"{key} {column}: {_short(a.get(column))} -> {_short(b.get(column))}")
    return out[:limit] + ([f"... {len(out) - limit} more"] if len(out) > limit else [])


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def changed_owners(before: Snapshot, after: Snapshot) -> set[str]:
    """The users whose rows differ between the snapshots."""
    owners: set[str] = set()
    orders = {**before, **after}
    for key in set(before) | set(after):
        if before.get(key) == after.get(key):
            continue
        row: Mapping[str, Any] = after.get(key) or before.get(key) or {}
        if key.startswith("order_item:"):
            row = orders.get(f"order:{row.get('order_id')}", {})
        owner = row.get("user_id")
        if owner:
            owners.add(str(owner))
    return owners
