"""Writing validated rows: insert the new ones, update the changed ones, skip the rest.

Importers hand this module plain column dicts that have already passed validation. Existing rows
are read once per table (chunked ``IN`` queries), compared field by field (JSON values also by
key order, so an export reproduces the file), and written with bulk ``INSERT``/``UPDATE``
statements. ``ImportReport`` is what an import tells its caller about it.

Not here: validation (the importers do it, and nothing reaches this module from a rejected file),
deleting rows, or opening transactions (the caller's session is the one transaction).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session, SQLModel, col

from store.models import ShopMeta

_CHUNK = 2_000  # below SQLite's bound-parameter limit for IN lists, and for multi-row inserts

Row = dict[str, Any]


@dataclass
class ImportReport:
    """What an import did. Counts are rows of each kind; ``seconds`` is wall time."""

    file: str
    format: str = ""  # the catalog format read (aisle, shopify, merchant, acp); tau2: ""
    products_added: int = 0
    products_updated: int = 0
    products_unchanged: int = 0
    products_removed: int = 0
    items_added: int = 0
    items_updated: int = 0
    items_unchanged: int = 0
    items_removed: int = 0
    users_added: int = 0
    users_updated: int = 0
    users_unchanged: int = 0
    orders_added: int = 0
    orders_updated: int = 0
    orders_unchanged: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # columns ignored, ids generated, ...

    @property
    def changed(self) -> bool:
        return any(
            getattr(self, f"{kind}_{what}")
            for kind in ("products", "items", "users", "orders")
            for what in ("added", "updated")
        ) or bool(self.items_removed or self.products_removed)

    def summary(self) -> str:
        parts = []
        for kind in ("products", "items", "users", "orders"):
            added, updated, kept = (
                getattr(self, f"{kind}_{what}") for what in ("added", "updated", "unchanged")
            )
            if added or updated or kept:
                parts.append(f"{kind}: {added} added, {updated} updated, {kept} unchanged")
        if self.products_removed:
            parts.append(f"{self.products_removed} product(s) removed")
        if self.items_removed:
            parts.append(f"{self.items_removed} variant(s) removed")
        body = "; ".join(parts) if parts else "no rows"
        kind = f" ({self.format})" if self.format else ""
        return f"imported {self.file}{kind} in {self.seconds:.2f}s: {body}"


@dataclass
class Diff:
    """Rows to insert, partial rows (key + changed columns) to update, and the unchanged count."""

    inserts: list[Row] = field(default_factory=list)
    updates: list[Row] = field(default_factory=list)
    unchanged: int = 0


def same(old: Any, new: Any) -> bool:
    """Equal as stored values; JSON containers must also agree on key order and number types."""
    if isinstance(old, dict | list) or isinstance(new, dict | list):
        return json.dumps(old) == json.dumps(new)
    return bool(old == new)


def load_by(session: Session, column: Any, values: Collection[Any]) -> list[Row]:
    """All rows of a model column's table (``Item.product_id``) whose value is in ``values``,
    as plain dicts."""
    column = col(column)
    table = column.class_.__table__
    rows: list[Row] = []
    ordered = sorted(set(values))
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        result = session.execute(select(*table.columns).where(column.in_(chunk)))
        rows.extend(dict(r) for r in result.mappings())
    return rows


def diff(
    desired: Iterable[Row],
    existing: Mapping[Any, Row],
    key: str,
    compare: Collection[str],
    touch: Row | None = None,
) -> Diff:
    """Split ``desired`` rows into inserts, updates (only ``compare`` columns that differ, plus
    ``touch`` such as a fresh ``updated_at``) and unchanged rows. Each row also carries its key
    under ``__key__``, removed again by ``apply``."""
    out = Diff()
    for row in desired:
        old = existing.get(row[key])
        if old is None:
            out.inserts.append({**row, "__key__": row[key]})
            continue
        changed = {c: row[c] for c in compare if c in row and not same(old.get(c), row[c])}
        if changed:
            out.updates.append({key: row[key], **changed, **(touch or {}), "__key__": row[key]})
        else:
            out.unchanged += 1
    return out


def apply(session: Session, model: type[SQLModel], plan: Diff) -> None:
    """Write ``plan`` with bulk statements (parents must already be written)."""
    _bulk(session, model, plan.inserts, insert)
    _bulk(session, model, plan.updates, update)


def insert_rows(session: Session, model: type[SQLModel], rows: Sequence[Row]) -> None:
    _bulk(session, model, rows, insert)


def _bulk(session: Session, model: type[SQLModel], rows: Sequence[Row], verb: Any) -> None:
    clean = [{k: v for k, v in row.items() if k != "__key__"} for row in rows]
    for start in range(0, len(clean), _CHUNK):
        chunk = clean[start : start + _CHUNK]
        if chunk:
            session.execute(verb(model), chunk)


def note_source(session: Session, source: str) -> None:
    """Record where the shop came from, unless something already did (demo, an earlier import)."""
    if session.get(ShopMeta, "source") is None:
        session.add(ShopMeta(key="source", value=source))
