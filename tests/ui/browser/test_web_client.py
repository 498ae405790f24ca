"""The chat's public Gradio endpoints through ``gradio_client``, against the running app:
``/send`` streams a turn and returns the chat, ``/sign_in`` and ``/new_conversation`` start a
fresh conversation; the per-tab state follows the client's session. The example prompts a guest
is offered each work as the first message of a conversation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import col, func, select

from store.models import Conversation, Order, OrderStatus
from ui.web.views import demo_shoppers, example_prompts


@pytest.fixture
def client(web_url: str) -> Iterator[Any]:
    from gradio_client import Client

    connected = Client(web_url, verbose=False)
    yield connected
    connected.close()  # its heartbeat stream would hold the server's shutdown


def text_of(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def test_send_streams_a_search_into_steps_and_cards(client: Any) -> None:
    history, box = client.predict("running shoes under $100", [], api_name="/send")
    assert box == ""
    assert history[0]["role"] == "user" and text_of(history[0]) == "running shoes under $100"
    titles = [m["metadata"]["title"] for m in history[1:] if m.get("metadata")]
    assert titles[:3] == ["Reading your message", "Searching the catalog", "Ranking the results"]
    assert all(
        m["metadata"]["status"] == "done" and m["metadata"]["duration"] >= 0
        for m in history[1:]
        if m.get("metadata")
    )
    reply = text_of(history[-1])
    assert reply.count('class="aisle-card"') >= 1
    assert "Running Shoes" in reply and "Why this one" in reply


def test_a_question_then_its_option_in_one_session(client: Any) -> None:
    history, _ = client.predict("Help me choose office chairs", [], api_name="/send")
    question = history[-1]
    options = [o["value"] for o in question["options"]]
    assert len(options) >= 2 and text_of(question).endswith("?")

    history, _ = client.predict(options[0], history, api_name="/send")
    reply = text_of(history[-1])
    # The option narrowed the same conversation: still office chairs, now with cards.
    assert "Office Chairs" in reply and 'class="aisle-card"' in reply
    assert history[-1].get("options") in (None, [])


def test_sign_in_and_decline_a_cancellation(client: Any, web_shop: Any) -> None:
    store = web_shop.store
    users = [uid for _, uid in demo_shoppers(store)]
    with store.session() as session:
        order = session.exec(
            select(Order)
            .where(Order.status == OrderStatus.PENDING, col(Order.user_id).in_(users))
            .order_by(col(Order.seq).desc())
        ).first()
    assert order is not None
    history, box = client.predict(order.user_id, api_name="/sign_in")
    assert history == [] and box == ""

    history, _ = client.predict(
        f"cancel order {order.order_id} please, I ordered it by mistake", [], api_name="/send"
    )
    confirmation = history[-1]
    yes = f"Yes, cancel order {order.order_id}"
    assert [(o["label"], o["value"]) for o in confirmation["options"]] == [
        (yes, yes),
        ("Keep my order", "Keep my order"),
    ]
    assert "aisle-confirm" in text_of(confirmation)

    history, _ = client.predict("Keep my order", history, api_name="/send")
    assert text_of(history[-1]) == "Okay, I haven't changed anything."
    with store.session() as session:
        assert session.get(Order, order.order_id).status == OrderStatus.PENDING


def test_new_conversation_gets_a_new_session(client: Any, web_shop: Any) -> None:
    def conversations() -> int:
        with web_shop.store.session() as session:
            return int(session.exec(select(func.count()).select_from(Conversation)).one())

    before = conversations()
    client.predict("yoga mats", [], api_name="/send")
    history, box = client.predict(api_name="/new_conversation")
    assert history == [] and box == ""
    client.predict("yoga mats", [], api_name="/send")
    assert conversations() == before + 2


def test_signing_in_as_someone_unknown_is_refused(client: Any) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError):
        client.predict("nobody_0000", api_name="/sign_in")


def test_a_guests_examples_each_work_as_a_first_message(client: Any, web_shop: Any) -> None:
    examples = example_prompts(web_shop.store)
    assert examples.discovery == ["Laptops under $950", "Help me choose office chairs"]
    assert examples.service == ["How do returns work?"]
    replies = {}
    for prompt in [*examples.discovery, *examples.service]:
        client.predict(api_name="/new_conversation")
        history, _ = client.predict(prompt, [], api_name="/send")
        assert text_of(history[0]) == prompt
        replies[prompt] = history[-1]

    cards = text_of(replies["Laptops under $950"])
    prices = [
        float(p.replace(",", ""))
        for p in re.findall(r'class="aisle-card-price">\$([\d,.]+)<', cards)
    ]
    assert prices and all(p <= 950 for p in prices) and cards.count("Laptops") >= len(prices)
    question = replies["Help me choose office chairs"]
    assert text_of(question).endswith("?") and len(question["options"]) >= 2
    assert 'class="aisle-sources"' in text_of(replies["How do returns work?"])
