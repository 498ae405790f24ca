"""The cart tools: ``add_to_cart``, ``view_cart``, ``update_cart_item``, ``remove_from_cart``.

A cart belongs to the conversation, and once the shopper is identified, to the shopper
(``tools.cart_rows``). ``add_to_cart`` resolves the variant from the shopper's words and the
options named (``tools.variants``) and checks stock; when the choice is open it adds nothing
and answers ``VariantNeeded`` with the open option and its in-stock values. Every tool answers
with a typed outcome (pydantic models, so the model reads them as JSON and code as types):
``Added``, ``VariantNeeded``, ``NoVariant``, ``OutOfStock``, ``CartUpdated``, ``CartOut``.
Lines are referred to by the variant's item id. Cart changes are no confirmed writes: nothing
is bought until ``checkout`` (``tools.checkout``).

Not here: cart rows and merging (``tools.cart_rows``), checkout.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field
from sqlmodel import Session, col, select

from store.models import Cart, Event, EventKind, Item, Product
from tools import cart_rows as rows
from tools.base import ToolContext, tool
from tools.errors import BadArgument, UnknownId
from tools.fields import single_line
from tools.service_read import Code
from tools.variants import NoneInStock, NoSuchVariant, OpenChoice, resolve, sellable

Quantity = Annotated[int, Field(ge=0, le=rows.MAX_QUANTITY)]
Words = Annotated[str, AfterValidator(single_line(300))]
OptionValues = Annotated[
    dict[str, Annotated[str, AfterValidator(single_line(60))]], Field(max_length=8)
]


class CartLineOut(BaseModel):
    position: int  # 1-based, in the order lines were added
    item_id: str
    product_id: str
    title: str
    options: dict[str, str]
    unit_price: float
    quantity: int
    line_total: float
    stock: int | None  # units on hand; None: not counted
    in_stock: bool  # the line's quantity can be sold now


class CartOut(BaseModel):
    kind: Literal["cart"] = "cart"
    cart_id: str
    lines: list[CartLineOut]
    count: int  # units
    total: float
    version: int


class Added(BaseModel):
    kind: Literal["added"] = "added"
    line: CartLineOut
    added: int
    cart: CartOut


class VariantNeeded(BaseModel):
    """Nothing added: ask the shopper which ``option``; ``values`` are in stock."""

    kind: Literal["variant_needed"] = "variant_needed"
    product_id: str
    title: str
    option: str
    values: list[str]
    chosen: dict[str, str]


class NoVariant(BaseModel):
    kind: Literal["no_variant"] = "no_variant"
    product_id: str
    title: str
    option: str
    wanted: str
    values: list[str]


class OutOfStock(BaseModel):
    """Nothing added or ordered: ``left`` units of the variant are on hand (0: sold out)."""

    kind: Literal["out_of_stock"] = "out_of_stock"
    product_id: str
    item_id: str | None
    title: str
    options: dict[str, str]
    left: int


class CartUpdated(BaseModel):
    kind: Literal["cart_updated"] = "cart_updated"
    item_id: str
    title: str
    options: dict[str, str]
    quantity: int  # 0: removed
    cart: CartOut


def cart_out(session: Session, cart: Cart) -> CartOut:
    lines = []
    for n, r in enumerate(rows.rows_of(session, cart.cart_id), 1):
        price = round(float(r.item.price), 2)
        lines.append(
            CartLineOut(
                position=n,
                item_id=r.item.item_id,
                product_id=r.product.product_id,
                title=r.product.title,
                options=rows.options_of(r.item),
                unit_price=price,
                quantity=r.line.quantity,
                line_total=round(price * r.line.quantity, 2),
                stock=r.item.stock,
                in_stock=sellable(r.item, r.line.quantity),
            )
        )
    return CartOut(
        cart_id=cart.cart_id,
        lines=lines,
        count=sum(li.quantity for li in lines),
        total=round(sum(li.line_total for li in lines), 2),
        version=cart.version,
    )


def _product(session: Session, ref: str) -> tuple[Product, list[Item], Item | None]:
    """The product named by its id or by one of its variants' item ids (then that variant)."""
    item = session.get(Item, ref)
    product = session.get(Product, item.product_id if item else ref)
    if product is None:
        raise UnknownId(f"unknown product or item id {ref}; use a product_id from the search")
    items = session.exec(
        select(Item).where(Item.product_id == product.product_id).order_by(col(Item.seq))
    ).all()
    return product, list(items), item


def _left(item: Item) -> int:
    if not item.available:
        return 0
    return item.stock if item.stock is not None else rows.MAX_QUANTITY


def _line(cart: CartOut, item_id: str) -> CartLineOut | None:
    return next((li for li in cart.lines if li.item_id == item_id), None)


