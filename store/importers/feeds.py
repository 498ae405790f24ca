"""Reading product feeds: Google Merchant Center (TSV/CSV or RSS/Atom XML) and the Agentic
Commerce Protocol product feed (JSONL or CSV/TSV), gzipped or not.

Both describe one purchasable item per record with much the same fields, so one mapping serves
(field names are matched ignoring case, a ``g:`` prefix, and spaces for underscores):

- ``id`` (ACP also ``item_id``) is the variant id; ``item_group_id`` (ACP also ``group_id``)
  the product id, and a record without a group is a product of its own (product id = ``id``);
- the product's title is ACP's ``item_group_title``, else the words the group's titles share
  (``Merino Tee - Navy / M`` and ``... / L`` -> ``Merino Tee - Navy``), else the first title;
  description (HTML made text), brand and ratings come from the group's first record;
- ``price`` (``15.00 USD``) is the price, ``sale_price`` wins when given (and, with a
  ``sale_price_effective_date``, while today is within it); every price of a file
  must be in one currency (the one most prices use); ``availability`` (``in_stock``,
  ``out_of_stock``, ``preorder``, ``backorder``), else ACP's ``inventory_quantity`` > 0, says
  whether it can be bought;
- the category is the shop's own ``product_type`` path, else ``product_category`` (ACP) or
  ``google_product_category`` when it is a path (a bare taxonomy number is no path);
- ``color``, ``size``, ``material``, ``pattern``, ``gender``, ``age_group``, ``size_type``,
  ``size_system``: options when they differ within a group, attributes otherwise;
  ``condition`` is an attribute; ACP's ``custom_variantN_category`` / ``_option`` pairs
  (N = 1..3) are options by those names, and ``aisle_attributes`` (a JSON object, Aisle's
  own export) the product's other attributes; ``link`` (ACP also ``url``) and ``image_link`` (plus
  ``additional_image_link``) are kept in ``attributes["links"]``;
- ACP records with ``enable_search`` / ``is_eligible_search`` false are left out (the shop
  asked not to surface them); every other field is ignored and named in the report's warnings.

Not here: validating values (``catalog_rows``), writing (``catalog``).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml.sax import make_parser

from store.errors import HeaderRejected, ImportRejected, RowProblem
from store.importers.catalog_file import CatalogFile, RawRow, open_text, plain_suffix
from store.importers.columns import closest
from store.importers.feed_values import availability, category_path, html_to_text, money, short

ALIASES = {
    "item_id": "id",
    "group_id": "item_group_id",
    "url": "link",
    "is_eligible_search": "enable_search",
    "is_eligible_checkout": "enable_checkout",
}
FACETS = ("color", "size", "material", "pattern", "gender", "age_group", "size_type", "size_system")
USED = {
    "id",
    "item_group_id",
    "item_group_title",
    "title",
    "description",
    "link",
    "image_link",
    "additional_image_link",
    "price",
    "sale_price",
    "availability",
    "inventory_quantity",
    "brand",
    "product_type",
    "product_category",
    "google_product_category",
    "product_review_rating",
    "product_review_count",
    "condition",
    "enable_search",
    "sale_price_effective_date",
    "enable_checkout",
    *FACETS,
    *(f"custom_variant{n}_{part}" for n in (1, 2, 3) for part in ("category", "option")),
    "aisle_attributes",
}
REQUIRED = ("id", "title", "price")
FIELDS = {
    "item_id": "id",
    "product_id": "item_group_id",
    "rating_avg": "product_review_rating",
    "rating_count": "product_review_count",
    "available": "availability",
}
Record = tuple[int, dict[str, Any]]


def read_feed(path: Path, name: str, fmt: str) -> CatalogFile:
    """A TSV/CSV (Merchant Center or ACP) or JSONL (ACP) feed."""
    problems: list[RowProblem] = []
    records: list[Record] = []
    with open_text(path) as handle:
        if plain_suffix(path) in (".jsonl", ".ndjson"):
            for line, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as exc:
                    problems.append(
                        RowProblem(
                            name,
                            line,
                            "row",
                            f"not valid JSON ({exc.msg} at "
                            f"column {exc.colno}); one JSON object a line",
                        )
                    )
                    continue
                if not isinstance(obj, dict):
                    problems.append(RowProblem(name, line, "row", "must be a JSON object"))
                    continue
                records.append((line, obj))
        else:
            first = handle.readline()
            delimiter = "\t" if first.count("\t") > first.count(",") else ","
            header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter))]
            reader = csv.reader(handle, delimiter=delimiter)
            previous = 1
            for cells in reader:
                line, previous = previous + 1, reader.line_num + 1
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(header):
                    problems.append(
                        RowProblem(
                            name,
                            line,
                            "row",
                            f"has {len(cells)} values but the header has {len(header)} columns",
                        )
                    )
                    continue
                records.append((line, dict(zip(header, cells, strict=False))))
    return _catalog(name, fmt, records, problems)


def read_feed_xml(path: Path, name: str) -> CatalogFile:
    """A Merchant Center RSS 2.0 (``<item>``) or Atom (``<entry>``) feed."""
    handler = _Items()
    parser = make_parser()
    parser.setContentHandler(handler)
    try:
        with open_text(path) as handle:
            parser.parse(handle)
    except SAXParseException as exc:
        raise ImportRejected(
            [
                RowProblem(
                    name,
                    exc.getLineNumber() or 0,
                    "file",
                    f"not well-formed XML: {exc.getMessage()}",
                )
            ]
        ) from None
    except DefusedXmlException as exc:  # entity expansion, external entities, DTDs
        line = handler.where()
        raise ImportRejected(
            [
                RowProblem(
                    name,
                    line,
                    "file",
                    f"refused: the XML {exc}; a product feed needs no DTD or entities, remove them",
                )
            ]
        ) from None
    return _catalog(name, "merchant", handler.records, [])


class _Items(ContentHandler):
    """Collects each ``<item>``/``<entry>``'s child fields (``g:`` prefixes dropped) with the
    line of its opening tag; a field given twice becomes a list."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[Record] = []
        self._item: dict[str, Any] | None = None
        self._field: str | None = None
        self._depth = 0
        self._text: list[str] = []
        self._where: Any = None

    def setDocumentLocator(self, locator: Any) -> None:
        self._where = locator

    def where(self) -> int:
        """The line the parser is on (0 before it started)."""
        return int(self._where.getLineNumber() or 0) if self._where else 0

    def startElement(self, name: str, attrs: Any) -> None:
        local = name.rsplit(":", 1)[-1]
        if self._item is None:
            if local in ("item", "entry"):
                self._item, self._depth = {}, 0
                self.records.append((self.where(), self._item))
            return
        self._depth += 1
        if self._depth == 1:
            self._field, self._text = local, []
            if local == "link" and attrs.get("href"):
                self._text.append(attrs["href"])

    def characters(self, content: str) -> None:
        if self._item is not None and self._depth == 1:
            self._text.append(content)

    def endElement(self, name: str) -> None:
        if self._item is None:
            return
        if self._depth == 0:
            self._item = None
            return
        if self._depth == 1 and self._field is not None:
            value = "".join(self._text).strip()
            old = self._item.get(self._field)
            if old is None:
                self._item[self._field] = value
            else:
                self._item[self._field] = [*old, value] if isinstance(old, list) else [old, value]
        self._depth -= 1


