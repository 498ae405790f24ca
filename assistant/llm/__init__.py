"""LLM backends behind one interface, ``ChatModel``; see ``types`` for the data.

- ``OpenAICompatibleChat``: any OpenAI-compatible server (vLLM in production).
- ``LlamaCppChat``: the embedded GGUF on the CPU (weights from ``weights.ensure_gguf``).
- ``ScriptedChat``: the scripted fake for tests.

Importing this package loads neither llama.cpp nor a model; ``LlamaCppChat`` does, when built.
"""

from assistant.llm.errors import (
    LLMError,
    LLMUnavailable,
    ScriptExhausted,
    WeightsCorrupt,
    WeightsError,
    WeightsMissing,
)
from assistant.llm.llamacpp import LlamaCppChat
from assistant.llm.openai_compat import OpenAICompatibleChat
from assistant.llm.parsing import ParsedReply, parse_tool_calls
from assistant.llm.scripted import ChatRequest, ScriptedChat, call
from assistant.llm.server import llm_server_command, vllm_available, wait_until_ready
from assistant.llm.types import (
    ChatModel,
    Completion,
    Delta,
    Message,
    StreamEvent,
    ToolCall,
    ToolChoice,
    Usage,
    final,
)
from assistant.llm.weights import (
    DEFAULT_MODEL,
    EMBEDDED_MODELS,
    WeightsSpec,
    ensure_gguf,
    locate_parts,
    weights_spec,
)

__all__ = [
    "DEFAULT_MODEL",
    "EMBEDDED_MODELS",
    "ChatModel",
    "ChatRequest",
    "Completion",
    "Delta",
    "LLMError",
    "LLMUnavailable",
    "LlamaCppChat",
    "Message",
    "OpenAICompatibleChat",
    "ParsedReply",
    "ScriptExhausted",
    "ScriptedChat",
    "StreamEvent",
    "ToolCall",
    "ToolChoice",
    "Usage",
    "WeightsCorrupt",
    "WeightsError",
    "WeightsMissing",
    "WeightsSpec",
    "call",
    "ensure_gguf",
    "final",
    "llm_server_command",
    "locate_parts",
    "parse_tool_calls",
    "vllm_available",
    "wait_until_ready",
    "weights_spec",
]
