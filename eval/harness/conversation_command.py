"""``aisle eval conversations``: the flows of /work/notes/flows.md, phrased by a bank.

    aisle eval conversations [--bank dev|test|FILE] [--language en|zh|es] [--flows a,b]
        [--shops demo,tau2]
        [--cases N] [--trials K] [--scripted] [--json] [--out DIR] [--shops-dir DIR]

It checks the bank first (a bank that misses a flow or key, or uses a placeholder a flow does
not allow, stops the command before anything runs), builds the shops (the data dir's demo
shop, tau2 and the fixture shops when their data is there), runs the suite with progress on
stderr, writes the run folder and its report, prints per-flow pass rates and the gates, and
exits with status 2 when a gate is missed (``--no-gates``: report only).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated, Any

import typer

from eval.harness.banks import load_bank
from eval.harness.commands import (  # the options every suite command shares
    NoGatesOpt,
    OutOpt,
    ScriptedOpt,
    SeedOpt,
    Tau2Opt,
    _git_revision,
)
from eval.harness.conversation_shops import DEFAULT_SHOPS_DIR, conversation_shops
from eval.harness.conversation_suite import (
    DEFAULT_CASES,
    ConversationOptions,
    run_conversations,
    select_flows,
)
from eval.harness.flows import BANK_OPTIONAL, FLOWS
from eval.harness.gates import GateResult
from eval.harness.report import write_report
from eval.harness.runs import RunWriter
from eval.harness.runtime_env import build_env, chat_model, default_tau2
from ui.cli_common import JsonOpt, emit_json, err, errors, settings_of
from ui.runtime import Runtime

BankOpt = Annotated[
    str,
    typer.Option(help="Phrasing bank: dev (tuned on), test (held out) or a path to a TOML bank."),
]
LanguageOpt = Annotated[
    str,
    typer.Option(
        help="The shoppers' language: en, zh or es (the dev and test banks of that language)."
    ),
]
FlowsOpt = Annotated[str | None, typer.Option(help="Comma-separated flow ids (default: all 39).")]
ShopsOpt = Annotated[
    str | None,
    typer.Option(help="Comma-separated shops: demo, tau2, outdoor, fashion, home (default: all)."),
]
ConvCasesOpt = Annotated[int, typer.Option(min=1, help="Conversations per flow.")]
ConvTrialsOpt = Annotated[int, typer.Option(min=1, max=8, help="Trials per conversation.")]
ShopsDirOpt = Annotated[
    Path,
    typer.Option(
        help="Folder of the fixture catalogs outdoor_gear, fashion and home_kitchen (.csv)."
    ),
]


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def _split(text: str | None) -> list[str] | None:
    return [t.strip() for t in text.split(",") if t.strip()] if text else None


def conversations(
    ctx: typer.Context,
    bank: BankOpt = "test",
    language: LanguageOpt = "en",
    flows: FlowsOpt = None,
    shops: ShopsOpt = None,
    cases: ConvCasesOpt = DEFAULT_CASES,
    trials: ConvTrialsOpt = 1,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    scripted: ScriptedOpt = False,
    seed: SeedOpt = 11,
    tau2: Tau2Opt = None,
    shops_dir: ShopsDirOpt = DEFAULT_SHOPS_DIR,
    no_gates: NoGatesOpt = False,
) -> None:
    """Multi-turn conversations over 39 flows (discovery, service, purchase), phrased by a bank and
    scored by facts: reply kind, cards against the catalog and constraints, options, DB state,
    no echo, promise or prompt text. Gates: every flow >= 0.9, overall >= 0.95, nothing
    invented, no violating product, no prompt text."""
    options = ConversationOptions(_split(flows), _split(shops), cases, trials, seed)
    with errors():
        code = _run(ctx, bank, language, options, as_json, out, scripted, tau2, shops_dir)
    if code and not no_gates:
        raise typer.Exit(code)


def _run(
    ctx: typer.Context,
    bank_name: str,
    language: str,
    options: ConversationOptions,
    as_json: bool,
    out: Path | None,
    scripted: bool,
    tau2: Path | None,
    shops_dir: Path,
) -> int:
    select_flows(options.flows)  # unknown flow ids fail before anything is built
    bank = load_bank(bank_name, FLOWS, language, optional=BANK_OPTIONAL)
    runtime = Runtime(settings_of(ctx))
    folder = out or RunWriter.default_folder(
        runtime.settings.data_dir / "eval-runs", "conversations"
    )
    llm = chat_model(runtime, scripted)
    writer = RunWriter(
        folder,
        {
            "suite": "conversations",
            "model": llm.model,
            "scripted": scripted,
            "llm_base_url": runtime.settings.llm_base_url,
            "git": _git_revision(),
            "options": {
                "bank": bank.name,
                "language": bank.language,
                "flows": options.flows,
                "shops": options.shops,
                "cases": options.cases,
                "trials": options.trials,
                "seed": options.seed,
                "shops_dir": str(shops_dir),
            },
            "data_dir": str(runtime.settings.data_dir),
        },
    )
    work = folder / "work"
    env = build_env(runtime, llm, work, tau2 or default_tau2())
    env.shops.update(
        conversation_shops(shops_dir, tau2 or default_tau2(), work, lambda: runtime.embedder)
    )
    try:
        summary = run_conversations(env, writer, bank, options)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary = writer.finish(summary)
    md, page = write_report(folder)
    gates = [GateResult(**g) for g in summary["gates"]]
    if as_json:
        emit_json({**summary, "folder": str(folder), "report": str(page)})
    else:
        print_summary(summary, gates)
        err.print(f"report: {page}\n        {md}")
    return 2 if any(g.passed is False for g in gates) else 0


def print_summary(summary: dict[str, Any], gates: list[GateResult]) -> None:
    part = summary["conversations"]
    err.print(
        f"conversations ({summary['bank']} bank), {part['trials']} trial(s):", highlight=False
    )
    for name, f in [*part["flows"].items(), ("overall", part["overall"])]:
        ks = " ".join(f"pass^{k} {_f(v)}" for k, v in f["pass_hat_k"].items())
        checks = ", ".join(f"{k} {n}" for k, n in list(f["failed_checks"].items())[:3])
        err.print(
            f"  {name:22s} n={f['conversations']:3d} pass rate {_f(f['pass_rate']):5s} {ks}"
            f"  invented {f['invented']} violating {f['violating']} echo {f['echo']} "
            f"promise {f['promise']} prompt {f['prompt_text']} "
            f"in language {_f(f.get('in_language'))}"
            + (f"; failed first: {checks}" if checks else ""),
            highlight=False,
            markup=False,
        )
    for s in part["skipped"]:
        err.print(f"  skipped {s['flow']} on {s['shop']}: {s['reason']}", highlight=False)
    for gate in gates:
        colour = "green" if gate.passed else "red" if gate.passed is False else "yellow"
        err.print(f"[{colour}]gate[/] {gate.text()}", highlight=False)
