"""`aisle bench turn`: where the time of an assistant turn goes, on the shop of the data dir.

Each session is a shopper (a user of the shop, signed in, so the profile is used) sending one
of the shop's labelled test queries and then a follow-up (``FOLLOW_UP``, a thank-you the model
answers in text, so its time to first token is the prefix cache at work, not a tool call).

1. The LLM run (unless ``use_llm`` is off): the real chat model of the settings (the embedded
   GGUF by default) drives every session; its tool calls and replies are recorded. One
   warm-up session first, not counted (its first call evaluates the whole system prompt).
   Follow-up time to first token: from the start of the turn to the first text the shopper
   is shown (``TextDelta``), and llama.cpp's own prompt/generation counters per model call.
   Between the turns the shopper reads: the agent's background prefill (``Limits.
   prefill_between_turns``, on as in the product) evaluates the conversation so far, and the
   bench waits for it, reporting how long it took (the reading time it needs) and how many
   tokens it evaluated. ``prefill=False`` turns it off, for comparison.
2. The scripted run: the same sessions ``repeats`` times with ``ScriptedChat`` replaying the
   recorded calls, so the tools do exactly the same work with no model time. Without the LLM
   run the script is a plain search for the query and a fixed text.

Stages are timed from outside (``eval.turn_timing``): profile (loading the shopper's profile
facts), retrieval (both searchers, loading candidate records), ranking (the ranker's rerank),
explanations (review summaries and reasons), guards (constraint parsing and re-checks, the
grounding check), other (the rest of the non-LLM time: session state, tool validation). The
non-LLM p50 and the stages are over the query turns (the follow-ups' p50 is reported beside).
The goals: non-LLM p50 at most 300 ms, follow-up time to first token at most 1.5 s.

Not here: the stage instrumentation (``eval.turn_timing``), building the shop or its index.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlmodel import col, select
from tqdm import tqdm

import assistant.agent as agent_module
import assistant.respond.claims as claims_module
import tools.shop_context as shop_context
import tools.shopping as shopping
from assistant.agent import Assistant
from assistant.events import TextDelta
from assistant.llm.llamacpp import LlamaCppChat, PrefillStats
from assistant.llm.scripted import ScriptedChat, Step, call
from assistant.llm.types import ChatModel
from eval.turn_timing import ModelStep, Stopwatch, TimedChat
from store.db import Store
from store.errors import AisleError
from store.models import LabelledQuery, User

FOLLOW_UP = "Thank you, that is all I needed!"
NON_LLM_GOAL_MS, TTFT_GOAL_S = 300.0, 1.5
SPARE: tuple[Step, ...] = ("Here you go.", "Here you go.")
STAGES = ("profile", "retrieval", "ranking", "explanations", "guards", "other")


class NothingToBench(AisleError):
    """The shop has no labelled test queries or no users to run turns with."""


@dataclass
class TurnTiming:
    wall_s: float
    llm_s: float
    stages_s: dict[str, float]
    ttft_s: float | None  # first text shown to the shopper
    steps: list[ModelStep] = field(default_factory=list)
    reading: PrefillStats | None = None  # the background prefill after this turn

    @property
    def non_llm_s(self) -> float:
        return self.wall_s - self.llm_s


@dataclass(frozen=True)
class TurnBenchReport:
    model: str
    ranker: str
    prefill: bool
    sessions: int
    repeats: int
    load_avg: dict[str, list[float]]
    non_llm_ms: dict[str, float]
    stages_ms_p50: dict[str, float]
    llm: dict[str, Any]
    follow_up: dict[str, Any]
    goals: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def sessions_of(store: Store, count: int) -> list[tuple[str, str]]:
    """(shopper's user id, first message) pairs: test queries, users in seed order."""
    with store.session() as s:
        queries = s.exec(select(LabelledQuery.query_id, LabelledQuery.query)
                         .where(LabelledQuery.split == "test").distinct()
                         .order_by(col(LabelledQuery.query_id)).limit(count)).all()
        users = s.exec(select(User.user_id).order_by(col(User.seq)).limit(count)).all()
    if not queries or not users:
        raise NothingToBench("the shop has no labelled test queries or no users; build the demo "
                             "shop first: aisle init-demo && aisle index")
    return [(users[i % len(users)], q) for i, (_, q) in enumerate(queries)]


def bench_turn(bot: Assistant, model: ChatModel | None, ranker: str, sessions: int,
               repeats: int, progress: bool = True, prefill: bool = True) -> TurnBenchReport:
    """Run the sessions (see the module docstring) with ``bot``, whose ``deps.llm`` is replaced
    for each run; ``model`` None skips the LLM run; ``prefill`` off: no background prefill
    between the turns of the LLM run."""
    load_before = list(os.getloadavg())
    bot.deps.limits = replace(bot.deps.limits, prefill_between_turns=prefill)
    plan = sessions_of(bot.deps.store, sessions + 1)
    watch = Stopwatch()
    with watch.instrument(_targets(bot)):
        llm_turns: list[tuple[TurnTiming, TurnTiming]] = []
        # Per session, the model's replies in each of its two turns.
        scripts: list[tuple[list[Step], list[Step]]] = [
            ([call("search_products", query=q), "Here you go."], ["You are welcome!"])
            for _, q in plan[1:]]
        if model is not None:
            timed = TimedChat(model)
            _session(bot, watch, [timed, timed], *plan[0])  # warm-up: the cold system prompt
            bar = tqdm(plan[1:], desc="LLM sessions", disable=not progress)
            llm_turns = [_session(bot, watch, [timed, timed], user, q) for user, q in bar]
            scripts = [([s.completion for s in first.steps], [s.completion for s in second.steps])
                       for first, second in llm_turns]
        scripted: list[tuple[TurnTiming, TurnTiming]] = []
        bot.deps.limits = replace(bot.deps.limits, prefill_between_turns=False)
        for _ in tqdm(range(repeats), desc="scripted replays", disable=not progress):
            for (user, query), script in zip(plan[1:], scripts, strict=True):
                # Spare replies: a turn the LLM run cut short (time limit) asks once more here.
                models = [TimedChat(ScriptedChat([*steps, *SPARE])) for steps in script]
                scripted.append(_session(bot, watch, models, user, query))
    queries = [first for first, _ in scripted]
    non_llm = [t.non_llm_s * 1000 for t in queries]
    follow_ups = [second.non_llm_s * 1000 for _, second in scripted]
    p50 = statistics.median(non_llm)
    ttfts = [second.ttft_s for _, second in llm_turns]
    ttft_p50 = _median([t for t in ttfts if t is not None])
    return TurnBenchReport(
        model=model.model if model is not None else "none (scripted only)",
        ranker=ranker,
        prefill=prefill,
        sessions=len(plan) - 1,
        repeats=repeats,
        load_avg={"before": load_before, "after": list(os.getloadavg())},
        non_llm_ms={"p50": round(p50, 1), "p95": round(_p95(non_llm), 1),
                    "turns": len(non_llm),
                    "follow_up_p50": round(statistics.median(follow_ups), 1)},
        stages_ms_p50={s: round(statistics.median(t.stages_s.get(s, 0.0) * 1000
                                                  for t in queries), 1) for s in STAGES},
        llm=_llm_summary([t for pair in llm_turns for t in pair]),
        follow_up=_follow_up_summary(llm_turns, ttfts, ttft_p50),
        goals={"non_llm_p50_ms": NON_LLM_GOAL_MS, "non_llm_met": p50 <= NON_LLM_GOAL_MS,
               "follow_up_ttft_s": TTFT_GOAL_S,
               "follow_up_ttft_met": None if ttft_p50 is None else ttft_p50 <= TTFT_GOAL_S},
    )


def _targets(bot: Assistant) -> list[tuple[object, str, str]]:
    deps = bot.deps
    return [
        (shop_context, "load_profile_facts", "profile"),
        (deps.searcher, "search", "retrieval"),
        (deps.help_searcher, "search_help", "retrieval"),
        (shopping, "load_product_records", "retrieval"),
        (deps.ranker, "rerank", "ranking"),
        (shopping, "review_summaries", "explanations"),
        (shopping, "recommend", "explanations"),
        (shopping, "parse_constraints", "guards"),
        (shopping, "violations", "guards"),
        (agent_module, "read", "guards"),
        (agent_module, "decide", "guards"),
        (claims_module, "check_grounding", "guards"),
    ]


def _session(bot: Assistant, watch: Stopwatch, models: list[TimedChat], user: str,
             query: str) -> tuple[TurnTiming, TurnTiming]:
    """The query, then the follow-up, in a new session; ``models`` answer turn by turn. The
    shopper reads the first reply for as long as the model's background prefill takes (if it
    runs one): its time and tokens go on the first turn's ``reading``."""
    session_id = f"bench-{uuid.uuid4().hex[:12]}"
    first = _turn(bot, watch, models[0], query, session_id, user)
    inner = models[0].inner
    if isinstance(inner, LlamaCppChat) and bot.deps.limits.prefill_between_turns:
        first.reading = inner.wait_prefill()
    return first, _turn(bot, watch, models[1], FOLLOW_UP, session_id, user)


def _turn(bot: Assistant, watch: Stopwatch, model: TimedChat, message: str, session_id: str,
          user: str) -> TurnTiming:
    bot.deps.llm = model
    watch.reset()
    before = len(model.steps)
    started = time.perf_counter()
    ttft: float | None = None
    for event in bot.stream(message, session_id=session_id, user_id=user):
        if ttft is None and isinstance(event, TextDelta) and event.text.strip():
            ttft = time.perf_counter() - started
    wall = time.perf_counter() - started
    steps = model.steps[before:]
    llm = sum(s.seconds for s in steps)
    stages = dict(watch.seconds)
    stages["other"] = max(0.0, wall - llm - sum(stages.values()))
    return TurnTiming(wall, llm, stages, ttft, steps)


def _llm_summary(turns: list[TurnTiming]) -> dict[str, Any]:
    steps = [s for t in turns for s in t.steps]
    if not steps:
        return {}
    prompt = [s for s in steps if s.prompt_eval_s]
    gen = [s for s in steps if s.generation_s]
    return {
        "turn_s_p50": round(statistics.median(t.llm_s for t in turns), 2),
        "calls": len(steps),
        "calls_per_turn": round(len(steps) / len(turns), 2),
        "tool_calls": sum(len(s.completion.tool_calls) for s in steps),
        "prompt_tokens_per_s": _rate(sum(s.prompt_tokens_evaluated or 0 for s in prompt),
                                     sum(s.prompt_eval_s or 0 for s in prompt)),
        "generated_tokens_per_s": _rate(sum(s.generated_tokens or 0 for s in gen),
                                        sum(s.generation_s or 0 for s in gen)),
    }


def _follow_up_summary(turns: list[tuple[TurnTiming, TurnTiming]], ttfts: list[float | None],
                       p50: float | None) -> dict[str, Any]:
    if not turns:
        return {}
    firsts = [second.steps[0] for _, second in turns if second.steps]
    return {
        "ttft_s_p50": None if p50 is None else round(p50, 2),
        "ttft_s": [None if t is None else round(t, 2) for t in ttfts],
        "first_call_s": [round(s.first_event_s, 2) for s in firsts],
        "first_call_prompt_tokens_evaluated": [s.prompt_tokens_evaluated for s in firsts],
        "first_call_prompt_eval_s": [None if s.prompt_eval_s is None else
                                     round(s.prompt_eval_s, 2) for s in firsts],
        "first_call_context_tokens": [s.context_tokens for s in firsts],
        "kinds": [_kind(second) for _, second in turns],
        # The background prefill after the first turn: the reading time it needs.
        "prefill_s": [None if first.reading is None else round(first.reading.seconds, 2)
                      for first, _ in turns],
        "prefill_tokens": [None if first.reading is None else first.reading.tokens
                           for first, _ in turns],
    }


def _kind(turn: TurnTiming) -> str:
    calls = [c.name for s in turn.steps for c in s.completion.tool_calls]
    return "text" if not calls else "tools: " + ", ".join(calls)


def _rate(tokens: int, seconds: float) -> float | None:
    return round(tokens / seconds, 1) if seconds > 0 else None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

