"""Customer-service lookups: identification, profile, orders, products and items.

The tools carry tau2-bench's retail names, arguments and result shapes (a user, order, product
or variant in the ``db.json`` layout, as ``store.importers.tau2_schema`` models), so public
scenarios replay against any shop in the store. Identification finds the customer; the
conversation adopts them. An identification succeeds only with credentials the shopper
typed, or for the customer the shop vouched for (``tools.identity``); account data (profile,
orders) is refused until then, and anyone else's is refused in the words used for an id that
does not exist.

Identifiers a small model mangles are normalised before anything else: ``W2378156`` or
``#w2378156`` become ``#W2378156``, whitespace inside ids is dropped, numbers become strings,
emails and names match case-insensitively (names also without accents, as tau2 does).

Not here: writes (``tools.service_write``) and the rules themselves (``tools.policy``).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator
from sqlmodel import Session, col, func, select

from store.importers.tau2_schema import Tau2Order, Tau2Product, Tau2User, Variant
from store.models import Item, Order, OrderItem, PaymentMethod, Product, User
from tools import policy
from tools.base import ToolContext, tool
from tools.errors import UnknownId
from tools.fields import at_most, single_line
from tools.identity import (
    fold,
    may_identify,
    no_email_match,
    no_name_zip_match,
    not_theirs,
    typed_email,
    typed_name_zip,
)
from tools.identity import owns as _owns

PRODUCT_TYPES_SHOWN = 200  # tau2 has 50; a big shop's list would drown a small model's context

_ORDER_ID = re.compile(r"#?W?(\d{7})|#?W(\d+)", re.IGNORECASE)


def normalise_order_id(value: object) -> object:
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return value  # pydantic reports the type
    compact = re.sub(r"\s+", "", value)
    match = _ORDER_ID.fullmatch(compact)
    return f"#W{match.group(1) or match.group(2)}" if match else compact


def _compact(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return re.sub(r"\s+", "", value) if isinstance(value, str) else value


def _trimmed(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _email(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _id_list(value: object) -> object:
    """A list of ids; a model that sends "a, b", '["a", "b"]' or a bare id gets what it meant."""
    if isinstance(value, str):
        return [v for v in re.split(r"[\[\]\"',\s]+", value) if v]
    if isinstance(value, int) and not isinstance(value, bool):
        return [str(value)]
    return value


# Each field's characters and length are checked after normalising (``tools.fields``).
OrderId = Annotated[str, BeforeValidator(normalise_order_id), AfterValidator(single_line(64))]
Code = Annotated[str, BeforeValidator(_compact), AfterValidator(single_line(64))]
Text = Annotated[str, BeforeValidator(_trimmed), AfterValidator(single_line(120))]
Email = Annotated[str, BeforeValidator(_email), AfterValidator(single_line(254))]
IdList = Annotated[list[Code], BeforeValidator(_id_list), AfterValidator(at_most(50))]


# --- loading ---------------------------------------------------------------------------------


def load_order(session: Session, order_id: str) -> tuple[Order, list[OrderItem]]:
    order = session.get(Order, order_id)
    if order is None:
        raise UnknownId(
            f"unknown order id {order_id}; ask the shopper to check it (order ids "
            "look like '#W0000000'), or look it up in get_user_details"
        )
    lines = session.exec(
        select(OrderItem)
        .where(OrderItem.order_id == order_id)
        .order_by(col(OrderItem.seq), col(OrderItem.id))
    ).all()
    return order, list(lines)


def load_user(session: Session, user_id: str) -> User:
    user = (
        session.get(User, user_id)
        or session.exec(select(User).where(func.lower(User.user_id) == user_id.lower())).first()
    )
    if user is None:
        raise UnknownId(
            f"unknown user id {user_id}; identify the customer with "
            "find_user_id_by_email or find_user_id_by_name_zip"
        )
    return user


def load_methods(session: Session, user_id: str) -> dict[str, PaymentMethod]:
    rows = session.exec(
        select(PaymentMethod)
        .where(PaymentMethod.user_id == user_id)
        .order_by(col(PaymentMethod.seq), col(PaymentMethod.id))
    ).all()
    return {m.id: m for m in rows}


def load_method(session: Session, user_id: str, method_id: str) -> PaymentMethod:
    method = load_methods(session, user_id).get(method_id)
    if method is None:
        raise UnknownId(
            f"payment method {method_id} is not one of the customer's; use an id "
            "from get_user_details (such as 'credit_card_0000000')"
        )
    return method


def load_item(session: Session, item_id: str) -> Item | None:
    return session.get(Item, item_id)


def owned_order(ctx: ToolContext, session: Session, order_id: str) -> tuple[Order, list[OrderItem]]:
    """The order, if the identified customer may see it; someone else's order is refused in
    the words used for one that does not exist."""
    policy.require_identified(ctx)
    if ctx.operator:
        return load_order(session, order_id)
    order = session.get(Order, order_id)
    if order is None or not _owns(ctx, order.user_id):
        raise UnknownId(not_theirs("order", order_id))
    return load_order(session, order_id)


def owned_user(ctx: ToolContext, session: Session, user_id: str) -> User:
    """The user, if it is the identified customer (refused like an unknown id otherwise)."""
    policy.require_identified(ctx)
    if ctx.operator:
        return load_user(session, user_id)
    user = (
        session.get(User, user_id)
        or session.exec(select(User).where(func.lower(User.user_id) == user_id.lower())).first()
    )
    if user is None or not _owns(ctx, user.user_id):
        raise UnknownId(not_theirs("user id", user_id))
    return user


# --- shaping (tau2's layout) -------------------------------------------------------------------


def _options(options: dict[str, Any] | None) -> dict[str, str]:
    return {k: str(v) for k, v in (options or {}).items()}


def order_out(order: Order, lines: list[OrderItem]) -> Tau2Order:
    data: dict[str, Any] = {
        "order_id": order.order_id,
        "user_id": order.user_id,
        "address": order.address,
        "items": [
            {
                "name": li.name,
                "product_id": li.product_id,
                "item_id": li.item_id,
                "price": float(li.price),
                "options": _options(li.options),
            }
            for li in lines
        ],
        "status": order.status,
        "fulfillments": order.fulfillments or [],
        "payment_history": order.payment_history or [],
    }
    for name in (
        "cancel_reason",
        "exchange_items",
        "exchange_new_items",
        "exchange_payment_method_id",
        "exchange_price_difference",
        "return_items",
        "return_payment_method_id",
    ):
        data[name] = getattr(order, name)
    return Tau2Order.model_validate(data)


def item_out(item: Item) -> Variant:
    return Variant(
        item_id=item.item_id,
        options=_options(item.options),
        available=item.available,
        price=float(item.price),
    )


# --- tools -----------------------------------------------------------------------------------


@tool
def find_user_id_by_email(ctx: ToolContext, email: Email) -> str:
    """Find the customer's user id by the email the shopper typed in this conversation, to
    identify them. Try this first; use find_user_id_by_name_zip only if the email is not found
    or not remembered.

    Args:
        email: The customer's email, such as 'something@example.com'.
    """
    with ctx.store.session() as session:
        found = session.exec(
            select(User.user_id)
            .where(func.lower(User.email) == email)
            .order_by(col(User.seq), col(User.user_id))
        ).first()
    if found is None or not may_identify(ctx, found, typed_email(ctx, email)):
        raise UnknownId(no_email_match(email))
    return found


@tool
def find_user_id_by_name_zip(ctx: ToolContext, first_name: Text, last_name: Text, zip: Code) -> str:
    """Find the customer's user id by the first name, last name and zip code the shopper typed
    in this conversation, to identify them. Use it only when the email is not found or not
    remembered.

    Args:
        first_name: The customer's first name, such as 'John'.
        last_name: The customer's last name, such as 'Doe'.
        zip: The customer's zip code, such as '12345'.
    """
    with ctx.store.session() as session:
        users = session.exec(
            select(User).where(User.zip == zip).order_by(col(User.seq), col(User.user_id))
        ).all()
    wanted = (fold(first_name), fold(last_name))
    found = next(
        (u.user_id for u in users if (fold(u.first_name), fold(u.last_name)) == wanted), None
    )
    typed = typed_name_zip(ctx, first_name, last_name, zip)
    if found is None or not may_identify(ctx, found, typed):
        raise UnknownId(no_name_zip_match(first_name, last_name, zip))
    return found


@tool
def get_user_details(ctx: ToolContext, user_id: Code) -> Tau2User:
    """Get the identified customer's profile: name, address, email, payment methods (with gift
    card balances) and order ids.

    Args:
        user_id: The user id, such as 'sara_doe_496'.
    """
    with ctx.store.session() as session:
        user = owned_user(ctx, session, user_id)
        methods = load_methods(session, user.user_id)
        orders = session.exec(
            select(Order.order_id)
            .where(Order.user_id == user.user_id)
            .order_by(col(Order.seq), col(Order.order_id))
        ).all()
    return Tau2User.model_validate(
        {
            "user_id": user.user_id,
            "name": {"first_name": user.first_name, "last_name": user.last_name},
            "address": user.address,
            "email": user.email,
            "payment_methods": {
                m.id: {
                    "source": m.source,
                    "id": m.id,
                    "brand": m.brand,
                    "last_four": m.last_four,
                    "balance": m.balance,
                }
                for m in methods.values()
            },
            "orders": list(orders),
        }
    )


@tool
def get_order_details(ctx: ToolContext, order_id: OrderId) -> Tau2Order:
    """Get the status and details of one of the customer's orders: items, address, fulfillments
    and payment history.

    Args:
        order_id: The order id, such as '#W0000000' (with the '#').
    """
    with ctx.store.session() as session:
        order, lines = owned_order(ctx, session, order_id)
    return order_out(order, lines)


@tool
def get_product_details(ctx: ToolContext, product_id: Code) -> Tau2Product:
    """Get a product and all its variant items, with their options, price and availability.

    Args:
        product_id: The product id, such as '6086499569'. Product ids and item ids differ.
    """
    with ctx.store.session() as session:
        product = session.get(Product, product_id)
        if product is None:
            hint = (
                " (that is an item id; use get_item_details)"
                if load_item(session, product_id)
                else ""
            )
            raise UnknownId(
                f"unknown product id {product_id}{hint}; list_all_product_types gives product ids"
            )
        items = session.exec(
            select(Item)
            .where(Item.product_id == product_id)
            .order_by(col(Item.seq), col(Item.item_id))
        ).all()
    return Tau2Product(
        name=product.title,
        product_id=product.product_id,
        variants={i.item_id: item_out(i) for i in items},
    )


@tool
def get_item_details(ctx: ToolContext, item_id: Code) -> Variant:
    """Get one variant item: its options, price and availability.

    Args:
        item_id: The item id, such as '1008292230'. Item ids and product ids differ.
    """
    with ctx.store.session() as session:
        item = load_item(session, item_id)
        if item is None:
            hint = (
                " (that is a product id; use get_product_details)"
                if session.get(Product, item_id)
                else ""
            )
            raise UnknownId(f"unknown item id {item_id}{hint}")
    return item_out(item)


@tool
def list_all_product_types(ctx: ToolContext) -> str:
    """List the name and product id of every product type, as a JSON object sorted by name.
    Each product type has several variant items with their own item ids and options.
    """
    with ctx.store.session() as session:
        rows = session.exec(select(Product.title, Product.product_id)).all()
    names = dict(sorted(rows))
    shown = dict(list(names.items())[:PRODUCT_TYPES_SHOWN])
    text = json.dumps(shown, sort_keys=True)
    more = len(names) - len(shown)
    return f"{text}\n({more} more not shown; search the catalog instead)" if more > 0 else text


# --- capabilities for code (not offered to a model) ----------------------------------------


def user_orders(ctx: ToolContext) -> list[tuple[Order, list[OrderItem]]]:
    """The identified customer's orders with their lines, newest first (placed date, then
    the shop's own order)."""
    policy.require_identified(ctx)
    with ctx.store.session() as session:
        orders = session.exec(
            select(Order)
            .where(Order.user_id == ctx.session_user_id)
            .order_by(col(Order.created_at).desc(), col(Order.seq).desc())
        ).all()
        ids = [o.order_id for o in orders]
        lines = (
            session.exec(
                select(OrderItem)
                .where(col(OrderItem.order_id).in_(ids))
                .order_by(col(OrderItem.seq), col(OrderItem.id))
            ).all()
            if ids
            else []
        )
    by_order: dict[str, list[OrderItem]] = {}
    for line in lines:
        by_order.setdefault(line.order_id, []).append(line)
    return [(o, by_order.get(o.order_id, [])) for o in orders]


def user_methods(ctx: ToolContext) -> dict[str, PaymentMethod]:
    """The identified customer's payment methods by id."""
    policy.require_identified(ctx)
    with ctx.store.session() as session:
        return load_methods(session, ctx.session_user_id or "")
