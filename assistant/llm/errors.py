"""People-facing errors of the LLM backends.

    AisleError                    (store.errors)
     └── LLMError
          ├── LLMUnavailable      the server cannot be reached, did not become ready, or failed
          ├── ScriptExhausted     a ScriptedChat was asked for more replies than it was given
          └── WeightsError        the embedded model's weights cannot be assembled
               ├── WeightsMissing     a weight package is not installed
               └── WeightsCorrupt     an installed part has the wrong size or checksum

Messages say what to install, start or change. A model's bad output (no tool call, garbage JSON)
is not an error here: parsing keeps the text and the agent decides what to do with it.
"""

from __future__ import annotations

from store.errors import AisleError


class LLMError(AisleError):
    """Base of every error raised by ``assistant.llm``."""


class LLMUnavailable(LLMError):
    pass


class ScriptExhausted(LLMError):
    pass


class WeightsError(LLMError):
    pass


class WeightsMissing(WeightsError):
    pass


class WeightsCorrupt(WeightsError):
    pass
