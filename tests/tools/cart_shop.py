"""A small shop for the cart and checkout tests, with concrete values to assert.

Trail Runner (P1): size 9 and 10 in blue and black; stock: 9/blue 3, 10/blue 2, 10/black 0
(sold out), 9/black untracked. Wool Socks (P2): one variant, untracked stock. Two shoppers:
ana_1 (gift card $200.00, Visa credit card) and ben_2 (Mastercard). Earlier order #W1000000.
"""

from __future__ import annotations

from store.db import Store
from store.models import Item, Order, PaymentMethod, Product, User
from tools.base import ToolContext

ANA_ADDRESS = {
    "address1": "1 Elm St",
    "address2": "",
    "city": "Springfield",
    "state": "IL",
    "country": "USA",
    "zip": "62704",
}
BLUE_10, BLUE_9, BLACK_10, BLACK_9, SOCKS = "I10B", "I9B", "I10K", "I9K", "I-SOCK"


def seed(store: Store) -> None:
    with store.session() as s:
        s.add(Product(product_id="P1", title="Trail Runner", price=120.0, brand="Stride"))
        s.add(Product(product_id="P2", title="Wool Socks", price=12.5, brand="Knit"))
        s.flush()
        for item_id, size, color, price, stock, seq in (
            (BLUE_9, "9", "blue", 120.0, 3, 0),
            (BLUE_10, "10", "blue", 125.0, 2, 1),
            (BLACK_10, "10", "black", 125.0, 0, 2),
            (BLACK_9, "9", "black", 120.0, None, 3),
        ):
            s.add(
                Item(
                    item_id=item_id,
                    product_id="P1",
                    options={"size": size, "color": color},
                    price=price,
                    available=stock != 0,
                    stock=stock,
                    seq=seq,
                )
            )
        s.add(Item(item_id=SOCKS, product_id="P2", options={}, price=12.5, stock=None))
        for uid, first, last in (("ana_1", "Ana", "Lee"), ("ben_2", "Ben", "Ortiz")):
            s.add(
                User(
                    user_id=uid,
                    first_name=first,
                    last_name=last,
                    email=f"{first.lower()}@example.com",
                    zip="62704",
                    address=ANA_ADDRESS,
                )
            )
        s.flush()
        s.add(PaymentMethod(id="gift_card_1", user_id="ana_1", source="gift_card", balance=200.0))
        s.add(
            PaymentMethod(
                id="credit_card_1",
                user_id="ana_1",
                source="credit_card",
                brand="visa",
                last_four="4242",
                seq=1,
            )
        )
        s.add(
            PaymentMethod(
                id="credit_card_2",
                user_id="ben_2",
                source="credit_card",
                brand="mastercard",
                last_four="5555",
            )
        )
        s.add(Order(order_id="#W1000000", user_id="ana_1", address=ANA_ADDRESS, seq=1))


def ctx(store: Store, user: str | None = "ana_1", conversation: str = "conv-a") -> ToolContext:
    return ToolContext(store=store, session_user_id=user, conversation_id=conversation)
