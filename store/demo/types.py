"""What the demo generator's stages hand each other.

The catalog stage (``store.demo.catalog``) builds products, items, anonymous reviews and each
product's hidden quality; the people stage (``store.demo.people``/``behaviour``) builds users
whose hidden preferences drive their events, orders and reviews; ``store.demo.generate`` writes
everything in one transaction. Rows are SQLModel instances, not yet attached to a session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from store.models import (
    Event,
    HelpArticle,
    HiddenTruth,
    Item,
    LabelledQuery,
    Order,
    OrderItem,
    PaymentMethod,
    Product,
    Review,
    User,
)

LANGUAGES = ("en", "zh")  # the shop's language: English, or the same shop in Chinese


@dataclass
class DemoConfig:
    products: int = 5000
    users: int = 500
    seed: int = 7
    language: str = "en"  # one of LANGUAGES; the English rows are generated either way


@dataclass
class Catalog:
    products: list[Product]
    items: list[Item]
    reviews: list[Review]  # anonymous reviews (user_id None)
    quality: dict[str, float]  # product_id -> hidden quality in [0, 1]
    truths: list[HiddenTruth] = field(default_factory=list)
    models: dict[str, str] = field(default_factory=dict)  # product_id -> model name, for renderings


@dataclass
class People:
    users: list[User]
    payment_methods: list[PaymentMethod]
    events: list[Event]
    orders: list[Order]
    order_items: list[OrderItem]
    reviews: list[Review]  # reviews written by users about what they bought
    truths: list[HiddenTruth] = field(default_factory=list)  # entity="user": hidden preferences


@dataclass
class Content:
    articles: list[HelpArticle]
    labelled_queries: list[LabelledQuery]
