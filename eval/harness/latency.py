"""The latency suite: single-turn probes of each kind of turn, and latency figures of any run.

Probes (``latency_cases``): a product search, a vague request (usually a clarifying question),
an order-status lookup by a real customer of the shop, a policy question and small talk, each
in a fresh session, ``trials`` times. ``summarise_latency`` reads any turns (probes, dialogue
and service turns alike): per-turn wall time p50/p95, time to the first streamed text delta
p50/p95 (over turns that streamed text; replies built by code stream none), the share of
turns whose text the model wrote and kept (streamed and not replaced by the grounding
fallback), the time outside tool steps (the LLM and the agent loop), and p50/p95 of every
tool's step time.

Not here: the turn timing itself (``driver``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import col, select

from eval.harness.cases import LatencyCase
from eval.harness.driver import TurnRecord, drive
from eval.harness.env import EvalEnv, discard
from eval.harness.stats import percentile
from store.db import Store
from store.models import Order, User

PROBES: tuple[tuple[str, str], ...] = (
    ("discovery", "I'm looking for running shoes under $120"),
    ("vague", "I need a new laptop"),
    ("service", "Hi, my email is {email}. What is the status of my order {order_id}?"),
    ("policy", "How long does a refund to my credit card take?"),
    ("chit-chat", "Hello! What can you help me with?"),
)


class LatencyResult(BaseModel):
    suite: str = "latency"
    case_id: str
    trial: int
    label: str
    seconds: float
    first_text_s: float | None = None
    outside_tools_s: float
    tool_ms: dict[str, float] = Field(default_factory=dict)
    reply_kind: str | None = None
    error: str | None = None

    def metrics(self) -> dict[str, float]:
        return {"seconds": self.seconds, "outside_tools_s": self.outside_tools_s}


def latency_cases(store: Store, count: int) -> list[LatencyCase]:
    with store.session() as session:
        found = session.exec(
            select(Order, User)
            .where(col(Order.user_id) == col(User.user_id))
            .order_by(col(Order.seq))
            .limit(1)
        ).first()
    fill = {"email": found[1].email, "order_id": found[0].order_id} if found else None
    probes = [(label, text) for label, text in PROBES if fill or "{" not in text]
    return [
        LatencyCase(
            case_id=f"l{i + 1:02d}-{label}",
            label=label,
            message=text.format(**fill) if fill else text,
        )
        for i, (label, text) in enumerate(probes[:count])
    ]


def run_latency(
    env: EvalEnv,
    cases: Sequence[LatencyCase],
    trials: int,
    session_prefix: str,
    on_case: Callable[[LatencyResult, list[TurnRecord]], None],
) -> None:
    shop = env.demo()
    store, path = env.fresh_store(shop, "latency")
    try:
        assistant = env.assistant(shop, store)
        for trial in range(trials):
            for case in cases:
                session = f"{session_prefix}-{case.case_id}-t{trial}"
                reply, record = drive(assistant, case.message, session, case.user_id, 1)
                tools: dict[str, float] = defaultdict(float)
                for step in record.steps:
                    tools[step.tool] += step.ms
                on_case(
                    LatencyResult(
                        case_id=case.case_id,
                        trial=trial,
                        label=case.label,
                        seconds=record.seconds,
                        first_text_s=record.first_text_s,
                        outside_tools_s=round(record.seconds - record.tool_ms / 1000, 3),
                        tool_ms=dict(tools),
                        reply_kind=reply.kind if reply else None,
                        error=record.error,
                    ),
                    [record],
                )
    finally:
        discard(store, path)


def _p(values: Sequence[float]) -> dict[str, float | None]:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "n": len(values)}


def summarise_latency(turns: Sequence[TurnRecord]) -> dict[str, Any]:
    """Latency figures over any turns (see the module docstring)."""
    per_tool: dict[str, list[float]] = defaultdict(list)
    for turn in turns:
        for step in turn.steps:
            per_tool[step.tool].append(step.ms)
    streamed = [t for t in turns if t.first_text_s is not None and not t.replaces_text]
    return {
        "turns": len(turns),
        # turns whose text the model wrote and streamed (the rest: built by code, or dropped)
        "model_text_share": len(streamed) / len(turns) if turns else None,
        "turn_seconds": _p([t.seconds for t in turns]),
        "first_text_seconds": _p([t.first_text_s for t in turns if t.first_text_s is not None]),
        "outside_tools_seconds": _p([t.seconds - t.tool_ms / 1000 for t in turns]),
        "tool_ms": {tool: _p(ms) for tool, ms in sorted(per_tool.items())},
    }
