"""The SQL behind ``aisle audit``: column profiles, dangling references and per-row sanity checks.

Every check is one or two aggregate queries (COUNT, SUM(CASE ...), NOT EXISTS / LEFT JOIN ... IS
NULL) written in SQLAlchemy Core, so they run on SQLite and PostgreSQL alike and stay fast on
large shops; example ids come from a second, LIMITed query only when the count is not zero.
JSON columns need the dialect's own emptiness test: SQLAlchemy stores a Python None as JSON
``null`` text rather than SQL NULL, so both count as null here.

Not here: checks that need Python over loaded columns (duplicates, price outliers, payment
methods inside ``payment_history``; see ``store.audit_python``), or the report types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Column, ColumnElement, String, Table, case, cast, func, or_, select
from sqlalchemy import exists as sql_exists
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import KeyedColumnElement
from sqlalchemy.types import TypeDecorator, TypeEngine

from store.audit_report import (
    EXAMPLES,
    DanglingExample,
    DanglingRelation,
    FieldProfile,
    IdSample,
    TableProfile,
)
from store.models import (
    Event,
    Item,
    LabelledQuery,
    Order,
    OrderItem,
    PaymentMethod,
    Product,
    Review,
    User,
)


def table_of(model: type) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def _base_type(col: KeyedColumnElement[Any]) -> TypeEngine[Any]:
    """The storage type: SQLModel wraps ``str`` columns in AutoString, a TypeDecorator."""
    return col.type.impl_instance if isinstance(col.type, TypeDecorator) else col.type


def _json_text(col: KeyedColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """The JSON value as compact text (``{}``, ``null``); NULL where it is not valid JSON."""
    if dialect == "sqlite":
        return case((func.json_valid(col) == 1, func.json(col)), else_=None)
    return cast(col, String)


def is_null(col: KeyedColumnElement[Any], dialect: str) -> ColumnElement[bool]:
    if not isinstance(_base_type(col), JSON):
        return col.is_(None)
    if dialect == "postgresql":
        return or_(col.is_(None), func.json_typeof(col) == "null")
    return or_(col.is_(None), _json_text(col, dialect) == "null")


def is_empty(col: KeyedColumnElement[Any], dialect: str) -> ColumnElement[bool] | None:
    """Blank string or empty JSON object/array; None for types that cannot be empty."""
    base = _base_type(col)
    if isinstance(base, JSON):
        if dialect == "postgresql":
            # jsonb comparison ignores the spacing a writer used ('{ }' equals '{}')
            return cast(col, JSONB).in_([{}, []])
        return _json_text(col, dialect).in_(["{}", "[]"])
    if isinstance(base, String):
        return func.trim(col) == ""
    return None


def is_missing(col: KeyedColumnElement[Any], dialect: str) -> ColumnElement[bool]:
    """Null or empty, whichever applies to the column's type."""
    empty = is_empty(col, dialect)
    return is_null(col, dialect) if empty is None else or_(is_null(col, dialect), empty)


