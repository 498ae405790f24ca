"""The shop's tables: catalog, customers, behaviour, orders, carts, help center, conversations,
write proposals, labels, API keys.

Every table is a SQLModel class; JSON-shaped fields (attributes, options, addresses, payment
history) are stored as JSON columns so the tau2-bench layout round-trips exactly. Columns that
queries filter on (category, brand, price, status, user, timestamps) are real indexed columns.

Not here: how rows are created (``store.demo``, ``store.importers``), how they are read for a
purpose (``store.profiles``, ``store.audit``), or engines and sessions (``store.db``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timezone-aware UTC 'now'. Every timestamp in the store is aware UTC (SQLModel stores UTC
    and returns aware values on SQLite and PostgreSQL alike); naive datetimes are rejected."""
    return datetime.now(UTC)


def _json(**kw: Any) -> Any:
    return Field(default=None, sa_column=Column(JSON, **kw))


class OrderStatus(StrEnum):
    """Order states, with the request states tau2-bench records after a write."""

    PENDING = "pending"
    PROCESSED = "processed"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    PENDING_ITEM_MODIFIED = "pending (item modified)"
    RETURN_REQUESTED = "return requested"
    EXCHANGE_REQUESTED = "exchange requested"


class EventKind(StrEnum):
    SEARCH = "search"
    VIEW = "view"
    CLICK = "click"
    ADD_TO_CART = "add_to_cart"
    PURCHASE = "purchase"
    REVIEW = "review"
    FEEDBACK = "feedback"


class PaymentSource(StrEnum):
    CREDIT_CARD = "credit_card"
    PAYPAL = "paypal"
    GIFT_CARD = "gift_card"


class ProposalStatus(StrEnum):
    """A write proposal's life: waiting, then exactly one of the others, once."""

    PROPOSED = "proposed"
    DONE = "done"
    FAILED = "failed"
    DECLINED = "declined"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"


class Split(StrEnum):
    TRAIN = "train"
    VALID = "valid"
    TEST = "test"


# --- catalog -------------------------------------------------------------------------------


class Product(SQLModel, table=True):
    """A product type as the shopper sees it; the purchasable units are its ``Item`` variants.

    ``product_type`` is the short noun ("Running Shoes"); ``category`` is the full path
    ("Sports & Outdoors > Running Shoes") and ``category_leaf`` its last segment, which filters use.
    ``price`` is the lowest variant price, kept in sync by the writers.
    """

    product_id: str = Field(primary_key=True, max_length=64)
    title: str
    description: str = ""
    brand: str = Field(default="", index=True)
    product_type: str = Field(default="", index=True)
    category: str = Field(default="", index=True)
    category_leaf: str = Field(default="", index=True)
    price: float = Field(default=0.0, index=True)
    rating_avg: float = 0.0
    rating_count: int = 0
    attributes: dict[str, Any] | None = _json()
    seq: int = Field(default=0, index=True)  # import/generation order, so exports keep it
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class Item(SQLModel, table=True):
    """A purchasable variant of a product: its option values, price and availability.

    ``stock`` is the units on hand, or None when the shop does not count them (then
    ``available`` alone says whether it sells). Checkout decrements it by a conditional update
    (``stock >= quantity``), so two checkouts never sell the same last unit."""

    item_id: str = Field(primary_key=True, max_length=64)
    product_id: str = Field(foreign_key="product.product_id", index=True, max_length=64)
    options: dict[str, Any] | None = _json()
    price: float = Field(index=True)
    available: bool = True
    stock: int | None = None
    seq: int = 0  # position among the product's variants


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    product_id: str = Field(foreign_key="product.product_id", index=True, max_length=64)
    user_id: str | None = Field(default=None, foreign_key="user.user_id", index=True, max_length=64)
    rating: int
    title: str = ""
    text: str = ""
    created_at: datetime = Field(default_factory=utcnow)


