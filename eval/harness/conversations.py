"""Running one conversation of a flow and scoring it, turn by turn, by facts.

Each conversation runs in a fresh session on a fresh copy of its shop (``EvalEnv.fresh_store``),
so a cancellation in one never shows in another. Its turns are sent as a shopper would: the
bank's message for a keyed turn, the option text exactly as in ``reply.question.options`` for a
CLICK. Every reply, including the harness's own "just show me" and the clicks through a
reason question, goes through the every-turn checks (``checks.turn_checks``) with the flow's
constraints in effect; then the turn's expectation judges the last reply of the turn.

A conversation passes when nothing failed. It stops at the first turn whose expectation
failed (later turns build on it: "cheaper" needs products to be cheaper than) or when the
assistant raised; failures of the every-turn checks are recorded and the conversation goes on.

Not here: which conversations run (``conversation_cases``), the summary and gates
(``conversation_suite``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from pydantic import BaseModel, Field

from assistant.agent import Assistant
from assistant.reply import Reply
from eval.harness.cases import TargetConstraint
from eval.harness.checks import PromptText, turn_checks
from eval.harness.conversation_cases import ConversationCase
from eval.harness.dbstate import Snapshot, snapshot
from eval.harness.driver import TurnRecord, drive
from eval.harness.env import EvalEnv, ShopUnderTest, discard
from eval.harness.flow_types import JUST_SHOW_ME_IN, Ctx, Failure, Flow, Slots, Turn
from eval.harness.language_check import catalog_words, wrong_language
from eval.harness.shopfacts import ShopFacts
from store.db import Store

COUNTED = ("invented", "violating", "echo", "promise", "prompt_text", "language")


class FailureOut(BaseModel):
    check: str
    turn: int
    detail: str


class ConversationResult(BaseModel):
    suite: str = "conversations"
    case_id: str
    flow: str
    shop: str
    trial: int
    success: bool
    failed_check: str | None = None  # the first check that failed
    failures: list[FailureOut] = Field(default_factory=list)
    invented: int = 0
    violating: int = 0
    echo: int = 0
    promise: int = 0
    prompt_text: int = 0
    language: int = 0  # replies not in the conversation's language
    replies: int = 0
    turns: int = 0
    seconds: float = 0.0
    error: str | None = None

    def metrics(self) -> dict[str, float]:
        """Per-case numbers that ``compare`` pairs across runs."""
        return {
            "success": float(self.success),
            "turns": float(self.turns),
            "seconds": self.seconds,
            **{k: float(getattr(self, k)) for k in COUNTED},
        }


def constraints_of(names: tuple[str, ...], slots: Slots) -> list[TargetConstraint]:
    out = []
    for name in names:
        if name == "category" and slots.category:
            out.append(
                TargetConstraint(
                    kind="category", key="category", value=slots.category, disclosure="volunteered"
                )
            )
        elif name in ("cap", "cap2") and getattr(slots, name) is not None:
            out.append(
                TargetConstraint(
                    kind="price_max",
                    key="price",
                    value=float(getattr(slots, name)),
                    disclosure="volunteered",
                )
            )
        elif name == "value" and slots.value and slots.value_key:
            out.append(
                TargetConstraint(
                    kind="feature", key=slots.value_key, value=slots.value, disclosure="volunteered"
                )
            )
        elif name == "brand" and slots.brand:
            out.append(
                TargetConstraint(
                    kind="brand", key="brand", value=slots.brand, disclosure="volunteered"
                )
            )
    return out


@dataclass
class _Conversation:
    """One conversation in progress: what was sent, the records, the failures."""

    assistant: Assistant
    store: Store
    flow: Flow
    case: ConversationCase
    facts: ShopFacts
    prompt: PromptText
    session_id: str
    records: list[TurnRecord]
    failures: list[Failure]
    said: list[str]
    names: frozenset[str] = frozenset()  # the catalog's names, left out of the language check
    replies: int = 0
    error: str | None = None

    def send(
        self, message: str, spec: Turn, clicked: bool = False
    ) -> tuple[Reply | None, Snapshot | None, Snapshot | None]:
        """Send ``message``; ``clicked``: it is an option the assistant offered, whose words
        are the assistant's own, so repeating them is no echo."""
        before = snapshot(self.store) if self.flow.db else None
        reply, record = drive(
            self.assistant, message, self.session_id, self.case.user_id, len(self.records) + 1
        )
        after = snapshot(self.store) if self.flow.db else None
        self.records.append(record)
        if reply is None:
            self.error = record.error
            return None, before, after
        self.said.append(message)
        found = turn_checks(
            reply,
            "" if clicked else message,
            " ".join(self.said),
            self.facts,
            constraints_of(spec.constraints, self.case.slots),
            self.prompt,
            (self.case.placed or self.case.slots.texts()).values(),
        )
        self.replies += 1
        if (why := wrong_language(reply, self.case.language, self.names)) is not None:
            found.append(Failure("language", why))
        self.note(record, found)
        return reply, before, after

    def note(self, record: TurnRecord, found: list[Failure]) -> None:
        found = [replace(f, turn=record.index) for f in found]
        self.failures += found
        if found:
            record.notes.setdefault("failures", []).extend(f"{f.check}: {f.detail}" for f in found)

    def play(self) -> None:
        earlier: list[Reply] = []
        last: Reply | None = None
        for spec in self.flow.turns:
            clicked = attribute = None
            if spec.key is None:
                options = last.question.options if last and last.question else []
                if len(options) <= spec.click:
                    self.failures.append(
                        Failure(
                            "click",
                            f"no option {spec.click + 1} to click on the reply before",
                            len(self.records),
                        )
                    )
                    return
                assert last is not None and last.question is not None
                message = clicked = options[spec.click]
                attribute = last.question.attribute
            else:
                message = self.case.messages[spec.key]
            reply, before, after = self.send(message, spec, clicked is not None)
            if reply is not None and spec.show_me and reply.kind == "question":
                reply, _, after = self.send(JUST_SHOW_ME_IN[self.case.language], spec)
            for _ in range(spec.click_through):
                if (
                    reply is None
                    or reply.question is None
                    or not reply.question.options
                    or reply.kind != "question"
                ):
                    break
                reply, _, after = self.send(reply.question.options[0], spec, clicked=True)
            if reply is None:
                return
            found = (
                spec.expect(
                    Ctx(
                        self.facts,
                        self.case.slots,
                        reply,
                        list(earlier),
                        clicked,
                        attribute,
                        before,
                        after,
                    )
                )
                if spec.expect
                else []
            )
            self.note(self.records[-1], found)
            earlier.append(reply)
            last = reply
            if found:
                return


