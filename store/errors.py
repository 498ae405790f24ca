"""People-facing errors of the store layer.

    AisleError
     └── StoreError
          ├── StoreUnavailable   the database cannot be opened or reached
          ├── ImportRejected     a file had invalid rows; nothing was committed
          │    └── HeaderRejected  its header (or the column mapping) cannot be read
          └── NotFound           a row that was asked for does not exist

Messages say what went wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class AisleError(Exception):
    """Base of every error Aisle raises on purpose."""


class StoreError(AisleError):
    pass


class StoreUnavailable(StoreError):
    pass


class NotFound(StoreError):
    pass


@dataclass(frozen=True)
class RowProblem:
    """One problem with one input row: ``file:line: field: message``."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ImportRejected(StoreError):
    """Raised when any row of an import is invalid; the whole batch is rolled back."""

    what = "these rows"

    def __init__(self, problems: list[RowProblem], max_shown: int = 50) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:max_shown])
        more = len(problems) - max_shown
        tail = f"\n... and {more} more" if more > 0 else ""
        what = "the file" if problems and all(p.field == "file" for p in problems) else self.what
        super().__init__(
            f"{len(problems)} problem(s); nothing was imported. Fix {what} and re-run:\n"
            f"{shown}{tail}"
        )

    def as_json(self) -> dict[str, Any]:
        """The error as ``--json`` prints it: kind, message and every problem."""
        kind = "header" if isinstance(self, HeaderRejected) else "rows"
        return {
            "error": "import_rejected",
            "kind": kind,
            "committed": False,
            "problems": [asdict(p) for p in self.problems],
            "message": str(self),
        }


class HeaderRejected(ImportRejected):
    """The file's columns (or the mapping given for them) cannot be read as a catalog; no row
    was checked, since every row would fail the same way."""

    what = "the header (or map the columns with --map SOURCE=TARGET)"
