"""JSON-schema grammars for llama.cpp's constrained sampling, compiled once per schema.

Grammars follow the schema's property order (the order the model was shown and tends to
write). Arrays without ``maxItems`` get ``MAX_ITEMS``: measured with the 1.5B model, an
unbounded ``options`` array ran to the token limit (75 s) repeating items, and a truncated call
is no call at all.

Not here: which grammar to use when (``chatml_tools``, ``native_tools``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from assistant.llm.types import JSONObject

MAX_ITEMS = 8


def bounded(schema: JSONObject) -> JSONObject:
    """A copy of ``schema`` whose arrays all have a ``maxItems``."""
    out = copy.deepcopy(schema)
    _bound(out)
    return out


def _bound(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "array" and "maxItems" not in node:
            node["maxItems"] = MAX_ITEMS
        for value in node.values():
            _bound(value)
    elif isinstance(node, list):
        for value in node:
            _bound(value)


def json_grammar(schema: JSONObject, cache: dict[str, Any]) -> Any:
    """The compiled grammar of ``schema`` (plain JSON when llama.cpp's converter cannot map
    it), cached in ``cache`` by the schema's text."""
    from llama_cpp import LlamaGrammar
    from llama_cpp.llama_grammar import JSON_GBNF

    text = json.dumps(bounded(schema))
    if text not in cache:
        try:
            cache[text] = LlamaGrammar.from_json_schema(text, verbose=False)
        except Exception:  # the converter raises assorted errors on schemas it cannot map
            cache[text] = LlamaGrammar.from_string(JSON_GBNF, verbose=False)
    return cache[text]