def _count_if(cond: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def profile_table(conn: Connection, table: Table) -> TableProfile:
    """Row count plus the null and empty count of every column, in one scan of the table."""
    dialect = conn.dialect.name
    exprs: list[ColumnElement[Any]] = [func.count().label("rows")]
    columns: list[tuple[Column[Any], bool]] = []
    for col in table.columns:
        empty = is_empty(col, dialect)
        exprs.append(_count_if(is_null(col, dialect)))
        if empty is not None:
            exprs.append(_count_if(empty))
        columns.append((col, empty is not None))
    values = iter(conn.execute(select(*exprs).select_from(table)).one())
    rows = int(next(values))
    fields = []
    for col, can_be_empty in columns:
        nulls = int(next(values))
        empties = int(next(values)) if can_be_empty else 0
        fields.append(
            FieldProfile(
                name=col.name,
                required=not col.nullable,
                nulls=nulls,
                empties=empties,
                null_rate=nulls / rows if rows else 0.0,
                empty_rate=empties / rows if rows else 0.0,
            )
        )
    return TableProfile(table=table.name, rows=rows, fields=fields)


def id_sample(
    conn: Connection, key: KeyedColumnElement[Any], where: ColumnElement[bool]
) -> IdSample:
    """How many rows of ``key``'s table match ``where``, and the first ids in id order."""
    count = int(conn.scalar(select(func.count()).select_from(key.table).where(where)) or 0)
    examples: list[str] = []
    if count:
        rows = conn.execute(select(key).where(where).order_by(key).limit(EXAMPLES))
        examples = [str(v) for v in rows.scalars()]
    return IdSample(count=count, examples=examples)


@dataclass(frozen=True)
class Reference:
    """``child.fk`` should name an existing ``parent_key``; ``row`` identifies the child row."""

    relation: str
    row: KeyedColumnElement[Any]
    fk: KeyedColumnElement[Any]
    parent_key: KeyedColumnElement[Any]


def references() -> list[Reference]:
    """The relations the audit follows, declared and undeclared (OrderItem and Event keep ids
    without foreign keys, so nothing but this check notices when those go stale)."""
    item, order_item, order = table_of(Item).c, table_of(OrderItem).c, table_of(Order).c
    product, user = table_of(Product).c.product_id, table_of(User).c.user_id
    review, event = table_of(Review).c, table_of(Event).c
    return [
        Reference("items -> products", item.item_id, item.product_id, product),
        Reference("order items -> orders", order_item.id, order_item.order_id, order.order_id),
        Reference("order items -> products", order_item.order_id, order_item.product_id, product),
        Reference("order items -> items", order_item.order_id, order_item.item_id, item.item_id),
        Reference("orders -> users", order.order_id, order.user_id, user),
        Reference(
            "payment methods -> users",
            table_of(PaymentMethod).c.id,
            table_of(PaymentMethod).c.user_id,
            user,
        ),
        Reference("reviews -> products", review.id, review.product_id, product),
        Reference("reviews -> users", review.id, review.user_id, user),
        Reference("events -> users", event.id, event.user_id, user),
        Reference("events -> products", event.id, event.product_id, product),
        Reference(
            "labelled queries -> products",
            table_of(LabelledQuery).c.query_id,
            table_of(LabelledQuery).c.product_id,
            product,
        ),
    ]


def dangling(conn: Connection, ref: Reference) -> DanglingRelation:
    missing = ~sql_exists().where(ref.parent_key == ref.fk)
    where = ref.fk.is_not(None) & missing
    count = int(conn.scalar(select(func.count()).select_from(ref.fk.table).where(where)) or 0)
    examples: list[DanglingExample] = []
    if count:
        query = select(ref.row, ref.fk).where(where).order_by(ref.row, ref.fk).limit(EXAMPLES)
        examples = [DanglingExample(str(row), str(fk)) for row, fk in conn.execute(query)]
    return DanglingRelation(ref.relation, count, examples)


def review_count_mismatch(conn: Connection) -> IdSample:
    """Products whose ``rating_count`` differs from the number of reviews stored for them."""
    product, review = table_of(Product).c, table_of(Review).c
    stored = (
        select(review.product_id, func.count().label("n")).group_by(review.product_id).subquery()
    )
    joined = table_of(Product).outerjoin(stored, stored.c.product_id == product.product_id)
    where = func.coalesce(stored.c.n, 0) != product.rating_count
    count = int(conn.scalar(select(func.count()).select_from(joined).where(where)) or 0)
    examples: list[str] = []
    if count:
        query = (
            select(product.product_id)
            .select_from(joined)
            .where(where)
            .order_by(product.product_id)
            .limit(EXAMPLES)
        )
        examples = list(conn.execute(query).scalars())
    return IdSample(count, examples)


def without_reviews(conn: Connection) -> IdSample:
    product, review = table_of(Product).c, table_of(Review).c
    return id_sample(
        conn, product.product_id, ~sql_exists().where(review.product_id == product.product_id)
    )
