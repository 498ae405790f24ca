"""Importing a product catalog file (any format ``catalog_read`` reads): validate every row,
then upsert.

One row per purchasable variant (``Item``); product-level columns repeat on each row of the same
``product_id``. The whole file is checked before anything is written: each value
(``catalog_rows``), then across rows (duplicate ``item_id``, product fields that differ between
rows of one product, a missing ``item_id`` on a product with several rows), then against the
store (an ``item_id`` that belongs to another product). Any problem rejects the file with every
problem listed, and nothing is committed.

A valid file is written in one transaction: new products and variants are inserted, changed
ones updated, identical ones left untouched, so re-importing a file changes nothing. A column
the file does not have at all keeps the stored value of existing rows (a file without
``rating_avg`` does not reset ratings). ``Product.price`` is the lowest price among the
product's variants, stored ones included.

Products and variants in the store but absent from the file are left as they are, unless the
caller asks to ``prune``: then they are deleted in the same transaction (with the reviews and
relevance labels of the deleted products), so the store holds exactly the file's catalog.
Orders keep their lines, which copy the name, price and options they were bought with.

Not here: reading formats (``catalog_read``), the search index (``aisle index`` re-embeds only
products whose text changed, by content hash).
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session, col
from tqdm import tqdm

from store.db import Store
from store.errors import ImportRejected, RowProblem
from store.facets import FROM_TEXT
from store.importers.catalog_file import CatalogFile
from store.importers.catalog_read import read_catalog
from store.importers.catalog_rows import CatalogRow, parse_row
from store.importers.columns import (
    ATTR_PREFIX,
    LINK_COLUMNS,
    OPT_PREFIX,
    PRODUCT_COLUMNS,
    ColumnMap,
)
from store.importers.feed_values import item_id_for, short
from store.importers.upsert import ImportReport, Row, apply, diff, load_by, note_source, same
from store.models import Item, LabelledQuery, Product, Review, utcnow


def import_catalog(
    store: Store,
    path: Path,
    progress: bool = False,
    *,
    mapping: ColumnMap | None = None,
    fmt: str = "auto",
    prune: bool = False,
) -> ImportReport:
    """Validate ``path`` completely, then upsert its products and variants in one transaction.

    ``fmt`` names the format (``auto``: found from the file; see ``catalog_read``), ``mapping``
    the shop's column names for a plain file. Raises ``ImportRejected`` (``HeaderRejected``
    for the header) listing every problem (``file:line: field: message``) when anything is
    invalid; the store is then unchanged. With ``prune``, products and variants absent from
    the file are deleted; otherwise they are left alone.
    """
    started = time.perf_counter()
    catalog = read_catalog(path, mapping, fmt)
    rows, problems = _parse(catalog, progress)
    given = _given_fields(catalog.columns)
    problems += _cross_row_problems(catalog, rows, given)
    report = ImportReport(file=str(path), format=catalog.format, warnings=list(catalog.notes))
    with store.session() as session:
        existing_items = _existing_items(session, rows)
        problems += _ownership_problems(catalog.name, rows, existing_items)
        if problems:
            raise ImportRejected(sorted(problems, key=lambda p: p.line))
        _write(session, rows, given, existing_items, report, prune)
        if prune:
            _prune(session, rows, report)
        note_source(session, f"catalog:{path.name}")
    report.seconds = time.perf_counter() - started
    return report


def _parse(catalog: CatalogFile, progress: bool) -> tuple[list[CatalogRow], list[RowProblem]]:
    problems = list(catalog.problems)
    reported = {(p.line, p.field) for p in problems}  # the reader already said what is wrong
    rows: list[CatalogRow] = []
    for raw in tqdm(catalog.rows, desc="checking rows", unit="row", disable=not progress):
        row, row_problems = parse_row(raw, catalog.name, catalog.text_cells)
        problems += [
            p
            for p in (catalog.problem(p.line, p.field, p.message) for p in row_problems)
            if (p.line, p.field) not in reported
        ]
        if row is not None:  # invalid rows too: duplicates and conflicts are still found
            rows.append(row)
    if not catalog.rows and not problems:
        problems.append(RowProblem(catalog.name, 0, "file", "no rows; nothing to import"))
    return rows, problems


def _given_fields(columns: list[str]) -> set[str]:
    """Product and Item columns this file sets (others keep their stored values)."""
    given = {c for c in columns if c in PRODUCT_COLUMNS or c == "available"}
    if any(c.startswith(ATTR_PREFIX) or c in LINK_COLUMNS for c in columns):
        given.add("attributes")
    if any(c == "options" or c.startswith(OPT_PREFIX) for c in columns):
        given.add("options")
    if "category" in given:
        given |= {"category_leaf", "product_type"}  # both follow the category by default
    return given


def _by_product(rows: list[CatalogRow]) -> dict[str, list[CatalogRow]]:
    groups: dict[str, list[CatalogRow]] = defaultdict(list)
    for row in rows:
        groups[row.product_id].append(row)
    return groups


def _cross_row_problems(
    catalog: CatalogFile, rows: list[CatalogRow], given: set[str]
) -> list[RowProblem]:
    problems: list[RowProblem] = []
    compared = [f for f in PRODUCT_COLUMNS if f in given]
    for product_id, group in _by_product(rows).items():
        if len(group) == 1 and group[0].item_id is None:
            group[0].item_id = product_id  # a product sold in one variant needs no item id
        lines = ", ".join(str(r.line) for r in group)
        for row in group:
            if row.item_id is None and catalog.generated_ids:
                row.item_id = item_id_for(product_id, row.options or {})
            elif row.item_id is None:
                problems.append(
                    catalog.problem(
                        row.line,
                        "item_id",
                        f"required because product {product_id!r} has "
                        f"{len(group)} rows (lines {lines}); give each row its own item id",
                    )
                )
        first = group[0]
        for row in group[1:]:
            for f in compared:
                here, there = row.product[f], first.product[f]
                if f == "product_type" and not same(
                    row.product["category"], first.product["category"]
                ):
                    continue  # follows the category, whose conflict is already reported
                if f == "attributes":  # a variant's own link or image is no conflict
                    here, there = _without_links(here), _without_links(there)
                if here is not None and there is not None and not same(there, here):
                    problems.append(
                        catalog.problem(
                            row.line,
                            f,
                            f"{_difference(here, there)} on line {first.line} for "
                            f"product {product_id!r}; product fields must be the same on every row "
                            "of a product" + _same_title(catalog),
                        )
                    )
    seen: dict[str, int] = {}
    for row in rows:
        if row.item_id is None:
            continue
        if row.item_id in seen and catalog.generated_ids:
            problems.append(
                catalog.problem(
                    row.line,
                    "title",
                    f"same product as line {seen[row.item_id]}: the same "
                    "brand, title and options give the same generated ids; make the titles differ "
                    "or add a product_id column",
                )
            )
        elif row.item_id in seen:
            problems.append(
                catalog.problem(
                    row.line,
                    "item_id",
                    f"{row.item_id!r} is also on line {seen[row.item_id]}; "
                    "every row needs its own item id",
                )
            )
        else:
            seen[row.item_id] = row.line
    return problems


def _without_links(attributes: Any) -> Any:
    if isinstance(attributes, dict) and "links" in attributes:
        return {k: v for k, v in attributes.items() if k != "links"}
    return attributes


def _difference(here: Any, there: Any) -> str:
    """What differs, in short: the first differing key of two attribute dicts, else both values."""
    if isinstance(here, dict) and isinstance(there, dict):
        for key in [*there, *(k for k in here if k not in there)]:
            if not same(there.get(key), here.get(key)):
                return f"{key!r} is {short(here.get(key))} here but {short(there.get(key))}"
    return f"{short(here)} differs from {short(there)}"


def _same_title(catalog: CatalogFile) -> str:
    if not catalog.generated_ids:
        return ""
    return (
        " (the file has no product_id column, so rows with the same brand and title are one"
        " product; add ids, or make the titles differ)"
    )


def _existing_items(session: Session, rows: list[CatalogRow]) -> dict[str, Row]:
    """Stored variants that the file names, and every stored variant of the file's products."""
    products = {r.product_id for r in rows}
    found = {r["item_id"]: r for r in load_by(session, Item.product_id, products)}
    elsewhere = {r.item_id for r in rows if r.item_id and r.item_id not in found}
    found.update((r["item_id"], r) for r in load_by(session, Item.item_id, elsewhere))
    return found


