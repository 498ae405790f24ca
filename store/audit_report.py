"""What ``aisle audit`` found, as typed data: table profiles, findings, and their headline counts.

The report is plain frozen dataclasses so the CLI can print it (``to_markdown``), a pipeline can
read it (``to_dict``) and gate on it (``violations``). Building it is ``store.audit``; the SQL
behind each number is ``store.audit_checks``; rendering is ``store.audit_markdown``; thresholds
are ``store.audit_thresholds``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from store.audit_markdown import render_markdown
from store.audit_thresholds import Thresholds, find_violations

EXAMPLES = 10
"""How many example ids a finding keeps (and the markdown shows)."""


@dataclass(frozen=True)
class FieldProfile:
    """One column: how often it is NULL (SQL NULL or JSON ``null``) and how often it is empty
    (blank string, ``{}`` or ``[]``). ``required`` mirrors NOT NULL in the schema: optional
    columns (an order's ``cancel_reason``) are empty by design for most rows."""

    name: str
    required: bool
    nulls: int
    empties: int
    null_rate: float
    empty_rate: float

    @property
    def missing_rate(self) -> float:
        return self.null_rate + self.empty_rate


@dataclass(frozen=True)
class TableProfile:
    table: str
    rows: int
    fields: list[FieldProfile]


@dataclass(frozen=True)
class IdSample:
    """A count of offending rows and the first few of their ids (sorted, so runs compare)."""

    count: int
    examples: list[str]


@dataclass(frozen=True)
class DuplicateGroup:
    """Products sharing a normalised (title, brand); ``title``/``brand`` are the normalised keys."""

    title: str
    brand: str
    product_ids: list[str]


@dataclass(frozen=True)
class PriceOutlier:
    """A price outside its category's robust band ``[low, high]`` (median ± k·MAD of log price)."""

    product_id: str
    category: str
    price: float
    category_median: float
    low: float
    high: float


@dataclass(frozen=True)
class DanglingExample:
    row: str  # the referring row (item id, order id, review id, ...)
    missing: str  # the id it points at, which does not exist


@dataclass(frozen=True)
class DanglingRelation:
    relation: str  # "items -> products"
    count: int
    examples: list[DanglingExample]


@dataclass(frozen=True)
class Staleness:
    stale_after_days: int
    cutoff: datetime
    stale_products: IdSample
    stale_articles: IdSample
    newest_event: datetime | None
    behaviour_stale: bool  # False when there are no events at all: nothing to be stale


@dataclass(frozen=True)
class RatingSanity:
    """Impossible values, plus one informational count: a ``rating_count`` different from the
    stored reviews is normal for imports that carry the source shop's counts."""

    rating_out_of_range: IdSample  # rating_avg outside 0..5
    negative_rating_count: IdSample
    review_rating_out_of_range: IdSample  # review ids whose rating is outside 1..5
    non_positive_price: IdSample
    rating_count_mismatch: IdSample  # info only, never a violation


@dataclass(frozen=True)
class FacetCoverage:
    """One category's facets: products with any (the shop's or read from text), products with
    one read from text, and per facet key how many products have it."""

    category: str
    products: int
    with_facets: int
    from_text: int
    facets: dict[str, int]

    @property
    def rate(self) -> float:
        return self.with_facets / self.products if self.products else 0.0


@dataclass(frozen=True)
class AuditReport:
    generated_at: datetime
    tables: list[TableProfile]
    duplicates: list[DuplicateGroup]
    price_outliers: list[PriceOutlier]
    outlier_categories_checked: int  # categories large enough for the outlier rule
    without_reviews: IdSample
    without_attributes: IdSample
    dangling: list[DanglingRelation]  # every checked relation, clean ones with count 0
    stale: Staleness
    ratings: RatingSanity
    facet_coverage: list[FacetCoverage] = field(default_factory=list)  # per category

    def table(self, name: str) -> TableProfile:
        for profile in self.tables:
            if profile.table == name:
                return profile
        raise KeyError(f"no table {name!r} in the audit; tables: {[t.table for t in self.tables]}")

    @property
    def products(self) -> int:
        return self.table("product").rows

    @property
    def dangling_total(self) -> int:
        return sum(rel.count for rel in self.dangling)

    @property
    def stale_total(self) -> int:
        s = self.stale
        return s.stale_products.count + s.stale_articles.count + int(s.behaviour_stale)

    def rate(self, sample: IdSample) -> float:
        """``sample.count`` as a share of all products (0 for an empty catalog)."""
        return sample.count / self.products if self.products else 0.0

    def summary(self) -> dict[str, int | float]:
        """The headline number of each finding, under the keys ``--fail-on`` uses."""
        r = self.ratings
        return {
            "duplicates": len(self.duplicates),
            "price_outliers": len(self.price_outliers),
            "no_reviews": self.rate(self.without_reviews),
            "no_attributes": self.rate(self.without_attributes),
            "dangling": self.dangling_total,
            "stale": self.stale_total,
            "bad_ratings": (
                r.rating_out_of_range.count
                + r.negative_rating_count.count
                + r.review_rating_out_of_range.count
            ),
            "bad_prices": r.non_positive_price.count,
            "null_rate": max(
                (f.missing_rate for t in self.tables if t.rows for f in t.fields if f.required),
                default=0.0,
            ),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: datetimes as ISO 8601 strings, everything else plain."""
        data: dict[str, Any] = _jsonable(asdict(self))
        data["summary"] = self.summary()
        return data

    def to_markdown(self) -> str:
        return render_markdown(self)

    def violations(self, thresholds: Thresholds) -> list[str]:
        """One line per exceeded threshold, e.g. ``dangling references: 3 > 0 (items -> products:
        2, events -> products: 1)``; empty when everything is within bounds."""
        return find_violations(self, thresholds)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
