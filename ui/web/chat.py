"""One streaming turn as chat messages in the Chatbot's "messages" format.

``TurnMessages`` takes the assistant's events in order: a tool step appears as a collapsible
message (``metadata`` title, ``status`` pending then done, ``duration`` in seconds), text
pieces grow the reply message, and the ``Final`` reply replaces that text with its own (it is
authoritative: a sentence that failed the grounding check is never shown) and adds product
cards, a comparison table, sources and the clickable options.

Not here: reading the store (``ui.web.views``), HTML (``ui.web.render``), Gradio events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from assistant.events import Final, StepFinished, StepStarted, TextDelta, TurnEvent
from assistant.reply import Reply
from ui.web import render
from ui.web.views import CardView, ComparisonView

Message = dict[str, Any]


@dataclass
class ReplyExtras:
    """What the store adds to the final reply (looked up once the reply is known)."""

    cards: list[CardView] = field(default_factory=list)
    comparison: ComparisonView | None = None


@dataclass
class TurnMessages:
    """The assistant's messages for one turn, rebuilt as events arrive."""

    messages: list[Message] = field(default_factory=list)
    _open_steps: list[int] = field(default_factory=list)  # indices of pending step messages
    _text: int | None = None  # index of the reply-text message
    _steps: int = 0

    def apply(self, event: TurnEvent, extras: ReplyExtras | None = None) -> None:
        """Fold one event in; ``extras`` belong to the ``Final`` event."""
        if isinstance(event, StepStarted):
            self._steps += 1
            self._open_steps.append(len(self.messages))
            self.messages.append(
                {
                    "role": "assistant",
                    "content": render.step_body(event.arguments),
                    "metadata": {
                        "title": render.step_title(event.tool),
                        "status": "pending",
                        "id": f"step-{self._steps}",
                    },
                }
            )
        elif isinstance(event, StepFinished):
            self._finish_step(event)
        elif isinstance(event, TextDelta):
            if self._text is None:
                self._text = len(self.messages)
                self.messages.append({"role": "assistant", "content": ""})
            self.messages[self._text]["content"] += event.text
        elif isinstance(event, Final):
            self._final(event.reply, extras or ReplyExtras())

    def _finish_step(self, event: StepFinished) -> None:
        if not self._open_steps:  # a finish without a start: show it as a finished step
            self.apply(StepStarted(event.tool, event.arguments))
        index = self._open_steps.pop()
        metadata = dict(self.messages[index]["metadata"])
        metadata.update(status="done", duration=round(event.ms / 1000, 2))
        if not event.ok:
            metadata["log"] = "did not succeed"
        self.messages[index] = {
            "role": "assistant",
            "content": render.step_body(event.arguments, event.summary),
            "metadata": metadata,
        }

    def _final(self, reply: Reply, extras: ReplyExtras) -> None:
        for index in self._open_steps:  # steps the turn never finished
            self.messages[index]["metadata"]["status"] = "done"
        self._open_steps.clear()
        message: Message = {"role": "assistant", "content": reply_content(reply, extras)}
        options = render.options_for(reply)
        if options:
            message["options"] = options
        if self._text is None:
            self._text = len(self.messages)
            self.messages.append(message)
        else:
            self.messages[self._text] = message
        # The options show under the last message only, so the reply must come last.
        if self._text != len(self.messages) - 1:
            self.messages.append(self.messages.pop(self._text))
            self._text = len(self.messages) - 1

    @property
    def reply_index(self) -> int | None:
        """Position of the reply message within ``messages`` (None before any text)."""
        return self._text


def reply_content(reply: Reply, extras: ReplyExtras) -> str:
    """The reply as Markdown with HTML blocks: text, cards, comparison, sources."""
    text, records = render.split_records(render.shown_text(reply))
    if reply.kind == "handoff":
        text = f'<div class="aisle-notice">{escape(text)}</div>'
    elif reply.kind == "confirmation":
        text = f'<div class="aisle-confirm">{escape(text)}</div>'.replace("\n", "<br>")
    parts = [text]
    lang = render.reply_language(reply)
    if extras.cards:
        parts.append(render.cards_html(extras.cards, lang=lang))
    if extras.comparison is not None:
        parts.append(render.comparison_html(extras.comparison))
    if reply.citations:
        parts.append(render.citations_html(reply.citations, lang))
    parts.append(render.details_html(records))
    # A blank line between blocks, so Markdown ends one block before the next HTML block.
    return "\n\n".join(p for p in parts if p)


def error_message(text: str) -> Message:
    """A reply shown when the turn could not run (busy server, unreachable LLM)."""
    return {"role": "assistant", "content": f'<div class="aisle-notice">{escape(text)}</div>'}
