"""What the agent reads in words (assistant.reading): the change a message asks for."""

from __future__ import annotations

import pytest

from assistant.reading import asks_for_person, write_intent

ORDER = "#W2378156"


@pytest.mark.parametrize(("message", "tool"), [
    (f"Please cancel my order {ORDER}; I don't need it anymore.", "cancel_pending_order"),
    (f"Cancel {ORDER}, it was paid with my gift card.", "cancel_pending_order"),
    (f"I'd like to return the Desk Lamp from order {ORDER}. Please refund it to the original "
     "payment method.", "return_delivered_order_items"),
    (f"I'd like to exchange the T-Shirt in order {ORDER} for the same one with size L. Use my "
     "original payment method for any price difference.", "exchange_delivered_order_items"),
    (f"I'd like to change the T-Shirt in order {ORDER} for the same one with color red. Use my "
     "original payment method for any price difference.", "modify_pending_order_items"),
    (f"Please ship order {ORDER} to 12 Elm St, , Austin, TX 78701, USA.",
     "modify_pending_order_address"),
    (f"Can you update the shipping address of {ORDER}?", "modify_pending_order_address"),
    (f"Please change the payment method of {ORDER} to my PayPal.",
     "modify_pending_order_payment"),
    (f"I want to pay with my gift card for {ORDER} instead.", "modify_pending_order_payment"),
])
def test_a_change_to_a_named_order(message: str, tool: str) -> None:
    assert write_intent(message) == tool


@pytest.mark.parametrize("message", [
    f"What is the status of my order {ORDER}?",
    "Please cancel my order.",  # no order named: the model asks which
    f"The lamp from order {ORDER} stopped working; can I talk to a person?",
    f"Where is {ORDER}? I paid with my credit card.",
])
def test_no_change_or_no_order(message: str) -> None:
    assert write_intent(message) is None


@pytest.mark.parametrize(("message", "asks"), [
    ("The Jackets from order #W5637641 stopped working after a week and I want to make a "
     "warranty claim. Can I talk to a person, please?", True),
    ("Please connect me with a human agent.", True),
    ("I want to speak to someone about my refund.", True),
    ("No need to talk to a person, just cancel it.", False),
    ("Is the Alexa speaker a good agent for my smart home?", False),
    ("What is the status of my order?", False),
])
def test_a_request_for_a_person(message: str, asks: bool) -> None:
    assert asks_for_person(message) is asks
