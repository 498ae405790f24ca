"""Reading a catalog file into raw rows that know their line numbers, whatever its format.

``read_catalog`` finds the format from the file itself (gzip by its first bytes, then the
extension and the header), unless the caller names it:

- ``shopify``: a CSV whose header has ``Handle`` and ``Variant ...`` or ``Body (HTML)`` columns
  (``store.importers.shopify``);
- ``acp``: an Agentic Commerce Protocol product feed, CSV/TSV or JSONL, recognised by its
  eligibility flags (``enable_search`` / ``is_eligible_search``, ``..._checkout``);
- ``merchant``: a Google Merchant Center feed, an RSS/Atom XML file or a TSV/CSV with ``id``,
  ``title`` and a Merchant field (``availability``, ``link``, ``image_link``,
  ``item_group_id``, ``google_product_category``) (both in ``store.importers.feeds``);
- ``aisle``: anything else, a CSV, JSONL or Parquet in Aisle's own columns, or the shop's own
  columns read through a ``ColumnMap`` (``--map``); giving a mapping means this format.

For the plain format the reader checks the file's *shape*: that it can be decoded, that the
header resolves (``store.importers.columns``: unknown columns are ignored with a note, a
missing required column is a ``HeaderRejected``), and that each JSONL line is a JSON object.
Values are left as they were read (strings for CSV, JSON values for JSONL, Python values for
Parquet); empty cells become None.

Not here: what the values mean and whether they are valid (``store.importers.catalog_rows``).

Line numbers: CSV counts physical lines with the header as line 1 (a quoted value spanning
lines gives its record's first line); JSONL counts lines; XML gives the line of the item's
opening tag; Parquet gives the 1-based row number, and 0 for problems with the file's schema.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import IO, Any, NoReturn

from store.errors import HeaderRejected, ImportRejected, RowProblem
from store.importers.catalog_file import CatalogFile, RawRow, is_gzip, open_text, plain_suffix
from store.importers.columns import ColumnMap, Resolved, resolve
from store.importers.feed_values import product_id_for

FORMATS = ("auto", "aisle", "shopify", "merchant", "acp")
SUFFIXES = (".csv", ".tsv", ".txt", ".jsonl", ".ndjson", ".xml", ".parquet")
ACP_FLAGS = {"enable_search", "enable_checkout", "is_eligible_search", "is_eligible_checkout"}
MERCHANT_FIELDS = {
    "availability",
    "link",
    "image_link",
    "item_group_id",
    "google_product_category",
    "gtin",
    "mpn",
    "condition",
}


def read_catalog(path: Path, mapping: ColumnMap | None = None, fmt: str = "auto") -> CatalogFile:
    """Read ``path`` in ``fmt`` (``auto``: detected). Raises ``ImportRejected`` at once when the
    file cannot be read and ``HeaderRejected`` when its header is wrong (every row would fail
    the same way); problems confined to single lines come back in ``CatalogFile.problems`` so
    they are reported with the value problems."""
    from store.importers import feeds, shopify

    name = path.name
    mapping = mapping or ColumnMap()
    suffix = plain_suffix(path)
    if suffix not in SUFFIXES:
        _reject(
            name,
            0,
            "file",
            f"unsupported format {suffix or '(no extension)'!r}; use .csv, "
            ".tsv, .jsonl (or .ndjson), .xml or .parquet, optionally gzipped (.gz)",
        )
    try:
        if suffix == ".parquet":
            if is_gzip(path):
                _reject(name, 0, "file", "a Parquet file compresses itself; unzip it first")
            return _read_parquet(path, name, mapping)
        kind = fmt if fmt != "auto" else ("aisle" if mapping.pairs else _detect(path, suffix))
        if kind == "shopify":
            return shopify.read_shopify(path, name)
        if kind in ("merchant", "acp"):
            if suffix == ".xml":
                return feeds.read_feed_xml(path, name)
            return feeds.read_feed(path, name, kind)
        if suffix == ".xml":
            _reject(
                name,
                0,
                "file",
                "XML is read as a Merchant Center feed only; give a "
                "CSV, JSONL or Parquet file for the plain format",
            )
        if suffix in (".jsonl", ".ndjson"):
            return _read_jsonl(path, name, mapping)
        return _read_csv(path, name, mapping)
    except UnicodeDecodeError as exc:
        _reject(
            name,
            0,
            "file",
            f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8",
        )
    except (OSError, EOFError) as exc:
        _reject(name, 0, "file", f"cannot read the file: {exc}")


def _detect(path: Path, suffix: str) -> str:
    if suffix == ".xml":
        return "merchant"
    with open_text(path) as handle:
        first = handle.readline()
    if suffix in (".jsonl", ".ndjson"):
        try:
            keys = set(json.loads(first)) if first.strip().startswith("{") else set()
        except json.JSONDecodeError:
            keys = set()
        return "acp" if keys & ACP_FLAGS else "aisle"
    header = {h.strip().strip('"') for h in first.replace("\t", ",").split(",")}
    if "Handle" in header and any(h.startswith(("Variant ", "Body (HTML)")) for h in header):
        return "shopify"
    folded = {re.sub(r"\s+", "_", h.lower().removeprefix("g:")) for h in header}
    if folded & ACP_FLAGS:
        return "acp"
    if {"id", "title"} <= folded and folded & MERCHANT_FIELDS:
        return "merchant"
    return "aisle"


def _reject(name: str, line: int, field_name: str, message: str) -> NoReturn:
    raise ImportRejected([RowProblem(name, line, field_name, message)])


def _catalog(
    name: str,
    resolved: Resolved,
    rows: list[RawRow],
    problems: list[RowProblem],
    text_cells: bool = False,
) -> CatalogFile:
    columns = resolved.targets()
    catalog = CatalogFile(
        name, columns, rows, problems, text_cells, notes=resolved.notes, fields=resolved.sources()
    )
    if "product_id" not in columns:
        _generate_ids(catalog)
    return catalog


def _generate_ids(catalog: CatalogFile) -> None:
    """Ids from brand and title (``feed_values.product_id_for``) for a file without them; a row
    without a title gets none and is reported for its title."""
    catalog.generated_ids = True
    catalog.columns.append("product_id")
    for row in catalog.rows:
        title, brand = row.values.get("title"), row.values.get("brand")
        if isinstance(title, str) and title.strip():
            row.values["product_id"] = product_id_for(
                brand if isinstance(brand, str) else "", title
            )


def _read_csv(path: Path, name: str, mapping: ColumnMap) -> CatalogFile:
    with open_text(path) as handle:
        return _read_delimited(handle, name, mapping, "\t" if plain_suffix(path) == ".tsv" else ",")


def _read_delimited(handle: IO[str], name: str, mapping: ColumnMap, delimiter: str) -> CatalogFile:
    reader = csv.reader(handle, delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        _reject(
            name,
            1,
            "file",
            "no header; the first line must name the columns, e.g. product_id,title,price",
        )
    resolved = resolve(name, header, mapping, reader.line_num)
    rows: list[RawRow] = []
    problems: list[RowProblem] = []
    previous = reader.line_num
    for cells in reader:
        line, previous = previous + 1, reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                RowProblem(
                    name,
                    line,
                    "row",
                    f"has {len(cells)} values but the header has "
                    f"{len(header)} columns; quote values that contain commas",
                )
            )
            continue
        values = {h: (c.strip() or None) for h, c in zip(header, cells, strict=False)}
        rows.append(RawRow(line, resolved.row(values)))
    return _catalog(name, resolved, rows, problems, text_cells=True)


def _read_jsonl(path: Path, name: str, mapping: ColumnMap) -> CatalogFile:
    objects: list[tuple[int, dict[str, Any]]] = []
    problems: list[RowProblem] = []
    keys: dict[str, int] = {}  # key -> first line, in order of appearance
    with open_text(path) as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text.strip())
            except json.JSONDecodeError as exc:
                problems.append(
                    RowProblem(
                        name,
                        line,
                        "row",
                        f"not valid JSON ({exc.msg} at column {exc.colno}); "
                        "each line must be one JSON object",
                    )
                )
                continue
            if not isinstance(obj, dict):
                problems.append(
                    RowProblem(
                        name, line, "row", f"must be a JSON object, got {type(obj).__name__}"
                    )
                )
                continue
            for key in obj:
                keys.setdefault(key, line)
            objects.append((line, obj))
    if not keys and not problems:
        _reject(name, 0, "file", "no rows; nothing to import")
    try:
        resolved = resolve(name, list(keys), mapping, min(keys.values(), default=0))
    except HeaderRejected as exc:
        # a JSONL file has no header line: each key is reported on the first line that has it
        raise HeaderRejected(
            [
                RowProblem(p.file, keys.get(p.field, p.line), p.field, p.message)
                for p in exc.problems
            ]
        ) from None
    rows = [RawRow(line, resolved.row(obj)) for line, obj in objects]
    return _catalog(name, resolved, rows, problems)


def _read_parquet(path: Path, name: str, mapping: ColumnMap) -> CatalogFile:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except pa.ArrowException as exc:
        _reject(name, 0, "file", f"not a readable Parquet file: {exc}")
    resolved = resolve(name, list(table.column_names), mapping, 0)
    rows = [
        RawRow(index, resolved.row({k: _from_arrow(v) for k, v in record.items()}))
        for index, record in enumerate(table.to_pylist(), start=1)
    ]
    return _catalog(name, resolved, rows, [])


def _from_arrow(value: Any) -> Any:
    """Arrow structs come back with every field (absent ones None) and maps as pairs."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None}
    if isinstance(value, list) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        return dict(value) if value else value
    if isinstance(value, str):
        return value.strip() or None
    return value
