"""Reading a catalog file (CSV, JSONL or Parquet) into raw rows that know their line numbers.

The reader checks the file's *shape*: that it can be decoded, that every column is one Aisle
knows (so a typo such as ``prise`` is an error, not a silently dropped column), that required
columns exist, and that each JSONL line is a JSON object. Values are left as they were read
(strings for CSV, JSON values for JSONL, Python values for Parquet); empty cells become None.

Not here: what the values mean and whether they are valid (``store.importers.catalog_rows``).

Line numbers: CSV counts physical lines with the header as line 1 (a quoted value spanning
lines gives its record's first line); JSONL counts lines; Parquet gives the 1-based row number,
and 0 for problems with the file's schema.
"""

from __future__ import annotations

import csv
import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from store.errors import ImportRejected, RowProblem

PRODUCT_COLUMNS = (
    "title",
    "brand",
    "category",
    "product_type",
    "description",
    "rating_avg",
    "rating_count",
    "attributes",
)
ITEM_COLUMNS = ("item_id", "price", "available", "options")
COLUMNS = ("product_id", *ITEM_COLUMNS[:1], *PRODUCT_COLUMNS, *ITEM_COLUMNS[1:])
REQUIRED = ("product_id", "title", "price")
ATTR_PREFIX = "attr."
OPT_PREFIX = "opt."
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
_ALLOWED_TEXT = ", ".join(COLUMNS) + f", {ATTR_PREFIX}<name>, {OPT_PREFIX}<name>"


@dataclass(frozen=True)
class RawRow:
    line: int
    values: dict[str, Any]  # column -> value as read; missing and empty cells are None


@dataclass
class CatalogFile:
    """A read file: every column it uses, its rows, and rows that could not be read at all."""

    name: str
    columns: list[str]
    rows: list[RawRow]
    problems: list[RowProblem] = field(default_factory=list)
    text_cells: bool = False  # every value was read as text (CSV)


def read_catalog(path: Path) -> CatalogFile:
    """Read ``path`` by its extension. Raises ``ImportRejected`` at once when the file cannot be
    read or its header is wrong (every row would fail the same way); problems confined to single
    lines come back in ``CatalogFile.problems`` so they are reported with the value problems."""
    name = path.name
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        _reject(
            name, 0, "file", f"unsupported format {path.suffix or '(no extension)'!r}; "
            "use .csv, .jsonl (or .ndjson) or .parquet"
        )
    try:
        if kind == "csv":
            return _read_csv(path, name)
        if kind == "jsonl":
            return _read_jsonl(path, name)
        return _read_parquet(path, name)
    except UnicodeDecodeError as exc:
        _reject(name, 0, "file", f"not UTF-8 text ({exc.reason} at byte {exc.start}); "
                "save the file as UTF-8")
    except OSError as exc:
        _reject(name, 0, "file", f"cannot read the file: {exc}")


def is_known_column(column: str) -> bool:
    if column in COLUMNS:
        return True
    return any(column.startswith(p) and len(column) > len(p) for p in (ATTR_PREFIX, OPT_PREFIX))


def _reject(name: str, line: int, field_name: str, message: str) -> NoReturn:
    raise ImportRejected([RowProblem(name, line, field_name, message)])


def _unknown(name: str, line: int, column: str) -> RowProblem:
    close = difflib.get_close_matches(column, COLUMNS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return RowProblem(
        name, line, column, f"unknown column{hint}; allowed columns: {_ALLOWED_TEXT}"
    )


def _check_header(name: str, header: list[str], line: int) -> None:
    problems: list[RowProblem] = []
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(RowProblem(name, line, column, "column appears twice; keep one"))
        seen.add(column)
        if not is_known_column(column):
            problems.append(_unknown(name, line, column))
    for column in REQUIRED:
        if column not in seen:
            problems.append(RowProblem(
                name, line, column,
                "missing required column; the header must include product_id, title and price",
            ))
    if problems:
        raise ImportRejected(problems)


def _read_csv(path: Path, name: str) -> CatalogFile:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        if not any(header):
            _reject(name, 1, "file", "no header; the first line must name the columns, "
                    "e.g. product_id,title,price")
        _check_header(name, header, reader.line_num)
        rows: list[RawRow] = []
        problems: list[RowProblem] = []
        previous = reader.line_num
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                problems.append(RowProblem(
                    name, line, "row", f"has {len(cells)} values but the header has "
                    f"{len(header)} columns; quote values that contain commas",
                ))
                continue
            values = {h: (c.strip() or None) for h, c in zip(header, cells, strict=False)}
            rows.append(RawRow(line, values))
    return CatalogFile(name, header, rows, problems, text_cells=True)


def _read_jsonl(path: Path, name: str) -> CatalogFile:
    rows: list[RawRow] = []
    problems: list[RowProblem] = []
    columns: dict[str, None] = {}  # insertion-ordered set
    reported: set[str] = set()
    with path.open(encoding="utf-8-sig") as handle:
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text.strip())
            except json.JSONDecodeError as exc:
                problems.append(RowProblem(
                    name, line, "row", f"not valid JSON ({exc.msg} at column {exc.colno}); "
                    "each line must be one JSON object",
                ))
                continue
            if not isinstance(obj, dict):
                problems.append(RowProblem(
                    name, line, "row", f"must be a JSON object, got {type(obj).__name__}"
                ))
                continue
            for key in obj:
                if not is_known_column(key) and key not in reported:
                    reported.add(key)  # once per file, on the first line that has it
                    problems.append(_unknown(name, line, key))
                columns.setdefault(key)
            rows.append(RawRow(line, {k: v for k, v in obj.items() if is_known_column(k)}))
    return CatalogFile(name, [c for c in columns if is_known_column(c)], rows, problems)


def _read_parquet(path: Path, name: str) -> CatalogFile:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except pa.ArrowException as exc:
        _reject(name, 0, "file", f"not a readable Parquet file: {exc}")
    header = list(table.column_names)
    _check_header(name, header, 0)
    rows = [
        RawRow(index, {k: _from_arrow(v) for k, v in record.items()})
        for index, record in enumerate(table.to_pylist(), start=1)
    ]
    return CatalogFile(name, header, rows)


def _from_arrow(value: Any) -> Any:
    """Arrow structs come back with every field (absent ones None) and maps as pairs."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None}
    if isinstance(value, list) and all(isinstance(p, tuple) and len(p) == 2 for p in value):
        return dict(value) if value else value
    if isinstance(value, str):
        return value.strip() or None
    return value
