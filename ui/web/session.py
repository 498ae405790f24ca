"""Per-browser state and what the chat's events do, without Gradio types (easy to test).

``WebSession`` is what one browser tab keeps in a ``gr.State``: its conversation id, the
signed-in demo shopper (None for a guest), how many turns the store holds for it, which chat
message belongs to which turn (so a thumbs-up on a message rates that turn) and which products
it was shown (feedback is accepted for those only). The conversation itself lives in the store,
written by the assistant; nothing here is module-global.

``ChatController`` runs a turn through the shared ``TurnGate`` (the same one the bot API uses,
so the UI and the API never run more turns at once than the LLM can take) in a worker thread
that finishes the turn even when the browser goes away, and turns its events into messages.

Not here: layout and event wiring (``ui.web.app``), rendering (``ui.web.render``).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import anyio.to_thread

from assistant import conversation
from assistant.agent import Assistant
from assistant.events import Final, TurnEvent
from assistant.llm import LlamaCppChat, OpenAICompatibleChat
from assistant.llm.weights import DEFAULT_MODEL
from assistant.reply import Reply
from store.db import Store
from store.errors import AisleError
from ui.api.bot import MAX_MESSAGE_CHARS
from ui.api.errors import ServerBusy
from ui.api.feedback import record_feedback
from ui.api.security import CONTROL
from ui.api.turns import TurnGate, stream_turn
from ui.runtime import Runtime
from ui.web.chat import Message, ReplyExtras, TurnMessages, error_message
from ui.web.views import card_views, comparison_view

log = logging.getLogger("aisle.web")

BUSY = "The assistant is busy with other shoppers right now. Please try again in a moment."
FAILED = "Sorry, something went wrong on our side and I could not answer. Please try again."
TOO_LONG = (
    f"That message is longer than {MAX_MESSAGE_CHARS:,} characters; please say it in fewer words."
)
THINKING: Message = {
    "role": "assistant",
    "content": "Reading your message…",
    "metadata": {"title": "Thinking", "status": "pending"},
}


@dataclass
class WebSession:
    """One browser tab's state (see the module docstring)."""

    session_id: str
    user_id: str | None = None
    turns: int = 0
    reply_turns: dict[int, int] = field(default_factory=dict)  # chat message index -> turn
    shown: set[str] = field(default_factory=set)  # product ids shown in this conversation

    @classmethod
    def fresh(cls, user_id: str | None = None) -> WebSession:
        return cls(session_id=f"web-{uuid.uuid4().hex}", user_id=user_id or None)


