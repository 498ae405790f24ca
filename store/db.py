"""Engines and sessions: SQLite (embedded default, WAL, busy timeout) or any SQLAlchemy URL.

``Store`` is the one handle the rest of the project gets: it owns the engine, creates the
schema, and hands out sessions. It reads no environment; the caller passes the URL.

Schema changes are additive: ``create_schema`` creates missing tables and adds missing
nullable columns to existing ones (``Item.stock`` came after the first data dirs), so a data
dir made by an older release opens as it is. Anything else (a renamed or retyped column) would
need a real migration tool.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from store import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from store.errors import StoreUnavailable

SQLITE_BUSY_TIMEOUT_MS = 30_000


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _configure_sqlite(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the web app read while an importer writes; the busy timeout makes writers queue
    # instead of failing with "database is locked".
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True)


def add_missing_columns(engine: Engine) -> list[str]:
    """Add the model's nullable columns an existing table lacks (``table.column`` each)."""
    added: list[str] = []
    present = inspect(engine)
    tables = set(present.get_table_names())
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in tables:
            continue
        have = {c["name"] for c in present.get_columns(table.name)}
        for column in table.columns:
            if column.name in have or not column.nullable or column.primary_key:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            with engine.begin() as conn:
                conn.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'))
            added.append(f"{table.name}.{column.name}")
    return added


class Store:
    """The shop's database: an engine plus the schema. Cheap to pass around, one per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def create_schema(self) -> None:
        try:
            SQLModel.metadata.create_all(self.engine)
            add_missing_columns(self.engine)
        except Exception as exc:  # connection refused, bad credentials, unwritable file
            raise StoreUnavailable(
                f"cannot open the database at {self.safe_url}: {exc.__class__.__name__}: {exc}. "
                "Check AISLE_DATABASE_URL or AISLE_DATA_DIR."
            ) from exc

    def drop_schema(self) -> None:
        SQLModel.metadata.drop_all(self.engine)

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str) -> Store:
    """Open (and create if needed) the store at ``url``."""
    store = Store(url)
    store.create_schema()
    return store
