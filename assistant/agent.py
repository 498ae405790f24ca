"""The agent: one tool-calling loop for every LLM backend, with the guards in code.

A turn: load the session's state; if a change waits for confirmation, an explicit yes executes
exactly that change (once) and a no drops it, without asking the model. Otherwise the reads
the policy's flow needs run in code (``assistant.reads``), then the model sees the system
prompt, the tool schemas, a short history, the message and those reads, and calls tools one
at a time (bad arguments come back to it as observations) until it answers, within a step and
time limit. The outcome is decided by what the tools did, not by the model's words: a write
proposal ends the turn as a confirmation request, a clarifying question as a question, a
handoff as a handoff, a search as recommendations whose text must pass the grounding check
(else it is replaced by the fact list). A discovery reply without a catalog search in the same
turn is never shown: the search runs in code instead. A change the shopper asked for that the
model only talks about is asked for again with its write tool forced, a request for a person
forces the handoff, and what the shopper's words fix of a change wins over the model's
arguments (``assistant.turn``, ``assistant.resolve``).

Not here: the tools and their guards (``tools``), the LLM backends (``assistant.llm``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Generator, Iterator
from functools import partial
from typing import TypeVar

from assistant.conversation import ChatLine, SessionState, load_state, save_turn
from assistant.deps import Deps
from assistant.events import Final, StepFinished, StepStarted, TextDelta, TurnEvent
from assistant.llm.parsing import parse_tool_calls
from assistant.llm.types import (
    Completion,
    Delta,
    ForcedTool,
    Message,
    Prefills,
    ToolCall,
    ToolChoice,
    call_id,
)
from assistant.prompts import render
from assistant.reading import (
    MORE_THAN_NO,
    NO,
    SERVICE,
    YES,
    asks_for_person,
    continued,
    last_sentence_end,
    readable,
    squash,
    write_intent,
)
from assistant.reads import reads_first
from assistant.reply import (
    CitationOut,
    ConfirmationOut,
    ProductCard,
    QuestionOut,
    Reply,
    TraceStep,
)
from assistant.resolve import with_resolved
from assistant.turn import (
    HANDOFF_TOOL,
    Turn,
    grounded,
    open_request,
    refusal_before,
    unproposed_write,
)
from tools.base import ToolResult
from tools.constraints import parse_constraints
from tools.grounding import fallback_text
from tools.shop_context import ShopContext
from tools.shopping import nothing_fits_text

HANDOFF_TEXT = "YOU ARE BEING TRANSFERRED TO A HUMAN AGENT. PLEASE HOLD ON."
# A step of the turn that yields events and returns its outcome (``yield from`` gets it).
_T = TypeVar("_T")
_Events = Generator[TurnEvent, None, _T]


class Assistant:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.system_prompt = render("system", shop_name=deps.shop_name)
        self.schemas = deps.tools.schemas()

    def chat(
        self, message: str, session_id: str | None = None, user_id: str | None = None
    ) -> Reply:
        """One turn. ``user_id`` is the signed-in shopper from the session, never the model."""
        for event in self.stream(message, session_id, user_id):
            if isinstance(event, Final):
                return event.reply
        raise AssertionError("a turn always ends with a Final event")  # pragma: no cover

    def stream(
        self, message: str, session_id: str | None = None, user_id: str | None = None
    ) -> Iterator[TurnEvent]:
        """One turn as events (``assistant.events``): tool steps, grounded text, the Reply."""
        session_id = session_id or uuid.uuid4().hex
        with self.deps.store.session() as session:
            state = load_state(session, session_id, user_id)
        ctx = ShopContext.restore_shop(
            self.deps.store,
            state.tool,
            state.shop,
            searcher=self.deps.searcher,
            help_searcher=self.deps.help_searcher,
            ranker=self.deps.ranker,
            vocab=self.deps.vocab,
        )
        ctx.new_turn(message)
        request = state.request
        if ctx.pending is not None and not YES.match(message):
            request = None  # a change that waited for a yes was answered with something else
        turn = Turn(ctx, reading=continued(request, message))
        reply = yield from self._confirmation_answer(turn, message)
        if reply is None:
            reply = yield from self._run(turn, state, message)
        state.request = open_request(request, message, reply, turn.closed)
        state.tool, state.shop = ctx.state(), ctx.shop_state()
        state.history = [
            *state.history,
            ChatLine(role="user", content=message),
            ChatLine(role="assistant", content=reply.text),
        ]
        state.history = state.history[-2 * self.deps.limits.history_turns :]
        with self.deps.store.session() as session:
            save_turn(session, session_id, state, message, reply)
        if self.deps.limits.prefill_between_turns and isinstance(self.deps.llm, Prefills):
            # While the shopper reads, the model evaluates the next turn's prompt start.
            self.deps.llm.prefill_later(self._prompt(state.history), self.schemas)
        streamed = "".join(turn.streamed)
        yield Final(
            reply=reply,
            session_id=session_id,
            replaces_text=bool(streamed) and not squash(reply.text).startswith(squash(streamed)),
        )

    def _prompt(self, history: list[ChatLine]) -> list[Message]:
        """The start of every model call of a turn: system prompt, then the recent history."""
        said = [Message(role=line.role, content=line.content) for line in history]  # type: ignore[arg-type]
        return [Message.system(self.system_prompt), *said]

    # --- the confirmation step, in code -------------------------------------------------

    def _confirmation_answer(self, turn: Turn, message: str) -> _Events[Reply | None]:
        ctx = turn.ctx
        pending = ctx.pending
        if pending is None:
            return None
        if YES.match(message):
            yield StepStarted(pending.action, pending.arguments)
            started = time.perf_counter()
            result = self.deps.tools.confirm(ctx, pending)
            step = TraceStep(
                tool=pending.action, arguments=pending.arguments, ms=_ms(started), ok=result.ok
            )
            turn.trace.append(step)
            yield _finished(step, result)
            turn.closed = True
            text = ("Done. " if result.ok else "That could not be completed: ") + readable(result)
            return Reply(kind="answer", text=text, trace=turn.trace)
        ctx.pending = None  # a yes must answer the request right away; anything else drops it
        if NO.match(message) and not MORE_THAN_NO.search(message):
            turn.closed = True
            return Reply(kind="answer", text="Okay, I have not changed anything.")
        return None  # anything else, a "no" with a new request included, goes to the model

    # --- the model loop -----------------------------------------------------------------

    def _run(self, turn: Turn, state: SessionState, message: str) -> _Events[Reply]:
        limits = self.deps.limits
        messages = [*self._prompt(state.history), Message.user(message)]
        turn.resolved = yield from reads_first(turn.ctx, turn.reading,
                                            partial(self._read, turn, messages))
        deadline = time.monotonic() + limits.max_seconds
        choice: ToolChoice = "auto"
        if asks_for_person(message) and HANDOFF_TOOL in self.deps.tools:
            choice = ForcedTool(HANDOFF_TOOL)  # the shopper's wish, whatever the model thinks
        for _ in range(limits.max_steps):
            if time.monotonic() > deadline:
                break
            completion = yield from self._complete(turn, messages, choice)
            calls, text = _calls(completion, messages)
            write = None
            if not calls and choice == "auto":
                write = unproposed_write(turn, self.deps.tools, text)
            if write is not None:
                # The model talked about the change instead of proposing it ("I will cancel
                # it", or a yes asked for in words): ask again with that call forced. Its
                # arguments are the model's, checked by the tool and shown for a yes.
                choice = ForcedTool(write)
                continue
            if not calls:
                return (yield from self._final(turn, text))
            call = calls[0]  # one tool call at a time, as the policy says
            result = yield from self._call(turn, call)
            messages.append(Message.assistant("", [call]))
            messages.append(Message.tool(call, result.content))
            if early := self._ends_turn(turn, result):
                return early
            if turn.ctx.turn.recommendations and not limits.phrase_recommendations:
                return (yield from self._final(turn, ""))
        return (yield from self._final(turn, "", stuck=True))

    def _read(self, turn: Turn, messages: list[Message], tool: str, **arguments: str
              ) -> _Events[ToolResult | None]:
        """Run one read tool in code, shown to the model as its own call and result."""
        if tool not in self.deps.tools:
            return None
        call = ToolCall(tool, dict(arguments), call_id(messages, 0))
        result = yield from self._call(turn, call)
        messages.append(Message.assistant("", [call]))
        messages.append(Message.tool(call, result.content))
        return result

    def _complete(self, turn: Turn, messages: list[Message], choice: ToolChoice = "auto"
                  ) -> _Events[Completion]:
        """One model step, streamed. Text reaches the shopper a sentence at a time, and only
        sentences that pass the grounding check, and never when code will replace the text
        (a discovery reply without a search) or may ask again (a change not yet proposed)."""
        limits = self.deps.limits
        pending = ""
        may_stream = self._may_stream(turn)
        hold = write_intent(turn.reading) is not None and turn.confirmation is None
        stream = self.deps.llm.stream(messages, self.schemas, choice, limits.max_tokens)
        for event in stream:
            if not isinstance(event, Delta):
                if pending.strip() and not event.tool_calls and not turn.stop_streaming:
                    yield from self._release(turn, pending)
                return event
            if not may_stream and event.text.strip():
                # A discovery reply without a search is replaced by one in code whatever it
                # says: stop generating it now (minutes of CPU with the embedded model).
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
                return Completion(text="", finish_reason="stop", model=self.deps.llm.model)
            if turn.stop_streaming or hold:
                continue
            pending += event.text
            cut = last_sentence_end(pending)
            if cut:
                yield from self._release(turn, pending[:cut])
                pending = pending[cut:]
        raise RuntimeError("the chat model's stream ended without a Completion")

    def _may_stream(self, turn: Turn) -> bool:
        """False while a discovery turn has no search yet: text now would be replaced."""
        facts = turn.ctx.turn
        return facts.searched or not _is_discovery(turn.ctx)

    def _release(self, turn: Turn, piece: str) -> Iterator[TurnEvent]:
        candidate = "".join(turn.streamed) + piece
        if grounded(candidate, turn):
            turn.streamed.append(piece)
            yield TextDelta(piece)
        else:
            turn.stop_streaming = True

    def _call(self, turn: Turn, call: ToolCall) -> _Events[ToolResult]:
        # Text streamed before a tool call was thinking aloud; the reply comes after the call.
        turn.stop_streaming = turn.stop_streaming or bool(turn.streamed)
        call = with_resolved(call, turn.resolved)  # the shopper's words win (resolve.py)
        yield StepStarted(call.name, call.arguments)
        started = time.perf_counter()
        tools = self.deps.tools
        result = refusal_before(turn, tools, call) or tools.call(turn.ctx, call.name,
                                                                 call.arguments)
        step = TraceStep(tool=call.name, arguments=call.arguments, ms=_ms(started), ok=result.ok)
        turn.record(step, result, write=call.name in tools and tools[call.name].write)
        yield _finished(step, result)
        return result

    def _ends_turn(self, turn: Turn, result: ToolResult) -> Reply | None:
        if turn.handoff:
            return Reply(kind="handoff", text=HANDOFF_TEXT, trace=turn.trace)
        if turn.confirmation is not None:
            request = turn.confirmation
            return Reply(
                kind="confirmation",
                text=f"{request.summary}\nShall I go ahead? Please answer yes or no.",
                confirmation=ConfirmationOut(action=request.action, arguments=request.arguments),
                trace=turn.trace,
            )
        question = turn.ctx.turn.question
        if question is not None and result.ok:
            return Reply(
                kind="question",
                text=question.text,
                trace=turn.trace,
                question=QuestionOut(
                    text=question.text, attribute=question.key, options=list(question.options)
                ),
            )
        return None

    def _final(self, turn: Turn, text: str, stuck: bool = False) -> _Events[Reply]:
        ctx = turn.ctx
        facts = ctx.turn
        if not facts.searched and _is_discovery(ctx):
            # Never let a discovery reply reach the shopper without a catalog search.
            call = ToolCall(name="search_products", arguments={"query": ctx.message})
            yield from self._call(turn, call)
            text = ""
        if facts.recommendations:
            cards = [
                ProductCard(
                    product_id=r.product_id,
                    item_id=r.item_id,
                    title=r.title,
                    price=r.price,
                    reasons=[reason.text for reason in r.reasons],
                )
                for r in facts.recommendations
            ]
            if not text or not grounded(text, turn):
                text = fallback_text(facts.recommendations)
            return Reply(kind="recommendations", text=text, products=cards, trace=turn.trace)
        citations = [CitationOut(article_id=c.article_id, title=c.title) for c in facts.citations]
        if turn.search is not None and (not text or not grounded(text, turn)):
            # A search found nothing that fits: say so from its facts, with the nearest
            # relaxations, rather than an empty or unchecked reply.
            text = nothing_fits_text(turn.search)
        elif stuck and not text:
            text = (
                "Sorry, I could not finish that in time. Could you say it in other words, "
                "or ask for a human agent?"
            )
        elif text and not grounded(text, turn):
            text = (
                "I can only share facts I have looked up. Could you tell me what you are "
                "looking for, or which order this is about?"
            )
        return Reply(
            kind="answer", text=text or "How can I help?", citations=citations, trace=turn.trace
        )


def _calls(completion: Completion, messages: list[Message]) -> tuple[list[ToolCall], str]:
    """Native tool calls, or calls a small model wrote as text; each with an id."""
    calls, text = list(completion.tool_calls), completion.text
    if not calls:
        parsed = parse_tool_calls(completion.text)
        calls, text = list(parsed.tool_calls), parsed.text
    return [
        c if c.id else ToolCall(name=c.name, arguments=c.arguments, id=call_id(messages, i))
        for i, c in enumerate(calls)
    ], text


def _is_discovery(ctx: ShopContext) -> bool:
    """The shopper's words name something in the catalog (a category, brand or option) and
    are not about an order ("return the headphones from order #W...")."""
    if ctx.searcher is None or SERVICE.search(ctx.message):
        return False
    parsed = parse_constraints(ctx.message, ctx.vocabulary())
    return bool(parsed.category or parsed.brands or parsed.attributes)


def _finished(step: TraceStep, result: ToolResult) -> StepFinished:
    first_line = result.content.strip().splitlines()[0] if result.content.strip() else ""
    return StepFinished(step.tool, step.arguments, step.ms, step.ok, first_line[:160])


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
