"""Writing the catalog as a product feed: the Agentic Commerce Protocol feed (JSONL, CSV or TSV)
or a Google Merchant Center feed (TSV), gzipped when the file name ends in ``.gz``.

One record per variant, in catalog order, with the fields ``store.importers.feeds`` reads, so
``aisle import catalog`` of an ACP export gives back the same products, variants, prices,
availability, categories, brands, ratings and links:

- ``id`` is the variant id and ``item_group_id`` the product id (always, so product ids
  survive); ACP's ``item_group_title`` carries the product title, and each variant's
  ``title`` adds its option values (``Pan - 24 cm``); a Merchant feed has no group title, so
  the importer finds it again as the words the group's titles share;
- ``price`` is ``15.00 USD`` (``CURRENCY``: the store keeps amounts, not currencies),
  ``availability`` is ``in_stock`` or ``out_of_stock``, ACP's ``inventory_quantity`` 1 or 0
  (Aisle records whether a variant can be bought, not how many);
- the category path goes to ``product_category`` (ACP) or ``product_type`` (Merchant); the
  page and image URLs to ``link``, ``image_link`` and ``additional_image_link``;
- attributes and options named as the feeds name them (``color``, ``size``, ``material``,
  ``pattern``, ``gender``, ``age_group``, ``size_type``, ``size_system``, and ``condition``)
  are written per record; in an ACP feed, other options (``capacity``), and named options
  with one value across a product's variants, go in the ``custom_variantN_category`` /
  ``custom_variantN_option`` pairs (three per record), so options read back as options.
  Other attributes (``wattage_w``), options beyond three, and in a Merchant feed any other
  option have no field: they are left out and counted in the report's warnings (and a
  Merchant feed's one-valued named option reads back as an attribute). With
  ``own_attributes`` an ACP feed carries those attributes in ``aisle_attributes``, a JSON
  object outside the spec that Aisle's importer reads back: the round trip is then complete.
  Facets read from text (``store.facets``) are derived data and are not exported.

Every record is checked against the spec's published rules (``feed_rules``) before anything
is written; a format error raises ``FeedRejected`` and leaves no file.

Not here: the rules themselves (``feed_rules``), reading feeds (``store.importers.feeds``).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from retrieval.documents import ProductRecord, load_product_records
from store.db import Store
from store.errors import AisleError
from store.exporters.feed_rules import ACP, MERCHANT, FeedSpec, validate
from store.importers.columns import LINKS
from store.importers.feeds import FACETS

CURRENCY = "USD"
FeedFormat = Literal["acp", "merchant"]
NAMED = (*FACETS, "condition")  # attributes both feeds have a field for
CUSTOM_VARIANTS = 3  # ACP's custom_variant1..3 pairs
ACP_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".tsv")
MERCHANT_SUFFIXES = (".tsv", ".txt")


class FeedRejected(AisleError):
    """The feed broke its spec's format rules; nothing was written."""


@dataclass
class FeedReport:
    path: Path
    format: str
    products: int = 0
    records: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"wrote {self.records} records ({self.products} products) to {self.path}"


def _plain_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _price(amount: float) -> str:
    return f"{amount:.2f} {CURRENCY}"


def _variant_title(record: ProductRecord, options: dict[str, Any]) -> str:
    values = " / ".join(str(v) for v in options.values() if v not in (None, ""))
    return f"{record.title} - {values}" if values and len(record.items) > 1 else record.title


