"""One turn's record, and what code decides from it whatever the model says.

``Turn`` collects what happened in a turn: the tool steps and their results, refusals, the
proposal waiting for a yes, the text already shown. The decisions on it:
- ``refusal_before`` answers a call without running it: a read already done this turn with
  the same arguments (measured: the embedded model re-ran the three reads it had been shown
  until the turn timed out), and a handoff after another customer's data was refused (the
  policy refuses that request; the shopper is told, not transferred) unless they asked for a
  person;
- ``unproposed_write`` names the write tool to force when the model only talked about the
  change the shopper asked for;
- ``open_request`` says whether that change stays open for the next turn;
- ``grounded`` is the reply check: product facts (``tools.grounding``) and order states.

Not here: the loop that runs the model and the tools (``assistant.agent``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from assistant.llm.types import ToolCall
from assistant.reading import (
    CONFIRM_WORDS,
    ORDER_ID,
    asks_for_person,
    states_observed,
    write_intent,
)
from assistant.reply import Reply, TraceStep
from assistant.resolve import Resolved
from tools.base import ConfirmationRequest, ToolResult, ToolSet
from tools.errors import OtherAccount, PolicyViolation
from tools.grounding import GroundingFacts, check_grounding, numbers_in
from tools.shop_context import ShopContext
from tools.shopping import SearchOutcome

HANDOFF_TOOL = "transfer_to_human_agents"
FINAL_REFUSALS = frozenset({OtherAccount.kind, PolicyViolation.kind})  # no retry can change them


@dataclass
class Turn:
    ctx: ShopContext
    # What the service readings read: the message, with an open request it continues.
    reading: str = ""
    trace: list[TraceStep] = field(default_factory=list)
    handoff: bool = False
    confirmation: ConfirmationRequest | None = None
    streamed: list[str] = field(default_factory=list)  # text pieces already shown
    stop_streaming: bool = False
    observed: list[str] = field(default_factory=list)  # this turn's tool results, as text
    other_account: bool = False  # a tool refused another customer's data this turn
    resolved: Resolved = field(default_factory=Resolved)  # what the shopper's words fix
    # The change asked for is over: carried out, declined, or refused for good (another
    # customer's order, a policy rule) this turn.
    closed: bool = False
    search: SearchOutcome | None = None  # the turn's last catalog search

    def facts(self) -> GroundingFacts:
        """What a reply may state: the products' facts, plus (for service answers) every
        number this turn's tool results or the shopper's own message contain."""
        base = self.ctx.grounding_facts()
        seen = numbers_in("\n".join([*self.observed, self.ctx.message]))
        return replace(base, prices=base.prices | seen, numbers=base.numbers | seen)

    def record(self, step: TraceStep, result: ToolResult, write: bool) -> None:
        """Note a tool step and its result (``write``: the tool proposes a change)."""
        self.trace.append(step)
        self.observed.append(result.content)
        self.other_account = self.other_account or result.error_kind == OtherAccount.kind
        if write:
            self.closed = self.closed or result.error_kind in FINAL_REFUSALS
        if step.tool == HANDOFF_TOOL and result.ok:
            self.handoff = True
        if isinstance(result.data, ConfirmationRequest):
            self.confirmation = result.data
        if isinstance(result.data, SearchOutcome):
            self.search = result.data


def refusal_before(turn: Turn, tools: ToolSet, call: ToolCall) -> ToolResult | None:
    """The answer to ``call`` without running it, or None to run it (module docstring)."""
    if call.name not in tools:
        return ToolResult(ok=False, content=(
            f"Error: there is no tool {call.name!r}; use one of {', '.join(tools.names())}"))
    if not tools[call.name].write and any(
            step.ok and step.tool == call.name and step.arguments == call.arguments
            for step in turn.trace):
        return ToolResult(ok=False, content=(
            f"Error: {call.name} already ran with these arguments in this conversation turn; "
            "its result is above. Use it: answer the shopper or propose the change"))
    if call.name == HANDOFF_TOOL and turn.other_account and not asks_for_person(
            turn.ctx.message):
        return ToolResult(ok=False, content=(
            "Error: not transferred: the request is about another customer's data, which the "
            "policy refuses; tell the shopper you can only help with their own account"))
    return None


def unproposed_write(turn: Turn, tools: ToolSet, text: str) -> str | None:
    """The write tool to force after a text reply: the identified shopper's words ask for a
    change to a named order (``write_intent``), no change was proposed or tried this turn,
    and the text is not a question for the shopper (a question that asks for a yes in words
    counts as none: confirming is code's job)."""
    write = write_intent(turn.reading)
    if write is None or write not in tools or turn.ctx.session_user_id is None:
        return None
    if turn.confirmation is not None or any(step.tool == write for step in turn.trace):
        return None
    if "?" in text and not CONFIRM_WORDS.search(text):
        return None
    return write


def open_request(request: str | None, message: str, reply: Reply, closed: bool) -> str | None:
    """The change the shopper's words still ask for after this turn (``SessionState.request``):
    a message asking for one opens it, a message about another order replaces it, and it
    closes when the change was carried out, declined or refused for good, or a person took
    over."""
    if closed or reply.kind == "handoff":
        return None
    if write_intent(message):
        return message
    return None if ORDER_ID.search(message) else request


def grounded(text: str, turn: Turn) -> bool:
    """The grounding check (tools.grounding) plus the service facts: an order state the
    reply names must be one this turn's tools returned."""
    if not check_grounding(text, turn.facts()).ok:
        return False
    return states_observed(text, turn.observed)
