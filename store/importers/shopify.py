"""Reading Shopify's product CSV export (Products > Export in the Shopify admin) as it is.

Shopify writes one row per variant, grouped by ``Handle``: the first row of a handle carries
the product (``Title``, ``Body (HTML)``, ``Vendor``, ``Type``, ``Tags``, ``Product Category``,
the ``OptionN Name`` labels, which become option keys such as ``color``), the following rows
only the variant (``OptionN Value``, ``Variant SKU``, ``Variant Price``, ``Variant Inventory
Qty``), and rows with only ``Image Src`` add more images. How it lands in the catalog:

- ``Handle`` is the product id; ``Variant SKU`` the variant id (a blank SKU: the handle plus a
  hash of the options, ``feed_values.item_id_for``); Shopify's ``Title`` / ``Default Title``
  option means the product has no options;
- ``Body (HTML)`` becomes plain text; ``Product Category`` (Shopify's taxonomy path, ``A > B``)
  is the category, else ``Type``; ``Type`` is the product type;
- a variant is available when Shopify does not track its stock (or the export has no
  ``Variant Inventory Qty`` column), when it sells out of stock
  (``Variant Inventory Policy`` = ``continue``), or when ``Variant Inventory Qty`` > 0; a draft
  or archived product (``Status``, or ``Published`` = false) is kept with every variant
  unavailable;
- ``Tags`` become the ``tags`` attribute (a list), ``Google Shopping / Gender`` and the like and
  metafield columns (``Color (product.metafields.shopify.color-pattern)``) attributes named
  by their label; the first ``Image Src`` is the product's image (``attributes["links"]``);
- every other column (SEO, weights, barcodes, tax, compare-at prices...) is ignored, and the
  report's warnings name them.

Not here: validating values (``catalog_rows``), writing (``catalog``).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from store.errors import HeaderRejected, RowProblem
from store.importers.catalog_file import CatalogFile, RawRow, open_text
from store.importers.columns import closest
from store.importers.feed_values import attribute_name, category_path, html_to_text, item_id_for

FIELDS = {  # catalog column -> Shopify's column, for problems
    "product_id": "Handle",
    "title": "Title",
    "description": "Body (HTML)",
    "brand": "Vendor",
    "category": "Product Category",
    "product_type": "Type",
    "item_id": "Variant SKU",
    "price": "Variant Price",
    "available": "Variant Inventory Qty",
}
REQUIRED = ("Handle", "Title", "Variant Price")
_USED = {
    *FIELDS.values(),
    "Tags",
    "Published",
    "Status",
    "Image Src",
    "Variant Inventory Tracker",
    "Variant Inventory Policy",
}
_OPTION = re.compile(r"^Option([1-3]) (Name|Value)$")
_METAFIELD = re.compile(r"^(?P<label>.+?) \((?:product|variant)\.metafields\.[^)]*\)$")
_GOOGLE = re.compile(r"^Google Shopping / (?P<label>.+)$")
_GOOGLE_KEPT = {
    "gender",
    "age_group",
    "condition",
    "color",
    "size",
    "material",
    "pattern",
    "size_type",
    "size_system",
}


def read_shopify(path: Path, name: str) -> CatalogFile:
    with open_text(path) as handle:
        reader = csv.reader(handle)
        header = [h.strip() for h in next(reader, [])]
        attrs = _check_header(name, header)
        records: list[tuple[int, dict[str, str]]] = []
        previous = reader.line_num
        for cells in reader:
            line, previous = previous + 1, reader.line_num
            if any(c.strip() for c in cells):
                records.append(
                    (line, {h: c.strip() for h, c in zip(header, cells, strict=False) if c.strip()})
                )
    catalog = CatalogFile(
        name, [*FIELDS, "attributes", "options"], [], format="shopify", fields=dict(FIELDS)
    )
    ignored = [c for c in header if c not in _USED and not _OPTION.match(c) and c not in attrs]
    if ignored:
        catalog.notes.append(
            f"ignored {len(ignored)} Shopify column(s) Aisle does not model: " + ", ".join(ignored)
        )
    groups: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for line, values in records:
        if "Handle" not in values:
            catalog.problems.append(
                RowProblem(name, line, "Handle", "required; every row names its product's handle")
            )
            continue
        groups[values["Handle"]].append((line, values))
    hidden = 0
    for handle_name, group in groups.items():
        hidden += _product(catalog, handle_name, group, attrs, "Variant Inventory Qty" in header)
    if hidden:
        catalog.notes.append(
            f"{hidden} draft, archived or unpublished product(s) imported with "
            "every variant unavailable"
        )
    return catalog


def _check_header(name: str, header: list[str]) -> dict[str, str]:
    """The attribute columns (column -> attribute key); raises ``HeaderRejected`` when a
    required column is missing."""
    problems = []
    for column in REQUIRED:
        if column not in header:
            near = next((c for c in header if closest(c, (column,)) == column), None)
            hint = f"; the file has {near!r}: rename it to {column!r}" if near else ""
            problems.append(RowProblem(name, 1, column, "missing required Shopify column" + hint))
    if problems:
        raise HeaderRejected(problems)
    attrs: dict[str, str] = {}
    for column in header:
        meta, google = _METAFIELD.match(column), _GOOGLE.match(column)
        if meta:
            attrs[column] = attribute_name(meta["label"])
        elif google and attribute_name(google["label"]) in _GOOGLE_KEPT:
            attrs[column] = attribute_name(google["label"])
    return attrs


def _product(
    catalog: CatalogFile,
    handle: str,
    group: list[tuple[int, dict[str, str]]],
    attrs: dict[str, str],
    counted: bool,
) -> int:
    """Append the handle's variant rows; returns 1 when the product is not for sale."""
    head = next((v for _, v in group if "Title" in v), group[0][1])
    names = {n: head.get(f"Option{n} Name", "") for n in "123"}
    attributes: dict[str, Any] = {}
    if "Tags" in head:
        attributes["tags"] = [t.strip() for t in head["Tags"].split(",") if t.strip()]
    for column, key in attrs.items():
        if column in head:  # list metafields are written "a; b"
            value = head[column]
            attributes[key] = [v.strip() for v in value.split(";")] if "; " in value else value
    image = next((v["Image Src"] for _, v in group if "Image Src" in v), None)
    if image:
        attributes["links"] = {"image": image}
    status = head.get("Status", "active").lower()
    hidden = status in ("draft", "archived") or head.get("Published", "").lower() == "false"
    product: dict[str, Any] = {
        "product_id": handle,
        "title": head.get("Title"),
        "description": html_to_text(head.get("Body (HTML)", "")) or None,
        "brand": head.get("Vendor"),
        "product_type": head.get("Type"),
        "category": category_path(head.get("Product Category") or head.get("Type") or "") or None,
        "attributes": attributes,
    }
    for line, values in group:
        if not any(k.startswith(("Variant ", "Option")) for k in values):
            continue  # an extra image of the product
        options = {
            attribute_name(names[n]): values[f"Option{n} Value"]
            for n in "123"
            if names[n] and f"Option{n} Value" in values
        }
        if list(options.items()) == [("title", "Default Title")]:
            options = {}
        catalog.rows.append(
            RawRow(
                line,
                {
                    **product,
                    "options": options,
                    "price": values.get("Variant Price"),
                    "item_id": values.get("Variant SKU") or item_id_for(handle, options),
                    "available": False if hidden else _available(catalog, line, values, counted),
                },
            )
        )
    return int(hidden)


def _available(
    catalog: CatalogFile, line: int, values: dict[str, str], counted: bool
) -> bool | None:
    """``counted``: the export has a ``Variant Inventory Qty`` column (newer exports may not)."""
    if not counted or not values.get("Variant Inventory Tracker"):
        return True
    if values.get("Variant Inventory Policy", "").lower() == "continue":
        return True
    qty = values.get("Variant Inventory Qty", "0")
    try:
        return float(qty) > 0
    except ValueError:
        catalog.problems.append(
            RowProblem(
                catalog.name,
                line,
                "Variant Inventory Qty",
                f"must be a whole number, got {qty[:40]!r}",
            )
        )
        return None