def run_case(
    env: EvalEnv,
    shop: ShopUnderTest,
    facts: ShopFacts,
    prompt: PromptText,
    flow: Flow,
    case: ConversationCase,
    trial: int,
    session_prefix: str,
) -> tuple[ConversationResult, list[TurnRecord]]:
    started = time.perf_counter()
    store, path = env.fresh_store(shop, f"conv-{case.case_id}")
    try:
        talk = _Conversation(
            env.assistant(shop, store),
            store,
            flow,
            case,
            facts,
            prompt,
            f"{session_prefix}-{case.case_id}-t{trial}",
            [],
            [],
            [],
            names_of(facts),
        )
        talk.play()
    finally:
        discard(store, path)
    failures = sorted(talk.failures, key=lambda f: f.turn)
    counts = {k: sum(1 for f in failures if f.check == k) for k in COUNTED}
    error = talk.error
    result = ConversationResult(
        case_id=case.case_id,
        flow=flow.id,
        shop=case.shop,
        trial=trial,
        success=not failures and error is None,
        failed_check="error"
        if error and not failures
        else (failures[0].check if failures else None),
        failures=[FailureOut(check=f.check, turn=f.turn, detail=f.detail) for f in failures],
        replies=talk.replies,
        turns=len(talk.records),
        seconds=round(time.perf_counter() - started, 3),
        error=error,
        **counts,
    )
    return result, talk.records


_NAMES: dict[int, frozenset[str]] = {}


def names_of(facts: ShopFacts) -> frozenset[str]:
    """The catalog's names of a shop, computed once per shop facts."""
    key = id(facts.truth)
    if key not in _NAMES:
        _NAMES[key] = catalog_words(facts)
    return _NAMES[key]


OnCase = Callable[[ConversationResult, list[TurnRecord]], None]
