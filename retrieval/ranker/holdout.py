"""Held-out purchases for the personalisation stage, and what the store knew before each.

For every user with a purchase, the held-out case is their LAST purchase session: the products
bought in it, the session's search (or, without one, the first product's category name) as the
query, and a cutoff at the session's first event. Everything the stage learns or is judged on
about that user is computed strictly before the cutoff, so the views, clicks and add-to-cart of
the very product that was bought moments later cannot leak into the profile.

``build_profile`` decays events towards ``now`` but does not drop the events after it, so
``profiles_before`` builds profiles on a scratch SQLite copy holding, per user, only the
events, orders and reviews before that user's cutoff (and the whole catalog), then calls
``build_profile(..., now=cutoff)``: the profile is computed exactly as in production.

Users are split by a seeded hash of their id into those that train the stage and those that
evaluate it, so the split never depends on row order.

Not here: features (``retrieval.ranker.features``), the learned model
(``retrieval.ranker.personaliser``).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select

from store.db import Store, open_store, sqlite_url
from store.models import Event, EventKind, Item, Order, Product, Review, User
from store.profiles import UserProfile, build_profile

_INSERT_CHUNK = 2_000


def aware(ts: datetime) -> datetime:
    # SQLite hands datetimes back naive; every timestamp in the store is UTC.
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


@dataclass(frozen=True)
class HeldOut:
    user_id: str
    cutoff: datetime  # first event of the held-out session; history is strictly before it
    query: str
    product_ids: tuple[str, ...]
    session_id: str | None
    query_from_search: bool  # False: the query is the product's category name


@dataclass(frozen=True)
class _Ev:
    kind: str
    session: str | None
    product_id: str | None
    query: str | None
    ts: datetime


def _events_by_user(store: Store) -> dict[str, list[_Ev]]:
    e = Event.__table__.c  # type: ignore[attr-defined]
    q = (
        select(e.user_id, e.kind, e.session_id, e.product_id, e.query, e.ts)
        .where(e.user_id.is_not(None))
        .order_by(e.user_id, e.ts, e.id)
    )
    out: dict[str, list[_Ev]] = defaultdict(list)
    with store.engine.connect() as conn:
        for uid, kind, session, pid, query, ts in conn.execute(q):
            out[uid].append(_Ev(kind, session, pid, query, aware(ts)))
    return out


def held_out_purchases(store: Store) -> list[HeldOut]:
    """One case per user with a purchase, in user-id order."""
    p = Product.__table__.c  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        leaf_of = {pid: leaf for pid, leaf in conn.execute(select(p.product_id, p.category_leaf))}
    cases = []
    for uid, events in sorted(_events_by_user(store).items()):
        buys = [ev for ev in events if ev.kind == EventKind.PURCHASE and ev.product_id]
        if not buys:
            continue
        last = buys[-1]
        same = [ev for ev in events if last.session is not None and ev.session == last.session]
        bought = [
            ev.product_id
            for ev in (same or [last])
            if ev.kind == EventKind.PURCHASE and ev.product_id
        ]
        products = tuple(dict.fromkeys(pid for pid in bought if pid))
        cutoff = min((ev.ts for ev in same), default=last.ts)
        search = next((ev.query for ev in same if ev.kind == EventKind.SEARCH and ev.query), None)
        query = search or (leaf_of.get(products[0]) or "").lower()
        if not query:
            continue
        cases.append(HeldOut(uid, cutoff, query, products, last.session, search is not None))
    return cases


def user_fraction(user_id: str, seed: int) -> float:
    """A stable number in [0, 1) per user and seed."""
    digest = hashlib.sha256(f"{seed}:personalise:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8]) / 2.0**64


def split_users(
    cases: Sequence[HeldOut], eval_share: float, seed: int
) -> tuple[list[HeldOut], list[HeldOut]]:
    """(training cases, evaluation cases), disjoint by user."""
    train = [c for c in cases if user_fraction(c.user_id, seed) >= eval_share]
    held = [c for c in cases if user_fraction(c.user_id, seed) < eval_share]
    return train, held


def _rows(store: Store, table: Table) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(table)).mappings()]


def _insert(target: Store, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    with target.engine.begin() as conn:
        for start in range(0, len(rows), _INSERT_CHUNK):
            conn.execute(table.insert(), list(rows[start : start + _INSERT_CHUNK]))


def _before(
    rows: Iterable[dict[str, Any]], cutoffs: dict[str, datetime], column: str
) -> list[dict[str, Any]]:
    return [r for r in rows if r["user_id"] in cutoffs and aware(r[column]) < cutoffs[r["user_id"]]]


def profiles_before(store: Store, cases: Sequence[HeldOut]) -> dict[str, UserProfile]:
    """Each case's user profile as of the case's cutoff (see the module docstring)."""
    cutoffs = {c.user_id: c.cutoff for c in cases}
    if not cutoffs:
        return {}
    tables: dict[str, Table] = {
        "Product": Product.__table__,  # type: ignore[attr-defined]
        "Item": Item.__table__,  # type: ignore[attr-defined]
        "User": User.__table__,  # type: ignore[attr-defined]
        "Event": Event.__table__,  # type: ignore[attr-defined]
        "Order": Order.__table__,  # type: ignore[attr-defined]
        "Review": Review.__table__,  # type: ignore[attr-defined]
    }
    with tempfile.TemporaryDirectory(prefix="aisle-profiles-") as tmp:
        copy = open_store(sqlite_url(Path(tmp) / "before.db"))
        try:
            _insert(copy, tables["Product"], _rows(store, tables["Product"]))
            _insert(copy, tables["Item"], _rows(store, tables["Item"]))
            users = [r for r in _rows(store, tables["User"]) if r["user_id"] in cutoffs]
            _insert(copy, tables["User"], users)
            for name, column in (
                ("Event", "ts"),
                ("Order", "created_at"),
                ("Review", "created_at"),
            ):
                _insert(copy, tables[name], _before(_rows(store, tables[name]), cutoffs, column))
            with copy.session() as session:
                return {
                    uid: build_profile(session, uid, now=cut)
                    for uid, cut in sorted(cutoffs.items())
                }
        finally:
            copy.dispose()
