"""Aisle's catalog and orders in the Universal Commerce Protocol's shapes, for the MCP server.

Field names and nesting follow the UCP specification repository
(github.com/Universal-Commerce-Protocol/ucp, snapshot fdcf893 of 2026-08-22):

- ``Price`` {``amount`` in ISO 4217 minor units, ``currency``}: source/schemas/common/types/
  price.json and amount.json; ``PriceRange`` {``min``, ``max``}: .../common/types/price_range.json;
- ``Product`` (``id``, ``title``, ``description`` {``plain``}, ``categories`` [{``value``,
  ``taxonomy``}], ``price_range``, ``options`` [{``name``, ``values`` [{``label``}]}],
  ``variants``, ``rating``, ``tags``, ``metadata``): source/schemas/shopping/types/product.json,
  category.json, product_option.json, option_value.json, common/types/description.json;
- ``Variant`` (``id``, ``sku``, ``title``, ``description``, ``price``, ``availability``
  {``available``, ``status``}, ``options`` [{``name``, ``label``}]): .../types/variant.json,
  availability.json, selected_option.json. UCP names a variant's chosen option values
  ``options`` (items of type ``selected_option``); there is no ``selected_options`` field;
- ``Rating`` {``value``, ``scale_max``, ``count``}: .../types/rating.json;
- search and lookup responses {``products``, ``pagination`` {``has_next_page``,
  ``total_count``}, ``messages``}: source/schemas/shopping/catalog_search.json,
  catalog_lookup.json, common/types/pagination.json; the tool names ``search_catalog``,
  ``lookup_catalog``, ``get_product`` and ``get_order``: docs/specification/shopping/catalog/
  mcp.md and order/mcp.md;
- ``Order`` (``id``, ``currency``, ``line_items`` [{``id``, ``item`` {``id``, ``title``,
  ``price``}, ``quantity`` {``total``, ``fulfilled``}, ``totals``, ``status``}], ``totals``
  [{``type``, ``amount``}]): source/schemas/shopping/order.json, types/order_line_item.json,
  types/item.json, common/types/total.json. UCP derives a line's status from quantities and
  has no order-level status; Aisle's own order status (pending, delivered, ...) is kept in
  ``metadata.status`` and in a ``label``.

Left out: the ``ucp`` envelope (version negotiation), media, handles and URLs (Aisle keeps
page links in attributes, shown under ``metadata.links``), pagination cursors (one page).
A shop's prices are in one currency; Aisle records none, so ``CURRENCY`` is it.

Not here: finding the products (``tools.shopping``) or who may see an order (``ui.mcp.shop``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field

from retrieval.documents import ProductRecord
from store.models import Order, OrderItem, OrderStatus

CURRENCY = "USD"
RATING_SCALE = 5


def minor(amount: float) -> int:
    """Dollars (the store's floats) as ISO 4217 minor units (cents)."""
    return round(amount * 100)


class Price(BaseModel):
    amount: int = Field(description="Amount in ISO 4217 minor units (cents).")
    currency: str = CURRENCY

    @classmethod
    def of(cls, amount: float) -> Price:
        return cls(amount=minor(amount))


class PriceRange(BaseModel):
    min: Price
    max: Price


class Description(BaseModel):
    plain: str


class Category(BaseModel):
    value: str
    taxonomy: str = "merchant"


class OptionValue(BaseModel):
    label: str


class ProductOption(BaseModel):
    name: str
    values: list[OptionValue]


class SelectedOption(BaseModel):
    name: str
    label: str


class Availability(BaseModel):
    available: bool
    status: str  # UCP's well-known values: in_stock, out_of_stock, ...


class Rating(BaseModel):
    value: float
    scale_max: float = RATING_SCALE
    count: int = 0


class Variant(BaseModel):
    id: str
    sku: str
    title: str
    description: Description
    price: Price
    availability: Availability
    options: list[SelectedOption] = Field(default_factory=list)


class Product(BaseModel):
    id: str
    title: str
    description: Description
    categories: list[Category] = Field(default_factory=list)
    price_range: PriceRange
    options: list[ProductOption] = Field(default_factory=list)
    variants: list[Variant]
    rating: Rating | None = None
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class Pagination(BaseModel):
    has_next_page: bool = False
    total_count: int


class Message(BaseModel):
    type: str = "info"  # UCP messages: error, warning, info
    content: str


class SearchResponse(BaseModel):
    products: list[Product]
    pagination: Pagination
    messages: list[Message] = Field(default_factory=list)


class LookupResponse(BaseModel):
    products: list[Product]
    messages: list[Message] = Field(default_factory=list)


class Total(BaseModel):
    type: str
    amount: int


class Item(BaseModel):
    id: str
    title: str
    price: int = Field(description="Unit price in ISO 4217 minor units (cents).")


class LineQuantity(BaseModel):
    total: int
    fulfilled: int


class OrderLineItem(BaseModel):
    id: str
    item: Item
    quantity: LineQuantity
    totals: list[Total]
    status: str  # processing, partial, fulfilled, removed


class OrderOut(BaseModel):
    id: str
    label: str
    currency: str = CURRENCY
    line_items: list[OrderLineItem]
    totals: list[Total]
    metadata: dict[str, Any] = Field(default_factory=dict)


def _options_title(options: Mapping[str, Any]) -> str:
    return " / ".join(str(v) for v in options.values()) or "Default"


def product_out(record: ProductRecord) -> Product:
    """One catalog product in UCP's shape; a product without variants gets one, its own id."""
    items = record.items or ()
    prices = [i.price for i in items] or [record.price]
    variants = [
        Variant(
            id=item.item_id,
            sku=item.item_id,
            title=_options_title(item.options),
            description=Description(plain=f"{record.title} ({_options_title(item.options)})"),
            price=Price.of(item.price),
            availability=Availability(
                available=item.available, status="in_stock" if item.available else "out_of_stock"
            ),
            options=[SelectedOption(name=k, label=str(v)) for k, v in item.options.items()],
        )
        for item in items
    ] or [
        Variant(
            id=record.product_id,
            sku=record.product_id,
            title="Default",
            description=Description(plain=record.title),
            price=Price.of(record.price),
            availability=Availability(available=True, status="in_stock"),
        )
    ]
    metadata: dict[str, Any] = {"brand": record.brand} if record.brand else {}
    if record.attributes:
        metadata["attributes"] = dict(record.attributes)
    if record.links:
        metadata["links"] = dict(record.links)
    category = record.category or record.product_type
    return Product(
        id=record.product_id,
        title=record.title,
        description=Description(plain=record.description or record.title),
        categories=[Category(value=category)] if category else [],
        price_range=PriceRange(min=Price.of(min(prices)), max=Price.of(max(prices))),
        options=[
            ProductOption(name=name, values=[OptionValue(label=v) for v in values])
            for name, values in record.option_values().items()
        ],
        variants=variants,
        rating=Rating(value=round(record.rating_avg, 2), count=record.rating_count)
        if record.rating_count
        else None,
        metadata=metadata,
    )


def _line_status(order_status: str) -> tuple[int, str]:
    """(fulfilled quantity of a one-unit line, UCP line status) from Aisle's order status."""
    if order_status == OrderStatus.CANCELLED:
        return 0, "removed"
    if order_status in (
        OrderStatus.DELIVERED,
        OrderStatus.RETURN_REQUESTED,
        OrderStatus.EXCHANGE_REQUESTED,
    ):
        return 1, "fulfilled"
    return 0, "processing"


def order_out(order: Order, lines: list[OrderItem]) -> OrderOut:
    fulfilled, status = _line_status(order.status)
    removed = status == "removed"
    line_items = [
        OrderLineItem(
            id=f"{order.order_id}-{n}",
            item=Item(id=line.item_id, title=line.name, price=minor(line.price)),
            quantity=LineQuantity(total=0 if removed else 1, fulfilled=fulfilled),
            totals=[Total(type="subtotal", amount=minor(line.price))],
            status=status,
        )
        for n, line in enumerate(lines, start=1)
    ]
    subtotal = sum(minor(line.price) for line in lines)
    return OrderOut(
        id=order.order_id,
        label=f"Order {order.order_id}: {order.status}",
        line_items=line_items,
        totals=[Total(type="subtotal", amount=subtotal), Total(type="total", amount=subtotal)],
        metadata={
            "status": order.status,
            "fulfillments": order.fulfillments or [],
        },
    )
