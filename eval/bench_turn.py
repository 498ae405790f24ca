"""`aisle bench turn`: where the time of an assistant turn goes, over the conversation suite's
turns, with the real chat model.

The bench runs conversations of ``aisle eval conversations`` (a few per flow, from a bank, on
the data dir's shop and the others the suite uses) with the settings' chat model (the embedded
GGUF by default), exactly as the product runs: the model is consulted when the shopper's words
decide nothing (``Limits.consult``; ``--consult always`` asks it every turn). Every turn's
events carry their own timing: the model's step (``choose_action``), the reading, each tool
step. Per turn:

- full: the turn's wall time, as the shopper waits for it;
- model: the ``choose_action`` step (zero when the model was not consulted);
- non-LLM: full minus model;
- stages: read (``read_message``), retrieval (``search_products``), ranking (``rank_products``:
  the ranker and the reasons), service (customer-service tools), other (the rest: the
  policy, composing the reply, saving the conversation).

Reported with the load average before and after (the machine is shared) and the goals of
issue #18: full p50 at most 8 s and p95 at most 20 s, non-LLM p50 at most 250 ms.

Not here: the conversations themselves (``eval.harness.conversation_suite``).
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from eval.harness.driver import TurnRecord

FULL_P50_GOAL_S, FULL_P95_GOAL_S, NON_LLM_P50_GOAL_MS = 8.0, 20.0, 250.0
MODEL_STEP, READ_STEP = "choose_action", "read_message"
STAGES = ("read", "retrieval", "ranking", "service", "other")
_STAGE_OF = {
    READ_STEP: "read",
    "search_products": "retrieval",
    "rank_products": "ranking",
    "ask_clarifying_question": "ranking",
    "compare_products": "retrieval",
    "get_product_details": "retrieval",
    "search_help_center": "retrieval",
}


@dataclass(frozen=True)
class TurnTiming:
    full_s: float
    model_s: float
    stages_ms: dict[str, float]

    @property
    def non_llm_ms(self) -> float:
        return (self.full_s - self.model_s) * 1000

    @classmethod
    def of(cls, record: TurnRecord) -> TurnTiming:
        model = sum(s.ms for s in record.steps if s.tool == MODEL_STEP) / 1000
        stages = dict.fromkeys(STAGES, 0.0)
        for step in record.steps:
            if step.tool != MODEL_STEP:
                stages[_STAGE_OF.get(step.tool, "service")] += step.ms
        stages["other"] = max(0.0, record.seconds * 1000 - model * 1000 - sum(stages.values()))
        return cls(record.seconds, model, stages)


@dataclass(frozen=True)
class TurnBenchReport:
    model: str
    consult: str
    ranker: str
    conversations: int
    turns: int
    load_avg: dict[str, list[float]]
    full_s: dict[str, float]
    non_llm_ms: dict[str, float]
    consulted: dict[str, Any]
    stages_ms_p50: dict[str, float]
    pass_rate: float | None
    goals: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` quantile (0..1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _spread(values: Sequence[float], digits: int) -> dict[str, float]:
    if not values:
        return {}
    return {
        "p50": round(statistics.median(values), digits),
        "p95": round(percentile(values, 0.95), digits),
        "max": round(max(values), digits),
    }


def timing_report(
    records: Sequence[TurnRecord],
    *,
    model: str,
    consult: str,
    ranker: str,
    conversations: int,
    load_before: list[float],
    pass_rate: float | None,
) -> TurnBenchReport:
    """The figures of the module docstring from the turns' records."""
    timings = [TurnTiming.of(r) for r in records if r.error is None]
    if not timings:
        raise ValueError("no turn completed; nothing to report")
    full = [t.full_s for t in timings]
    non_llm = [t.non_llm_ms for t in timings]
    asked = [t for t in timings if t.model_s > 0]
    full_p50, full_p95 = statistics.median(full), percentile(full, 0.95)
    non_llm_p50 = statistics.median(non_llm)
    return TurnBenchReport(
        model=model,
        consult=consult,
        ranker=ranker,
        conversations=conversations,
        turns=len(timings),
        load_avg={"before": load_before, "after": [round(x, 2) for x in os.getloadavg()]},
        full_s=_spread(full, 2),
        non_llm_ms=_spread(non_llm, 1),
        consulted={
            "turns": len(asked),
            "share": round(len(asked) / len(timings), 3),
            "model_s": _spread([t.model_s for t in asked], 2),
            "full_s": _spread([t.full_s for t in asked], 2),
        },
        stages_ms_p50={
            s: round(statistics.median(t.stages_ms[s] for t in timings), 1) for s in STAGES
        },
        pass_rate=pass_rate,
        goals={
            "full_p50_s": FULL_P50_GOAL_S,
            "full_p95_s": FULL_P95_GOAL_S,
            "non_llm_p50_ms": NON_LLM_P50_GOAL_MS,
            "full_p50_met": full_p50 <= FULL_P50_GOAL_S,
            "full_p95_met": full_p95 <= FULL_P95_GOAL_S,
            "non_llm_p50_met": non_llm_p50 <= NON_LLM_P50_GOAL_MS,
        },
    )
