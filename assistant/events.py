"""What a streaming turn yields, in order: tool steps as they start and finish, pieces of the
reply text that already passed the grounding check, and last the typed ``Reply``.

``Assistant.stream`` yields ``StepStarted`` / ``StepFinished`` around every tool call,
``TextDelta`` pieces of the final text (only sentences that passed the grounding check, so
nothing unchecked ever reaches the shopper), and exactly one ``Final`` at the end. The final
reply's text is authoritative: when a later sentence fails the check, the reply falls back to
the structured text and ``Final.replaces_text`` is true, and a UI shows ``Final.reply.text``
instead of what it streamed so far.

``to_dict`` is the wire form (server-sent events of the bot API): ``{"type": ..., ...}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.reply import Reply


@dataclass(frozen=True)
class StepStarted:
    tool: str
    arguments: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"type": "step_started", "tool": self.tool, "arguments": self.arguments}


@dataclass(frozen=True)
class StepFinished:
    tool: str
    arguments: dict[str, Any]
    ms: float
    ok: bool
    summary: str  # a short, shopper-safe line: "12 products found", "Error: order not found"

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "step_finished",
            "tool": self.tool,
            "arguments": self.arguments,
            "ms": self.ms,
            "ok": self.ok,
            "summary": self.summary,
        }


@dataclass(frozen=True)
class TextDelta:
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": "text", "text": self.text}


@dataclass(frozen=True)
class Final:
    reply: Reply
    session_id: str
    replaces_text: bool = False  # the streamed text was dropped; show reply.text instead

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "reply",
            "session_id": self.session_id,
            "replaces_text": self.replaces_text,
            "reply": self.reply.to_dict(),
        }


TurnEvent = StepStarted | StepFinished | TextDelta | Final