def _catalog(name: str, fmt: str, records: list[Record], problems: list[RowProblem]) -> CatalogFile:
    keys: dict[str, int] = {}
    clean: list[Record] = []
    for line, record in records:
        values = {_key(k): _cell(v) for k, v in record.items()}
        for key in values:
            keys.setdefault(key, line)
        clean.append((line, {k: v for k, v in values.items() if v is not None}))
    missing = [
        RowProblem(name, 1 if fmt != "merchant" or keys else 0, c, _missing(c, keys))
        for c in REQUIRED
        if c not in keys
    ]
    if missing:
        raise HeaderRejected(missing)
    label = "ACP" if fmt == "acp" else "Merchant Center"
    catalog = CatalogFile(
        name,
        [
            "product_id",
            "item_id",
            "title",
            "description",
            "brand",
            "category",
            "price",
            "available",
            "attributes",
            "options",
            "rating_avg",
            "rating_count",
        ],
        [],
        problems,
        format=fmt,
        fields=dict(FIELDS),
    )
    ignored = [k for k in keys if k not in USED]
    if ignored:
        catalog.notes.append(
            f"ignored {len(ignored)} {label} field(s) Aisle does not model: " + ", ".join(ignored)
        )
    hidden = [line for line, values in clean if not _searchable(values)]
    if hidden:
        catalog.notes.append(
            f"left out {len(hidden)} record(s) with enable_search false "
            f"(lines {', '.join(str(line) for line in hidden[:10])})"
        )
    groups: dict[str, list[Record]] = defaultdict(list)
    for line, values in clean:
        if not _searchable(values):
            continue
        if values.get("id") is None:
            catalog.problems.append(
                RowProblem(name, line, "id", "required; every item needs its own id")
            )
            continue
        group = values.get("item_group_id") or values["id"]
        groups[str(group)].append((line, values))
    currency: list[tuple[int, str, str, str]] = []
    for product_id, group in groups.items():
        _group(catalog, product_id, group, currency)
    _one_currency(catalog, currency)
    return catalog