@tool
def add_to_cart(
    ctx: ToolContext,
    product_id: Code,
    options: OptionValues | None = None,
    words: Words = "",
    quantity: Quantity = 1,
) -> Added | VariantNeeded | NoVariant | OutOfStock:
    """Add a product to the shopper's cart, in the variant the shopper chose. When a choice
    (such as size or colour) is still open, nothing is added and the answer names the option
    to ask about with its in-stock values.

    Args:
        product_id: The product id from the search, or a variant's item id.
        options: The options the shopper chose, such as {"size": "10", "color": "blue"}.
        words: The shopper's own words about the variant, such as 'the blue one in size 10'.
        quantity: How many units, 1 to 99.
    """
    if quantity < 1:
        raise BadArgument("quantity must be at least 1; use remove_from_cart to remove")
    conversation_id, user_id = rows.owner(ctx)
    with ctx.store.session() as session:
        product, items, named = _product(session, product_id)
        title = product.title
        if named is None:
            found = resolve(items, dict(options or {}), words)
            if isinstance(found, OpenChoice):
                return VariantNeeded(
                    product_id=product.product_id,
                    title=title,
                    option=found.option,
                    values=list(found.values),
                    chosen=found.chosen,
                )
            if isinstance(found, NoSuchVariant):
                return NoVariant(
                    product_id=product.product_id,
                    title=title,
                    option=found.option,
                    wanted=found.wanted,
                    values=list(found.values),
                )
            if isinstance(found, NoneInStock):
                first = found.items[0]
                return OutOfStock(
                    product_id=product.product_id,
                    item_id=first.item_id if len(found.items) == 1 else None,
                    title=title,
                    options=found.chosen if len(found.items) > 1 else rows.options_of(first),
                    left=0,
                )
            named = found.item
        cart = rows.cart_for(session, conversation_id, user_id)
        had = _line(cart_out(session, cart), named.item_id)
        wanted = (had.quantity if had else 0) + quantity
        if not sellable(named, wanted) or wanted > rows.MAX_QUANTITY:
            return OutOfStock(
                product_id=product.product_id,
                item_id=named.item_id,
                title=title,
                options=rows.options_of(named),
                left=max(0, min(_left(named), rows.MAX_QUANTITY) - (had.quantity if had else 0)),
            )
        if had is None and len(rows.lines_of(session, cart.cart_id)) >= rows.MAX_LINES:
            raise BadArgument(f"the cart holds {rows.MAX_LINES} lines at most")
        rows.set_quantity(session, cart, named, wanted)
        session.add(
            Event(
                user_id=user_id,
                session_id=conversation_id,
                kind=EventKind.ADD_TO_CART.value,
                product_id=product.product_id,
                item_id=named.item_id,
                value=float(quantity),
            )
        )
        now = cart_out(session, cart)
        line = _line(now, named.item_id)
        assert line is not None
        return Added(line=line, added=quantity, cart=now)


@tool
def view_cart(ctx: ToolContext) -> CartOut:
    """Show the shopper's cart: its lines (title, options, price, quantity) and total."""
    conversation_id, user_id = rows.owner(ctx)
    with ctx.store.session() as session:
        return cart_out(session, rows.cart_for(session, conversation_id, user_id))


def _change(ctx: ToolContext, item_id: str, quantity: int) -> CartUpdated | OutOfStock:
    conversation_id, user_id = rows.owner(ctx)
    with ctx.store.session() as session:
        cart = rows.cart_for(session, conversation_id, user_id)
        line = _line(cart_out(session, cart), item_id)
        item = session.get(Item, item_id)
        if line is None or item is None:
            raise UnknownId(f"item {item_id} is not in the cart; use an item_id from view_cart")
        if quantity > line.quantity and not sellable(item, quantity):
            return OutOfStock(
                product_id=line.product_id,
                item_id=item_id,
                title=line.title,
                options=line.options,
                left=min(_left(item), rows.MAX_QUANTITY),
            )
        rows.set_quantity(session, cart, item, quantity)
        return CartUpdated(
            item_id=item_id,
            title=line.title,
            options=line.options,
            quantity=quantity,
            cart=cart_out(session, cart),
        )


@tool
def update_cart_item(
    ctx: ToolContext, item_id: Code, quantity: Quantity
) -> CartUpdated | OutOfStock:
    """Set how many units of a cart line the shopper wants (0 removes the line).

    Args:
        item_id: The line's item id, from view_cart.
        quantity: The new number of units, 0 to 99.
    """
    return _change(ctx, item_id, quantity)


@tool
def remove_from_cart(ctx: ToolContext, item_id: Code) -> CartUpdated:
    """Remove a line from the shopper's cart.

    Args:
        item_id: The line's item id, from view_cart.
    """
    result = _change(ctx, item_id, 0)
    assert isinstance(result, CartUpdated)  # removing never needs stock
    return result
