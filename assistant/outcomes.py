"""What the Act stage produced, as types: the Respond stage composes the reply from these
facts and nothing else.

Discovery: ``Found`` (recommendations), ``Asked`` (a question with clickable options: about
an attribute, a category, a relaxation, an order, a reason...), ``NothingFits``, ``NotSold``,
``Compared``, ``Described``. Service: ``OrdersListed``, ``OrderShown``, ``AccountShown``,
``ConfirmationAsked``, ``Done``, ``AlreadyDone``, ``Declined``, ``Refused``,
``IdentityNeeded``, ``AddressNeeded``. Cart: ``CartShown``, ``CartAdded``, ``CartChanged``,
``CartOptionAsked``, ``CheckoutLinked`` (checkout's confirmation is ``ConfirmationAsked``).
Then ``HelpAnswered``, ``HandedOff`` and ``Chat``.

Not here: producing them (``assistant.act``), wording them (``assistant.respond``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from assistant.state import OpenQuestion
from tools.base import ConfirmationRequest
from tools.cart import Added, CartOut, CartUpdated, NoVariant, OutOfStock, VariantNeeded
from tools.checkout import CheckoutLink
from tools.explain import Recommendation
from tools.shopping import SearchOutcome
from tools.shopping_info import Comparison, HelpAnswer


@dataclass(frozen=True)
class Found:
    search: SearchOutcome
    # what the shopper asked that this search could not honour or check
    unknown_brands: tuple[str, ...] = ()
    refined: str | None = None  # "cheaper", "dearer", "better_rated", "other_brand"
    baseline: float | None = None  # the price or rating the refinement is relative to
    excluded: tuple[str, ...] = ()  # brands left out by "not that brand"


@dataclass(frozen=True)
class Asked:
    question: OpenQuestion
    search: SearchOutcome | None = None  # the candidates the question splits
    topic: Literal[
        "attribute",
        "category",
        "department",
        "order",
        "reason",
        "items",
        "variant",
        "payment",
        "not_sold",
        "again",
    ] = "attribute"
    unknown_brands: tuple[str, ...] = ()


@dataclass(frozen=True)
class NothingFits:
    search: SearchOutcome
    question: OpenQuestion | None  # the relaxations as options


@dataclass(frozen=True)
class NotSold:
    thing: str
    question: OpenQuestion | None  # categories to go on with
    brand: bool = False  # the thing is a brand the shop does not carry
    related: bool = False  # the categories share words with it (else: what the shop carries)


@dataclass(frozen=True)
class Compared:
    comparison: Comparison


@dataclass(frozen=True)
class Described:
    recommendation: Recommendation
    attributes: tuple[tuple[str, str], ...] = ()  # (label, value) of its key attributes
    position: int | None = None  # its place in the list on screen


@dataclass(frozen=True)
class OrderLine:
    title: str  # the listing's title when the product still exists, else the line's name
    options: tuple[tuple[str, str], ...]
    price: float
    item_id: str
    product_id: str
    name: str = ""  # the line's own name, as stored with the order


@dataclass(frozen=True)
class OrderView:
    order_id: str
    status: str
    placed: datetime | None
    lines: tuple[OrderLine, ...]
    total: float
    tracking: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrdersListed:
    orders: tuple[OrderView, ...]
    purpose: Literal["recent", "status", "none_fit"] = "recent"
    wanted: str = ""  # the status looked for when none fit ("pending")


@dataclass(frozen=True)
class OrderShown:
    order: OrderView


@dataclass(frozen=True)
class AccountShown:
    name: str
    methods: tuple[str, ...]  # display names, gift cards with balances
    address: str


@dataclass(frozen=True)
class ConfirmationAsked:
    request: ConfirmationRequest
    act: str  # what it does, in words: "cancel order #W1234567"
    details: tuple[str, ...]  # items by title and options, reason, refund, address...
    question: OpenQuestion  # "Yes, cancel order #W..." / "Keep my order"


@dataclass(frozen=True)
class Done:
    act: str  # "Order #W1234567 is cancelled."
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlreadyDone:
    what: str  # what was done, as stored after the write


@dataclass(frozen=True)
class Declined:
    act: str = ""


@dataclass(frozen=True)
class Refused:
    kind: Literal["not_found", "status", "policy", "other_account", "failed"]
    message: str  # composed for the shopper from the facts


@dataclass(frozen=True)
class IdentityNeeded:
    failed: str | None = None  # the email or name the shopper gave that matched no one


@dataclass(frozen=True)
class AddressNeeded:
    order_id: str | None = None


@dataclass(frozen=True)
class HelpAnswered:
    answer: HelpAnswer
    sentences: tuple[str, ...] = ()  # the passage sentences that answer the question


@dataclass(frozen=True)
class HandedOff:
    summary: str = ""


@dataclass(frozen=True)
class Chat:
    kind: Literal["greeting", "thanks", "unclear", "model", "nothing_pending"]
    model_text: str = ""  # the model's words, shown only when they pass the claim check
    suggestions: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class CartShown:
    cart: CartOut


@dataclass(frozen=True)
class CartAdded:
    """What was added, what could not be (sold out, no such variant), and the cart after."""

    added: tuple[Added, ...]
    problems: tuple[OutOfStock | NoVariant, ...]
    cart: CartOut | None


@dataclass(frozen=True)
class CartChanged:
    change: CartUpdated | OutOfStock
    cart: CartOut | None


@dataclass(frozen=True)
class CartOptionAsked:
    needed: VariantNeeded
    question: OpenQuestion
    added: tuple[Added, ...] = ()  # the others of "add both", already in the cart
    cart: CartOut | None = None
    problems: tuple[OutOfStock | NoVariant, ...] = ()  # the others that could not be added


@dataclass(frozen=True)
class CheckoutLinked:
    link: CheckoutLink


Outcome = (
    Found
    | Asked
    | NothingFits
    | NotSold
    | Compared
    | Described
    | OrdersListed
    | OrderShown
    | AccountShown
    | ConfirmationAsked
    | Done
    | AlreadyDone
    | Declined
    | Refused
    | IdentityNeeded
    | AddressNeeded
    | HelpAnswered
    | HandedOff
    | Chat
    | CartShown
    | CartAdded
    | CartChanged
    | CartOptionAsked
    | CheckoutLinked
)
