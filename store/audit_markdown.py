"""The audit as a Markdown page a shop owner reads top to bottom.

A summary table of the tables, then one section per check with its count and up to ten
examples; a check with nothing to report says "no problems found", so a clean shop reads as
clean rather than as an empty page. Only rendering lives here; the data is ``AuditReport``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.audit_report import AuditReport, IdSample

CLEAN = "No problems found."
_SHOWN = 10
_CATEGORIES = 30  # facet coverage rows shown, largest categories first


def render_markdown(r: AuditReport) -> str:
    sections = [
        _header(r),
        _tables(r),
        _fields(r),
        _duplicates(r),
        _outliers(r),
        _share("Products without reviews", r, r.without_reviews),
        _share("Products without attributes", r, r.without_attributes),
        _facets(r),
        _dangling(r),
        _stale(r),
        _sanity(r),
        _mismatch(r),
    ]
    return "\n\n".join(sections) + "\n"


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|")


def _ids(sample: IdSample) -> str:
    hidden = sample.count - len(sample.examples)
    more = f", ... ({hidden:,} more)" if hidden > 0 else ""
    return ", ".join(f"`{i}`" for i in sample.examples) + more


def _more(total: int, noun: str) -> str:
    hidden = total - _SHOWN
    return f"\n\n... and {hidden:,} more {noun}; `--json` lists them all." if hidden > 0 else ""


def _pct(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _header(r: AuditReport) -> str:
    s = r.stale
    return (
        "# Data audit\n\n"
        f"Generated {r.generated_at:%Y-%m-%d %H:%M} UTC. Data not updated since "
        f"{s.cutoff:%Y-%m-%d} ({s.stale_after_days} days) counts as stale."
    )


def _tables(r: AuditReport) -> str:
    lines = [
        "## Tables",
        "",
        "| table | rows | columns | columns with nulls | columns with empty values |",
        "|---|---:|---:|---:|---:|",
    ]
    for t in r.tables:
        nulls = sum(1 for f in t.fields if f.nulls)
        empties = sum(1 for f in t.fields if f.empties)
        lines.append(f"| {t.table} | {t.rows:,} | {len(t.fields)} | {nulls} | {empties} |")
    return "\n".join(lines)


def _fields(r: AuditReport) -> str:
    head = (
        "## Missing values\n\nNull means SQL NULL or JSON null; empty means a blank string, {} "
        "or []. Required columns (NOT NULL in the schema) should always have a value."
    )
    required = _field_rows(r, required=True)
    body = _field_table(required) if required else CLEAN
    optional = _field_rows(r, required=False)
    if optional:
        body += "\n\nOptional columns, often empty by design (an order's cancel_reason):\n\n"
        body += _field_table(optional)
    return f"{head}\n\n{body}"


def _field_rows(r: AuditReport, required: bool) -> list[str]:
    return [
        f"| {t.table}.{f.name} | {_pct(f.null_rate)} | {_pct(f.empty_rate)} |"
        for t in r.tables
        for f in t.fields
        if f.required == required and (f.nulls or f.empties)
    ]


def _field_table(rows: list[str]) -> str:
    return "\n".join(["| column | null | empty |", "|---|---:|---:|", *rows])


def _duplicates(r: AuditReport) -> str:
    head = "## Duplicate products\n\nSame title and brand, ignoring case, spacing and punctuation."
    if not r.duplicates:
        return f"{head}\n\n{CLEAN}"
    lines = [f"Duplicate groups: {len(r.duplicates):,}", ""]
    for g in r.duplicates[:_SHOWN]:
        ids = ", ".join(f"`{i}`" for i in g.product_ids)
        lines.append(f"- {_cell(g.title)} ({_cell(g.brand) or 'no brand'}): {ids}")
    return head + "\n\n" + "\n".join(lines) + _more(len(r.duplicates), "groups")


def _outliers(r: AuditReport) -> str:
    head = (
        "## Price outliers\n\n"
        "A price is an outlier outside median ± 5 robust deviations of log price; categories "
        f"with at least 8 products checked: {r.outlier_categories_checked}."
    )
    if not r.price_outliers:
        return f"{head}\n\n{CLEAN}"
    lines = [
        f"Outliers: {len(r.price_outliers):,}",
        "",
        "| product | category | price | category median | expected range |",
        "|---|---|---:|---:|---|",
    ]
    for o in r.price_outliers[:_SHOWN]:
        lines.append(
            f"| `{_cell(o.product_id)}` | {_cell(o.category)} | {o.price:,.2f} "
            f"| {o.category_median:,.2f} | {o.low:,.2f} to {o.high:,.2f} |"
        )
    return head + "\n\n" + "\n".join(lines) + _more(len(r.price_outliers), "outliers")


def _share(title: str, r: AuditReport, sample: IdSample) -> str:
    if not sample.count:
        return f"## {title}\n\n{CLEAN}"
    return (
        f"## {title}\n\n{sample.count:,} of {r.products:,} products ({_pct(r.rate(sample))}): "
        f"{_ids(sample)}"
    )


def _facets(r: AuditReport) -> str:
    head = (
        "## Facet coverage\n\nPer category, products with facets a filter or a clarifying "
        "question can use (the shop's attributes and options, or read from titles and "
        "descriptions by `aisle facets`), and how many products have each."
    )
    if not r.facet_coverage:
        return f"{head}\n\nNo products."
    lines = [
        "| category | products | with facets | from text | facets |",
        "|---|---:|---:|---:|---|",
    ]
    for c in r.facet_coverage[:_CATEGORIES]:
        keys = ", ".join(f"{_cell(k)} {n}" for k, n in c.facets.items()) or "none"
        lines.append(
            f"| {_cell(c.category) or '(none)'} | {c.products:,} | "
            f"{c.with_facets:,} ({_pct(c.rate)}) | {c.from_text:,} | {keys} |"
        )
    hidden = len(r.facet_coverage) - _CATEGORIES
    more = f"\n\n... and {hidden:,} more categories; `--json` lists them all." if hidden > 0 else ""
    return head + "\n\n" + "\n".join(lines) + more


def _dangling(r: AuditReport) -> str:
    head = "## Dangling references\n\nRows pointing at a row that does not exist."
    broken = [d for d in r.dangling if d.count]
    if not broken:
        return f"{head}\n\n{CLEAN}"
    lines = ["| relation | rows | examples (row -> missing id) |", "|---|---:|---|"]
    for d in broken:
        shown = ", ".join(f"`{_cell(e.row)}` -> `{_cell(e.missing)}`" for e in d.examples)
        lines.append(f"| {d.relation} | {d.count:,} | {shown} |")
    return head + "\n\n" + "\n".join(lines)


def _stale(r: AuditReport) -> str:
    s = r.stale
    since = f"{s.cutoff:%Y-%m-%d}"
    lines = [
        f"- {label} not updated since {since}: {sample.count:,} ({_ids(sample)})"
        for label, sample in (("Products", s.stale_products), ("Help articles", s.stale_articles))
        if sample.count
    ]
    if s.behaviour_stale and s.newest_event is not None:
        lines.append(f"- Behaviour data: the newest event is from {s.newest_event:%Y-%m-%d}.")
    body = "\n".join(lines) if lines else CLEAN
    if s.newest_event is None:
        body += "\n\nNo behaviour events stored: personalisation has nothing to learn from."
    elif not s.behaviour_stale:
        body += f"\n\nNewest behaviour event: {s.newest_event:%Y-%m-%d}."
    return f"## Stale data\n\n{body}"


def _sanity(r: AuditReport) -> str:
    rs = r.ratings
    checks = (
        ("Products with rating_avg outside 0..5", rs.rating_out_of_range),
        ("Products with rating_count < 0", rs.negative_rating_count),
        ("Reviews rated outside 1..5", rs.review_rating_out_of_range),
        ("Products priced <= 0", rs.non_positive_price),
    )
    lines = [f"- {label}: {s.count:,} ({_ids(s)})" for label, s in checks if s.count]
    return "## Ratings and prices\n\n" + ("\n".join(lines) if lines else CLEAN)


def _mismatch(r: AuditReport) -> str:
    s = r.ratings.rating_count_mismatch
    head = "## Info: rating counts and stored reviews"
    if not s.count:
        return f"{head}\n\nEvery product's rating_count matches its stored reviews."
    return (
        f"{head}\n\nProducts whose rating_count differs from the reviews stored for them: "
        f"{s.count:,} ({_ids(s)}). Not a defect by itself: imports may carry the source shop's "
        "counts."
    )