class ChatController:
    """The chat's behaviour for every tab; ``assistant`` is created on the first turn when not
    given (loading the embedded model takes a while and needs the turn slot anyway)."""

    def __init__(
        self, runtime: Runtime, assistant: Assistant | None = None, gate: TurnGate | None = None
    ) -> None:
        self.runtime = runtime
        self.gate = gate or TurnGate(
            runtime.settings.turn_concurrency, runtime.settings.turn_queue_seconds
        )
        self._assistant = assistant
        self._lock = threading.Lock()

    @property
    def store(self) -> Store:
        return self.runtime.store

    def assistant(self) -> Assistant:
        with self._lock:
            if self._assistant is None:
                self._assistant = self.runtime.assistant()
            return self._assistant

    def shopper(self, session: WebSession | None) -> str | None:
        """Whose account this tab's conversation is: the demo shopper it signed in as, else
        whoever identified in the chat (the stored conversation knows)."""
        if session is None:
            return None
        if session.user_id:
            return session.user_id
        row = conversation.get_session(self.store, session.session_id)
        return row.user_id if row is not None else None

    # --- a turn ---------------------------------------------------------------------------

    async def send(
        self, message: str, history: list[Message] | None, session: WebSession | None
    ) -> AsyncIterator[tuple[list[Message], str, WebSession]]:
        """Yield (chat history, text box value, session) as the turn streams."""
        session = session or WebSession.fresh()
        history = list(history or [])
        text = CONTROL.sub("", message or "").strip()
        if not text:
            yield history, "", session
            return
        if len(text) > MAX_MESSAGE_CHARS:  # the bot API's bound: no turn reads a whole book
            yield [*history, error_message(TOO_LONG)], text[:MAX_MESSAGE_CHARS], session
            return
        history.append({"role": "user", "content": text})
        start, turn = len(history), TurnMessages()
        # Shown until the first event: a CPU model may take seconds before it calls a tool.
        yield [*history, THINKING], "", session

        def events() -> Iterator[TurnEvent]:
            return self.assistant().stream(text, session.session_id, session.user_id)

        try:
            async for event in stream_turn(self.gate, events):
                extras = None
                if isinstance(event, Final):
                    extras = await anyio.to_thread.run_sync(self.extras, event.reply, session)
                turn.apply(event, extras)
                if isinstance(event, Final):
                    self._remember(session, event.reply, extras, start, len(turn.messages))
                yield history + turn.messages, "", session
        except ServerBusy:
            yield [*history, *turn.messages, error_message(BUSY)], text, session
        except Exception:
            log.exception("a web chat turn failed (session %s)", session.session_id)
            yield [*history, *turn.messages, error_message(FAILED)], text, session

    def extras(self, reply: Reply, session: WebSession) -> ReplyExtras:
        """The store's part of the reply: card facts and a comparison table."""
        cards = card_views(self.store, reply.products) if reply.products else []
        return ReplyExtras(cards, comparison_view(self.store, session.session_id, reply))

    @staticmethod
    def _remember(
        session: WebSession, reply: Reply, extras: ReplyExtras | None, start: int, count: int
    ) -> None:
        for index in range(start, start + count):
            session.reply_turns[index] = session.turns
        session.turns += 1
        session.shown.update(p.product_id for p in reply.products)
        if extras is not None and extras.comparison is not None:
            session.shown.update(extras.comparison.product_ids)

    # --- feedback -------------------------------------------------------------------------

    def rate_reply(self, session: WebSession | None, index: int, liked: bool | str) -> bool:
        """A thumbs up / down on a chat message, stored as feedback on its turn."""
        if session is None or not isinstance(liked, bool):
            return False  # un-liking, or a custom flag: nothing to store
        turn = session.reply_turns.get(index)
        if turn is None:
            return False
        return self._record(session, 1 if liked else -1, turn=turn)

    def rate_product(self, session: WebSession | None, product_id: str, value: int) -> bool:
        """A thumbs up / down on a product card this conversation showed."""
        if session is None or value not in (1, -1) or product_id not in session.shown:
            return False
        return self._record(session, value, product_id=product_id)

    def _record(self, session: WebSession, value: int, **target: object) -> bool:
        try:
            record_feedback(self.store, session.session_id, value, **target)  # type: ignore[arg-type]
        except AisleError as exc:  # a stale tab or a deleted product: nothing to rate
            log.warning("feedback not stored: %s", exc)
            return False
        return True

    # --- what the status line says ----------------------------------------------------------

    def status(self) -> tuple[str, str]:
        """(ranker, LLM) in a few words each."""
        return self._ranker_state(), self._llm_state()

    def _ranker_state(self) -> str:
        state = getattr(self.runtime, "ranker_state", None)
        if callable(state):
            state = state()
        if state:
            return str(state)
        if self._assistant is None:
            return "loads with the first question"
        ranker = self._assistant.deps.ranker
        if ranker is None:
            return "retrieval order (no trained ranker)"
        return str(getattr(ranker, "state", type(ranker).__name__))

    def _llm_state(self) -> str:
        settings = self.runtime.settings
        llm = self._assistant.deps.llm if self._assistant is not None else None
        if isinstance(llm, OpenAICompatibleChat) or (llm is None and settings.llm_base_url):
            model = llm.model if llm is not None else settings.llm_model or "default"
            return f"{model} on an OpenAI-compatible server"
        if isinstance(llm, LlamaCppChat) or llm is None:
            name = llm.model if llm is not None else DEFAULT_MODEL.title
            return f"{name}, embedded (llama.cpp on CPU)"
        return llm.model
