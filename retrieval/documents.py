"""What the retrieval layer knows about a product: one text to embed and one metadata record.

``load_product_records`` reads products with their variants in two bulk queries; a record's
``attributes`` are the shop's own over the facets read from its text (``store.facets``, kept
under ``attributes["from_text"]``; ``from_text`` names the keys that came from there), and its
page and image URLs are apart (``links``). A ``ProductDoc`` is derived from each: the text
(title, brand, category, key attributes, the option values on offer, description) and flat
metadata for filtering, all values normalised (lower case, trimmed) so equality is
case-insensitive. ``content_hash`` covers both, and drives
incremental sync: a changed price re-writes the metadata, a changed text re-embeds.

Not here: storing the docs (``retrieval.index``), evaluating filters (``retrieval.filters``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from store.db import Store
from store.facets import FROM_TEXT
from store.importers.columns import LINKS
from store.models import Item, Product

MetadataValue = str | int | float | bool | list[str]
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")
_BOOL_WORDS = {"true": "yes", "false": "no"}
_ID_CHUNK = 900  # stays under SQLite's bound-parameter limit


def norm_key(key: str) -> str:
    """Attribute/option names compare as lower snake case: "Screen Size" == "screen_size"."""
    return "_".join(key.strip().lower().replace("-", " ").split())


def norm_value(value: Any) -> str:
    """One attribute value as the string filters compare: lower case, single spaces,
    booleans as yes/no, numbers (or numeric text) without a trailing ".0", so 16, 16.0 and
    "16" are the same value."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = " ".join(str(value).lower().split())
    if text in _BOOL_WORDS:
        return _BOOL_WORDS[text]
    if not _NUMBER.fullmatch(text):
        return text
    number = float(text)
    return str(int(number)) if number.is_integer() else repr(number)


def value_list(value: Any) -> list[str]:
    """Normalised values of an attribute that may hold one value or a list of them."""
    if value is None:
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return sorted({norm_value(v) for v in value if v is not None})
    if isinstance(value, dict):
        return [json.dumps(value, sort_keys=True).lower()]
    return [norm_value(value)]


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ItemRecord:
    item_id: str
    options: Mapping[str, Any]
    price: float
    available: bool


@dataclass(frozen=True)
class ProductRecord:
    """A product row and its variants, as read for indexing and filtering."""

    product_id: str
    title: str
    description: str
    brand: str
    product_type: str
    category: str
    category_leaf: str
    price: float
    rating_avg: float
    rating_count: int
    attributes: Mapping[str, Any]  # the facets; the links are apart (``links``)
    items: tuple[ItemRecord, ...] = ()
    links: Mapping[str, Any] = field(default_factory=dict)  # "url", "image", "images"
    from_text: frozenset[str] = frozenset()  # attribute keys read from text (store.facets)

    def option_values(self) -> dict[str, list[str]]:
        """Option name -> the values offered across variants, in first-seen order."""
        values: dict[str, list[str]] = defaultdict(list)
        for item in self.items:
            for key, value in item.options.items():
                if value is not None and str(value) not in values[key]:
                    values[key].append(str(value))
        return dict(values)


@dataclass(frozen=True)
class ProductDoc:
    product_id: str
    text: str
    metadata: dict[str, MetadataValue] = field(hash=False)
    content_hash: str
    text_hash: str

    @property
    def doc_id(self) -> str:
        return self.product_id


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), _ID_CHUNK):
        yield ids[start : start + _ID_CHUNK]


