"""Per-browser state and what the chat's events do, without Gradio types (easy to test).

``WebSession`` is what one browser tab keeps in a ``gr.State``: its conversation id, the
signed-in demo shopper (None for a guest), how many turns the store holds for it, which chat
message belongs to which turn (so a thumbs-up on a message rates that turn) and which products
it was shown (feedback is accepted for those only) and the cart the last turn showed (the cart
panel). The conversation itself lives in the store, written by the assistant; nothing here is
module-global.

``ChatController`` runs a turn through the shared ``TurnGate`` (the same one the bot API uses,
so the UI and the API never run more turns at once than the LLM can take) in a worker thread
that finishes the turn even when the browser goes away, and turns its events into messages.
It also turns a card's "Add to cart" into the words of a turn and runs the cart panel's
"Remove" through the cart tool (``ui.web.cart`` says why each way).

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
from assistant.act.cart import variants_for
from assistant.agent import Assistant
from assistant.events import Final, TurnEvent
from assistant.llm import LlamaCppChat, OpenAICompatibleChat
from assistant.llm.weights import DEFAULT_MODEL
from assistant.policy.cart import SHOWN
from assistant.reply import CartLineOut, CartReply, Reply
from store.db import Store
from store.errors import AisleError
from tools.base import ToolContext
from tools.cart import CartOut, CartUpdated, remove_from_cart, view_cart
from ui.api.bot import MAX_MESSAGE_CHARS
from ui.api.errors import ServerBusy
from ui.api.feedback import record_feedback
from ui.api.security import CONTROL
from ui.api.turns import TurnGate, stream_turn
from ui.runtime import Runtime
from ui.web.cart import add_words, chosen_options
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
    cart: CartReply | None = None  # the cart as the last turn that showed it left it

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
        if reply.cart is not None:
            session.cart = reply.cart
        if extras is not None and extras.comparison is not None:
            session.shown.update(extras.comparison.product_ids)

    # --- the cart ---------------------------------------------------------------------------

    def add_words(
        self, session: WebSession | None, product_id: str, picked: dict[str, str]
    ) -> str | None:
        """What a card's "Add to cart" sends as the shopper's message, or None when the product
        is not among those the conversation has on screen (a card of an earlier search)."""
        if session is None or product_id not in session.shown:
            return None
        state = conversation.load_state(self.store, session.session_id, session.user_id)
        shown = [s.product_id for s in state.shopping.candidates[:SHOWN]]
        if product_id not in shown:
            return None
        variants = variants_for(self.store, [product_id]).get(product_id, [])
        return add_words(shown.index(product_id) + 1, chosen_options(picked, variants))

    def remove_line(self, session: WebSession | None, item_id: str) -> CartReply | None:
        """Remove a cart line through the cart tool (as the bot API's route does); the cart
        after it, or None when the line was not in this conversation's cart."""
        if session is None:
            return None
        result = remove_from_cart.call(self._tools(session), {"item_id": item_id})
        if not isinstance(result.data, CartUpdated):
            log.warning("cart line not removed: %s", result.error)
            return None
        session.cart = cart_reply(result.data.cart)
        return session.cart

    def read_cart(self, session: WebSession) -> CartReply | None:
        """The signed-in shopper's cart (kept from earlier conversations); None for a guest."""
        if self.shopper(session) is None:
            return None
        result = view_cart.call(self._tools(session), {})
        session.cart = cart_reply(result.data) if isinstance(result.data, CartOut) else None
        return session.cart

    def _tools(self, session: WebSession) -> ToolContext:
        state = conversation.load_state(self.store, session.session_id, session.user_id)
        return ToolContext(
            store=self.store,
            session_user_id=state.identity.user_id,
            conversation_id=session.session_id,
        )

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


def cart_reply(cart: CartOut) -> CartReply:
    """The cart tool's outcome in the reply's shape (what the panel draws)."""
    return CartReply(
        lines=[
            CartLineOut.model_validate(line.model_dump(exclude={"position", "stock"}))
            for line in cart.lines
        ],
        count=cart.count,
        total=cart.total,
    )
