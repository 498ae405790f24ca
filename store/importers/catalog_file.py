"""A catalog file as read, before its values are checked: rows in Aisle's catalog columns.

Every format reader (plain CSV/JSONL/Parquet, Shopify, Merchant Center, ACP) returns a
``CatalogFile`` whose rows use the catalog column names of ``store.importers.columns``
(``product_id``, ``item_id``, ``title``, ``price``, ``attributes`` as a dict, ...), each with the
line it came from, so one validator (``catalog_rows``) and one writer (``catalog``) serve them
all. ``fields`` maps a catalog column back to the file's own column, so a problem names the
column the shop sees (``Variant Price``, not ``price``).

Not here: reading (``catalog_read`` and the format modules) and validation.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from store.errors import RowProblem


@dataclass(frozen=True)
class RawRow:
    line: int
    values: dict[str, Any]  # catalog column -> value as read; missing and empty cells are None


@dataclass
class CatalogFile:
    """A read file: the catalog columns it sets, its rows, and rows that could not be read."""

    name: str
    columns: list[str]
    rows: list[RawRow]
    problems: list[RowProblem] = field(default_factory=list)
    text_cells: bool = False  # every value was read as text (plain CSV)
    format: str = "aisle"
    notes: list[str] = field(default_factory=list)  # warnings for the shop: ignored columns...
    fields: dict[str, str] = field(default_factory=dict)  # catalog column -> the file's column
    generated_ids: bool = False  # product ids were made from brand and title

    def problem(self, line: int, column: str, message: str) -> RowProblem:
        """A problem named by the file's own column for ``column``."""
        return RowProblem(self.name, line, self.fields.get(column, column), message)


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def open_text(path: Path) -> IO[str]:
    """The file as UTF-8 text (a BOM dropped), gunzipped when it is gzip whatever its name."""
    if is_gzip(path):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def plain_suffix(path: Path) -> str:
    """``feed.jsonl.gz`` -> ``.jsonl``."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".gzip"):
        suffixes.pop()
    return suffixes[-1] if suffixes else ""
