"""Which of a plain file's columns feed which catalog field: the mapping, synonyms, warnings.

A plain catalog file (CSV, JSONL, Parquet in Aisle's own columns) is read through a
``ColumnMap``: the shop's ``--map SOURCE=TARGET`` pairs or a TOML mapping file
(``[columns]`` table, ``SOURCE = "TARGET"``). Each file column is resolved in this order:

1. the mapping (a target of ``""`` or ``"-"`` drops the column without a warning);
   Several columns mapped to ``category`` are joined, in file order, into one path
   (``dept`` and ``sub dept`` -> ``Notebooks > Journals``);
2. a catalog column spelled the same, ignoring case, spaces and dashes (``Product ID``);
3. a well-known synonym, when the file lacks the catalog column itself (``id`` -> product_id,
   ``name`` -> title, ``url`` -> link, ``image`` -> image_link, ``vendor`` -> brand; see
   ``SYNONYMS``), reported as a note so the shop can see how it was read; a ``subcategory``
   column is read as the second level of the category path (``Women > Dresses``);
4. otherwise the column is ignored with a warning, naming the closest catalog column only when
   the name looks like a misspelling of it (``prise``: price), never when it merely contains it
   (``price_band`` is not ``price``).

A mapping that names a column the file lacks is a warning (a mapping file may serve several
exports). A missing required column (``title``, ``price``) is a header problem that names the file's
column that looks like it, if any, and how to map it. ``product_id`` is not required: a file
without ids gets stable ones (``store.importers.catalog_ids``).

Not here: reading files (``catalog_read``) or the formats with their own column names
(``shopify``, ``feeds``).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.errors import HeaderRejected, RowProblem

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
LINK_COLUMNS = ("link", "image_link")  # kept in attributes[LINKS] (see catalog_rows)
# The attribute holding a product's page and image URLs: no facet (retrieval.documents keeps it
# out of filters, search text and questions).
LINKS = "links"
COLUMNS = ("product_id", *ITEM_COLUMNS[:1], *PRODUCT_COLUMNS, *ITEM_COLUMNS[1:], *LINK_COLUMNS)
REQUIRED = ("title", "price")
ATTR_PREFIX = "attr."
OPT_PREFIX = "opt."
DROP = ("", "-")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "product_id": ("id", "sku", "productid", "product_code"),
    "title": ("name", "product_name", "product_title"),
    "brand": ("vendor", "manufacturer", "make"),
    "description": ("desc", "body", "details"),
    "link": ("url", "product_url", "product_link", "permalink"),
    "image_link": ("image", "image_url", "image_src", "img", "picture"),
    "rating_avg": ("rating", "stars", "average_rating"),
    "rating_count": ("reviews", "review_count", "num_reviews"),
}
SUBCATEGORY = ("subcategory", "sub_category", "subcat")
ALLOWED_TEXT = ", ".join(COLUMNS) + f", {ATTR_PREFIX}<name>, {OPT_PREFIX}<name>"


def is_target(column: str) -> bool:
    """A catalog column a file column may be read as."""
    if column in COLUMNS:
        return True
    return any(column.startswith(p) and len(column) > len(p) for p in (ATTR_PREFIX, OPT_PREFIX))


def _folded(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def closest(column: str, candidates: tuple[str, ...] = COLUMNS) -> str | None:
    """The candidate ``column`` looks like a misspelling of, if any. A name that contains a
    candidate or is contained in it (``price_band``, ``cat``) is another thing, not a typo."""
    folded = _folded(column)
    by_fold = {_folded(c): c for c in candidates}
    for match in difflib.get_close_matches(folded, list(by_fold), n=3, cutoff=0.75):
        if match in folded or folded in match or abs(len(match) - len(folded)) > 2:
            continue
        return by_fold[match]
    return None


@dataclass(frozen=True)
class ColumnMap:
    """The shop's own column names: file column -> catalog column (or ``""`` to drop it)."""

    pairs: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, specs: list[str], toml_file: Path | None = None) -> ColumnMap:
        """From ``--map SOURCE=TARGET`` strings and an optional TOML file (``[columns]``).
        Raises ``HeaderRejected`` for a malformed pair or an unknown target."""
        pairs: dict[str, str] = {}
        problems: list[RowProblem] = []
        origin = "--map"
        if toml_file is not None:
            origin = toml_file.name
            try:
                data = tomllib.loads(toml_file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise HeaderRejected(
                    [RowProblem(origin, 0, "file", f"not a readable TOML mapping: {exc}")]
                ) from None
            table = data.get("columns", data)
            for source, target in table.items():
                if not isinstance(target, str):
                    problems.append(
                        RowProblem(origin, 0, source, 'the target must be a string such as "title"')
                    )
                    continue
                pairs[source] = target.strip()
        for spec in specs:
            source, sep, target = spec.partition("=")
            if not sep or not source.strip():
                problems.append(
                    RowProblem("--map", 0, spec, "write SOURCE=TARGET, e.g. --map name=title")
                )
                continue
            pairs[source.strip()] = target.strip()
        for source, target in pairs.items():
            if target not in DROP and not is_target(target):
                close = closest(target)
                hint = f" (did you mean {close!r}?)" if close else ""
                problems.append(
                    RowProblem(
                        origin,
                        0,
                        source,
                        f"cannot map to {target!r}{hint}; targets: {ALLOWED_TEXT}, or '-' to drop",
                    )
                )
        if problems:
            raise HeaderRejected(problems)
        return cls(pairs)


@dataclass
class Resolved:
    """How a header was read: file column -> catalog column, and what the shop should hear."""

    rename: dict[str, str]
    notes: list[str]
    joined: dict[str, list[str]] = field(default_factory=dict)  # category <- dept, sub dept

    def row(self, values: dict[str, Any]) -> dict[str, Any]:
        """A row of the file (file column -> value) in catalog columns."""
        out = {self.rename[k]: v for k, v in values.items() if k in self.rename}
        for target, sources in self.joined.items():
            parts = [str(values[s]).strip() for s in sources if values.get(s) not in (None, "")]
            out[target] = " > ".join(parts) or None
        return out

    def targets(self) -> list[str]:
        return [*self.rename.values(), *self.joined]

    def sources(self) -> dict[str, str]:
        """Catalog column -> the file's column(s), for problems."""
        out = {v: k for k, v in self.rename.items()}
        out.update((t, " + ".join(s)) for t, s in self.joined.items())
        return out


def resolve(name: str, header: list[str], mapping: ColumnMap, line: int) -> Resolved:
    """Resolve ``header`` (in file order). Raises ``HeaderRejected`` with every header problem:
    a column given twice, two columns read as one field, a required column missing."""
    problems: list[RowProblem] = []
    rename: dict[str, str] = {}
    notes: list[str] = []
    ignored: list[str] = []
    joined: dict[str, list[str]] = {}
    taken: dict[str, str] = {}
    seen: set[str] = set()
    direct = {_folded(c) for c in header if _folded(c) in COLUMNS or is_target(c)}
    for column in header:
        if column in seen:
            problems.append(RowProblem(name, line, column, "column appears twice; keep one"))
            continue
        seen.add(column)
        target = _target(column, mapping, direct)
        if target is None:
            close = closest(column)
            hint = f" (did you mean {close!r}? then --map '{column}={close}')" if close else ""
            ignored.append(f"{column!r}{hint}")
            continue
        if target in DROP:
            continue
        if target == "category" and target in taken:
            joined.setdefault(target, [taken[target]]).append(column)
            if column not in mapping.pairs:
                notes.append(f"read column {column!r} as the next level of category")
            continue
        if target in taken:
            problems.append(
                RowProblem(
                    name,
                    line,
                    column,
                    f"read as {target} like "
                    f"{taken[target]!r}; map one of them elsewhere or drop "
                    f"it with --map '{column}=-'",
                )
            )
            continue
        taken[target] = column
        rename[column] = target
        if column not in mapping.pairs and column != target:
            notes.append(f"read column {column!r} as {target}")
    for target in REQUIRED:
        if target not in taken:
            problems.append(_missing(name, line, target, header, set(rename)))
    for source in mapping.pairs:
        if source not in seen:
            near = closest(source, tuple(header)) if header else None
            hint = f" (the file has {near!r})" if near else ""
            notes.append(f"the mapping names {source!r}, which the file does not have{hint}")
    if ignored:
        notes.append(
            f"ignored column(s) Aisle does not model: {', '.join(ignored)}; keep one as "
            "an attribute with --map 'COLUMN=attr.NAME'"
        )
    if problems:
        raise HeaderRejected(problems)
    if "product_id" not in taken:
        notes.append(
            "no product_id column: ids are made from each row's brand and title "
            "(see the import docs); map an id column with --map COLUMN=product_id"
        )
    for sources in joined.values():
        sources.sort(key=lambda c: _folded(c) in SUBCATEGORY)  # a subcategory comes second
        for source in sources:
            rename.pop(source, None)
    return Resolved(rename, notes, joined)


def _target(column: str, mapping: ColumnMap, direct: set[str]) -> str | None:
    if column in mapping.pairs:
        return mapping.pairs[column]
    if is_target(column):
        return column
    folded = _folded(column)
    if folded in COLUMNS:
        return folded
    if folded in SUBCATEGORY:
        return "category"  # joined after the category column (see resolve)
    for target, names in SYNONYMS.items():
        if folded in names and target not in direct:
            return target
    return None


def _missing(name: str, line: int, target: str, header: list[str], used: set[str]) -> RowProblem:
    spare = [c for c in header if c not in used]
    look = [c for c in spare if closest(c, (target,)) == target]
    if look:
        how = f"the file has {look[0]!r}: rename it or add --map '{look[0]}={target}'"
    else:
        shown = ", ".join(repr(c) for c in spare[:8]) or "none"
        how = f"map the column that holds it with --map COLUMN={target} (unused columns: {shown})"
    return RowProblem(name, line, target, f"missing required column; {how}")
