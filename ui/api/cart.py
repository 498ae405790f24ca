"""The bot API's cart: a session's cart, read and changed without a chat turn, under the
same keys, rate limits and sessions as the rest of ``/api/v1``.

    GET    /api/v1/sessions/{id}/cart                   the cart (lines, count, total)
    POST   /api/v1/sessions/{id}/cart/items             {"product_id", "options"?, "words"?,
                                                         "quantity"?} -> an add outcome
    PATCH  /api/v1/sessions/{id}/cart/items/{item_id}   {"quantity"} -> the line changed
    DELETE /api/v1/sessions/{id}/cart/items/{item_id}   -> the line removed

Each answer is the cart tool's typed outcome (``tools.cart``), told apart by ``kind``:
``cart``, ``added``, ``variant_needed`` (nothing added: ask the open option, its in-stock
values listed), ``no_variant``, ``out_of_stock`` (``left`` units), ``cart_updated``. The cart
is the session's, or once the session's shopper is identified (the shop's identity token or
credentials typed in the chat), the shopper's (``tools.cart_rows``). Checkout is no route:
it is a confirmed write, proposed and confirmed in the conversation.

Not here: the tools (``tools.cart``), the chat routes (``ui.api.bot``).
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from assistant import conversation
from tools.base import Tool, ToolContext
from tools.cart import (
    Added,
    CartOut,
    CartUpdated,
    NoVariant,
    OutOfStock,
    VariantNeeded,
    add_to_cart,
    remove_from_cart,
    update_cart_item,
    view_cart,
)
from tools.cart_rows import MAX_QUANTITY
from ui.api.errors import ApiError, NotFoundError
from ui.api.security import Caller
from ui.api.services import ApiServices, caller, services
from ui.api.sessions import require_session

router = APIRouter(prefix="/api/v1/sessions/{session_id}/cart", tags=["cart"])

CallerDep = Annotated[Caller, Depends(caller)]
ServicesDep = Annotated[ApiServices, Depends(services)]
ItemId = Annotated[str, Path(max_length=64, description="The line's item id.")]

AddOutcome = Annotated[Added | VariantNeeded | NoVariant | OutOfStock, Field(discriminator="kind")]
ChangeOutcome = Annotated[CartUpdated | OutOfStock, Field(discriminator="kind")]


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: str = Field(max_length=64, description="A product id, or a variant's item id.")
    options: dict[str, Annotated[str, Field(max_length=60)]] | None = Field(
        default=None, max_length=8, description='The chosen options: {"size": "10"}.'
    )
    words: str = Field(
        default="", max_length=300, description="The shopper's words: 'blue, size 10'."
    )
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY)


class QuantityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(ge=0, le=MAX_QUANTITY, description="The new quantity; 0 removes.")


_STATUS = {"unknown_id": 404, "not_authenticated": 409, "bad_argument": 422}


def _run(aisle: ApiServices, who: Caller, session_id: str, tool: Tool, args: dict[str, Any]) -> Any:
    require_session(aisle.store, who.scope, session_id)
    state = conversation.load_state(aisle.store, session_id, who.shopper)
    ctx = ToolContext(
        store=aisle.store, session_user_id=state.identity.user_id, conversation_id=session_id
    )
    result = tool.call(ctx, args)
    if not result.ok:
        message = result.error or "the cart could not be changed"
        if result.error_kind == "unknown_id":
            raise NotFoundError(message)
        raise ApiError(message, status=_STATUS.get(result.error_kind or "", 400))
    return result.data


@router.get("", response_model=CartOut)
async def get_cart(session_id: str, who: CallerDep, aisle: ServicesDep) -> Any:
    """The session's cart: its lines (title, options, price, quantity, stock) and total."""
    return await anyio.to_thread.run_sync(_run, aisle, who, session_id, view_cart, {})


@router.post("/items", response_model=AddOutcome)
async def add_item(session_id: str, body: ItemIn, who: CallerDep, aisle: ServicesDep) -> Any:
    """Add a product in the variant the options or words choose; ``variant_needed`` when a
    choice is still open (nothing added), ``out_of_stock`` when too few are left."""
    args = body.model_dump(exclude_none=True)
    return await anyio.to_thread.run_sync(_run, aisle, who, session_id, add_to_cart, args)


@router.patch("/items/{item_id}", response_model=ChangeOutcome)
async def change_item(
    session_id: str, item_id: ItemId, body: QuantityIn, who: CallerDep, aisle: ServicesDep
) -> Any:
    """Set a line's quantity (0 removes it)."""
    args = {"item_id": item_id, "quantity": body.quantity}
    return await anyio.to_thread.run_sync(_run, aisle, who, session_id, update_cart_item, args)


@router.delete("/items/{item_id}", response_model=CartUpdated)
async def delete_item(session_id: str, item_id: ItemId, who: CallerDep, aisle: ServicesDep) -> Any:
    """Remove a line from the cart."""
    args = {"item_id": item_id}
    return await anyio.to_thread.run_sync(_run, aisle, who, session_id, remove_from_cart, args)
