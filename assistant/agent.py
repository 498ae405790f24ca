"""The agent: one turn in four stages, state in and state out.

1. **Read** (``assistant.reading``): the message, read once into a typed ``Reading``.
2. **Decide** (``assistant.policy``): the dialogue policy chooses the act from the reading, the
   conversation state and, when the words alone decide nothing, the model's proposal
   (``assistant.proposal``: one short generation, validated against the tool's schema).
3. **Act** (``assistant.act``): tool objects run, the outcome is typed, the working state is
   updated.
4. **Respond** (``assistant.respond``): the reply is composed from the outcome's facts, in the
   shopper's language; the model's words are shown only for small talk that passes the claim
   check.

``Assistant.stream`` yields events as they happen (``assistant.events``): the reading and the
model's step, each tool step as it starts and finishes, the first sentence of a search's reply
as soon as retrieval counted, the rest of the text, then the ``Final`` reply. The state is
loaded once and saved once, by ``assistant.conversation``.

Not here: the tools and their guards (``tools``), the LLM backends (``assistant.llm``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Generator, Iterator
from dataclasses import replace

from assistant import conversation
from assistant.act import Steps, TurnEnv, run
from assistant.act.cart import checkout_link, variants_for
from assistant.act.steps import Lead
from assistant.deps import Deps
from assistant.events import Final, StepFinished, StepStarted, TextDelta, TurnEvent
from assistant.llm.types import Message, Prefills
from assistant.outcomes import Outcome
from assistant.policy import Act, decide, needs_model
from assistant.policy.acts import Confirm, Decline, Reask
from assistant.proposal import Proposal, language_note, prompt, propose, system_prompt
from assistant.reading import Reading, ShopWords, read
from assistant.reply import Reply
from assistant.respond import respond
from assistant.respond.cart import with_cart
from assistant.respond.claims import ClaimContext
from assistant.respond.discovery import lead
from assistant.state import ChatLine, ConversationState
from tools.grounding import GroundingFacts
from tools.shopping import SearchOutcome

log = logging.getLogger(__name__)

READ_STEP, MODEL_STEP = "read_message", "choose_action"
HISTORY_CHARS = 280  # each earlier reply as the model sees it


def _warm_terms(words: ShopWords) -> None:
    try:
        words.terms()
    except Exception:  # the first Chinese or Spanish message then builds them itself
        log.warning("could not embed the shop's terms ahead of time", exc_info=True)


class Assistant:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.system_prompt = system_prompt(deps.shop_name)
        self.schemas = deps.tools.schemas()

    def warm_up(self) -> None:
        """Have the model read the system prompt and tools in the background (a model that can:
        the embedded one, whose first read of them takes minutes on a busy CPU and is then
        kept on disk), and build the shop's words, so the first shopper does not wait. The
        shop's terms for Chinese and Spanish messages (a multilingual model's vectors of its
        categories, some seconds) are embedded in a background thread too."""
        words = self.deps.shop_words()
        threading.Thread(target=_warm_terms, args=(words,), daemon=True, name="terms").start()
        if isinstance(self.deps.llm, Prefills):
            self.deps.llm.prefill_later([Message.system(self.system_prompt)], self.schemas)

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
        """One turn as events (module docstring)."""
        session_id = session_id or uuid.uuid4().hex
        deps = self.deps
        state = conversation.load_state(deps.store, session_id, user_id)
        words = deps.shop_words()
        yield StepStarted(READ_STEP, {})
        started = time.perf_counter()
        reading = read(
            message,
            words,
            question=state.question,
            shown=min(len(state.shopping.candidates), 5),
            context_category=state.shopping.constraints.category,
            language_before=state.language,
        )
        if state.question is not None and message.strip() in state.question.labels():
            # a clicked option is the assistant's own words (titles, catalog values): it keeps
            # the conversation's language whatever its words look like
            reading = replace(reading, language=state.language)
        yield StepFinished(READ_STEP, {}, _ms(started), True, "")
        proposal = None
        if deps.limits.consult == "always" or needs_model(reading, state, words):
            proposal = yield from self._propose(state, message, reading.language)
        act = decide(reading, state, proposal, words)
        working = state.model_copy(deep=True)
        if working.pending is not None and not isinstance(act, Confirm | Decline | Reask):
            # a yes must answer the proposal at once, else it lapses; asking it again keeps it
            working.pending = None
        env = TurnEnv(deps, words, reading, working, Steps(), session_id)
        streamed: list[str] = []
        outcome = yield from self._act(act, env, streamed, reading.language)
        composed = respond(
            outcome, reading.language, env.steps.trace, self._claims(reading, outcome, env)
        )
        reply = with_cart(
            composed.reply,
            env.cart,
            variants_for(deps.store, [p.product_id for p in composed.reply.products]),
            checkout_link(outcome),
        )
        shown = "\n".join(streamed)
        rest = composed.pieces[len(streamed) :] if reply.text.startswith(shown) else composed.pieces
        for piece in rest:
            yield TextDelta(piece + "\n")
        working.language = reading.language
        working.history = [
            *working.history,
            ChatLine(role="user", content=message),
            ChatLine(role="assistant", content=reply.text[:HISTORY_CHARS]),
        ][-2 * deps.limits.history_turns :]
        conversation.save_turn(deps.store, session_id, working, message, reply)
        if deps.limits.prefill_between_turns and isinstance(deps.llm, Prefills):
            # While the shopper reads, the model evaluates the next turn's prompt start.
            deps.llm.prefill_later(
                prompt(self.system_prompt, working.history, "")[:-1], self.schemas
            )
        yield Final(
            reply=reply,
            session_id=session_id,
            replaces_text=bool(streamed) and not reply.text.startswith(shown),
        )

    def _propose(
        self, state: ConversationState, message: str, language: str
    ) -> Generator[TurnEvent, None, Proposal]:
        yield StepStarted(MODEL_STEP, {})
        started = time.perf_counter()
        messages = prompt(self.system_prompt, state.history, message, language)
        proposal: Proposal = propose(
            self.deps.llm, self.deps.tools, messages, self.deps.limits.max_tokens
        )
        summary = proposal.name or ("text" if proposal.text else proposal.error or "nothing")
        yield StepFinished(
            MODEL_STEP,
            dict(proposal.arguments),
            _ms(started),
            proposal.error is None,
            f"proposed: {summary}",
        )
        return proposal

    def _act(
        self, act: Act, env: TurnEnv, streamed: list[str], lang: str
    ) -> Generator[TurnEvent, None, Outcome]:
        work = run(act, env)
        try:
            event = next(work)
            while True:
                if isinstance(event, Lead):
                    piece = lead(SearchOutcome("", event.constraints, event.total, [], []), lang)
                    streamed.append(piece)
                    yield TextDelta(piece + "\n")
                else:
                    yield event
                event = next(work)
        except StopIteration as done:
            outcome: Outcome = done.value
            return outcome

    def _claims(self, reading: Reading, outcome: Outcome, env: TurnEnv) -> ClaimContext:
        tools = self.deps.tools
        return ClaimContext(
            message=reading.text,
            prompt_texts=[
                self.system_prompt,
                language_note(reading.language),
                *(t.description for t in tools),
            ],
            tool_names=tools.names(),
            facts=GroundingFacts.build((), env.words.vocab),
            observed="",
            actions_done=False,
        )


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
