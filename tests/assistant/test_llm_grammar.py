"""Grammars for constrained tool calls (assistant.llm.grammar); compiles, loads no model."""

from __future__ import annotations

from typing import Any

from assistant.llm.grammar import MAX_ITEMS, bounded, json_grammar

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "question": {"type": "string"},
        "options": {"type": "array", "items": {"type": "string"}},
        "pairs": {
            "type": "array",
            "maxItems": 2,
            "items": {"type": "array", "items": {"type": "integer"}},
        },
    },
}


def test_bounded_caps_every_array_without_a_limit_and_copies() -> None:
    out = bounded(OPTIONS)
    assert out["properties"]["options"]["maxItems"] == MAX_ITEMS == 8
    assert out["properties"]["pairs"]["maxItems"] == 2
    assert out["properties"]["pairs"]["items"]["maxItems"] == 8
    assert "maxItems" not in OPTIONS["properties"]["options"]


def test_grammars_are_compiled_once_per_schema() -> None:
    cache: dict[str, Any] = {}
    first = json_grammar(OPTIONS, cache)
    assert json_grammar(OPTIONS, cache) is first
    assert len(cache) == 1
    assert '"maxItems": 8' in next(iter(cache))


def test_a_schema_the_converter_cannot_map_falls_back_to_plain_json() -> None:
    from llama_cpp.llama_grammar import JSON_GBNF

    broken = {"type": "object", "properties": {"x": {"$ref": "#/$defs/missing"}}}
    assert json_grammar(broken, {})._grammar == JSON_GBNF
