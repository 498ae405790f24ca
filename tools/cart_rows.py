"""The one owner of cart rows (``Cart``, ``CartLine``): finding a conversation's or a shopper's
cart, merging the first into the second, reading its lines with their products, and changing
quantities.

Whose cart: a conversation without an identified shopper has a cart of its own (keyed by the
conversation id). Once the conversation's shopper is identified (from the shop's sign-in or
credentials the shopper typed, never a model's argument), the shopper's cart is used, in every
conversation of theirs. On the first cart access after identification the conversation's cart
merges into the shopper's: each of its lines is added to the shopper's line of the same variant
(quantities add up; a variant new to the shopper's cart comes after their lines), and the
conversation's cart is deleted. Every change bumps ``Cart.version``; a checkout writes only on
the version it checked (``bump``).

Not here: the tools and their outcomes (``tools.cart``), stock and checkout (``tools.checkout``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from store.models import Cart, CartLine, Item, Product, utcnow
from tools.base import ToolContext
from tools.errors import Conflict, NotAuthenticated

MAX_QUANTITY = 99  # per line: more is no shopper's cart
MAX_LINES = 50


@dataclass(frozen=True)
class LineRow:
    """A cart line with its variant and product, as read in one session."""

    line: CartLine
    item: Item
    product: Product


def owner(ctx: ToolContext) -> tuple[str | None, str | None]:
    """(conversation id, shopper id) whose cart the tools use; refused when neither is known."""
    if ctx.session_user_id is None and ctx.conversation_id is None:
        raise NotAuthenticated(
            "there is no conversation or identified shopper to keep a cart for; "
            "start a conversation first"
        )
    return ctx.conversation_id, ctx.session_user_id


def cart_for(session: Session, conversation_id: str | None, user_id: str | None) -> Cart:
    """The cart the tools act on, created when missing; a conversation's cart merges into the
    identified shopper's (module docstring)."""
    guest = None
    if conversation_id is not None:
        guest = session.exec(
            select(Cart).where(Cart.session_id == conversation_id, col(Cart.user_id).is_(None))
        ).first()
    if user_id is None:
        if guest is None:
            guest = Cart(cart_id=uuid.uuid4().hex, session_id=conversation_id)
            session.add(guest)
            session.flush()
        return guest
    mine = session.exec(select(Cart).where(Cart.user_id == user_id)).first()
    if mine is None and guest is not None:
        guest.user_id = user_id  # the conversation's cart becomes the shopper's
        guest.version += 1
        session.add(guest)
        session.flush()
        return guest
    if mine is None:
        mine = Cart(cart_id=uuid.uuid4().hex, session_id=conversation_id, user_id=user_id)
        session.add(mine)
        try:
            session.flush()
        except IntegrityError as exc:  # another conversation of theirs made it meanwhile
            raise Conflict("the cart changed meanwhile; try again") from exc
        return mine
    if guest is not None:
        merge(session, guest, mine)
    return mine


def merge(session: Session, guest: Cart, mine: Cart) -> None:
    """Add the guest cart's lines to ``mine`` and delete the guest cart."""
    have = {li.item_id: li for li in lines_of(session, mine.cart_id)}
    seq = max((li.seq for li in have.values()), default=-1) + 1
    for li in lines_of(session, guest.cart_id):
        if li.item_id in have:
            have[li.item_id].quantity = min(MAX_QUANTITY, have[li.item_id].quantity + li.quantity)
            session.add(have[li.item_id])
        else:
            session.add(
                CartLine(
                    cart_id=mine.cart_id,
                    item_id=li.item_id,
                    product_id=li.product_id,
                    quantity=li.quantity,
                    seq=seq,
                )
            )
            seq += 1
    session.execute(delete(CartLine).where(col(CartLine.cart_id) == guest.cart_id))
    session.execute(delete(Cart).where(col(Cart.cart_id) == guest.cart_id))
    mine.version += 1
    mine.updated_at = utcnow()
    session.add(mine)
    session.flush()


def lines_of(session: Session, cart_id: str) -> list[CartLine]:
    return list(
        session.exec(
            select(CartLine)
            .where(CartLine.cart_id == cart_id)
            .order_by(col(CartLine.seq), col(CartLine.id))
        ).all()
    )


def rows_of(session: Session, cart_id: str) -> list[LineRow]:
    """The cart's lines with their variants and products, in the order they were added."""
    out: list[LineRow] = []
    for li in lines_of(session, cart_id):
        item = session.get(Item, li.item_id)
        product = session.get(Product, li.product_id)
        if item is not None and product is not None:
            out.append(LineRow(li, item, product))
    return out


def set_quantity(session: Session, cart: Cart, item: Item, quantity: int) -> None:
    """The line of ``item`` holds ``quantity`` units (0 removes it; a new line goes last)."""
    line = session.exec(
        select(CartLine).where(CartLine.cart_id == cart.cart_id, CartLine.item_id == item.item_id)
    ).first()
    if quantity <= 0:
        if line is not None:
            session.delete(line)
    elif line is None:
        seq = max((li.seq for li in lines_of(session, cart.cart_id)), default=-1) + 1
        session.add(
            CartLine(
                cart_id=cart.cart_id,
                item_id=item.item_id,
                product_id=item.product_id,
                quantity=quantity,
                seq=seq,
            )
        )
    else:
        line.quantity = quantity
        session.add(line)
    cart.version += 1
    cart.updated_at = utcnow()
    session.add(cart)
    session.flush()


def bump(session: Session, cart_id: str, version: int) -> bool:
    """Move the cart past ``version``, only if it is still at it (a conditional update)."""
    written = session.execute(
        update(Cart)
        .where(col(Cart.cart_id) == cart_id, col(Cart.version) == version)
        .values(version=version + 1, updated_at=utcnow())
    )
    return written.rowcount == 1  # type: ignore[attr-defined, no-any-return]


def empty(session: Session, cart_id: str) -> None:
    session.execute(delete(CartLine).where(col(CartLine.cart_id) == cart_id))


def options_of(item: Item) -> dict[str, str]:
    return {str(k): str(v) for k, v in (item.options or {}).items()}