def _searchable(values: dict[str, Any]) -> bool:
    """ACP's flag: false means the shop does not want the item surfaced."""
    return str(values.get("enable_search", "true")).lower() != "false"


def _key(name: str) -> str:
    """A feed field's name as this module knows it: ``g:Item Group ID`` -> ``item_group_id``."""
    key = re.sub(r"\s+", "_", name.strip().lower().removeprefix("g:"))
    return ALIASES.get(key, key)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return [v for v in (_cell(x) for x in value) if v is not None] or None
    return value


def _missing(column: str, keys: dict[str, int]) -> str:
    near = next((k for k in keys if closest(k, (column,)) == column), None)
    hint = f"; the file has {near!r}: rename it to {column!r}" if near else ""
    return f"missing required feed field{hint}"


def _group(
    catalog: CatalogFile,
    product_id: str,
    group: list[Record],
    currency: list[tuple[int, str, str, str]],
) -> None:
    head = group[0][1]
    varying = {f for f in FACETS if len({str(v.get(f)) for _, v in group}) > 1}
    attributes: dict[str, Any] = {
        **_own_attributes(catalog, group[0][0], head.get("aisle_attributes")),
        **{f: head[f] for f in (*FACETS, "condition") if f in head and f not in varying},
    }
    links = {"url": head.get("link"), "image": _first(head.get("image_link"))}
    extra = head.get("additional_image_link")
    if extra:  # the specs' form is one comma-separated value; XML may repeat the field
        given = extra if isinstance(extra, list) else [extra]
        links["images"] = [u.strip() for v in given for u in str(v).split(",") if u.strip()]
    links = {k: v for k, v in links.items() if v}
    if links:
        attributes["links"] = links
    product = {
        "product_id": product_id,
        "title": head.get("item_group_title") or _shared_title([v.get("title") for _, v in group]),
        "description": html_to_text(str(head["description"])) if head.get("description") else None,
        "brand": head.get("brand"),
        "category": _category(head),
        "rating_avg": head.get("product_review_rating"),
        "rating_count": head.get("product_review_count"),
        "attributes": attributes,
    }
    for line, values in group:
        catalog.rows.append(
            RawRow(
                line,
                {
                    **product,
                    "item_id": values.get("id"),
                    "options": {f: values[f] for f in sorted(varying) if f in values}
                    | _custom_variant(values),
                    "price": _price(catalog, line, values, currency),
                    "available": _available(catalog, line, values),
                },
            )
        )


def _own_attributes(catalog: CatalogFile, line: int, value: Any) -> dict[str, Any]:
    """``aisle_attributes``: the attributes no feed field carries, as a JSON object (written
    by ``aisle export feed --with-attributes``)."""
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            value = None
    if not isinstance(value, dict):
        catalog.problems.append(
            RowProblem(catalog.name, line, "aisle_attributes", "must be a JSON object")
        )
        return {}
    return value