# --- customers -----------------------------------------------------------------------------


class User(SQLModel, table=True):
    """A customer. ``address`` keeps the tau2 shape (address1, address2, city, country, state,
    zip); ``zip`` is copied out of it so identification by name and zip is an indexed lookup."""

    user_id: str = Field(primary_key=True, max_length=64)
    first_name: str
    last_name: str
    email: str = Field(index=True)
    zip: str = Field(default="", index=True)
    address: dict[str, Any] | None = _json()
    seq: int = Field(default=0, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class PaymentMethod(SQLModel, table=True):
    """A saved payment method; ``balance`` is set for gift cards only."""

    id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="user.user_id", index=True, max_length=64)
    source: str
    brand: str | None = None
    last_four: str | None = None
    balance: float | None = None
    seq: int = 0


# --- behaviour -----------------------------------------------------------------------------


class Event(SQLModel, table=True):
    """One behaviour event: a search (with its text), view, click, add-to-cart, purchase,
    review or feedback (``value`` +1/-1 for thumbs, the rating for reviews)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: str | None = Field(default=None, foreign_key="user.user_id", index=True, max_length=64)
    session_id: str | None = Field(default=None, index=True, max_length=64)
    kind: str = Field(index=True)
    product_id: str | None = Field(default=None, index=True, max_length=64)
    item_id: str | None = Field(default=None, max_length=64)
    query: str | None = None
    value: float | None = None
    ts: datetime = Field(default_factory=utcnow, index=True)


# --- orders --------------------------------------------------------------------------------


class Order(SQLModel, table=True):
    """An order in the tau2-bench shape. Request fields are set by customer-service writes."""

    order_id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="user.user_id", index=True, max_length=64)
    status: str = Field(default=OrderStatus.PENDING, index=True)
    address: dict[str, Any] | None = _json()
    fulfillments: list[dict[str, Any]] | None = _json()
    payment_history: list[dict[str, Any]] | None = _json()
    cancel_reason: str | None = None
    return_items: list[str] | None = _json()
    return_payment_method_id: str | None = None
    exchange_items: list[str] | None = _json()
    exchange_new_items: list[str] | None = _json()
    exchange_payment_method_id: str | None = None
    exchange_price_difference: float | None = None
    seq: int = Field(default=0, index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)


class OrderItem(SQLModel, table=True):
    """One line of an order, with the product name, price and options as they were bought."""

    id: int | None = Field(default=None, primary_key=True)
    order_id: str = Field(foreign_key="order.order_id", index=True, max_length=64)
    seq: int = 0
    product_id: str = Field(index=True, max_length=64)
    item_id: str = Field(index=True, max_length=64)
    name: str
    price: float
    options: dict[str, Any] | None = _json()


# --- carts --------------------------------------------------------------------------------


class Cart(SQLModel, table=True):
    """A shopping cart. It belongs to a conversation (``session_id``) until the shopper is
    identified, then to the shopper (``user_id``): a shopper has one cart across their
    conversations, and a conversation's cart merges into it on identification
    (``tools.cart_store.cart_for``). ``version`` grows with every change, so a checkout can
    tell the cart it proposed from a cart changed since."""

    cart_id: str = Field(primary_key=True, max_length=32)
    session_id: str | None = Field(default=None, index=True, max_length=64)
    user_id: str | None = Field(
        default=None, foreign_key="user.user_id", index=True, unique=True, max_length=64
    )
    version: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CartLine(SQLModel, table=True):
    """One variant in a cart, with its quantity; ``seq`` keeps the order lines were added."""

    __table_args__ = (UniqueConstraint("cart_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    cart_id: str = Field(foreign_key="cart.cart_id", index=True, max_length=32)
    item_id: str = Field(foreign_key="item.item_id", max_length=64)
    product_id: str = Field(max_length=64)
    quantity: int = 1
    seq: int = 0
    added_at: datetime = Field(default_factory=utcnow)


# --- help center, conversations, labels ----------------------------------------------------


class HelpArticle(SQLModel, table=True):
    article_id: str = Field(primary_key=True, max_length=64)
    title: str
    topic: str = Field(default="", index=True)
    body: str
    updated_at: datetime = Field(default_factory=utcnow)


class Conversation(SQLModel, table=True):
    """A chat session. ``state`` holds constraints, last candidates, the identified user and a
    pending confirmation; the API server keeps none of it in memory."""

    session_id: str = Field(primary_key=True, max_length=64)
    user_id: str | None = Field(default=None, index=True, max_length=64)
    state: dict[str, Any] | None = _json()
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)


class Turn(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="conversation.session_id", index=True, max_length=64)
    seq: int
    message: str
    reply: dict[str, Any] | None = _json()
    created_at: datetime = Field(default_factory=utcnow)


class WriteProposal(SQLModel, table=True):
    """A customer-service write shown to the shopper, under a server-issued id with its exact
    arguments (``key`` hashes the action and arguments). ``status`` leaves ``proposed`` once,
    by a conditional update, so a yes is consumed once across processes and replays; a done
    proposal's ``outcome`` (what the write did) commits in the write's own transaction, so a
    retried yes after a crash can say what happened. Rows stay for the record."""

    proposal_id: str = Field(primary_key=True, max_length=32)
    conversation_id: str | None = Field(default=None, index=True, max_length=64)
    user_id: str | None = Field(default=None, index=True, max_length=64)
    action: str = Field(max_length=64)
    arguments: dict[str, Any] | None = _json()
    key: str = Field(index=True, max_length=64)
    summary: str = ""
    status: str = Field(default=ProposalStatus.PROPOSED, index=True, max_length=16)
    outcome: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None


class LabelledQuery(SQLModel, table=True):
    """A graded relevance judgement: 2 exact, 1 partial, 0 irrelevant (ESCI-style grades)."""

    __table_args__ = (UniqueConstraint("query_id", "product_id"),)

    id: int | None = Field(default=None, primary_key=True)
    query_id: str = Field(index=True, max_length=64)
    query: str
    product_id: str = Field(foreign_key="product.product_id", index=True, max_length=64)
    relevance: int
    split: str = Field(index=True)


# --- shop metadata and generator ground truth ----------------------------------------------


class ShopMeta(SQLModel, table=True):
    """Key/value facts about the shop: its source (demo seed, import file), when it was built."""

    key: str = Field(primary_key=True, max_length=64)
    value: str


class HiddenTruth(SQLModel, table=True):
    """Ground truth the demo generator used (a user's hidden preferences, a product's hidden
    quality). Only tests and the eval harness read it; the assistant never does."""

    __table_args__ = (UniqueConstraint("entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(index=True, max_length=16)
    entity_id: str = Field(index=True, max_length=64)
    data: dict[str, Any] | None = _json()


# --- access to the bot API -----------------------------------------------------------------


class ApiKey(SQLModel, table=True):
    """An embedding site's key for the bot API. Only the key's SHA-256 is stored; ``prefix``
    (the key's public part, ``aisle_<prefix>_...``) finds the row, so a key is checked with one
    indexed lookup and a constant-time hash comparison. Revoked keys stay for the record."""

    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(index=True, unique=True, max_length=16)
    name: str
    key_hash: str = Field(max_length=64)
    rate_per_minute: float | None = None  # None: the server's default rate limit
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = Field(default=None, index=True)


ALL_TABLES: tuple[type[SQLModel], ...] = (
    Product,
    Item,
    Review,
    User,
    PaymentMethod,
    Event,
    Order,
    OrderItem,
    Cart,
    CartLine,
    HelpArticle,
    Conversation,
    Turn,
    WriteProposal,
    LabelledQuery,
    ShopMeta,
    HiddenTruth,
    ApiKey,
)
