"""``aisle audit --fail-on``: parse the thresholds and turn an audit into violation lines.

A spec like ``duplicates=0,dangling=0,price_outliers=20,null_rate=0.5,no_reviews=0.3,stale=0``
names findings and the most each may reach: a whole count for counted findings, a share between
0 and 1 for rates. Keys left out are not checked. ``null_rate`` applies to the columns the schema
requires (NOT NULL), where a blank string or empty JSON counts as missing; optional columns are
profiled but never fail a run, since most orders have no ``cancel_reason`` by design.

Not here: computing the numbers (``store.audit``), printing the report (``store.audit_markdown``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.audit_report import AuditReport, IdSample

_LineFn = Callable[["AuditReport", float], str]

_SHOWN = 3  # examples named in a violation line; the report itself carries more


@dataclass(frozen=True)
class Thresholds:
    """The largest value each finding may reach; None means "do not check"."""

    duplicates: int | None = None
    price_outliers: int | None = None
    dangling: int | None = None
    stale: int | None = None
    bad_ratings: int | None = None
    bad_prices: int | None = None
    null_rate: float | None = None
    no_reviews: float | None = None
    no_attributes: float | None = None


RATE_KEYS = frozenset({"null_rate", "no_reviews", "no_attributes"})
VALID_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Thresholds))


def parse_fail_on(spec: str) -> Thresholds:
    """Parse ``key=value,key=value``; raises ValueError naming the valid keys on any mistake."""
    valid = f"valid keys: {', '.join(VALID_KEYS)} (counts are whole numbers >= 0, " + (
        f"{', '.join(sorted(RATE_KEYS))} are shares between 0 and 1)"
    )
    values: dict[str, int | float] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        key, sep, raw = (s.strip() for s in part.partition("="))
        if not sep or not key:
            raise ValueError(f"--fail-on: expected key=value, got {part!r}; {valid}")
        if key not in VALID_KEYS:
            raise ValueError(f"--fail-on: unknown key {key!r}; {valid}")
        if key in values:
            raise ValueError(f"--fail-on: {key!r} is given twice; {valid}")
        values[key] = _parse_value(key, raw, valid)
    if not values:
        raise ValueError(f"--fail-on: no thresholds in {spec!r}; {valid}")
    return Thresholds(**values)  # type: ignore[arg-type]


def _parse_value(key: str, raw: str, valid: str) -> int | float:
    if key in RATE_KEYS:
        try:
            rate = float(raw)
        except ValueError:
            rate = -1.0
        if not 0.0 <= rate <= 1.0:
            raise ValueError(
                f"--fail-on: {key} needs a share between 0 and 1, got {raw!r}; {valid}"
            )
        return rate
    if not raw.isdigit():
        raise ValueError(f"--fail-on: {key} needs a whole number >= 0, got {raw!r}; {valid}")
    return int(raw)


def find_violations(report: AuditReport, thresholds: Thresholds) -> list[str]:
    """One human line per threshold the report exceeds, in the order of ``Thresholds``' keys."""
    summary = report.summary()
    lines: list[str] = []
    for key in VALID_KEYS:
        limit = getattr(thresholds, key)
        if limit is None or summary[key] <= limit:
            continue
        lines.append(_LINES[key](report, limit))
    return lines


def _pct(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _ids(ids: list[str]) -> str:
    more = "" if len(ids) <= _SHOWN else ", ..."
    return ", ".join(ids[:_SHOWN]) + more


def _duplicates(r: AuditReport, limit: float) -> str:
    groups = "; ".join(
        f"{g.title} / {g.brand or 'no brand'}: {', '.join(g.product_ids)}"
        for g in r.duplicates[:_SHOWN]
    )
    more = "; ..." if len(r.duplicates) > _SHOWN else ""
    return f"duplicate products: {len(r.duplicates)} > {limit} ({groups}{more})"


def _outliers(r: AuditReport, limit: float) -> str:
    shown = "; ".join(
        f"{o.product_id} at {o.price:,.2f} in {o.category}, median {o.category_median:,.2f}"
        for o in r.price_outliers[:_SHOWN]
    )
    more = "; ..." if len(r.price_outliers) > _SHOWN else ""
    return f"price outliers: {len(r.price_outliers)} > {limit} ({shown}{more})"


def _dangling(r: AuditReport, limit: float) -> str:
    parts = ", ".join(f"{d.relation}: {d.count}" for d in r.dangling if d.count)
    return f"dangling references: {r.dangling_total} > {limit} ({parts})"


def _stale(r: AuditReport, limit: float) -> str:
    s = r.stale
    parts = [
        f"{label}: {sample.count}"
        for label, sample in (("products", s.stale_products), ("help articles", s.stale_articles))
        if sample.count
    ]
    if s.behaviour_stale and s.newest_event is not None:
        parts.append(f"behaviour data: newest event {s.newest_event:%Y-%m-%d}")
    return f"stale data: {r.stale_total} > {limit} ({', '.join(parts)})"


def _bad_ratings(r: AuditReport, limit: float) -> str:
    rs = r.ratings
    checks: list[tuple[str, IdSample]] = [
        ("rating_avg outside 0..5", rs.rating_out_of_range),
        ("rating_count < 0", rs.negative_rating_count),
        ("review rating outside 1..5", rs.review_rating_out_of_range),
    ]
    parts = ", ".join(f"{label}: {s.count}" for label, s in checks if s.count)
    total = sum(s.count for _, s in checks)
    return f"rating problems: {total} > {limit} ({parts})"


def _bad_prices(r: AuditReport, limit: float) -> str:
    s = r.ratings.non_positive_price
    return f"products priced <= 0: {s.count} > {limit} ({_ids(s.examples)})"


def _null_rate(r: AuditReport, limit: float) -> str:
    over = sorted(
        (-f.missing_rate, f"{t.table}.{f.name}")
        for t in r.tables
        if t.rows
        for f in t.fields
        if f.required and f.missing_rate > limit
    )
    shown = ", ".join(f"{name} {_pct(-rate)}" for rate, name in over[:_SHOWN])
    more = f" and {len(over) - _SHOWN} more fields" if len(over) > _SHOWN else ""
    return f"missing values: {_pct(-over[0][0])} > {_pct(limit)} ({shown}{more})"


def _rate_line(label: str, pick: str) -> _LineFn:
    def line(r: AuditReport, limit: float) -> str:
        sample: IdSample = getattr(r, pick)
        return (
            f"{label}: {_pct(r.rate(sample))} > {_pct(limit)} "
            f"({sample.count} of {r.products} products, e.g. {_ids(sample.examples)})"
        )

    return line


_LINES: dict[str, _LineFn] = {
    "duplicates": _duplicates,
    "price_outliers": _outliers,
    "dangling": _dangling,
    "stale": _stale,
    "bad_ratings": _bad_ratings,
    "bad_prices": _bad_prices,
    "null_rate": _null_rate,
    "no_reviews": _rate_line("products without reviews", "without_reviews"),
    "no_attributes": _rate_line("products without attributes", "without_attributes"),
}
