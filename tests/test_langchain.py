"""``aisle.integrations.langchain``: Aisle's tools in a LangChain agent loop driven by a scripted
chat model (a ``BaseChatModel`` that emits the tool calls it is given): search results keep
the price cap, identity comes only from what the shopper typed, and a write the model
proposes happens only when the application confirms it, once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import BaseTool
from pydantic import Field
from shops import HOME_KITCHEN, FixtureShop, build_fixture_shop

from aisle.integrations.langchain import AisleConversation, aisle_tools
from store.models import Order, OrderItem, User
from tools.base import ConfirmationRequest, ToolResult
from tools.shopping import SearchOutcome

MIA_PENDING = "#W1000009"
ADDRESS = {
    "address1": "1 Elm St",
    "address2": "",
    "city": "Austin",
    "country": "USA",
    "state": "TX",
    "zip": "78701",
}


class ScriptedToolModel(BaseChatModel):
    """Answers each call with the next scripted message (tool calls or a final text)."""

    script: list[AIMessage] = Field(default_factory=list)
    seen: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.seen.append(list(messages))
        return ChatResult(generations=[ChatGeneration(message=self.script.pop(0))])

    def bind_tools(self, tools: Sequence[Any], **_: Any) -> ScriptedToolModel:
        return self


def calls(*pairs: tuple[str, dict[str, Any]]) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[
            {"name": name, "args": args, "id": f"call-{n}", "type": "tool_call"}
            for n, (name, args) in enumerate(pairs)
        ],
    )


def run_agent(
    model: ScriptedToolModel, tools: Sequence[BaseTool], text: str, steps: int = 6
) -> list[ToolMessage]:
    """The agent loop: call the model, run the tools it asks for, until it answers in text."""
    bound = model.bind_tools(tools)
    by_name = {t.name: t for t in tools}
    messages: list[BaseMessage] = [HumanMessage(text)]
    results: list[ToolMessage] = []
    for _ in range(steps):
        reply = bound.invoke(messages)
        messages.append(reply)
        if not isinstance(reply, AIMessage) or not reply.tool_calls:
            return results
        for call in reply.tool_calls:
            message = by_name[call["name"]].invoke(call)
            assert isinstance(message, ToolMessage)
            assert isinstance(message.content, str)
            messages.append(message)
            results.append(message)
    raise AssertionError("the agent did not finish")


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[FixtureShop]:
    built = build_fixture_shop(HOME_KITCHEN, tmp_path)
    with built.store.session() as session:
        session.add(
            User(user_id="mia_1", first_name="Mia", last_name="Lopez", email="mia@example.com")
        )
        session.add(
            User(user_id="ben_2", first_name="Ben", last_name="Okafor", email="ben@example.com")
        )
        session.flush()
        session.add(Order(order_id=MIA_PENDING, user_id="mia_1", status="pending", address=ADDRESS))
        session.add(
            OrderItem(
                order_id=MIA_PENDING,
                product_id="1001",
                item_id="1001-01",
                name="Everyday Non-Stick Frying Pan",
                price=17.99,
            )
        )
    yield built
    built.close()


def _conversation(shop: FixtureShop) -> AisleConversation:
    return AisleConversation(store=shop.store, searcher=shop.searcher, vocab=shop.vocab)


def _status(shop: FixtureShop, order_id: str) -> str:
    with shop.store.session() as session:
        order = session.get(Order, order_id)
        assert order is not None
        return order.status


def test_search_through_a_langchain_agent_keeps_the_price_cap(shop: FixtureShop) -> None:
    conversation = _conversation(shop)
    tools = aisle_tools(conversation)
    names = [t.name for t in tools]
    assert names[:2] == ["search_products", "compare_products"]
    assert "cancel_pending_order" in names
    assert not [n for n in names if "confirm" in n]  # the model has no way to say yes
    conversation.shopper_said("a frying pan under $25 please")
    model = ScriptedToolModel(
        script=[
            calls(("search_products", {"query": "frying pan", "price_max": 25})),
            AIMessage("Here are pans under $25."),
        ]
    )
    (found,) = run_agent(model, tools, "a frying pan under $25 please")
    assert isinstance(found.artifact, ToolResult)
    outcome = found.artifact.data
    assert isinstance(outcome, SearchOutcome)
    assert outcome.constraints.price_max == 25
    assert outcome.recommendations
    assert all(r.price <= 25 for r in outcome.recommendations)
    assert "[id 1001]" in str(found.content)  # the 20 cm pan at $17.99
    assert "frying pan" in str(model.seen[-1][-1].content).lower()  # the model read the result


def test_identity_only_from_what_the_shopper_typed(shop: FixtureShop) -> None:
    conversation = _conversation(shop)
    tools = aisle_tools(conversation)
    conversation.shopper_said("where is my order?")
    model = ScriptedToolModel(
        script=[
            calls(("find_user_id_by_email", {"email": "ben@example.com"})),
            calls(("get_order_details", {"order_id": MIA_PENDING})),
            AIMessage("Please tell me your email."),
        ]
    )
    refused, details = run_agent(model, tools, "where is my order?")
    assert str(refused.content).startswith("Error: no customer of this conversation matches")
    assert str(details.content).startswith("Error: the customer is not identified yet")
    assert conversation.user_id is None


def test_a_write_waits_for_the_applications_confirmation(shop: FixtureShop) -> None:
    conversation = _conversation(shop)
    tools = aisle_tools(conversation)
    text = f"I'm mia@example.com, please cancel {MIA_PENDING}, I ordered it by mistake"
    conversation.shopper_said(text)
    model = ScriptedToolModel(
        script=[
            calls(("find_user_id_by_email", {"email": "mia@example.com"})),
            calls(
                ("cancel_pending_order", {"order_id": "W1000009", "reason": "ordered by mistake"})
            ),
            AIMessage("Shall I cancel it?"),
        ]
    )
    found, proposed = run_agent(model, tools, text)
    assert found.content == "mia_1"
    assert conversation.user_id == "mia_1"
    assert str(proposed.content).startswith("Not done yet.")
    assert isinstance(conversation.pending, ConfirmationRequest)
    assert conversation.pending.arguments == {
        "order_id": MIA_PENDING,
        "reason": "ordered by mistake",
    }
    assert _status(shop, MIA_PENDING) == "pending"  # proposed, not done

    done = conversation.confirm()  # the shopper said yes: the application carries it out
    assert done.ok, done.content
    assert _status(shop, MIA_PENDING) == "cancelled"
    again = conversation.confirm()
    assert not again.ok
    assert again.content == "Error: nothing is waiting for a yes"
