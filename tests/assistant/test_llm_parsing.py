"""Tool calls from the odd shapes small models write (assistant.llm.parsing)."""

from __future__ import annotations

import pytest

from assistant.llm.parsing import decode_arguments, parse_tool_calls, resolve_reply
from assistant.llm.types import Message, ToolCall


def calls(text: str) -> list[tuple[str, dict[str, object]]]:
    return [(c.name, c.arguments) for c in parse_tool_calls(text).tool_calls]


def test_qwen_tags_two_calls_and_text_kept_outside() -> None:
    text = (
        'Let me check.\n<tool_call>\n{"name": "get_order_details", "arguments": '
        '{"order_id": "#W2378156"}}\n</tool_call>\n<tool_call>\n{"name": '
        '"search_help_center", "arguments": {"query": "returns"}}\n</tool_call>'
    )
    parsed = parse_tool_calls(text)
    assert [(c.name, c.arguments) for c in parsed.tool_calls] == [
        ("get_order_details", {"order_id": "#W2378156"}),
        ("search_help_center", {"query": "returns"}),
    ]
    assert parsed.text == "Let me check."


def test_tag_cut_off_by_a_stop_word() -> None:
    assert calls('<tool_call>\n{"name": "search_products", "arguments": {"query": "tents"}}') == [
        ("search_products", {"query": "tents"})
    ]


def test_json_code_fence_with_prose_around() -> None:
    text = (
        'Sure! I will search.\n```json\n{"name": "search_products", "arguments": '
        '{"query": "running shoes", "price_max": 100}}\n```\nOne moment.'
    )
    parsed = parse_tool_calls(text)
    assert [(c.name, c.arguments) for c in parsed.tool_calls] == [
        ("search_products", {"query": "running shoes", "price_max": 100})
    ]
    assert parsed.text == "Sure! I will search.\n\nOne moment."


def test_fence_without_language() -> None:
    assert calls('```\n{"name": "a", "arguments": {}}\n```') == [("a", {})]


def test_bare_object_with_function_and_parameters_spelling() -> None:
    assert calls('{"function": "search_help_center", "parameters": {"query": "shipping"}}') == [
        ("search_help_center", {"query": "shipping"})
    ]


def test_openai_envelope_with_arguments_as_json_string() -> None:
    text = (
        '{"type": "function", "function": {"name": "get_order_details", '
        '"arguments": "{\\"order_id\\": \\"W1\\"}"}}'
    )
    assert calls(text) == [("get_order_details", {"order_id": "W1"})]


def test_arguments_encoded_twice() -> None:
    assert decode_arguments('"{\\"a\\": 1}"') == {"a": 1}


def test_list_of_calls() -> None:
    assert calls('[{"name": "a", "arguments": {"x": 1}}, {"name": "b", "arguments": {}}]') == [
        ("a", {"x": 1}),
        ("b", {}),
    ]


def test_doubled_braces_copied_from_a_template() -> None:
    assert calls('<tool_call>\n{{"name": "a", "arguments": {"x": 1}}}\n</tool_call>') == [
        ("a", {"x": 1})
    ]


def test_python_literals_single_quotes_and_trailing_comma() -> None:
    assert calls("{'name': 'search_products', 'arguments': {'in_stock': True, 'q': None,},}") == [
        ("search_products", {"in_stock": True, "q": None})
    ]


def test_chatml_function_form() -> None:
    parsed = parse_tool_calls(
        'functions.cancel_pending_order:\n{"order_id": "#W8732376", "reason": "ordered by mistake"}'
    )
    assert [(c.name, c.arguments) for c in parsed.tool_calls] == [
        ("cancel_pending_order", {"order_id": "#W8732376", "reason": "ordered by mistake"})
    ]
    assert parsed.text == ""


def test_null_or_empty_arguments_mean_no_arguments() -> None:
    assert calls('{"name": "list_categories", "arguments": null}') == [("list_categories", {})]
    assert calls('{"name": "list_categories", "arguments": ""}') == [("list_categories", {})]


@pytest.mark.parametrize(
    "text",
    [
        "We have three tents under $200.",
        'A product: {"name": "Trail Tent", "price": 120}',  # name but no arguments key
        '{"name": "search", "arguments": "running shoes"}',  # arguments not an object
        '{"name": "", "arguments": {}}',
        "<tool_call>not json at all</tool_call>",
        "```json\n{broken\n```",
        "",
    ],
)
def test_garbage_gives_no_calls_and_keeps_the_text(text: str) -> None:
    parsed = parse_tool_calls(text)
    assert parsed.tool_calls == ()
    assert parsed.text == text


def test_resolve_reply_prefers_native_calls_and_assigns_ids() -> None:
    history = [Message.system("s"), Message.user("u")]
    native = [ToolCall("a", {}, "given"), ToolCall("b", {})]
    text, got = resolve_reply("ignored <tool_call>{}</tool_call>", native, history, "auto", True)
    assert [(c.name, c.id) for c in got] == [("a", "given"), ("b", "call_2_1")]
    assert text == "ignored <tool_call>{}</tool_call>"


def test_resolve_reply_parses_text_only_when_tools_were_offered() -> None:
    text = '{"name": "a", "arguments": {}}'
    assert resolve_reply(text, [], [], "auto", False) == (text, ())
    assert resolve_reply(text, [], [], "auto", True)[1] == (ToolCall("a", {}, "call_0_0"),)


def test_tool_choice_none_drops_calls_but_strips_their_markup() -> None:
    text = 'Here you go.\n<tool_call>{"name": "a", "arguments": {}}</tool_call>'
    assert resolve_reply(text, [], [], "none", True) == ("Here you go.", ())
