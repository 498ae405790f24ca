"""The suites and their default sizes: ``dialogue``, ``service``, ``latency``, ``smoke``, ``all``.

``run_suite`` generates the cases of each part, runs them with progress on stderr, writes
every result as it is scored (``runs.RunWriter``), and returns the summary with the gates.
``smoke`` is a small mix of the three parts meant for CI with the scripted policy model (a few
seconds); ``all`` runs the three parts plus the extra evaluations the caller passes in (the
retrieval evaluation and, when a trained ranker exists, the ranker evaluation).

Default sizes: ``all`` must finish within 15 minutes on 2 cores with the embedded 1.5B model.
An LLM step takes about 5-20 s there and a turn two steps (a tool call, then the text), so
10-40 s a turn; a dialogue trial takes about 3 turns, a service scenario about 2 model turns
plus the "yes" (answered in code), a latency probe 1 turn. ``all`` runs 4 dialogue tasks,
5 service scenarios and 3 probes: about 25 turns, 10-13 minutes, plus the cold prompt of the
first turn (the system prompt and tool schemas are ~3,600 tokens) and the retrieval
evaluation (1-2 minutes); the ranker evaluation, when a trained ranker exists, adds its own
minutes. Measured on a shared machine at load 4-9 a turn took 20-340 s (p50 90 s), far
slower: there, run ``all`` with ``--cases 2`` or serve the model with vLLM.

Not here: the CLI (``commands``), the report (``report``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from eval.harness.cases import ServiceScenario
from eval.harness.dialogue import DialogueResult, run_dialogue, summarise_dialogue
from eval.harness.dialogue_tasks import generate_tasks
from eval.harness.driver import TurnRecord
from eval.harness.env import EvalEnv, EvalError, ShopUnderTest, discard
from eval.harness.gates import check_gates, gates_json
from eval.harness.latency import LatencyResult, latency_cases, run_latency, summarise_latency
from eval.harness.runs import RunWriter
from eval.harness.service import ServiceResult, run_service, summarise_service
from eval.harness.service_scenarios import generate_scenarios
from eval.harness.truth import CatalogTruth

SUITES = ("dialogue", "service", "latency", "smoke", "all")
# (cases, trials) per part, by suite; "service" cases are split demo 2/3, tau2 1/3
SIZES: dict[str, dict[str, tuple[int, int]]] = {
    "dialogue": {"dialogue": (10, 2)},
    "service": {"service": (12, 1)},
    "latency": {"latency": (5, 2)},
    "smoke": {"dialogue": (5, 2), "service": (12, 1), "latency": (5, 1)},
    "all": {"dialogue": (4, 1), "service": (5, 1), "latency": (3, 1)},
}
Extra = Callable[[], dict[str, Any]]


@dataclass
class SuiteOptions:
    cases: int | None = None  # overrides the default case count of every part
    trials: int | None = None  # overrides the default trials of every part
    max_turns: int = 6
    seed: int = 11


def parts_of(suite: str) -> dict[str, tuple[int, int]]:
    if suite not in SIZES:
        raise EvalError(f"unknown suite {suite!r}; choose one of {', '.join(SUITES)}")
    return SIZES[suite]


def run_suite(
    suite: str,
    env: EvalEnv,
    writer: RunWriter,
    options: SuiteOptions,
    extras: dict[str, Extra] | None = None,
) -> dict[str, Any]:
    parts = parts_of(suite)
    summary: dict[str, Any] = {
        "suite": suite,
        "parts": list(parts),
        "warm_up_seconds": env.warm_up(),
    }
    prefix = f"eval-{writer.folder.name}"
    for part, (cases, trials) in parts.items():
        cases, trials = options.cases or cases, options.trials or trials
        if part == "dialogue":
            summary[part] = _dialogue(env, writer, options, cases, trials, prefix)
        elif part == "service":
            summary[part] = _service(env, writer, options, cases, trials, prefix)
        else:
            summary[part] = _latency(env, writer, cases, trials, prefix)
    for name, extra in (extras or {}).items() if suite == "all" else ():
        try:
            summary[name] = extra()
        except Exception as exc:  # an extra evaluation failing is reported, not fatal
            summary[name] = {"error": f"{type(exc).__name__}: {exc}"}
    summary["latency_all_turns"] = summarise_latency(writer.turns)
    summary["gates"] = gates_json(check_gates(summary))
    return summary


def _bar(env: EvalEnv, total: int, desc: str) -> tqdm[Any]:
    return tqdm(total=total, desc=desc, unit="case", disable=not env.progress, leave=True)


def _dialogue(
    env: EvalEnv, writer: RunWriter, options: SuiteOptions, count: int, trials: int, prefix: str
) -> dict[str, Any]:
    shop = env.demo()
    store, path = env.fresh_store(shop, "dialogue")
    try:
        truth = CatalogTruth.from_store(store)
        tasks = generate_tasks(store, truth, count, seed=options.seed)
        for task in tasks:
            writer.case("dialogue", task)
        results: list[DialogueResult] = []
        with _bar(env, len(tasks) * trials, "dialogue") as bar:

            def done(result: DialogueResult, turns: list[TurnRecord]) -> None:
                results.append(result)
                writer.result(result, turns)
                bar.set_postfix_str(
                    f"{result.case_id} t{result.trial} {'ok' if result.success else 'FAIL'}"
                )
                bar.update()

            run_dialogue(
                lambda: env.assistant(shop, store),
                tasks,
                truth,
                trials,
                options.max_turns,
                prefix,
                done,
            )
        return summarise_dialogue(results)
    finally:
        discard(store, path)


def _scenarios(
    env: EvalEnv, count: int, seed: int
) -> tuple[list[tuple[ShopUnderTest, ServiceScenario]], dict[str, str]]:
    wanted = {"demo": count - count // 3, "tau2": count // 3}
    chosen: list[tuple[ShopUnderTest, ServiceScenario]] = []
    skipped: dict[str, str] = {}
    for name, n in wanted.items():
        shop = env.shop(name)
        if isinstance(shop, str):
            skipped[name] = shop
            continue
        store, path = env.fresh_store(shop, f"scenarios-{name}")
        try:
            chosen += [(shop, s) for s in generate_scenarios(store, name, n, seed)]
        finally:
            discard(store, path)
    if skipped.get("tau2") and "demo" not in skipped:  # keep the requested count
        shop = env.demo()
        store, path = env.fresh_store(shop, "scenarios-extra")
        try:
            extra = generate_scenarios(store, "demo", count, seed)
            known = {s.case_id for _, s in chosen}
            chosen += [(shop, s) for s in extra if s.case_id not in known][: wanted["tau2"]]
        finally:
            discard(store, path)
    if not chosen:
        raise EvalError(f"no shop to run service scenarios on: {skipped}")
    return chosen, skipped


def _service(
    env: EvalEnv, writer: RunWriter, options: SuiteOptions, count: int, trials: int, prefix: str
) -> dict[str, Any]:
    scenarios, skipped = _scenarios(env, count, options.seed)
    for _, scenario in scenarios:
        writer.case("service", scenario)
    results: list[ServiceResult] = []
    invalid: list[str] = []
    with _bar(env, len(scenarios) * trials, "service") as bar:

        def done(result: ServiceResult, turns: list[TurnRecord]) -> None:
            results.append(result)
            writer.result(result, turns)
            bar.set_postfix_str(f"{result.case_id} {'ok' if result.success else 'FAIL'}")
            bar.update()

        def bad(scenario: ServiceScenario, reason: str) -> None:
            invalid.append(scenario.case_id)
            writer.invalid("service", scenario.case_id, reason)
            bar.update(trials)

        run_service(env, scenarios, trials, options.max_turns, prefix, done, bad)
    return {**summarise_service(results), "skipped_shops": skipped, "invalid": invalid}


def _latency(
    env: EvalEnv, writer: RunWriter, count: int, trials: int, prefix: str
) -> dict[str, Any]:
    shop = env.demo()
    store, path = env.fresh_store(shop, "latency-cases")
    try:
        cases = latency_cases(store, count)
    finally:
        discard(store, path)
    for case in cases:
        writer.case("latency", case)
    turns: list[TurnRecord] = []
    with _bar(env, len(cases) * trials, "latency") as bar:

        def done(result: LatencyResult, records: list[TurnRecord]) -> None:
            turns.extend(records)
            writer.result(result, records)
            bar.set_postfix_str(f"{result.label} {result.seconds:.1f}s")
            bar.update()

        run_latency(env, cases, trials, prefix, done)
    return summarise_latency(turns)