def load_product_records(
    store: Store, product_ids: Sequence[str] | None = None
) -> list[ProductRecord]:
    """Products with their items, in catalog order; ``product_ids`` restricts the set
    (unknown ids are skipped). Two queries per id chunk, none per product."""
    p, it = Product.__table__.c, Item.__table__.c  # type: ignore[attr-defined]
    pcols = (
        p.product_id,
        p.title,
        p.description,
        p.brand,
        p.product_type,
        p.category,
        p.category_leaf,
        p.price,
        p.rating_avg,
        p.rating_count,
        p.attributes,
    )
    icols = (it.product_id, it.item_id, it.options, it.price, it.available)
    batches: Iterable[Sequence[str] | None] = (
        [None] if product_ids is None else _chunks(list(dict.fromkeys(product_ids)))
    )
    prows: list[Any] = []
    items: dict[str, list[ItemRecord]] = defaultdict(list)
    with store.engine.connect() as conn:
        for batch in batches:
            pq = select(*pcols).order_by(p.seq, p.product_id)
            iq = select(*icols).order_by(it.product_id, it.seq, it.item_id)
            if batch is not None:
                pq = pq.where(p.product_id.in_(batch))
                iq = iq.where(it.product_id.in_(batch))
            prows.extend(conn.execute(pq))
            for pid, item_id, options, price, available in conn.execute(iq):
                items[pid].append(ItemRecord(item_id, options or {}, float(price), bool(available)))
    return [
        ProductRecord(
            product_id=r.product_id,
            title=r.title,
            description=r.description or "",
            brand=r.brand or "",
            product_type=r.product_type or "",
            category=r.category or "",
            category_leaf=r.category_leaf or "",
            price=float(r.price),
            rating_avg=float(r.rating_avg or 0.0),
            rating_count=int(r.rating_count or 0),
            attributes=_facets(r.attributes or {}),
            items=tuple(items.get(r.product_id, ())),
            links=(r.attributes or {}).get(LINKS) or {},
            from_text=_from_text(r.attributes or {}),
        )
        for r in prows
    ]


def _facets(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The shop's attributes over the facets read from text (the shop's value wins)."""
    derived = stored.get(FROM_TEXT)
    own = {k: v for k, v in stored.items() if k not in (LINKS, FROM_TEXT)}
    return {**derived, **own} if isinstance(derived, dict) else own


def _from_text(stored: Mapping[str, Any]) -> frozenset[str]:
    derived = stored.get(FROM_TEXT)
    if not isinstance(derived, dict):
        return frozenset()
    return frozenset(k for k in derived if k not in stored)


def product_text(record: ProductRecord) -> str:
    lines = [record.title]
    if record.brand:
        lines.append(f"Brand: {record.brand}")
    if record.category or record.product_type:
        lines.append(f"Category: {record.category or record.product_type}")
    attrs = [
        f"{key.replace('_', ' ')}: {_display(value)}"
        for key, value in record.attributes.items()
        if value is not None and value != [] and value != ""
    ]
    if attrs:
        lines.append("; ".join(attrs))
    options = [f"{k.replace('_', ' ')}: {', '.join(v)}" for k, v in record.option_values().items()]
    if options:
        lines.append("Options: " + "; ".join(options))
    if record.description:
        lines.append(record.description)
    return "\n".join(lines)


def product_metadata(record: ProductRecord) -> dict[str, MetadataValue]:
    """Flat, Chroma-compatible metadata (scalars or non-empty string lists)."""
    available = [i.price for i in record.items if i.available]
    pool = available or [i.price for i in record.items] or [record.price]
    meta: dict[str, MetadataValue] = {
        "category": norm_value(record.category),
        "category_leaf": norm_value(record.category_leaf),
        "product_type": norm_value(record.product_type),
        "brand": norm_value(record.brand),
        "price": float(min(available) if available else record.price),
        "max_price": float(max(pool)),
        "rating": float(record.rating_avg),
        "rating_count": int(record.rating_count),
        "in_stock": bool(available),
    }
    for key, value in record.attributes.items():
        values = value_list(value)
        if not values:
            continue
        if isinstance(value, list | tuple | set | frozenset | dict):
            meta[f"attr_{norm_key(key)}"] = values
        elif isinstance(value, bool | int | float):
            meta[f"attr_{norm_key(key)}"] = value
        else:
            meta[f"attr_{norm_key(key)}"] = values[0]
    for key, offered in record.option_values().items():
        meta[f"opt_{norm_key(key)}"] = sorted({norm_value(v) for v in offered})
    return meta


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def product_doc(record: ProductRecord) -> ProductDoc:
    text = product_text(record)
    metadata = product_metadata(record)
    meta_json = json.dumps(metadata, sort_keys=True, separators=(",", ":"))
    return ProductDoc(
        product_id=record.product_id,
        text=text,
        metadata=metadata,
        content_hash=_sha256(f"{text}\n{meta_json}"),
        text_hash=_sha256(text),
    )


def load_product_docs(store: Store, product_ids: Sequence[str] | None = None) -> list[ProductDoc]:
    return [product_doc(r) for r in load_product_records(store, product_ids)]