def _custom_variant(values: dict[str, Any]) -> dict[str, Any]:
    """ACP's own variant dimensions: ``custom_variantN_category`` names an option and
    ``custom_variantN_option`` gives its value (N = 1..3)."""
    pairs = (
        (values.get(f"custom_variant{n}_category"), values.get(f"custom_variant{n}_option"))
        for n in (1, 2, 3)
    )
    return {str(name): value for name, value in pairs if name and value is not None}


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) else value


def _category(values: dict[str, Any]) -> str | None:
    for key in ("product_type", "product_category", "google_product_category"):
        value = _first(values.get(key))
        if isinstance(value, str) and not value.isdigit():
            return category_path(value)
    return None


def _shared_title(titles: list[Any]) -> Any:
    texts = [t for t in titles if isinstance(t, str)]
    if len(texts) < 2:
        return texts[0] if texts else None
    size = 0  # the characters every title starts with (text, not paths)
    while all(len(t) > size and t[size] == texts[0][size] for t in texts):
        size += 1
    prefix = texts[0][:size]
    if any(len(t) > size and t[size].isalnum() for t in texts) and prefix[-1:].isalnum():
        prefix = re.sub(r"\w+$", "", prefix)  # cut back to a word boundary
    prefix = prefix.rstrip(" -/,|:(")
    return prefix if len(prefix) >= 3 else texts[0]


def _price(
    catalog: CatalogFile,
    line: int,
    values: dict[str, Any],
    currency: list[tuple[int, str, str, str]],
) -> Any:
    """The amount as text; its currency is noted in ``currency`` for ``_one_currency``."""
    column = (
        "sale_price" if values.get("sale_price") and _on_sale(catalog, line, values) else "price"
    )
    raw = values.get(column)
    if raw is None or isinstance(raw, int | float):
        return raw
    try:
        amount, unit = money(str(raw))
    except ValueError as exc:
        catalog.problems.append(RowProblem(catalog.name, line, column, str(exc)))
        return None
    if unit:
        currency.append((line, column, str(raw), unit))
    return amount


def _on_sale(catalog: CatalogFile, line: int, values: dict[str, Any]) -> bool:
    """No ``sale_price_effective_date`` (``start/end``, ISO 8601) or today within it."""
    period = values.get("sale_price_effective_date")
    if not isinstance(period, str):
        return True
    start, _, end = period.partition("/")
    try:
        bounds = [datetime.fromisoformat(b.strip()) for b in (start, end)]
    except ValueError:
        catalog.problems.append(
            RowProblem(
                catalog.name,
                line,
                "sale_price_effective_date",
                "must be two ISO 8601 dates "
                "joined by '/', e.g. 2026-11-01T00:00-0800/2026-11-30T23:59-0800, got "
                f"{short(period)}",
            )
        )
        return False
    now = datetime.now(UTC)
    begin, finish = (b if b.tzinfo else b.replace(tzinfo=UTC) for b in bounds)
    return begin <= now <= finish


def _one_currency(catalog: CatalogFile, currency: list[tuple[int, str, str, str]]) -> None:
    """The feed's currency is the one most of its prices use; a price in another is a problem
    (the store keeps amounts, not currencies)."""
    counts = Counter(unit for *_, unit in currency)
    if len(counts) < 2:
        return
    main = counts.most_common(1)[0][0]
    for line, column, raw, unit in currency:
        if unit != main:
            catalog.problems.append(
                RowProblem(
                    catalog.name,
                    line,
                    column,
                    f"{short(raw)} is in {unit} but the feed's prices are"
                    f" in {main}; import one currency per shop",
                )
            )


def _available(catalog: CatalogFile, line: int, values: dict[str, Any]) -> bool | None:
    word = values.get("availability")
    if word is None:
        qty = values.get("inventory_quantity")
        try:
            return True if qty is None else float(qty) > 0
        except (TypeError, ValueError):
            catalog.problems.append(
                RowProblem(
                    catalog.name,
                    line,
                    "inventory_quantity",
                    f"must be a whole number, got {str(qty)[:40]!r}",
                )
            )
            return None
    try:
        return availability(str(word))
    except ValueError as exc:
        catalog.problems.append(RowProblem(catalog.name, line, "availability", str(exc)))
        return None
