"""The scripted fake chat model (assistant.llm.scripted) and the shared types."""

from __future__ import annotations

import pytest

from assistant.llm import (
    ChatRequest,
    Completion,
    Delta,
    Message,
    ScriptedChat,
    ScriptExhausted,
    ToolCall,
    call,
    final,
)

TOOLS = [{"type": "function", "function": {"name": "get_order_details", "parameters": {}}}]


def test_plays_the_script_in_order_and_records_requests() -> None:
    chat = ScriptedChat([call("get_order_details", order_id="#W1"), "It was delivered."])
    first = [Message.system("s"), Message.user("where is #W1?")]
    done = chat.complete(first, TOOLS)
    assert done.tool_calls == (ToolCall("get_order_details", {"order_id": "#W1"}, "call_2_0"),)
    assert done.finish_reason == "tool_calls"
    assert done.model == "scripted"
    second = [*first, done.message(), Message.tool(done.tool_calls[0], '{"status": "delivered"}')]
    reply = chat.complete(second, TOOLS, tool_choice="none", max_tokens=64)
    assert reply.text == "It was delivered."
    assert reply.tool_calls == ()
    assert [len(r.messages) for r in chat.requests] == [2, 4]
    assert chat.requests[1].tool_choice == "none"
    assert chat.requests[1].max_tokens == 64
    assert chat.requests[1].last.tool_call_id == "call_2_0"
    assert chat.remaining == 0


def test_running_out_names_the_request() -> None:
    chat = ScriptedChat(["only reply"])
    chat.complete([Message.user("one")])
    with pytest.raises(ScriptExhausted, match=r"request 2 ended with user: 'two'"):
        chat.complete([Message.user("two")])


def test_a_function_script_answers_from_the_request() -> None:
    def echo(request: ChatRequest) -> str:
        return f"you said {request.last.content} with {len(request.tools)} tools"

    chat = ScriptedChat(echo)
    assert chat.complete([Message.user("hi")], TOOLS).text == "you said hi with 1 tools"
    assert chat.complete([Message.user("again")]).text == "you said again with 0 tools"
    assert chat.remaining == 0


def test_a_step_may_be_a_function_or_a_full_completion() -> None:
    chat = ScriptedChat(
        [
            lambda r: [call("a", n=len(r.messages)), call("b")],
            Completion(text="cut", finish_reason="length"),
        ]
    )
    got = chat.complete([Message.user("x")])
    assert [(c.name, c.arguments, c.id) for c in got.tool_calls] == [
        ("a", {"n": 1}, "call_1_0"),
        ("b", {}, "call_1_1"),
    ]
    assert chat.complete([Message.user("y")]).finish_reason == "length"


def test_stream_yields_word_deltas_then_the_completion() -> None:
    chat = ScriptedChat(["Two tents fit."])
    events = list(chat.stream([Message.user("tents?")]))
    assert events[:-1] == [Delta("Two "), Delta("tents "), Delta("fit. ")]
    assert isinstance(events[-1], Completion)
    assert events[-1].text == "Two tents fit."


def test_final_requires_a_completion_at_the_end() -> None:
    assert final(iter([Delta("a"), Completion(text="a")])).text == "a"
    with pytest.raises(TypeError):
        final(iter([Delta("a")]))


def test_message_wire_form() -> None:
    c = ToolCall("get_order_details", {"order_id": "#W1"}, "c1")
    assert Message.assistant("", [c]).to_openai() == {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {
                "id": "c1",
                "type": "function",
                "function": {"name": "get_order_details", "arguments": '{"order_id": "#W1"}'},
            }
        ],
    }
    assert Message.tool(c, "ok").to_openai() == {
        "role": "tool",
        "content": "ok",
        "tool_call_id": "c1",
        "name": "get_order_details",
    }