def _ownership_problems(
    name: str, rows: list[CatalogRow], existing: dict[str, Row]
) -> list[RowProblem]:
    problems = []
    for row in rows:
        stored = existing.get(row.item_id or "")
        if stored is not None and stored["product_id"] != row.product_id:
            problems.append(
                RowProblem(
                    name,
                    row.line,
                    "item_id",
                    f"{row.item_id!r} already belongs to product "
                    f"{stored['product_id']!r} in the store; use another item id",
                )
            )
    return problems


def _write(
    session: Session,
    rows: list[CatalogRow],
    given: set[str],
    existing_items: dict[str, Row],
    report: ImportReport,
    prune: bool = False,
) -> None:
    now = utcnow()
    groups = _by_product(rows)
    stored = {r["product_id"]: r for r in load_by(session, Product.product_id, groups)}
    next_seq = _next_product_seq(session)
    product_rows: list[Row] = []
    item_rows: list[Row] = []
    in_file = {r.item_id for r in rows}
    stored_prices: dict[str, list[float]] = defaultdict(list)
    for item in existing_items.values():
        if item["item_id"] not in in_file and not prune:  # pruned variants do not count
            stored_prices[item["product_id"]].append(item["price"])
    for product_id, group in groups.items():
        prices = [r.price for r in group] + stored_prices[product_id]
        if product_id in stored:
            seq = stored[product_id]["seq"]
        else:
            seq, next_seq = next_seq, next_seq + 1
        product_rows.append(
            {
                "product_id": product_id,
                **group[0].product,
                "price": min(prices),
                "seq": seq,
                "updated_at": now,
            }
        )
        if "attributes" in given and product_id in stored:
            _keep_facets_from_text(product_rows[-1], stored[product_id])
        for position, row in enumerate(group):
            item_rows.append(
                {
                    "item_id": row.item_id,
                    "product_id": product_id,
                    "options": row.options,
                    "price": row.price,
                    "available": row.available,
                    "seq": position,
                }
            )
    product_fields = [f for f in (*PRODUCT_COLUMNS, "category_leaf") if f in given]
    products = diff(
        product_rows,
        stored,
        "product_id",
        [*product_fields, "title", "price"],
        touch={"updated_at": now},
    )
    optional = [f for f in ("available", "options") if f in given]
    item_fields = ["product_id", "price", "seq", *optional]
    items = diff(item_rows, existing_items, "item_id", item_fields)
    apply(session, Product, products)
    apply(session, Item, items)
    report.products_added, report.products_updated = len(products.inserts), len(products.updates)
    report.products_unchanged = products.unchanged
    report.items_added, report.items_updated = len(items.inserts), len(items.updates)
    report.items_unchanged = items.unchanged


