"""Errors of the tools layer, for their two audiences.

People (developers writing tools) get a typed exception raised at import time:

    AisleError                      (store.errors)
     └── ToolError
          └── ToolDefinitionError   a function cannot become a tool (missing docstring, argument
                                    description or type hint)

The model gets refusals: raised inside a tool, caught by the tool machinery and returned to the
LLM as an observation it can act on ("unknown order id #W123; ask the shopper to check it").
They never escape ``Tool.call``; ``kind`` lets code (the agent, tests) tell them apart:

    Refusal
     ├── BadArgument        an argument failed validation
     ├── UnknownId          no such order, user, product, item or payment method, or (in the
     │                      same words) one of another customer, or credentials the shopper
     │                      did not type: a refusal is no oracle for what exists
     ├── NotAuthenticated   account data before the customer is identified
     ├── PolicyViolation    a status, reason, balance or option rule says no
     ├── Conflict           the row changed between the check and the write; nothing was applied
     ├── SoldOut            not enough stock left for a checkout (``data``: what is left)
     ├── NotConfirmed       a confirmation that does not match the pending request, or one
     │                      that was declined, superseded or failed
     └── AlreadyDone        a yes to a write already carried out (a second yes, a replay, a
                            retry after a crash); ``data`` is what the write did

Not here: the store's own errors (``store.errors``).
"""

from __future__ import annotations

from typing import Any

from store.errors import AisleError


class ToolError(AisleError):
    pass


class ToolDefinitionError(ToolError):
    """A tool function is missing what its schema is derived from; the message names it."""


class Refusal(Exception):
    """A message for the model: what went wrong and what to do instead."""

    kind = "refused"

    def __init__(self, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = data


class BadArgument(Refusal):
    kind = "bad_argument"


class UnknownId(Refusal):
    kind = "unknown_id"


class NotAuthenticated(Refusal):
    kind = "not_authenticated"


class PolicyViolation(Refusal):
    kind = "policy"


class Conflict(Refusal):
    kind = "conflict"


class SoldOut(Refusal):
    kind = "sold_out"


class NotConfirmed(Refusal):
    kind = "not_confirmed"


class AlreadyDone(Refusal):
    kind = "already_done"