def records_of(
    record: ProductRecord, fmt: FeedFormat, dropped: Counter[str], own_attributes: bool = False
) -> Iterator[dict[str, Any]]:
    """The feed records of one product (one per variant; one for a product without any)."""
    shared: dict[str, Any] = {
        "item_group_id": record.product_id,
        "description": record.description or None,
        "brand": record.brand or None,
    }
    category = record.category or record.product_type or None
    links = record.links
    images = links.get("images") or []
    shared |= {
        "link": links.get("url"),
        "image_link": links.get("image"),
        "additional_image_link": ",".join(images) if images else None,
    }
    own = {k: v for k, v in record.attributes.items() if k not in record.from_text}
    attributes = {k: v for k, v in own.items() if k in NAMED and v not in (None, "")}
    others = {k: v for k, v in own.items() if k not in NAMED and k != LINKS}
    if own_attributes and others:
        shared["aisle_attributes"] = others if fmt == "acp" else None
    dropped.update(k for k in others if not (own_attributes and fmt == "acp"))
    if fmt == "acp":
        shared |= {
            "enable_search": "true",
            "enable_checkout": "false",  # checkout runs in Aisle, not through a feed reader
            "item_group_title": record.title,
            "product_category": category,
        }
        if record.rating_count:
            shared |= {
                "product_review_rating": round(record.rating_avg, 2),
                "product_review_count": record.rating_count,
            }
    else:
        shared["product_type"] = category
    items = record.items or ()
    variants = [(i.item_id, dict(i.options), i.price, i.available) for i in items] or [
        (record.product_id, {}, record.price, True)
    ]
    faceted, custom = _option_fields(record, fmt)
    dropped.update(k for _, options, _, _ in variants for k in options if k not in faceted + custom)
    for item_id, options, price, available in variants:
        shown = {k: v for k, v in options.items() if v not in (None, "")}
        out = {
            "id": item_id,
            "title": _variant_title(record, shown),
            **shared,
            **{str(k): _text(v) for k, v in attributes.items()},
            **{k: str(shown[k]) for k in faceted if k in shown},
            "price": _price(price),
            "availability": "in_stock" if available else "out_of_stock",
        }
        for n, key in enumerate(custom, start=1):
            if key in shown:
                out[f"custom_variant{n}_category"] = key
                out[f"custom_variant{n}_option"] = str(shown[key])
        if fmt == "acp":
            out["inventory_quantity"] = 1 if available else 0
        yield {k: v for k, v in out.items() if v not in (None, "")}


def _option_fields(record: ProductRecord, fmt: FeedFormat) -> tuple[list[str], list[str]]:
    """Which option names go in the feeds' own fields (``color``, ``size``, ...), and which
    in ACP's ``custom_variantN`` pairs (at most ``CUSTOM_VARIANTS``). A feed reader takes a
    named field that differs within a product for an option and one that does not for an
    attribute, so in an ACP feed a named option with one value goes in a custom pair."""
    names = list(dict.fromkeys(k for item in record.items for k in item.options))
    varying = [k for k in names if len({str(item.options.get(k)) for item in record.items}) > 1]
    if fmt != "acp":
        return [k for k in names if k in NAMED], []
    faceted = [k for k in names if k in NAMED and k in varying]
    custom = [k for k in names if k not in faceted][:CUSTOM_VARIANTS]
    return faceted, custom


def _text(value: Any) -> str:
    """An attribute's value as a feed cell: a list of values joined by commas."""
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def export_feed(
    store: Store, path: Path, fmt: FeedFormat, own_attributes: bool = False
) -> FeedReport:
    """Write the catalog to ``path`` as an ``fmt`` feed (see the module docstring); with
    ``own_attributes``, an ACP feed carries the attributes no field has in
    ``aisle_attributes``."""
    suffix = _plain_suffix(path)
    allowed = ACP_SUFFIXES if fmt == "acp" else MERCHANT_SUFFIXES
    if suffix not in allowed:
        raise FeedRejected(
            f"a {fmt} feed is written as {', '.join(allowed)} (optionally .gz); got {path.name}"
        )
    spec: FeedSpec = ACP if fmt == "acp" else MERCHANT
    dropped: Counter[str] = Counter()
    products = load_product_records(store)
    records = [r for p in products for r in records_of(p, fmt, dropped, own_attributes)]
    checked = validate(records, spec)
    if checked.errors:
        shown = "; ".join(checked.errors[:10])
        raise FeedRejected(f"the {spec.name} would break the spec ({len(checked.errors)}): {shown}")
    report = FeedReport(path, fmt, len(products), len(records), checked.gap_lines(spec))
    if dropped:
        names = ", ".join(f"{k} ({n})" for k, n in sorted(dropped.items()))
        report.warnings.append(
            f"attributes and options with no {spec.name} field, left out: {names}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with _open(path) as handle:
        if suffix in (".jsonl", ".ndjson"):
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        else:
            _write_table(handle, records, "," if suffix == ".csv" else "\t", fmt == "merchant")
    return report


def _write_table(
    handle: IO[str], records: list[dict[str, Any]], delimiter: str, one_line: bool
) -> None:
    """CSV/TSV with a header of every field used; Merchant Center allows no tab or line
    break inside a value (``one_line``), CSV quotes them."""
    columns = list(dict.fromkeys(k for r in records for k in r))
    writer = csv.DictWriter(handle, columns, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    for record in records:
        cells = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in record.items()}
        writer.writerow({k: " ".join(str(v).split()) if one_line else v for k, v in cells.items()})


def _open(path: Path) -> IO[str]:
    if path.name.lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "wb"), encoding="utf-8", newline="")
    return path.open("w", encoding="utf-8", newline="")
