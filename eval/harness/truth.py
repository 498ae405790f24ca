"""The ground truth the harness scores against: the catalog as stored, checked in its own code.

``CatalogTruth`` answers "does this product meet these target constraints?" from the product
rows, independently of the assistant's constraint parser and result check (``tools.checks``),
so a bug there shows up here as a violation instead of being graded by itself. Semantics:
category is the product's leaf or type; brand and rating are product facts; a price cap and
the features (an attribute of the product or an option of a variant) must hold for ONE
variant, as a shopper buys one variant. Availability is not required: the targets never ask
for it.

It also spots invented products: a product card whose id is not in the catalog or whose title
is not that product's title, a long number in a reply that is no id the shop knows, or a
well-known real brand the catalog does not carry ("Nike Air Max 97" in a shop without Nike).

Not here: what the shopper says (``shopper``), scoring a whole conversation (``dialogue``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from eval.harness.cases import TargetConstraint
from retrieval.documents import ItemRecord, ProductRecord, load_product_records, norm_value
from retrieval.documents import value_list as values_of
from store.db import Store

_LONG_NUMBER = re.compile(r"(?<![\w.$#])\d{8,}(?![\w.])")
# Real brands a small model reaches for when it invents; a shop that sells one is not caught.
REAL_BRANDS = frozenset(
    {
        "nike",
        "adidas",
        "asics",
        "brooks",
        "hoka",
        "new balance",
        "salomon",
        "merrell",
        "apple",
        "samsung",
        "google pixel",
        "sony",
        "bose",
        "sennheiser",
        "jbl",
        "dell",
        "lenovo",
        "asus",
        "acer",
        "microsoft surface",
        "logitech",
        "razer",
        "corsair",
        "keychron",
        "dyson",
        "shark",
        "ninja",
        "vitamix",
        "keurig",
        "nespresso",
        "breville",
        "cuisinart",
        "all-clad",
        "le creuset",
        "patagonia",
        "the north face",
        "columbia",
        "arc'teryx",
        "osprey",
        "rei",
        "coleman",
        "herman miller",
        "steelcase",
        "hydro flask",
        "yeti",
        "lululemon",
        "manduka",
        "garmin",
        "fitbit",
        "amazon echo",
        "sonos",
        "lg",
        "benq",
        "ikea",
        "uniqlo",
        "levi's",
    }
)


@dataclass(frozen=True)
class Shown:
    """A product as a reply showed it."""

    product_id: str
    title: str
    price: float | None = None


class CatalogTruth:
    def __init__(self, records: Sequence[ProductRecord]) -> None:
        self.records = {r.product_id: r for r in records}
        self._by_category: dict[str, list[str]] = {}
        for r in records:
            for name in {norm_value(r.category_leaf), norm_value(r.product_type)}:
                self._by_category.setdefault(name, []).append(r.product_id)
        self.item_ids = {i.item_id for r in records for i in r.items}
        brands = {r.brand.casefold() for r in records if r.brand}
        self.foreign_brands = sorted(b for b in REAL_BRANDS if b not in brands)
        self._brand_words = (
            re.compile(
                r"\b(" + "|".join(re.escape(b) for b in self.foreign_brands) + r")\b", re.IGNORECASE
            )
            if self.foreign_brands
            else None
        )

    @classmethod
    def from_store(cls, store: Store) -> CatalogTruth:
        return cls(load_product_records(store))

    # --- constraints ---------------------------------------------------------------------

    def violated(
        self, product_id: str, constraints: Iterable[TargetConstraint]
    ) -> list[TargetConstraint]:
        """The constraints the product breaks (all of them when it is not in the catalog)."""
        wanted = list(constraints)
        record = self.records.get(product_id)
        if record is None:
            return wanted
        broken = [
            c
            for c in wanted
            if c.kind in ("category", "brand", "rating") and not _product_meets(record, c)
        ]
        per_variant = [c for c in wanted if c.kind in ("price_max", "feature")]
        if per_variant:
            variants = record.items or (
                ItemRecord(item_id="", options={}, price=record.price, available=False),
            )
            misses: list[list[TargetConstraint]] = [
                [c for c in per_variant if not _variant_meets(record, v, c)] for v in variants
            ]
            fewest: list[TargetConstraint] = min(misses, key=len)
            broken += fewest
        return broken

    def meets(self, product_id: str, constraints: Iterable[TargetConstraint]) -> bool:
        return not self.violated(product_id, constraints)

    def fitting(self, constraints: Sequence[TargetConstraint]) -> list[str]:
        """Every catalog product meeting all ``constraints``, in catalog order."""
        category = next((c for c in constraints if c.kind == "category"), None)
        pool = (
            self._by_category.get(norm_value(category.value), [])
            if category
            else list(self.records)
        )
        return [pid for pid in pool if self.meets(pid, constraints)]

    # --- inventions ----------------------------------------------------------------------

    def invented(
        self, shown: Iterable[Shown], text: str, known_ids: Iterable[str] = ()
    ) -> list[str]:
        """What a reply made up: unknown or mis-titled product cards, numbers that look like
        ids the shop does not have, and real brands the catalog does not sell."""
        found: list[str] = []
        for card in shown:
            record = self.records.get(card.product_id)
            if record is None:
                found.append(f"card {card.product_id} is not in the catalog ({card.title!r})")
            elif _squash(record.title) != _squash(card.title):
                found.append(
                    f"card {card.product_id} titled {card.title!r}, catalog says {record.title!r}"
                )
        ids = set(self.records) | self.item_ids | set(known_ids)
        found += [
            f"id {n} in the text is not in the shop"
            for n in _LONG_NUMBER.findall(text)
            if n not in ids
        ]
        if self._brand_words is not None:
            found += [
                f"brand {m.group(1)!r} is not sold here" for m in self._brand_words.finditer(text)
            ]
        return found


def _product_meets(record: ProductRecord, c: TargetConstraint) -> bool:
    if c.kind == "category":
        wanted = norm_value(c.value)
        return wanted in (norm_value(record.category_leaf), norm_value(record.product_type))
    if c.kind == "brand":
        return norm_value(record.brand) == norm_value(c.value)
    return record.rating_avg + 1e-9 >= float(c.value)


def _variant_meets(record: ProductRecord, item: ItemRecord, c: TargetConstraint) -> bool:
    if c.kind == "price_max":
        return item.price <= float(c.value) + 1e-9
    wanted = norm_value(c.value)
    have = set(values_of(_field(record.attributes, c.key)))
    have |= set(values_of(_field(item.options, c.key)))
    return wanted in have


def _field(mapping: object, key: str) -> object:
    if not isinstance(mapping, dict):
        return None
    target = key.casefold().replace(" ", "_")
    return next((v for k, v in mapping.items() if k.casefold().replace(" ", "_") == target), None)


def _squash(text: str) -> str:
    return " ".join(text.casefold().split())
