"""The tool machinery: docstring parsing, derived schemas, definition errors at import, argument
validation as observations, and the propose / confirm / operator paths on a toy write tool.
Tools never change the context: the caller stores a proposal as ``ctx.pending`` and records
an executed id, as the conversation does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from store.db import Store
from store.models import ProposalStatus, WriteProposal, utcnow
from tools import confirmations
from tools.base import (
    ConfirmationRequest,
    Proposed,
    ToolContext,
    ToolResult,
    ToolSet,
    parse_docstring,
    tool,
)
from tools.errors import PolicyViolation, ToolDefinitionError
from tools.identity import may_identify


def test_parse_docstring_google_style() -> None:
    doc = """Do a thing.
    Over two lines.

    Args:
        a: First, which goes on
            to a second line.
        b (int): Second.

    Returns:
        Something.
    """
    assert parse_docstring(doc) == (
        "Do a thing. Over two lines.",
        {"a": "First, which goes on to a second line.", "b": "Second."},
    )


@tool
def lookup(ctx: ToolContext, order_id: str, limit: int = 3, tags: list[str] | None = None) -> str:
    """Look something up.

    Args:
        order_id: The order id, such as '#W0000000'.
        limit: How many.
        tags: Optional tags.
    """
    return f"{order_id}:{limit}:{tags}"


def test_schema_is_derived_from_signature_and_docstring() -> None:
    assert lookup.schema() == {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": "Look something up.",
            "parameters": {
                "additionalProperties": False,
                "properties": {
                    "order_id": {
                        "description": "The order id, such as '#W0000000'.",
                        "type": "string",
                    },
                    "limit": {"default": 3, "description": "How many.", "type": "integer"},
                    "tags": {
                        "anyOf": [{"items": {"type": "string"}, "type": "array"}, {"type": "null"}],
                        "default": None,
                        "description": "Optional tags.",
                    },
                },
                "required": ["order_id"],
                "type": "object",
            },
        },
    }


def test_missing_docstring_fails_at_definition() -> None:
    with pytest.raises(ToolDefinitionError, match="has no docstring"):

        @tool
        def bare(ctx: ToolContext, x: str) -> str:
            return x


def test_missing_argument_description_fails_at_definition() -> None:
    with pytest.raises(ToolDefinitionError, match="argument 'y' has no description"):

        @tool
        def half(ctx: ToolContext, x: str, y: str) -> str:
            """Half described.

            Args:
                x: Described.
            """
            return x + y


def test_missing_type_hint_and_ctx_fail_at_definition() -> None:
    with pytest.raises(ToolDefinitionError, match="argument 'x' has no type hint"):

        @tool
        def untyped(ctx: ToolContext, x) -> str:  # type: ignore[no-untyped-def]
            """Untyped.

            Args:
                x: Described.
            """
            return str(x)

    with pytest.raises(ToolDefinitionError, match="first parameter must be 'ctx"):

        @tool
        def no_ctx(x: str) -> str:
            """No context.

            Args:
                x: Described.
            """
            return x


def test_bad_arguments_become_observations(sqlite_store: Store) -> None:
    ctx = ToolContext(store=sqlite_store)
    missing = lookup.call(ctx, {})
    assert not missing.ok and missing.error_kind == "bad_argument"
    assert missing.content == (
        "Error: order_id: Field required; expected: The order id, such as '#W0000000'."
    )
    extra = lookup.call(ctx, {"order_id": "#W1", "colour": "red"})
    assert extra.error == "colour: unknown argument; lookup takes order_id, limit, tags"
    assert lookup.call(ctx, "{not json").error == (
        "arguments are not valid JSON (Expecting property name enclosed in double quotes); "
        "send a JSON object of argument names to values"
    )
    assert lookup.call(ctx, '{"order_id": "#W1", "limit": 5}').content == "#W1:5:None"


class Counter:
    def __init__(self) -> None:
        self.applied: list[str] = []


def _toy_tools(counter: Counter) -> ToolSet:
    @tool(write=True)
    def set_label(ctx: ToolContext, label: str) -> Proposed:
        """Set the label.

        Args:
            label: The new label; 'forbidden' is refused.
        """
        if label == "forbidden":
            raise PolicyViolation("that label is not allowed")

        def write(session: Session) -> ToolResult:
            counter.applied.append(label)
            return ToolResult.success({"label": label}, note=f"The label is {label}.")

        return Proposed(summary=f"Set the label to {label}.", write=write)

    return ToolSet([lookup, set_label])


def test_write_is_proposed_then_confirmed_once(sqlite_store: Store) -> None:
    counter = Counter()
    tools = _toy_tools(counter)
    ctx = ToolContext(store=sqlite_store, conversation_id="c1")
    proposed = tools.call(ctx, "set_label", {"label": "blue"})
    assert proposed.ok and counter.applied == []
    request = proposed.data
    assert isinstance(request, ConfirmationRequest)
    assert ctx.pending is None  # the proposal is the result; the caller keeps it
    assert request.arguments == {"label": "blue"}
    assert request.key == ConfirmationRequest.key_for("set_label", {"label": "blue"})
    assert len(request.request_id) == 32 and request.request_id != request.key  # issued
    assert proposed.content.endswith("Set the label to blue.")
    row = confirmations.find(sqlite_store, request.request_id)
    assert row is not None and (row.status, row.conversation_id, row.arguments) == (
        "proposed",
        "c1",
        {"label": "blue"},
    )

    assert tools.confirm(ctx, request).error_kind == "not_confirmed"  # not pending here
    ctx.pending = request  # as the conversation keeps it
    changed = request.model_copy(update={"arguments": {"label": "red"}})
    refused = tools.confirm(ctx, changed)
    assert refused.error_kind == "not_confirmed" and counter.applied == []

    done = tools.confirm(ctx, request.request_id)
    assert done.ok and done.data == {"label": "blue"} and counter.applied == ["blue"]
    again = tools.confirm(ctx, request)  # the caller did not even record it: the store did
    assert (again.error_kind, again.error, again.data) == (
        "already_done",
        "this change was already made; nothing was changed again",
        'The label is blue.\n{"label": "blue"}',
    )
    assert counter.applied == ["blue"]
    ctx.executed.add(request.key)  # the caller records it, so the same change is not re-proposed
    reproposed = tools.call(ctx, "set_label", {"label": "blue"})
    assert reproposed.error_kind == "not_confirmed" and reproposed.data is None


def test_a_proposal_is_confirmed_by_its_customer_once(sqlite_store: Store) -> None:
    counter = Counter()
    tools = _toy_tools(counter)
    request = tools.call(
        ToolContext(store=sqlite_store, conversation_id="c1", session_user_id="u1"),
        "set_label",
        {"label": "blue"},
    ).data
    for other in (
        ToolContext(
            store=sqlite_store, conversation_id="c1", session_user_id="u2", pending=request
        ),
        ToolContext(store=sqlite_store, conversation_id="c1", pending=request),
    ):
        assert tools.confirm(other, request).error_kind == "not_confirmed"
    assert counter.applied == []
    # a stateless client's next turn runs in a session continued from the checkpoint
    continued = ToolContext(
        store=sqlite_store, conversation_id="c2", session_user_id="u1", pending=request
    )
    assert tools.confirm(continued, request).ok
    replayed = ToolContext(
        store=sqlite_store, conversation_id="c3", session_user_id="u1", pending=request
    )  # the same transcript sent again
    assert tools.confirm(replayed, request).error_kind == "already_done"
    assert counter.applied == ["blue"]


def test_a_newer_or_declined_proposal_is_not_confirmed(sqlite_store: Store) -> None:
    counter = Counter()
    tools = _toy_tools(counter)
    ctx = ToolContext(store=sqlite_store, conversation_id="c1")
    first = tools.call(ctx, "set_label", {"label": "blue"}).data
    tools.call(ctx, "set_label", {"label": "red"})  # supersedes the first in this conversation
    ctx.pending = first
    stale = tools.confirm(ctx, first)
    assert (stale.error_kind, stale.error) == (
        "not_confirmed",
        "this proposal is superseded; nothing was changed",
    )
    third = tools.call(ctx, "set_label", {"label": "green"}).data
    assert confirmations.settle(sqlite_store, third.request_id, ProposalStatus.DECLINED)
    ctx.pending = third
    assert tools.confirm(ctx, third).error == "this proposal is declined; nothing was changed"
    assert counter.applied == []


def test_a_proposal_expires(sqlite_store: Store) -> None:
    counter = Counter()
    tools = _toy_tools(counter)
    ctx = ToolContext(store=sqlite_store)
    ctx.pending = tools.call(ctx, "set_label", {"label": "blue"}).data
    assert ctx.pending is not None
    with sqlite_store.session() as session:
        row = session.get(WriteProposal, ctx.pending.request_id)
        assert row is not None
        row.created_at = utcnow() - confirmations.PROPOSAL_TTL - timedelta(seconds=1)
        session.add(row)
    late = tools.confirm(ctx, ctx.pending)
    assert (late.error_kind, late.error) == (
        "not_confirmed",
        "this proposal expired after 30 minutes; nothing was changed. "
        "Propose the change again and ask the shopper to confirm it",
    )
    assert tools.confirm(ctx, ctx.pending).error == "this proposal is expired; nothing was changed"
    assert counter.applied == []


def test_confirm_does_not_change_the_context(sqlite_store: Store) -> None:
    counter = Counter()
    tools = _toy_tools(counter)
    request = tools.call(
        ToolContext(store=sqlite_store, session_user_id="u1"), "set_label", {"label": "blue"}
    ).data
    ctx = ToolContext(store=sqlite_store, session_user_id="u1", pending=request)
    assert tools.confirm(ctx, request).ok and counter.applied == ["blue"]
    assert (ctx.pending, ctx.executed, ctx.session_user_id) == (request, set(), "u1")
    refused = tools.confirm(ctx, "another-id")
    assert refused.error_kind == "not_confirmed"
    assert (ctx.pending, ctx.executed) == (request, set())


def test_refused_write_records_nothing(sqlite_store: Store) -> None:
    counter = Counter()
    tools = _toy_tools(counter)
    ctx = ToolContext(store=sqlite_store)
    result = tools.call(ctx, "set_label", {"label": "forbidden"})
    assert (result.ok, result.error_kind, result.content, result.data) == (
        False,
        "policy",
        "Error: that label is not allowed",
        None,
    )
    assert ctx.pending is None and ctx.executed == set() and counter.applied == []
    assert tools.call(ctx, "nope", {}).error == (
        "there is no tool 'nope'; the tools are lookup, set_label"
    )


def test_operator_path_skips_conversation_but_not_idempotency(sqlite_store: Store) -> None:
    counter = Counter()
    tools = _toy_tools(counter)
    ctx = ToolContext(store=sqlite_store)
    first = tools.execute_confirmed(ctx, "set_label", {"label": "green"})
    # the operator's own context records what it executed
    assert ctx.executed == {ConfirmationRequest.key_for("set_label", {"label": "green"})}
    second = tools.execute_confirmed(ctx, "set_label", {"label": "green"})
    assert first.ok and second.error_kind == "not_confirmed" and counter.applied == ["green"]
    assert tools.execute_confirmed(ctx, "lookup", {"order_id": "x"}).content == "x:3:None"


def test_a_stored_proposal_is_confirmed_in_a_later_context(sqlite_store: Store) -> None:
    """The proposal survives as JSON (the conversation keeps it between turns)."""
    counter = Counter()
    tools = _toy_tools(counter)
    proposed = tools.call(
        ToolContext(store=sqlite_store, session_user_id="u1"), "set_label", {"label": "blue"}
    )
    stored = proposed.data.model_dump_json()
    later = ToolContext(
        store=sqlite_store,
        session_user_id="u1",
        pending=ConfirmationRequest.model_validate_json(stored),
    )
    assert later.pending == proposed.data
    assert tools.confirm(later, later.pending.request_id).ok  # type: ignore[union-attr]
    assert counter.applied == ["blue"]


def test_one_customer_per_conversation(sqlite_store: Store) -> None:
    guest = ToolContext(store=sqlite_store, shopper_typed=("I am u1",))
    assert may_identify(guest, "u1", typed=True)  # nobody yet: what the shopper typed
    assert not may_identify(guest, "u1", typed=False)  # what only the model says
    assert guest.session_user_id is None  # checked, not adopted
    signed_in = ToolContext(store=sqlite_store, session_user_id="u1")
    assert may_identify(signed_in, "u1", typed=False)
    assert not may_identify(signed_in, "u2", typed=True)
    vouched = ToolContext(store=sqlite_store, vouched_user_id="u3")
    assert may_identify(vouched, "u3", typed=False) and not may_identify(vouched, "u2", False)
    assert may_identify(
        ToolContext(store=sqlite_store, session_user_id="u1", operator=True), "u2", typed=False
    )


def test_schemas_keep_registration_order() -> None:
    tools = _toy_tools(Counter())
    assert [s["function"]["name"] for s in tools.schemas()] == ["lookup", "set_label"]
    with pytest.raises(ToolDefinitionError, match="two tools are named 'lookup'"):
        ToolSet([lookup, lookup])
