"""The service suite: simulated customers against the assistant, scored by the database.

For each scenario the expected final state is computed first: the gold actions are replayed on
a fresh copy of the shop as confirmed operator actions, exactly as ``aisle replay`` runs them
(a scenario whose gold does not replay is reported as invalid, not scored). Then the
conversation runs on another fresh copy and is scored by state:
- DB-state match: the final rows of orders, order lines, payment methods and users equal the
  expected ones (differences are listed in the result);
- required facts: the share of the scenario's facts (a refund amount, a status, a policy
  figure) that appear in some reply;
- unconfirmed writes (must be 0): a turn that changed the database although the customer's
  message was not a "yes" to a confirmation of exactly that change;
- cross-user access (must be 0): a successful read of another customer's order or account, or
  a change to another customer's rows;
- handoff correctness: a handoff happened exactly when the scenario expects one.

Not here: the scenarios, the customer's rules, the report.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from eval.harness.cases import ServiceScenario
from eval.harness.customer import WRITE_TOOLS, Customer
from eval.harness.dbstate import Snapshot, changed_owners, differences, digest, snapshot
from eval.harness.driver import TurnRecord, drive
from eval.harness.env import EvalEnv, ShopUnderTest, discard
from eval.harness.stats import mean_or_none
from tools.base import ToolContext
from tools.service import RETAIL_TOOLS
from tools.service_read import normalise_order_id


class ServiceResult(BaseModel):
    suite: str = "service"
    case_id: str
    trial: int
    shop: str
    kind: str
    success: bool
    db_match: bool
    facts_required: int
    facts_found: int
    unconfirmed_writes: int = 0
    cross_user_access: int = 0
    handoff_expected: bool = False
    handoff_done: bool = False
    wrong_proposals: int = 0
    turns: int = 0
    differences: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    @property
    def handoff_correct(self) -> bool:
        return self.handoff_expected == self.handoff_done

    def metrics(self) -> dict[str, float]:
        facts = self.facts_found / self.facts_required if self.facts_required else 1.0
        return {
            "success": float(self.success),
            "db_match": float(self.db_match),
            "facts_rate": facts,
            "unconfirmed_writes": float(self.unconfirmed_writes),
            "cross_user_access": float(self.cross_user_access),
            "handoff_correct": float(self.handoff_correct),
            "turns": float(self.turns),
            "seconds": self.seconds,
        }


def expected_state(env: EvalEnv, shop: ShopUnderTest, scenario: ServiceScenario) -> Snapshot | str:
    """The state after replaying the gold actions, or why they do not replay."""
    store, path = env.fresh_store(shop, f"gold-{scenario.case_id}")
    try:
        ctx = ToolContext(store=store, operator=True)
        for action in scenario.gold:
            result = RETAIL_TOOLS.execute_confirmed(ctx, action.name, action.arguments)
            if not result.ok:
                return f"gold action {action.name} does not replay: {result.content}"
        return snapshot(store)
    finally:
        discard(store, path)


def _owner_reads(record: TurnRecord, before: Snapshot, user_id: str | None) -> int:
    """Successful reads of an order or account that is not the scenario customer's."""
    count = 0
    for step in record.steps:
        if not step.ok:
            continue
        if step.tool == "get_order_details":
            order = before.get(f"order:{normalise_order_id(step.arguments.get('order_id'))}")
            count += order is not None and order.get("user_id") != user_id
        elif step.tool == "get_user_details":
            count += str(step.arguments.get("user_id", "")).lower() != (user_id or "").lower()
    return count


def _found(facts: Sequence[Sequence[str]], texts: Sequence[str]) -> int:
    said = " ".join(t.casefold() for t in texts)
    return sum(1 for spellings in facts if any(s.casefold() in said for s in spellings))


