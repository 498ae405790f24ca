"""A conversation's state: everything a turn reads and leaves for the next one.

One ``ConversationState`` per conversation, stored by ``assistant.conversation`` (the only
writer of conversation rows) and passed through a turn's stages: read in, a new one out.

- ``identity``: the shopper the conversation is for; from the shop's sign-in, or from the
  email or name and zip code the shopper typed (never from an argument a model chose).
- ``pending`` / ``executed`` / ``done``: the proposed write waiting for a yes, the proposals
  already carried out and what each did, so a second yes says "already done".
- ``shopping``: constraints, the candidates of the last search, what was asked
  (``tools.shop_context.ShoppingState``).
- ``question``: the question on screen, each option with what choosing it means, so a click
  (or the option typed) is acted on in code.
- ``request``: a customer-service request in progress (``ServiceRequest``): its intent and
  the slots filled so far (order, reason, items, payment method, address).
- ``focus``: the products the last turn was about (compared or described), for "the cheaper
  one".
- ``history``: the last exchanges as text, for the model's context.
- ``cart``: what the conversation remembers of the cart (``CartMemory``); the cart itself
  lives in the database (``tools.cart_rows``).

Not here: reading or writing rows (``assistant.conversation``), deciding anything.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.reading.service import OrderScope, ServiceIntent
from tools.base import ConfirmationRequest
from tools.constraints import Constraints
from tools.shop_context import ShoppingState

ChoiceKind = Literal[
    "value",
    "category",
    "budget",
    "relax",
    "show",
    "order",
    "reason",
    "items",
    "variant",
    "payment",
    "yes",
    "no",
    "cart_option",
    "cart_payment",
]
QuestionKind = Literal[
    "attribute",
    "category",
    "relax",
    "order",
    "reason",
    "items",
    "variant",
    "payment",
    "confirm",
    "cart_option",
    "cart_payment",
]


class Choice(BaseModel):
    """One option of the question on screen: its label and what choosing it means."""

    label: str
    kind: ChoiceKind
    key: str = ""  # the attribute of a "value" choice
    value: str = ""  # a value, category, order id, reason, item id, payment method id
    values: list[str] = Field(default_factory=list)  # several item ids
    constraints: Constraints | None = None  # a relaxation or budget to search with


class OpenQuestion(BaseModel):
    kind: QuestionKind
    text: str
    choices: list[Choice]
    key: str = ""  # the attribute asked about

    def labels(self) -> list[str]:
        return [c.label for c in self.choices]


class Identity(BaseModel):
    user_id: str | None = None
    source: Literal["shop", "email", "name_zip"] | None = None


class ServiceRequest(BaseModel):
    """A customer-service request and the slots its flow has filled."""

    intent: ServiceIntent
    scope: OrderScope = "all"
    order_id: str | None = None
    reason: str | None = None
    item_ids: list[str] = Field(default_factory=list)
    new_item_ids: dict[str, str] = Field(default_factory=dict)  # old item id -> new
    payment_method_id: str | None = None
    address: dict[str, str] | None = None
    words: str = ""  # the shopper's words so far, to resolve names and options against


class ChatLine(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class CartAsk(BaseModel):
    """An add to the cart waiting for the shopper's choice of an option (size, colour...)."""

    product_id: str
    chosen: dict[str, str] = Field(default_factory=dict)
    rest: list[str] = Field(default_factory=list)  # the other products of "add both"
    quantity: int = 1
    then_checkout: bool = False  # "buy the blue one": check out once it is added
    pay: str | None = None  # the payment kind named ("gift_card")


class CartMemory(BaseModel):
    """The cart as the conversation last saw it: its lines' item ids in the order shown (for
    "remove the second one" when the cart is on screen), whether it is on screen, the line
    the shopper last touched ("make it two"), an add waiting for an option, and a checkout
    waiting for the shopper to say who they are or how to pay."""

    lines: list[str] = Field(default_factory=list)
    on_screen: bool = False
    last_item: str | None = None
    asking: CartAsk | None = None
    checkout_waiting: bool = False
    pay: str | None = None


class ConversationState(BaseModel):
    version: Literal[2] = 2
    identity: Identity = Field(default_factory=Identity)
    pending: ConfirmationRequest | None = None
    executed: list[str] = Field(default_factory=list)
    done: dict[str, str] = Field(default_factory=dict)  # executed id -> what it did
    last_done: str | None = None  # the id of the last write carried out
    last_action: str | None = None  # that write's tool ("cancel_pending_order")
    shopping: ShoppingState = Field(default_factory=ShoppingState)
    question: OpenQuestion | None = None
    request: ServiceRequest | None = None
    focus: list[str] = Field(default_factory=list)
    history: list[ChatLine] = Field(default_factory=list)
    language: str = "en"
    cart: CartMemory = Field(default_factory=CartMemory)

    @classmethod
    def restore(cls, data: dict[str, Any] | None) -> ConversationState:
        """The stored state, or a fresh one when there is none or it was written by an older
        release (its shopper kept)."""
        if not data:
            return cls()
        if data.get("version") == 2:
            return cls.model_validate(data)
        old = (data.get("tool") or {}).get("session_user_id")  # release 1's layout
        return cls(identity=Identity(user_id=old, source="shop" if old else None))
