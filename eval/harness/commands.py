"""The ``aisle eval`` commands of the harness: one per suite, and ``compare``.

``register(eval_app)`` adds ``aisle eval dialogue|service|latency|smoke|all``,
``aisle eval conversations`` (``conversation_command``) and ``aisle eval compare RUN_A RUN_B``
to the Typer app of ``eval.cli``. A suite command writes its
run folder, prints progress on stderr and the figures and gates at the end (one JSON object on
stdout with ``--json``), and exits with status 2 when a gate fails (``--no-gates``: report
only).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from eval.harness.commands_extra import extras_for
from eval.harness.compare import compare_runs, write_comparison
from eval.harness.gates import GateResult
from eval.harness.report import write_report
from eval.harness.runs import RunWriter
from eval.harness.runtime_env import build_env, chat_model, default_tau2
from eval.harness.suites import SIZES, SUITES, SuiteOptions, run_suite
from ui.cli_common import JsonOpt, emit_json, err, errors, settings_of
from ui.runtime import Runtime

HELP = {
    "dialogue": "Simulated shoppers with tagged constraints, scored by the catalog; pass^k.",
    "service": "Customer-service scenarios (demo and tau2 shops), scored by the final DB state.",
    "latency": "Per-turn latency, time to first text and tool step times of probe turns.",
    "smoke": "A small, fast mix of all suites for CI (use --scripted).",
    "all": "Every suite, plus the retrieval and (when trained) ranker evaluations.",
}

# Module-level option types: the annotations are evaluated in this module's namespace.
OutOpt = Annotated[
    Path | None, typer.Option(help="Run folder (default <data_dir>/eval-runs/<timestamp>-<suite>).")
]
TrialsOpt = Annotated[
    int | None,
    typer.Option(min=1, max=8, help="Trials per case (default: the suite's size, above)."),
]
CasesOpt = Annotated[
    int | None, typer.Option(min=1, help="Cases per part (default: the suite's size, above).")
]
TurnsOpt = Annotated[int, typer.Option(min=1, help="Most messages per conversation.")]
SeedOpt = Annotated[int, typer.Option(help="Seed of the generated cases.")]
ScriptedOpt = Annotated[
    bool,
    typer.Option(
        "--scripted", help="Use the deterministic scripted policy model (CI), not the LLM."
    ),
]
Tau2Opt = Annotated[
    Path | None, typer.Option(help="tau2-bench retail folder (default ../shared/data/tau2-retail).")
]
NoGatesOpt = Annotated[
    bool, typer.Option("--no-gates", help="Report the gates without failing the command.")
]


def register(app: typer.Typer) -> None:
    # imported here: the conversations command reuses this module's option types
    from eval.harness.conversation_command import conversations

    for suite in SUITES:
        app.command(suite)(_suite_command(suite))
    app.command("conversations")(conversations)
    app.command("compare")(compare)


def _git_revision() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).parent,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _suite_command(suite: str) -> Callable[..., None]:
    sizes = ", ".join(f"{part} {n} cases x {k} trials" for part, (n, k) in SIZES[suite].items())

    def command(
        ctx: typer.Context,
        as_json: JsonOpt = False,
        out: OutOpt = None,
        trials: TrialsOpt = None,
        cases: CasesOpt = None,
        max_turns: TurnsOpt = 6,
        seed: SeedOpt = 11,
        scripted: ScriptedOpt = False,
        tau2: Tau2Opt = None,
        no_gates: NoGatesOpt = False,
    ) -> None:
        with errors():
            code = run_command(
                ctx,
                suite,
                as_json,
                out,
                SuiteOptions(cases, trials, max_turns, seed),
                scripted,
                tau2,
            )
        if code and not no_gates:
            raise typer.Exit(code)

    command.__doc__ = f"{HELP[suite]} Default size: {sizes}."
    return command


def run_command(
    ctx: typer.Context,
    suite: str,
    as_json: bool,
    out: Path | None,
    options: SuiteOptions,
    scripted: bool,
    tau2: Path | None,
) -> int:
    """Run ``suite``; 2 when a gate failed, else 0."""
    runtime = Runtime(settings_of(ctx))
    folder = out or RunWriter.default_folder(runtime.settings.data_dir / "eval-runs", suite)
    llm = chat_model(runtime, scripted)
    meta: dict[str, Any] = {
        "suite": suite,
        "model": llm.model,
        "scripted": scripted,
        "llm_base_url": runtime.settings.llm_base_url,
        "git": _git_revision(),
        "options": {
            "cases": options.cases,
            "trials": options.trials,
            "max_turns": options.max_turns,
            "seed": options.seed,
        },
        "data_dir": str(runtime.settings.data_dir),
    }
    writer = RunWriter(folder, meta)
    env = build_env(runtime, llm, folder / "work", tau2 or default_tau2())
    try:
        summary = run_suite(suite, env, writer, options, extras_for(runtime, suite))
    finally:
        shutil.rmtree(folder / "work", ignore_errors=True)
    summary = writer.finish(summary)
    md, page = write_report(folder)
    gates = [GateResult(**g) for g in summary["gates"]]
    missed = [g for g in gates if g.passed is False]
    if as_json:
        emit_json({**summary, "folder": str(folder), "report": str(page)})
    else:
        _print_summary(summary, gates)
        err.print(f"report: {page}\n        {md}")
    return 2 if missed else 0


def _print_summary(summary: dict[str, Any], gates: list[GateResult]) -> None:
    d, s = summary.get("dialogue"), summary.get("service")
    if d:
        err.print(
            f"dialogue: {d['tasks']} tasks x {d['trials']} trials, success "
            f"{_f(d['success_rate'])}, pass^k {d['pass_hat_k']}, invented "
            f"{d['invented_products']}, redundant questions {d['redundant_questions']}, "
            f"violations shown {d['violations_shown']}"
        )
    if s:
        err.print(
            f"service: {s['scenarios']} scenarios, success {_f(s['success_rate'])}, DB "
            f"match {_f(s['db_state_match'])}, facts {_f(s['required_facts_rate'])}, "
            f"unconfirmed writes {s['unconfirmed_writes']}, cross-user "
            f"{s['cross_user_access']}, handoff {_f(s['handoff_correct'])}"
            + (f"; skipped {s['skipped_shops']}" if s.get("skipped_shops") else "")
        )
    lat = summary.get("latency_all_turns", {})
    if lat.get("turns"):
        t, f = lat["turn_seconds"], lat["first_text_seconds"]
        err.print(
            f"latency: {lat['turns']} turns, p50 {_f(t['p50'])} s, p95 {_f(t['p95'])} s; "
            f"first text p50 {_f(f['p50'])} s"
        )
    for extra in ("retrieval", "ranker"):
        if extra in summary:
            err.print(f"{extra}: {summary[extra]}", highlight=False)
    for gate in gates:
        colour = "green" if gate.passed else "red" if gate.passed is False else "yellow"
        err.print(f"[{colour}]gate[/] {gate.text()}", highlight=False)


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def compare(
    ctx: typer.Context,
    run_a: Annotated[Path, typer.Argument(help="The baseline run folder.")],
    run_b: Annotated[Path, typer.Argument(help="The run folder to compare with it.")],
    out: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the comparison (default <data_dir>/eval-runs/compare-A-vs-B)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Per-metric differences of paired cases with bootstrap 95% CIs, and which are real."""
    with errors():
        result = compare_runs(run_a, run_b)
        folder = out or (
            settings_of(ctx).data_dir / "eval-runs" / f"compare-{run_a.name}-vs-{run_b.name}"
        )
        _, page = write_comparison(result, folder)
        if as_json:
            emit_json({**result, "report": str(page)})
            return
        for r in result["metrics"]:
            verdict = ("improvement" if r["better"] else "regression") if r["real"] else "noise"
            err.print(
                f"{r['suite']:9s} {r['metric']:20s} n={r['n']:3d} B-A {r['delta']:+.3f} "
                f"[{r['low']:+.3f}, {r['high']:+.3f}] {verdict}",
                highlight=False,
            )
        err.print(f"report: {page}")
