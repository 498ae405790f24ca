"""The acts the dialogue policy chooses between, as types (the Decide stage's output).

Not here: choosing (``assistant.policy``), carrying an act out (``assistant.act``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.state import ServiceRequest
from tools.constraints import Constraints


@dataclass(frozen=True)
class Search:
    """Find products under ``constraints`` and show them; when ``may_ask`` and many fit,
    ask the question that splits them best first (about ``attribute`` when it splits well)."""

    constraints: Constraints
    words: str
    wishes: tuple[str, ...] = ()
    may_ask: bool = False
    attribute: str | None = None
    unknown_brands: tuple[str, ...] = ()
    refined: str | None = None
    baseline: float | None = None
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class AskCategory:
    """A request with no category: ask which, with options from the catalog."""

    words: str
    rooms: tuple[str, ...] = ()
    department: str | None = None  # a department chosen: ask which of its categories


@dataclass(frozen=True)
class NotCarried:
    thing: str
    brand: bool = False


@dataclass(frozen=True)
class Compare:
    product_ids: tuple[str, ...]


@dataclass(frozen=True)
class Describe:
    product_id: str


@dataclass(frozen=True)
class Help:
    query: str


@dataclass(frozen=True)
class Serve:
    """A step of a customer-service flow for ``request``."""

    request: ServiceRequest


@dataclass(frozen=True)
class Confirm:
    pass


@dataclass(frozen=True)
class Decline:
    pass


@dataclass(frozen=True)
class AlreadyDoneAct:
    pass


@dataclass(frozen=True)
class Reask:
    """Show the question on screen again: the answer chose none of its options."""


@dataclass(frozen=True)
class Handoff:
    summary: str


@dataclass(frozen=True)
class Talk:
    kind: str  # "greeting", "thanks", "unclear", "model"
    model_text: str = ""


@dataclass(frozen=True)
class AddToCart:
    """Add each product (on screen, by id) in the variant ``words`` name (``options``: chosen
    for the first product, by clicking); ``checkout`` goes on to check out ("buy the blue one
    in size 10")."""

    product_ids: tuple[str, ...]
    words: str = ""
    options: tuple[tuple[str, str], ...] = ()
    quantity: int = 1
    checkout: bool = False
    pay: str | None = None


@dataclass(frozen=True)
class ShowCart:
    pass


@dataclass(frozen=True)
class ChangeCart:
    """Set a cart line's quantity (0 removes it). The line: by item id, by the product on
    screen it is a variant of, or by the words naming it ("remove the socks")."""

    ref: str
    by: Literal["item", "product", "words"]
    quantity: int


@dataclass(frozen=True)
class Checkout:
    """Propose the order for the cart; ``pay`` a payment kind, ``method_id`` a method chosen."""

    pay: str | None = None
    method_id: str | None = None


Act = (
    Search
    | AskCategory
    | NotCarried
    | Compare
    | Describe
    | Help
    | Serve
    | Confirm
    | Decline
    | AlreadyDoneAct
    | Reask
    | Handoff
    | Talk
    | AddToCart
    | ShowCart
    | ChangeCart
    | Checkout
)
