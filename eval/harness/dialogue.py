"""The dialogue suite: simulated shoppers against the assistant, scored by state.

Each task runs ``trials`` times, each trial a fresh session signed in as the task's persona.
The shopper (``shopper.Shopper``) talks until it accepts a product, hears a correct "nothing
fits", the assistant hands off or fails, or ``max_turns`` messages were sent. Scores, per
trial: success (a recommended product meets every constraint, checked in the catalog, or a
correct "nothing fits"), turns to success, questions asked, questions about something already
said, products shown that break an already stated constraint, invented products (cards not in
the catalog, unknown ids, real brands the shop does not sell; must be 0), and over trials
pass^k for k = 1..4 (tau-bench's definition, ``stats.pass_hat_k``).

Not here: the shopper's rules, task generation, the report.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from assistant.agent import Assistant
from eval.harness.cases import DialogueTask
from eval.harness.driver import TurnRecord, drive
from eval.harness.shopper import Shopper
from eval.harness.stats import mean_or_none, pass_hat_k
from eval.harness.truth import CatalogTruth, Shown

MAX_K = 4


class DialogueResult(BaseModel):
    suite: str = "dialogue"
    case_id: str
    trial: int
    success: bool
    satisfiable: bool
    outcome: str | None  # accepted, nothing_fits, handoff, or None (ran out of turns / failed)
    accepted: str | None = None
    turns: int
    turns_to_success: int | None = None
    questions: int = 0
    redundant_questions: int = 0
    violations_shown: int = 0
    false_nothing_fits: int = 0
    invented: int = 0
    invented_details: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def metrics(self) -> dict[str, float]:
        """Per-case numbers that ``compare`` pairs across runs."""
        return {
            "success": float(self.success),
            "turns": float(self.turns),
            "questions": float(self.questions),
            "redundant_questions": float(self.redundant_questions),
            "violations_shown": float(self.violations_shown),
            "invented": float(self.invented),
            "seconds": self.seconds,
        }


def run_task(
    assistant: Assistant,
    task: DialogueTask,
    truth: CatalogTruth,
    trial: int,
    max_turns: int,
    session_prefix: str,
) -> tuple[DialogueResult, list[TurnRecord]]:
    shopper = Shopper(task, truth, trial)
    session_id = f"{session_prefix}-{task.case_id}-t{trial}"
    turns: list[TurnRecord] = []
    invented: list[str] = []
    message: str | None = shopper.opening()
    outcome = accepted = error = None
    started = time.perf_counter()
    while message is not None and len(turns) < max_turns:
        reply, record = drive(assistant, message, session_id, task.user_id, len(turns) + 1)
        turns.append(record)
        if reply is None:
            error = record.error
            break
        made_up = truth.invented(
            [Shown(c.product_id, c.title, c.price) for c in reply.products], reply.text
        )
        invented += made_up
        move = shopper.respond(reply)
        record.notes = {**move.notes, **({"invented": made_up} if made_up else {})}
        outcome, accepted, message = move.outcome, move.accepted, move.message
    success = (outcome == "accepted" and task.satisfiable) or (
        outcome == "nothing_fits" and not task.satisfiable
    )
    result = DialogueResult(
        case_id=task.case_id,
        trial=trial,
        success=success,
        satisfiable=task.satisfiable,
        outcome=outcome,
        accepted=accepted,
        turns=len(turns),
        turns_to_success=len(turns) if success else None,
        questions=shopper.questions,
        redundant_questions=shopper.redundant,
        violations_shown=shopper.violations_shown,
        false_nothing_fits=shopper.false_nothing,
        invented=len(invented),
        invented_details=invented,
        seconds=round(time.perf_counter() - started, 3),
        error=error,
    )
    return result, turns


def run_dialogue(
    make_assistant: Callable[[], Assistant],
    tasks: Sequence[DialogueTask],
    truth: CatalogTruth,
    trials: int,
    max_turns: int,
    session_prefix: str,
    on_case: Callable[[DialogueResult, list[TurnRecord]], None],
) -> None:
    """Every task x trial, trial-major (all tasks once, then again), so an interrupted run
    still has pass^1 for every task."""
    assistant = make_assistant()
    for trial in range(trials):
        for task in tasks:
            result, turns = run_task(assistant, task, truth, trial, max_turns, session_prefix)
            on_case(result, turns)


def summarise_dialogue(results: Sequence[DialogueResult]) -> dict[str, Any]:
    by_task: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        by_task[r.case_id].append(r.success)
    won = [r for r in results if r.success]
    nothing = [r for r in results if not r.satisfiable]
    return {
        "tasks": len(by_task),
        "trials": max((len(v) for v in by_task.values()), default=0),
        "runs": len(results),
        "success_rate": mean_or_none([float(r.success) for r in results]),
        "pass_hat_k": {str(k): pass_hat_k(list(by_task.values()), k) for k in range(1, MAX_K + 1)},
        "nothing_fits_success": mean_or_none([float(r.success) for r in nothing]),
        "turns_to_success": mean_or_none([float(r.turns) for r in won]),
        "questions_per_dialogue": mean_or_none([float(r.questions) for r in results]),
        "redundant_questions": sum(r.redundant_questions for r in results),
        "violations_shown": sum(r.violations_shown for r in results),
        "false_nothing_fits": sum(r.false_nothing_fits for r in results),
        "invented_products": sum(r.invented for r in results),
        "errors": sum(1 for r in results if r.error),
        "outcomes": _count(r.outcome or "none" for r in results),
    }


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return dict(out)
