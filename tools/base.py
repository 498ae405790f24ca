"""The tool machinery: a tool is a typed function with a docstring, and its schema is derived.

``@tool`` turns ``def f(ctx: ToolContext, order_id: str) -> ...`` with a Google-style docstring
into a ``Tool``: the description is the docstring's text before its sections, each argument's
description comes from its ``Args:`` entry, and the JSON schema (OpenAI function-calling format)
comes from a pydantic model built from the signature. A missing docstring, argument description
or type hint raises ``ToolDefinitionError`` at import, so a tool can never reach the model
half-described. ``Tool.call`` validates the arguments with that model; a bad argument, like any
``Refusal`` raised by the tool, comes back as an observation the model can correct.

Write tools (``@tool(write=True)``) do not act when they are called: they check everything
and return a ``Proposed`` change (or a ``Handover`` when the shop completes it on its own
page); the call stores it (``tools.confirmations``) under a
server-issued id with the exact normalised arguments, and returns that ``ConfirmationRequest``
(its ``data``), which the conversation keeps as its pending proposal. ``ToolSet.confirm``
executes the stored proposal after the shopper's yes: it checks again against the current data,
then consumes the stored proposal and writes in one transaction, so a second yes, a replayed
transcript or a yes in another process applies nothing and gets what the first one did
(``AlreadyDone``). ``ToolSet.execute_confirmed`` is the operator path (replays) that runs the
same checks and write without the conversation step. Tools never change the context they are
given: what they found is their result.

Not here: any particular tool (``tools.service``), the agent, or persistence of the
conversation (``assistant.state``, ``assistant.conversation``).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, overload

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from sqlmodel import Session

from store.db import Store
from store.models import ProposalStatus
from tools import confirmations
from tools.errors import AlreadyDone, BadArgument, NotConfirmed, Refusal, ToolDefinitionError
from tools.fields import check_json_text, check_shape

_SECTION = re.compile(r"^(Args|Arguments|Returns|Raises|Yields|Examples?|Notes?):\s*$")
_ARG = re.compile(r"^(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


def parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """A Google-style docstring -> (description, {argument: description}); continuation lines
    of an argument are indented deeper than its name and joined with spaces."""
    lines = inspect.cleandoc(doc).splitlines()
    intro: list[str] = []
    args: dict[str, list[str]] = {}
    section, current, indent = "", "", 0
    for line in lines:
        header = _SECTION.match(line.strip()) if not line.startswith(" ") else None
        if header:
            section, current = header.group(1), ""
            continue
        if not section:
            intro.append(line.strip())
        elif section in ("Args", "Arguments") and line.strip():
            depth = len(line) - len(line.lstrip())
            entry = _ARG.match(line.strip())
            if entry and (not current or depth <= indent):
                current, indent = entry.group(1), depth
                args[current] = [entry.group(2).strip()]
            elif current:
                args[current].append(line.strip())
    paragraphs = " ".join(intro).strip()
    return paragraphs, {k: " ".join(p for p in v if p) for k, v in args.items()}


@dataclass(frozen=True)
class ToolResult:
    """What a tool call gives back: ``content`` is the text the model reads (an error starts with
    "Error:"), ``data`` the typed payload for code, ``error``/``error_kind`` set on refusals."""

    ok: bool
    content: str
    data: Any = None
    error: str | None = None
    error_kind: str | None = None

    @classmethod
    def success(cls, value: Any, note: str = "") -> ToolResult:
        if isinstance(value, ToolResult):
            return value
        if isinstance(value, BaseModel):
            text = value.model_dump_json(exclude_none=True)
        else:
            text = value if isinstance(value, str) else json.dumps(value)
        return cls(ok=True, content=f"{note}\n{text}" if note else text, data=value)

    @classmethod
    def refused(cls, refusal: Refusal) -> ToolResult:
        return cls(
            ok=False,
            content=f"Error: {refusal.message}",
            data=refusal.data,
            error=refusal.message,
            error_kind=refusal.kind,
        )


class ConfirmationRequest(BaseModel):
    """A write waiting for the shopper's explicit yes: the stored proposal's server-issued id,
    its exact arguments and what the shopper was shown. ``key`` hashes the action and the
    normalised arguments, so changed arguments are another request."""

    model_config = ConfigDict(frozen=True)

    request_id: str
    action: str
    arguments: dict[str, Any]
    summary: str

    @staticmethod
    def key_for(action: str, arguments: dict[str, Any]) -> str:
        canonical = json.dumps({"action": action, "arguments": arguments}, sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:24]

    @property
    def key(self) -> str:
        return self.key_for(self.action, self.arguments)


@dataclass
class ToolContext:
    """What every tool receives first. ``session_user_id`` is the conversation's identified
    customer: set by code from a signed-in session or from credentials the shopper typed,
    never from an argument the model chose. ``pending`` is the proposal waiting for a yes and
    ``executed`` the keys of proposals already carried out (both from the stored conversation,
    never from a client); ``conversation_id`` is recorded with each proposal (a newer one
    supersedes it there).
    ``operator`` (replays, admin scripts) lifts the account guards; the model can never set
    it.

    Identification reads two fields no model argument reaches: ``shopper_typed``, the
    shopper's own messages in this conversation (an email, or a name and zip, must appear in
    them), and ``vouched_user_id``, the customer the embedding site vouched for with a signed
    token (set by the door that verified the token, ``ui.api``)."""

    store: Store
    session_user_id: str | None = None
    operator: bool = False
    pending: ConfirmationRequest | None = None
    executed: set[str] = field(default_factory=set)
    conversation_id: str | None = None
    shopper_typed: tuple[str, ...] = ()
    vouched_user_id: str | None = None
    # The shop's checkout page as a URL template (``AISLE_CHECKOUT_URL``, ``tools.checkout``):
    # set, checkout hands the cart over there instead of placing an order.
    checkout_url: str | None = None


@dataclass(frozen=True)
class Proposed:
    """A checked write that has not happened: what to show the shopper, and how to write it in
    a given session (the caller's transaction, which also consumes the stored proposal).
    ``write`` must re-assert its preconditions in the write itself (conditional update) and
    raise a ``Refusal`` when they no longer hold, which rolls the transaction back.

    ``bound``: the arguments as the tool completed them, stored (and confirmed) in place of
    the caller's: a checkout binds the cart lines, prices, total and address it checked, so
    the yes applies to exactly what the shopper saw and the confirming call checks again that
    the data still matches."""

    summary: str
    write: Callable[[Session], ToolResult]
    bound: dict[str, Any] | None = None

    def apply(self, ctx: ToolContext) -> ToolResult:
        """Write in a transaction of its own (the operator path)."""
        with ctx.store.session() as session:
            return self.write(session)


class Handover(BaseModel):
    """What a write tool returns when, in this shop, it writes nothing and hands the shopper
    to the shop's own page instead (checkout with ``AISLE_CHECKOUT_URL``): a plain result,
    never stored as a proposal or confirmed."""

    url: str


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    fn: Callable[..., Any]
    arguments: type[BaseModel]
    write: bool = False

    def schema(self) -> dict[str, Any]:
        parameters = _strip_titles(self.arguments.model_json_schema())
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": parameters,
            },
        }

    def validate(self, arguments: dict[str, Any] | str | None) -> dict[str, Any]:
        """Validated, normalised arguments, or ``BadArgument`` naming each problem (the
        arguments' size and shape first, ``tools.fields``)."""
        if isinstance(arguments, str):
            check_json_text(arguments)
            try:
                arguments = json.loads(arguments or "{}")
            except json.JSONDecodeError as exc:
                raise BadArgument(
                    f"arguments are not valid JSON ({exc.msg}); send a JSON "
                    "object of argument names to values"
                ) from exc
        if not isinstance(arguments, dict):
            raise BadArgument("arguments must be a JSON object of argument names to values")
        check_shape(arguments)
        try:
            model = self.arguments.model_validate(arguments)
        except ValidationError as exc:
            raise BadArgument("; ".join(self._explain(e) for e in exc.errors())) from exc
        return {name: getattr(model, name) for name in type(model).model_fields}

    def _explain(self, error: Any) -> str:
        where = ".".join(str(p) for p in error["loc"]) or "arguments"
        fields = self.arguments.model_fields
        if error["type"] == "extra_forbidden":
            return f"{where}: unknown argument; {self.name} takes {', '.join(fields)}"
        hint = fields[str(error["loc"][0])].description if error["loc"] else None
        got = "" if error["type"] == "missing" else f" (got {_shown(error.get('input'))})"
        expected = f"; expected: {hint}" if hint else ""
        return f"{where}: {error['msg']}{got}{expected}"

    def call(self, ctx: ToolContext, arguments: dict[str, Any] | str | None) -> ToolResult:
        """Run the tool with ``arguments``. A write tool only proposes: its result's ``data`` is
        the ``ConfirmationRequest`` to store and show the shopper."""
        try:
            args = self.validate(arguments)
            if not self.write:
                return ToolResult.success(self.fn(ctx, **args))
            proposal = self._propose(ctx, args)
            if isinstance(proposal, Handover):
                return ToolResult.success(proposal)
            normalised = self._jsonable(proposal.bound if proposal.bound is not None else args)
            request = ConfirmationRequest(
                request_id=confirmations.new_id(),
                action=self.name,
                arguments=normalised,
                summary=proposal.summary,
            )
            if request.key in ctx.executed:
                raise NotConfirmed(
                    "this exact change was already made in this conversation; nothing to do"
                )
            confirmations.record(
                ctx.store,
                request.request_id,
                request.action,
                request.arguments,
                request.key,
                request.summary,
                ctx.conversation_id,
                ctx.session_user_id,
            )
            return ToolResult(
                ok=True,
                data=request,
                content=(
                    "Not done yet. Show the shopper these details and ask for an explicit yes:\n"
                    f"{proposal.summary}"
                ),
            )
        except Refusal as refusal:
            return ToolResult.refused(refusal)

    def _propose(self, ctx: ToolContext, args: dict[str, Any]) -> Proposed | Handover:
        proposal = self.fn(ctx, **args)
        if not isinstance(proposal, Proposed | Handover):
            raise TypeError(f"write tool {self.name} must return Proposed, got {type(proposal)}")
        return proposal

    def _checked(self, ctx: ToolContext, args: dict[str, Any]) -> Proposed:
        """The write proposed again against the current data (a handover writes nothing)."""
        proposal = self._propose(ctx, args)
        if isinstance(proposal, Handover):
            raise NotConfirmed("this shop completes it on its own page; nothing to confirm here")
        return proposal

    def _jsonable(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.arguments.model_validate(args).model_dump(mode="json")


def _already_done(outcome: str | None) -> AlreadyDone:
    return AlreadyDone(
        "this change was already made; nothing was changed again", data=outcome or ""
    )


def _shown(value: Any) -> str:
    """A rejected value as the model is told it: short, whatever was sent."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text):,} characters)"


def _strip_titles(schema: Any) -> Any:
    """pydantic's schema without its generated ``title`` keys (noise in the prompt)."""
    if isinstance(schema, list):
        return [_strip_titles(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title":
            continue
        if key in ("properties", "$defs"):
            out[key] = {name: _strip_titles(sub) for name, sub in value.items()}
        else:
            out[key] = _strip_titles(value)
    return out


@overload
def tool(fn: Callable[..., Any], /) -> Tool: ...
@overload
def tool(*, write: bool = False) -> Callable[[Callable[..., Any]], Tool]: ...


def tool(fn: Callable[..., Any] | None = None, /, *, write: bool = False) -> Any:
    """Make a ``Tool`` of ``fn(ctx, ...)``; raises ``ToolDefinitionError`` at import when its
    docstring, an argument's description or a type hint is missing."""
    if fn is None:
        return lambda f: _build(f, write)
    return _build(fn, write)


def _build(fn: Callable[..., Any], write: bool) -> Tool:
    where = f"{fn.__module__}.{fn.__qualname__}"
    if not (fn.__doc__ or "").strip():
        raise ToolDefinitionError(
            f"{where}: tool has no docstring; describe what it does and each argument under 'Args:'"
        )
    description, described = parse_docstring(fn.__doc__ or "")
    params = list(inspect.signature(fn).parameters.values())
    if not params or params[0].name != "ctx":
        raise ToolDefinitionError(f"{where}: the first parameter must be 'ctx: ToolContext'")
    try:
        hints = inspect.get_annotations(fn, eval_str=True)
    except NameError as exc:
        raise ToolDefinitionError(f"{where}: cannot resolve a type hint: {exc}") from exc
    fields: dict[str, Any] = {}
    for p in params[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise ToolDefinitionError(f"{where}: *args/**kwargs cannot be described to a model")
        if p.name not in hints:
            raise ToolDefinitionError(f"{where}: argument '{p.name}' has no type hint")
        if not described.get(p.name):
            raise ToolDefinitionError(
                f"{where}: argument '{p.name}' has no description; add "
                f"'{p.name}: ...' under 'Args:' in the docstring"
            )
        default = ... if p.default is p.empty else p.default
        fields[p.name] = (hints[p.name], Field(default, description=described[p.name]))
    if extra := sorted(set(described) - {p.name for p in params}):
        raise ToolDefinitionError(f"{where}: the docstring describes unknown arguments {extra}")
    model = create_model(
        f"{fn.__name__}_arguments", __config__=ConfigDict(extra="forbid"), **fields
    )
    return Tool(name=fn.__name__, description=description, fn=fn, arguments=model, write=write)


class ToolSet:
    """Tools by name, in a fixed order (stable schemas keep llama.cpp's prefix cache warm)."""

    def __init__(self, tools: Iterable[Tool]) -> None:
        self._tools: dict[str, Tool] = {}
        for t in tools:
            if t.name in self._tools:
                raise ToolDefinitionError(f"two tools are named {t.name!r}; names must be unique")
            self._tools[t.name] = t

    def __getitem__(self, name: str) -> Tool:
        return self._tools[name]

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())

    def names(self) -> list[str]:
        return list(self._tools)

    def schemas(self) -> list[dict[str, Any]]:
        return [t.schema() for t in self._tools.values()]

    def _get(self, name: str) -> Tool:
        if name not in self._tools:
            raise BadArgument(f"there is no tool {name!r}; the tools are {', '.join(self._tools)}")
        return self._tools[name]

    def call(
        self, ctx: ToolContext, name: str, arguments: dict[str, Any] | str | None
    ) -> ToolResult:
        try:
            return self._get(name).call(ctx, arguments)
        except Refusal as refusal:
            return ToolResult.refused(refusal)

    def confirm(self, ctx: ToolContext, request: str | ConfirmationRequest) -> ToolResult:
        """Execute the pending proposal (``ctx.pending``) after the shopper's yes, once.

        ``request`` (an id, or the request with its arguments) must be the pending proposal,
        stored for this customer with the same arguments. The pending proposal comes only from
        the stored conversation state, so a conversation that holds it is this conversation or
        one continued from its checkpoint (a stateless OpenAI client's next turn); the store,
        not the conversation, makes it run once. The write is checked again against the
        current data, then the stored proposal is consumed and the write applied in one
        transaction. A proposal already consumed (by a second yes, a replay, another process,
        or before a crash) applies nothing: the result is an ``already_done`` refusal whose
        ``data`` is what the write did. A failed write closes the proposal with its reason.
        The caller records the key as executed."""
        try:
            pending = self._pending(ctx, request)
            found = self._get(pending.action)
            args = found.validate(pending.arguments)
            try:
                proposal = found._checked(ctx, args)  # checks again against current data
                with ctx.store.session() as session:
                    if not confirmations.claim(session, pending.request_id):
                        raise NotConfirmed("this proposal is no longer waiting for a yes")
                    result = proposal.write(session)
                    confirmations.record_outcome(session, pending.request_id, result.content)
                return result
            except Refusal as refusal:
                now = confirmations.find(ctx.store, pending.request_id)
                if now is not None and now.status == ProposalStatus.DONE:
                    raise _already_done(now.outcome) from refusal  # another yes won meanwhile
                confirmations.settle(
                    ctx.store, pending.request_id, ProposalStatus.FAILED, refusal.message
                )
                raise
        except Refusal as refusal:
            return ToolResult.refused(refusal)

    @staticmethod
    def _pending(ctx: ToolContext, request: str | ConfirmationRequest) -> ConfirmationRequest:
        """The pending proposal ``request`` names, as stored; a refusal otherwise."""
        pending = ctx.pending
        request_id = request if isinstance(request, str) else request.request_id
        mismatch = NotConfirmed(
            "this does not match the change waiting for confirmation; "
            "nothing was changed. Propose the change again and ask the "
            "shopper to confirm it"
        )
        if (
            pending is None
            or request_id != pending.request_id
            or (isinstance(request, ConfirmationRequest) and request.key != pending.key)
        ):
            raise mismatch
        row = confirmations.find(ctx.store, pending.request_id)
        if (
            row is None
            or row.key != pending.key
            or row.action != pending.action
            or (row.user_id != ctx.session_user_id and not ctx.operator)
        ):
            raise mismatch
        if row.status == ProposalStatus.DONE:
            raise _already_done(row.outcome)
        if row.status == ProposalStatus.PROPOSED and confirmations.expired(row):
            confirmations.settle(ctx.store, row.proposal_id, ProposalStatus.EXPIRED)
            minutes = int(confirmations.PROPOSAL_TTL.total_seconds() // 60)
            raise NotConfirmed(
                f"this proposal expired after {minutes} minutes; nothing was "
                "changed. Propose the change again and ask the shopper to "
                "confirm it"
            )
        if row.status != ProposalStatus.PROPOSED:
            reason = f": {row.outcome}" if row.outcome else ""
            raise NotConfirmed(f"this proposal is {row.status}{reason}; nothing was changed")
        return pending

    def execute_confirmed(
        self, ctx: ToolContext, name: str, arguments: dict[str, Any] | str | None
    ) -> ToolResult:
        """The operator path: same validation, checks and conditional write, no conversation
        step. Reads simply run; a write identical to one already executed applies nothing."""
        try:
            found = self._get(name)
            if not found.write:
                return found.call(ctx, arguments)
            result = self._execute(ctx, found, arguments)
            if result.ok:  # the operator's own context: a repeat in one replay applies nothing
                ctx.executed.add(
                    ConfirmationRequest.key_for(
                        found.name, found._jsonable(found.validate(arguments))
                    )
                )
            return result
        except Refusal as refusal:
            return ToolResult.refused(refusal)

    def _execute(
        self, ctx: ToolContext, found: Tool, arguments: dict[str, Any] | str | None
    ) -> ToolResult:
        args = found.validate(arguments)
        key = ConfirmationRequest.key_for(found.name, found._jsonable(args))
        if key in ctx.executed:
            raise NotConfirmed("this exact change was already made; nothing was changed again")
        return found._checked(ctx, args).apply(ctx)  # checks again against current data
