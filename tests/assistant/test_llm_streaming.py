"""Stream helpers (assistant.llm.streaming) and the prompt formats that need no model
(assistant.llm.chatml_tools, assistant.llm.native_tools)."""

from __future__ import annotations

from assistant.llm import chatml_tools, native_tools
from assistant.llm.llamacpp import to_template_messages
from assistant.llm.stock_chatml import to_chatml_messages
from assistant.llm.streaming import TextGuard, ToolCallAssembler
from assistant.llm.types import Message, ToolCall

SEARCH = {
    "type": "function",
    "function": {
        "name": "search_products",
        "description": "Search the catalog.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        },
    },
}


def feed_all(pieces: list[str]) -> tuple[str, str]:
    guard = TextGuard()
    shown = "".join(guard.feed(p) for p in pieces)
    return shown, guard.text


def test_guard_passes_prose() -> None:
    assert feed_all(["We have ", "two tents", "."]) == ("We have two tents.", "We have two tents.")


def test_guard_stops_at_a_tag_split_across_pieces() -> None:
    shown, text = feed_all(["Let me look.", "\n<tool", '_call>\n{"name"', ': "a"}'])
    assert shown == "Let me look.\n"
    assert text == 'Let me look.\n<tool_call>\n{"name": "a"}'


def test_guard_holds_a_partial_marker_until_decided() -> None:
    guard = TextGuard()
    assert guard.feed("Price in `") == "Price in "
    assert guard.feed("USD`") == "`USD"
    assert guard.feed(" only.") == "` only."


def test_guard_shows_nothing_of_a_json_reply() -> None:
    assert feed_all(['{"name": "a", ', '"arguments": {}}'])[0] == ""


def test_assembler_joins_deltas_by_index() -> None:
    asm = ToolCallAssembler()
    asm.add(0, "c0", "search_products", "")
    asm.add(1, "c1", "get_order_details", '{"order_id"')
    asm.add(0, None, None, '{"query": "te')
    asm.add(0, None, None, 'nts"}')
    asm.add(1, None, None, ': "#W1"}')
    assert asm.calls() == [
        ToolCall("search_products", {"query": "tents"}, "c0"),
        ToolCall("get_order_details", {"order_id": "#W1"}, "c1"),
    ]


def test_assembler_drops_a_call_with_broken_arguments() -> None:
    asm = ToolCallAssembler()
    asm.add(0, "c0", "a", '{"x": ')
    assert asm.calls() == []


def conversation() -> list[Message]:
    c = ToolCall("search_products", {"query": "tents"}, "c1")
    return [
        Message.system("Be brief."),
        Message.user("tents?"),
        Message.assistant("", [c]),
        Message.tool(c, "[1 result]"),
        Message.tool(c, "[2 results]"),
    ]


def test_chatml_tools_prompt_keeps_tools_descriptions_and_tool_results() -> None:
    prompt = chatml_tools.render_prompt(conversation(), [SEARCH])
    assert prompt.startswith(
        "<|im_start|>system\nBe brief.\n\nYou have access to the "
        "following functions:\n\nfunctions.search_products:\n"
        '// Search the catalog.\n{"type": "object"'
    )
    assert (
        '<|im_start|>assistant\nfunctions.search_products:\n{"query": "tents"}<|im_end|>\n'
    ) in prompt
    assert (
        "<|im_start|>user\n<tool_response>\nfunctions.search_products returned:\n"
        "[1 result]\n</tool_response>\n<tool_response>\nfunctions.search_products "
        "returned:\n[2 results]\n</tool_response><|im_end|>\n"
    ) in prompt
    assert prompt.endswith("<|im_start|>assistant\n")


def test_chatml_tools_prefix_is_the_same_across_turns() -> None:
    turn1 = chatml_tools.render_prompt(conversation()[:2], [SEARCH])
    turn2 = chatml_tools.render_prompt(conversation(), [SEARCH])
    assert turn2.startswith(turn1)


def test_chatml_choice_grammar_lists_every_tool() -> None:
    assert chatml_tools.choice_grammar([SEARCH]) == (
        'root ::= functions | "message:"\nfunctions ::= "functions.search_products:"\n'
    )


def test_native_call_schema_and_classification() -> None:
    schema = native_tools.call_schema([SEARCH])
    assert schema["oneOf"][0]["properties"]["name"] == {"const": "search_products"}
    assert schema["oneOf"][0]["required"] == ["name", "arguments"]
    assert [
        native_tools.classify(h) for h in ["", "  <tool", "<tool_call>", "{", "```", "Sure", "<b>"]
    ] == ["undecided", "undecided", "call", "call", "call", "text", "text"]


def test_stock_chatml_messages_have_no_tool_role() -> None:
    wire = to_chatml_messages(conversation())
    assert [m["role"] for m in wire] == ["system", "user", "assistant", "user"]
    assert wire[2]["content"] is None
    assert wire[3]["content"] == (
        "<tool_response>\nsearch_products: [1 result]\n"
        "</tool_response>\n<tool_response>\nsearch_products: "
        "[2 results]\n</tool_response>"
    )


def test_template_messages_keep_arguments_as_objects() -> None:
    wire = to_template_messages(conversation())
    assert wire[2]["tool_calls"][0]["function"]["arguments"] == {"query": "tents"}
    assert wire[3] == {
        "role": "tool",
        "content": "[1 result]",
        "tool_call_id": "c1",
        "name": "search_products",
    }


def test_chatml_tools_later_system_notes_stay_in_place() -> None:
    base = chatml_tools.render_prompt(conversation()[:2], [SEARCH])
    noted = chatml_tools.render_prompt(
        [*conversation()[:2], Message.system("The shopper said: under $200.")], [SEARCH]
    )
    assert noted.startswith(base.removesuffix("<|im_start|>assistant\n"))
    assert noted.endswith(
        "<|im_start|>system\nThe shopper said: under $200.<|im_end|>\n<|im_start|>assistant\n"
    )