def _keep_facets_from_text(row: Row, stored: Row) -> None:
    """The facets ``aisle facets`` read from the text stay through a re-import (the shop's
    file never holds them); an unchanged file then changes nothing."""
    kept = (stored.get("attributes") or {}).get(FROM_TEXT)
    if kept is not None:
        row["attributes"] = {**(row.get("attributes") or {}), FROM_TEXT: kept}


def _prune(session: Session, rows: list[CatalogRow], report: ImportReport) -> None:
    """Delete stored products absent from the file (their variants, reviews and relevance labels
    too) and stored variants of the file's products that the file no longer lists."""
    products = {r.product_id for r in rows}
    items = {r.item_id for r in rows if r.item_id}
    stored_products = set(session.scalars(select(col(Product.product_id))))
    gone = sorted(stored_products - products)
    stale = [i for i in session.scalars(select(col(Item.item_id))) if i not in items]
    report.items_removed = len(stale)
    report.products_removed = len(gone)
    for start in range(0, len(stale), 2_000):
        session.execute(delete(Item).where(col(Item.item_id).in_(stale[start : start + 2_000])))
    for start in range(0, len(gone), 2_000):
        chunk = gone[start : start + 2_000]
        session.execute(delete(Review).where(col(Review.product_id).in_(chunk)))
        session.execute(delete(LabelledQuery).where(col(LabelledQuery.product_id).in_(chunk)))
        session.execute(delete(Product).where(col(Product.product_id).in_(chunk)))


def _next_product_seq(session: Session) -> int:
    top: Any = session.execute(select(func.max(Product.seq))).scalar()
    return 0 if top is None else int(top) + 1
