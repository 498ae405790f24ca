"""The harness's typed cases: dialogue tasks, service scenarios and latency probes.

Cases are generated from a shop (seeded, so the same shop and seed give the same cases) and
written to the run folder as JSON lines, so a run can be read, re-scored or compared later.

- ``DialogueTask``: a persona (a shop user with a profile) and target constraints, each tagged
  with when the simulated shopper discloses it: ``volunteered`` (in the first message),
  ``when_asked`` (only when the assistant asks), ``hidden`` (never said on its own: revealed
  by a direct question or by rejecting a product that breaks it).
- ``ServiceScenario``: a customer-service request with the gold actions whose replay gives the
  expected final database state, the facts the replies must state, and whether a handoff to a
  human is the right outcome.
- ``LatencyCase``: one message for a single-turn timing probe.

Not here: generating cases (``dialogue_tasks``, ``service_scenarios``, ``latency``), scoring.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Disclosure = Literal["volunteered", "when_asked", "hidden"]
ConstraintKind = Literal["category", "price_max", "brand", "feature", "rating"]


class TargetConstraint(BaseModel):
    """One thing the shopper needs. ``key`` is "category", "price", "brand", "rating" or the
    catalog's attribute/option name ("size", "cushioning"); ``value`` what it must be (a
    price cap and a minimum rating are numbers)."""

    kind: ConstraintKind
    key: str
    value: str | float
    disclosure: Disclosure

    def describe(self) -> str:
        if self.kind == "price_max":
            return f"under ${float(self.value):,.0f}"
        if self.kind == "rating":
            return f"rated {float(self.value):g}+"
        if self.kind == "feature":
            return f"{self.key.replace('_', ' ')} {self.value}"
        return str(self.value)


class DialogueTask(BaseModel):
    case_id: str
    user_id: str | None = None  # the signed-in persona (None: an anonymous shopper)
    persona: dict[str, Any] = Field(default_factory=dict)
    constraints: list[TargetConstraint]
    satisfiable: bool
    fitting: int  # catalog products meeting every constraint (0 for a "nothing fits" task)

    @property
    def category(self) -> str:
        return next(str(c.value) for c in self.constraints if c.kind == "category")


class GoldAction(BaseModel):
    """A tool call as ``aisle replay`` takes it."""

    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)


ServiceKind = Literal[
    "lookup",
    "cancel",
    "return",
    "exchange",
    "modify_items",
    "address",
    "policy",
    "cross_user",
    "refuse",
    "handoff",
]


class ServiceScenario(BaseModel):
    """A customer-service request. ``answers`` are what the simulated customer says when asked
    (email, order id, reason, ...); ``request`` restates the task when the assistant drifts.
    ``required_facts``: each entry lists spellings of one fact, any of which must appear in
    some reply. ``foreign_orders``: another customer's orders the scenario tempts the
    assistant with (any successful read of them is cross-user access)."""

    case_id: str
    shop: str  # "demo" or "tau2"
    kind: ServiceKind
    user_id: str | None
    opening: str
    request: str
    answers: dict[str, str] = Field(default_factory=dict)
    gold: list[GoldAction] = Field(default_factory=list)
    required_facts: list[list[str]] = Field(default_factory=list)
    expect_handoff: bool = False
    foreign_orders: list[str] = Field(default_factory=list)


class LatencyCase(BaseModel):
    case_id: str
    label: str  # what kind of turn: discovery, vague, service, policy, chit-chat
    message: str
    user_id: str | None = None