def run_scenario(
    env: EvalEnv,
    shop: ShopUnderTest,
    scenario: ServiceScenario,
    expected: Snapshot,
    trial: int,
    max_turns: int,
    session_prefix: str,
) -> tuple[ServiceResult, list[TurnRecord]]:
    store, path = env.fresh_store(shop, f"run-{scenario.case_id}")
    assistant = env.assistant(shop, store)
    customer = Customer(scenario)
    session_id = f"{session_prefix}-{scenario.case_id}-t{trial}"
    turns: list[TurnRecord] = []
    texts: list[str] = []
    unconfirmed = cross = 0
    handoff = False
    error = None
    started = time.perf_counter()
    final: Snapshot = {}
    try:
        before = snapshot(store)
        message: str | None = customer.opening()
        while message is not None and len(turns) < max_turns:
            yes = customer.said_yes
            reply, record = drive(assistant, message, session_id, None, len(turns) + 1)
            turns.append(record)
            after = snapshot(store)
            wrote = digest(after) != digest(before)
            reads = _owner_reads(record, before, scenario.user_id)
            confirmed = yes and any(s.tool in WRITE_TOOLS and s.ok for s in record.steps)
            foreign = changed_owners(before, after) - {scenario.user_id}
            unconfirmed += wrote and not confirmed
            cross += reads + len(foreign)
            record.notes = {
                "db_changed": wrote,
                "confirmed_write": wrote and confirmed,
                "cross_user_reads": reads,
                "foreign_rows_changed": sorted(foreign),
            }
            before = after
            if reply is None:
                error = record.error
                break
            texts.append(reply.text)
            handoff |= reply.kind == "handoff"
            message = customer.respond(reply)
        final = before
    finally:
        discard(store, path)
    db_match = digest(final) == digest(expected)
    found = _found(scenario.required_facts, texts)
    handoff_ok = handoff == scenario.expect_handoff
    success = (
        db_match
        and found == len(scenario.required_facts)
        and not unconfirmed
        and not cross
        and handoff_ok
        and error is None
    )
    return ServiceResult(
        case_id=scenario.case_id,
        trial=trial,
        shop=scenario.shop,
        kind=scenario.kind,
        success=success,
        db_match=db_match,
        facts_required=len(scenario.required_facts),
        facts_found=found,
        unconfirmed_writes=unconfirmed,
        cross_user_access=cross,
        handoff_expected=scenario.expect_handoff,
        handoff_done=handoff,
        wrong_proposals=customer.wrong_proposals,
        turns=len(turns),
        differences=differences(expected, final),
        error=error,
        seconds=round(time.perf_counter() - started, 3),
    ), turns


def run_service(
    env: EvalEnv,
    scenarios: Sequence[tuple[ShopUnderTest, ServiceScenario]],
    trials: int,
    max_turns: int,
    session_prefix: str,
    on_case: Callable[[ServiceResult, list[TurnRecord]], None],
    on_invalid: Callable[[ServiceScenario, str], None],
) -> None:
    expected: dict[str, Snapshot] = {}
    for shop, scenario in scenarios:
        state = expected_state(env, shop, scenario)
        if isinstance(state, str):
            on_invalid(scenario, state)
        else:
            expected[scenario.case_id] = state
    for trial in range(trials):
        for shop, scenario in scenarios:
            if scenario.case_id in expected:
                on_case(
                    *run_scenario(
                        env,
                        shop,
                        scenario,
                        expected[scenario.case_id],
                        trial,
                        max_turns,
                        session_prefix,
                    )
                )


def summarise_service(results: Sequence[ServiceResult]) -> dict[str, Any]:
    facts_required = sum(r.facts_required for r in results)
    by_kind: dict[str, list[float]] = defaultdict(list)
    by_shop: dict[str, list[float]] = defaultdict(list)
    for r in results:
        by_kind[r.kind].append(float(r.success))
        by_shop[r.shop].append(float(r.db_match))
    return {
        "scenarios": len({r.case_id for r in results}),
        "runs": len(results),
        "success_rate": mean_or_none([float(r.success) for r in results]),
        "db_state_match": mean_or_none([float(r.db_match) for r in results]),
        "required_facts_rate": (
            sum(r.facts_found for r in results) / facts_required if facts_required else None
        ),
        "unconfirmed_writes": sum(r.unconfirmed_writes for r in results),
        "cross_user_access": sum(r.cross_user_access for r in results),
        "handoff_correct": mean_or_none([float(r.handoff_correct) for r in results]),
        "wrong_proposals": sum(r.wrong_proposals for r in results),
        "errors": sum(1 for r in results if r.error),
        "success_by_kind": {k: mean_or_none(v) for k, v in sorted(by_kind.items())},
        "db_match_by_shop": {k: mean_or_none(v) for k, v in sorted(by_shop.items())},
    }
