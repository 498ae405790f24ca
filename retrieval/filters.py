"""Hard product constraints: the typed ``ProductFilter`` and the table that evaluates it.

A filter is applied to the whole catalog before ranking, in memory: ``FilterTable`` holds
inverted indexes (category, brand, attribute and option values -> product or variant
positions) and per-variant price/availability arrays, so a filter costs a few numpy
operations instead of a metadata-filtered vector query (measured: ~50 ms in Chroma at 50k
vectors). Variant-level conditions (price range, option values such as size or colour, stock)
must all hold for ONE variant, and that variant must be available when ``in_stock`` is set.
An attribute condition is met by a product attribute or by a variant option of that name.

Not here: where the allowed set is searched (``retrieval.search``), parsing shopper words into
a filter (the tools layer).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from retrieval.documents import ProductRecord, norm_key, norm_value, value_list
from retrieval.errors import FilterError

_EPS = 1e-9


def _describe(exc: ValidationError) -> str:
    allowed = ", ".join(ProductFilter.model_fields)
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "filter"
        if err["type"] == "extra_forbidden":
            parts.append(
                f"unknown filter field {where!r}; allowed: {allowed} (product attributes "
                "such as colour or size go under 'attributes')"
            )
        else:
            parts.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
    return "invalid product filter: " + "; ".join(parts)


class ProductFilter(BaseModel):
    """Constraints every result must meet. Unset fields do not constrain.

    ``category`` matches a category path, any of its segments, or the product type,
    ignoring case; ``attributes`` maps a name to one value (equals) or a list (any of).
    Construct with keywords or ``ProductFilter.parse(mapping)``; both raise ``FilterError``.
    (pydantic's own paths, ``model_validate`` or a nested field, raise ``ValidationError``.)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: str | None = None
    brands: list[str] | None = None
    price_min: float | None = Field(default=None, ge=0)
    price_max: float | None = Field(default=None, ge=0)
    min_rating: float | None = Field(default=None, ge=0, le=5)
    in_stock: bool = False
    attributes: dict[str, str | list[str]] = Field(default_factory=dict)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise FilterError(_describe(exc)) from exc

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> ProductFilter:
        return cls(**dict(data))

    @model_validator(mode="after")
    def _consistent(self) -> ProductFilter:
        low, high = self.price_min, self.price_max
        if low is not None and high is not None and low > high:
            raise ValueError(
                f"price_min {low:g} is greater than price_max {high:g}; swap them or drop one"
            )
        for key, value in self.attributes.items():
            if not key.strip() or not value_list(value):
                raise ValueError(f"attribute {key!r} needs a name and at least one value")
        if self.brands is not None and not [b for b in self.brands if b.strip()]:
            raise ValueError("brands is an empty list; leave it out to allow every brand")
        return self

    @property
    def is_empty(self) -> bool:
        return self == ProductFilter()


def _category_keys(record: ProductRecord) -> set[str]:
    keys = {norm_value(record.category_leaf), norm_value(record.product_type)}
    segments = [norm_value(s) for s in record.category.split(">") if s.strip()]
    keys.update(segments)
    keys.update(" > ".join(segments[: i + 1]) for i in range(len(segments)))
    keys.discard("")
    return keys


def _norm_category(text: str) -> str:
    return " > ".join(norm_value(s) for s in text.split(">") if s.strip())


def _freeze(index: Mapping[str, list[int]]) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, dtype=np.int64) for k, v in index.items()}


class FilterTable:
    """A columnar snapshot of the catalog for evaluating ``ProductFilter``s.

    Positions are those of ``records`` (``ids[i]`` is record ``i``). A product without
    variants is treated as one unavailable variant at the product's price.
    """

    def __init__(self, records: Sequence[ProductRecord]) -> None:
        self.ids = [r.product_id for r in records]
        self.size = len(records)
        self._rating = np.asarray([r.rating_avg for r in records], dtype=np.float64)
        category: dict[str, list[int]] = defaultdict(list)
        brand: dict[str, list[int]] = defaultdict(list)
        attrs: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        opts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        owner: list[int] = []
        price: list[float] = []
        available: list[bool] = []
        for pos, rec in enumerate(records):
            for key in _category_keys(rec):
                category[key].append(pos)
            brand[norm_value(rec.brand)].append(pos)
            for name, value in rec.attributes.items():
                for v in value_list(value):
                    attrs[norm_key(name)][v].append(pos)
            for item in rec.items or ():
                row = len(owner)
                owner.append(pos)
                price.append(item.price)
                available.append(item.available)
                for name, value in item.options.items():
                    for v in value_list(value):
                        opts[norm_key(name)][v].append(row)
            if not rec.items:
                owner.append(pos)
                price.append(rec.price)
                available.append(False)
        self._category = _freeze(category)
        self._brand = _freeze(brand)
        self._attrs = {k: _freeze(v) for k, v in attrs.items()}
        self._opts = {k: _freeze(v) for k, v in opts.items()}
        self._owner = np.asarray(owner, dtype=np.int64)
        self._price = np.asarray(price, dtype=np.float64)
        self._available = np.asarray(available, dtype=bool)

    def _any_of(
        self, index: Mapping[str, np.ndarray], keys: Sequence[str], size: int
    ) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        for key in keys:
            hits = index.get(key)
            if hits is not None:
                mask[hits] = True
        return mask

    def mask(self, flt: ProductFilter) -> np.ndarray:
        """Boolean mask over positions: True where the product meets every constraint."""
        ok = np.ones(self.size, dtype=bool)
        if flt.category:
            ok &= self._any_of(self._category, [_norm_category(flt.category)], self.size)
        if flt.brands:
            ok &= self._any_of(self._brand, [norm_value(b) for b in flt.brands], self.size)
        if flt.min_rating is not None:
            ok &= self._rating >= flt.min_rating - _EPS
        n_items = len(self._owner)
        item_ok = self._available.copy() if flt.in_stock else np.ones(n_items, dtype=bool)
        if flt.price_min is not None:
            item_ok &= self._price >= flt.price_min - _EPS
        if flt.price_max is not None:
            item_ok &= self._price <= flt.price_max + _EPS
        for name, value in flt.attributes.items():
            key, wanted = norm_key(name), value_list(value)
            by_product = self._any_of(self._attrs.get(key, {}), wanted, self.size)
            by_item = self._any_of(self._opts.get(key, {}), wanted, n_items)
            item_ok &= by_item | by_product[self._owner]
        has_item = np.zeros(self.size, dtype=bool)
        has_item[self._owner[item_ok]] = True
        return ok & has_item

    def allowed(self, flt: ProductFilter) -> np.ndarray:
        """Positions of the products meeting ``flt``, ascending."""
        return np.flatnonzero(self.mask(flt))
