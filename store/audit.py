"""``aisle audit``: the data inventory and quality report a shop owner reads before trusting the
assistant with their data.

``run_audit`` profiles every table (row count; null and empty rate of every column, taken from the
SQLModel metadata) and looks for what makes answers wrong: duplicate products, absurd prices,
products without reviews or attributes, references to rows that do not exist, stale data and
impossible ratings, and reports facet coverage per category (``store.audit_facets``).
``parse_fail_on`` turns ``--fail-on`` into ``Thresholds`` for pipelines.

It only reads, through one connection, and works the same on SQLite and PostgreSQL. It judges
rows, not meaning: a wrong but plausible price or a mislabelled category passes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from store.audit_checks import (
    dangling,
    id_sample,
    is_missing,
    profile_table,
    references,
    review_count_mismatch,
    table_of,
    without_reviews,
)
from store.audit_facets import facet_coverage
from store.audit_python import duplicate_products, foreign_payments, price_outliers
from store.audit_report import (
    AuditReport,
    DanglingExample,
    DanglingRelation,
    DuplicateGroup,
    FacetCoverage,
    FieldProfile,
    IdSample,
    PriceOutlier,
    RatingSanity,
    Staleness,
    TableProfile,
)
from store.audit_thresholds import Thresholds, parse_fail_on
from store.db import Store
from store.models import ALL_TABLES, Event, HelpArticle, Product, Review, utcnow

__all__ = [
    "AuditReport",
    "DanglingExample",
    "DanglingRelation",
    "DuplicateGroup",
    "FacetCoverage",
    "FieldProfile",
    "IdSample",
    "PriceOutlier",
    "RatingSanity",
    "Staleness",
    "TableProfile",
    "Thresholds",
    "parse_fail_on",
    "run_audit",
]


def run_audit(
    store: Store, now: datetime | None = None, stale_after_days: int = 365
) -> AuditReport:
    """Audit the whole shop. ``now`` (default: the current time; naive means UTC) anchors the
    staleness cutoff, so a test or a re-run of an old snapshot can pin it."""
    now = utcnow() if now is None else now
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    with store.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # one snapshot for every query, so counts agree while a writer is busy
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            return _audit(conn, now, stale_after_days)


def _audit(conn: Connection, now: datetime, stale_after_days: int) -> AuditReport:
    product = table_of(Product).c
    outliers, categories_checked = price_outliers(conn)
    return AuditReport(
        generated_at=now,
        tables=[profile_table(conn, table_of(model)) for model in ALL_TABLES],
        duplicates=duplicate_products(conn),
        price_outliers=outliers,
        outlier_categories_checked=categories_checked,
        without_reviews=without_reviews(conn),
        without_attributes=id_sample(
            conn, product.product_id, is_missing(product.attributes, conn.dialect.name)
        ),
        dangling=[dangling(conn, ref) for ref in references()] + [foreign_payments(conn)],
        stale=_staleness(conn, now, stale_after_days),
        ratings=_ratings(conn),
        facet_coverage=facet_coverage(conn),
    )


def _staleness(conn: Connection, now: datetime, days: int) -> Staleness:
    cutoff = now - timedelta(days=days)
    product, article = table_of(Product).c, table_of(HelpArticle).c
    newest = conn.scalar(select(func.max(table_of(Event).c.ts)))
    return Staleness(
        stale_after_days=days,
        cutoff=cutoff,
        stale_products=id_sample(conn, product.product_id, product.updated_at < cutoff),
        stale_articles=id_sample(conn, article.article_id, article.updated_at < cutoff),
        newest_event=newest,
        behaviour_stale=newest is not None and newest < cutoff,
    )


def _ratings(conn: Connection) -> RatingSanity:
    product, review = table_of(Product).c, table_of(Review).c
    return RatingSanity(
        rating_out_of_range=id_sample(conn, product.product_id, ~product.rating_avg.between(0, 5)),
        negative_rating_count=id_sample(conn, product.product_id, product.rating_count < 0),
        review_rating_out_of_range=id_sample(conn, review.id, ~review.rating.between(1, 5)),
        non_positive_price=id_sample(conn, product.product_id, product.price <= 0),
        rating_count_mismatch=review_count_mismatch(conn),
    )
