"""Driving the assistant one turn at a time, like a user, and timing what happens.

``drive`` sends a message through ``Assistant.stream`` and records a ``TurnRecord``: the reply
as JSON, the turn's wall time, the time to the first text delta (None when the reply text was
built by code, as for questions, confirmations and fact lists), and each tool step with its
own time. An exception inside the assistant (a backend down, a bug) is recorded on the turn
and ends the case as a failure instead of ending the run.

Not here: what to send (the simulated shoppers), scoring.
"""

from __future__ import annotations

import time
import traceback
from typing import Any

from pydantic import BaseModel, Field

from assistant.agent import Assistant
from assistant.events import Final, StepFinished, TextDelta
from assistant.reply import Reply


class StepRecord(BaseModel):
    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    ms: float
    ok: bool
    summary: str = ""


class TurnRecord(BaseModel):
    index: int
    message: str
    reply: dict[str, Any] | None = None
    seconds: float
    first_text_s: float | None = None
    steps: list[StepRecord] = Field(default_factory=list)
    replaces_text: bool = False
    error: str | None = None
    notes: dict[str, Any] = Field(default_factory=dict)  # what the scorer saw in this turn

    @property
    def tool_ms(self) -> float:
        return sum(s.ms for s in self.steps)


def drive(
    assistant: Assistant, message: str, session_id: str, user_id: str | None, index: int
) -> tuple[Reply | None, TurnRecord]:
    """One turn; the reply (None when the assistant failed) and its record."""
    started = time.perf_counter()
    first_text: float | None = None
    steps: list[StepRecord] = []
    reply: Reply | None = None
    replaces = False
    error: str | None = None
    try:
        for event in assistant.stream(message, session_id=session_id, user_id=user_id):
            if isinstance(event, TextDelta) and first_text is None and event.text.strip():
                first_text = time.perf_counter() - started
            elif isinstance(event, StepFinished):
                steps.append(
                    StepRecord(
                        tool=event.tool,
                        arguments=event.arguments,
                        ms=event.ms,
                        ok=event.ok,
                        summary=event.summary,
                    )
                )
            elif isinstance(event, Final):
                reply, replaces = event.reply, event.replaces_text
    except Exception as exc:  # any failure of the system under test is a result
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}"
    seconds = time.perf_counter() - started
    record = TurnRecord(
        index=index,
        message=message,
        reply=reply.to_dict() if reply else None,
        seconds=round(seconds, 3),
        first_text_s=round(first_text, 3) if first_text is not None else None,
        steps=steps,
        replaces_text=replaces,
        error=error,
    )
    return reply, record
