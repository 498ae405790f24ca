"""Helpers for streaming replies: keep call markup off the screen, assemble tool-call deltas.

``TextGuard`` sits between a model's text deltas and the shopper: it passes prose through and
stops passing text at the first sign of a call written as text (``<tool_call>``, a code fence,
a JSON object, ``functions.<name>:``), holding back a partial marker until it is decided. The
full text still reaches ``parse_tool_calls`` at the end of the stream.

``ToolCallAssembler`` rebuilds OpenAI streaming ``tool_calls`` deltas (``index``, ``id``,
``function.name``, ``function.arguments`` in pieces) into whole calls.

Not here: the transport (``openai_compat``, ``llamacpp``) or the parsing itself (``parsing``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.llm.parsing import decode_arguments
from assistant.llm.types import ToolCall

_MARKERS = ("<tool_call>", "```", "{", "[", "functions.")


class TextGuard:
    """Feed text deltas in order; ``feed`` returns what may be shown now."""

    def __init__(self) -> None:
        self._shown = 0
        self._text = ""
        self._stopped = False

    def feed(self, delta: str) -> str:
        self._text += delta
        if self._stopped:
            return ""
        pending = self._text[self._shown :]
        cut = min((i for i in (pending.find(m) for m in _MARKERS) if i >= 0), default=-1)
        if cut >= 0:
            self._stopped = True
            out = pending[:cut]
        else:
            out = pending[: len(pending) - _partial_marker_tail(pending)]
        self._shown += len(out)
        return out

    @property
    def text(self) -> str:
        """Everything fed so far, shown or not."""
        return self._text


def _partial_marker_tail(text: str) -> int:
    """Length of the longest suffix of ``text`` that starts some marker."""
    best = 0
    for marker in _MARKERS:
        for n in range(min(len(marker) - 1, len(text)), 0, -1):
            if marker.startswith(text[-n:]):
                best = max(best, n)
                break
    return best


@dataclass
class _PartialCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class ToolCallAssembler:
    """Collects streaming tool-call deltas by index; ``calls`` returns the usable ones."""

    def __init__(self) -> None:
        self._parts: dict[int, _PartialCall] = {}

    def add(self, index: int, call_id: str | None, name: str | None, arguments: str | None) -> None:
        part = self._parts.setdefault(index, _PartialCall())
        if call_id:
            part.id = call_id
        if name:
            part.name += name
        if arguments:
            part.arguments.append(arguments)

    def calls(self) -> list[ToolCall]:
        out: list[ToolCall] = []
        for index in sorted(self._parts):
            part = self._parts[index]
            arguments = decode_arguments("".join(part.arguments))
            if part.name and arguments is not None:
                out.append(ToolCall(part.name, arguments, part.id))
        return out
