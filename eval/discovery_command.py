"""``aisle eval discovery``: the discovery tasks of ``eval.discovery`` on any catalog.

    aisle eval discovery [--bank dev|test|FILE] [--shops outdoor,fashion,home,tau2,demo]
        [--catalog FILE ...] [--cases N] [--trials K] [--scripted] [--json] [--out DIR]

Each ``--catalog`` file (any format ``aisle import catalog`` reads) becomes a shop named after
the file, imported into a scratch database with the facets read from its text (as ``aisle
import catalog`` does by default) and indexed; so are the fixture shops. The data dir is
never written. Prints
the pass rate per group and shop, writes a run folder with every transcript, and exits with
status 2 when a gate is missed (``--no-gates``: report only).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer

from eval.discovery import DEFAULT_CASES, DEFAULT_SHOPS, GROUPS, run_discovery
from eval.harness.banks import load_bank
from eval.harness.commands import NoGatesOpt, OutOpt, ScriptedOpt, SeedOpt, Tau2Opt, _git_revision
from eval.harness.conversation_command import BankOpt, ConvTrialsOpt, ShopsDirOpt
from eval.harness.conversation_shops import DEFAULT_SHOPS_DIR, catalog_factory, conversation_shops
from eval.harness.env import EvalError
from eval.harness.flows import BANK_OPTIONAL, FLOWS
from eval.harness.gates import GateResult
from eval.harness.runs import RunWriter
from eval.harness.runtime_env import build_env, chat_model, default_tau2
from ui.cli_common import JsonOpt, emit_json, err, errors, settings_of
from ui.runtime import Runtime

DiscoveryShopsOpt = Annotated[
    str | None,
    typer.Option(
        help=f"Comma-separated shops (default: {','.join(DEFAULT_SHOPS)}); add your own "
        "with --catalog."
    ),
]
CatalogOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        exists=True,
        dir_okay=False,
        help="A catalog file to test on (Shopify CSV, Merchant TSV/XML, ACP, CSV/JSONL/Parquet"
        "); repeatable. The shop is named after the file.",
    ),
]
CasesOpt = Annotated[int, typer.Option(min=1, help="Tasks per flow and shop.")]


def catalog_name(path: Path) -> str:
    """A shop name for ``path``: its stem in lower case, letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", path.name.split(".")[0].lower()).strip("-") or "catalog"


def discovery(
    ctx: typer.Context,
    bank: BankOpt = "test",
    shops: DiscoveryShopsOpt = None,
    catalog: CatalogOpt = None,
    cases: CasesOpt = DEFAULT_CASES,
    trials: ConvTrialsOpt = 1,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    scripted: ScriptedOpt = False,
    seed: SeedOpt = 11,
    tau2: Tau2Opt = None,
    shops_dir: ShopsDirOpt = DEFAULT_SHOPS_DIR,
    no_gates: NoGatesOpt = False,
) -> None:
    """Discovery on any catalog: specific requests (type + facet + cap), vague ones (a
    clarifying question), impossible ones and things not sold, generated from each shop's
    catalog and scored against it. Gates: specific >= 0.9, vague >= 0.8, impossible and not
    sold >= 0.9, nothing invented, no violating product, no prompt text."""
    with errors():
        code = _run(ctx, bank, shops, catalog or [], cases, trials, seed, as_json, out, scripted,
                    tau2, shops_dir)  # fmt: skip
    if code and not no_gates:
        raise typer.Exit(code)


def _run(
    ctx: typer.Context,
    bank_name: str,
    shops: str | None,
    catalogs: list[Path],
    cases: int,
    trials: int,
    seed: int,
    as_json: bool,
    out: Path | None,
    scripted: bool,
    tau2: Path | None,
    shops_dir: Path,
) -> int:
    named = {catalog_name(p): p for p in catalogs}
    chosen = [s.strip() for s in shops.split(",") if s.strip()] if shops else None
    names = chosen if chosen is not None else [*DEFAULT_SHOPS] if not named else []
    known = {*DEFAULT_SHOPS, *named}
    if unknown := [n for n in names if n not in known]:
        raise EvalError(f"unknown shop(s) {', '.join(unknown)}; the shops are {sorted(known)}")
    names += [n for n in named if n not in names]
    bank = load_bank(bank_name, FLOWS, optional=BANK_OPTIONAL)
    runtime = Runtime(settings_of(ctx))
    folder = out or RunWriter.default_folder(runtime.settings.data_dir / "eval-runs", "discovery")
    llm = chat_model(runtime, scripted)
    options = {"bank": bank.name, "shops": names, "catalogs": [str(p) for p in catalogs],
               "cases": cases, "trials": trials, "seed": seed}  # fmt: skip
    writer = RunWriter(
        folder,
        {"suite": "discovery", "model": llm.model, "scripted": scripted, "git": _git_revision(),
         "options": options, "data_dir": str(runtime.settings.data_dir)},
    )  # fmt: skip
    work = folder / "work"
    env = build_env(runtime, llm, work, tau2 or default_tau2())
    env.shops.update(
        conversation_shops(
            shops_dir, tau2 or default_tau2(), work, lambda: runtime.embedder, facets=True
        )
    )
    for name, path in named.items():  # imported as `aisle import catalog` does: with facets
        env.shops[name] = catalog_factory(name, path, work, lambda: runtime.embedder, True)
    try:
        summary = run_discovery(env, writer, bank, names, cases, trials, seed)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary = writer.finish(summary)
    gates = [GateResult(**g) for g in summary["gates"]]
    if as_json:
        emit_json({**summary, "folder": str(folder)})
    else:
        print_summary(summary, gates)
        err.print(f"run folder: {folder}")
    return 2 if any(g.passed is False for g in gates) else 0


def _rate(cell: dict[str, Any] | None) -> str:
    if not cell or cell.get("pass_rate") is None:
        return "   -    "
    return f"{cell['pass_rate']:.2f} ({cell['tasks']:>2})"


def print_summary(summary: dict[str, Any], gates: list[GateResult]) -> None:
    part = summary["discovery"]
    err.print(
        f"discovery ({summary['bank']} bank), pass rate (tasks) per group and shop:",
        highlight=False,
    )
    err.print("  " + f"{'shop':12s}" + "".join(f"{g:>12s}" for g in GROUPS), highlight=False)
    for shop, row in part["shops"].items():
        err.print(
            f"  {shop:12s}" + "".join(f"{_rate(row.get(g)):>12s}" for g in GROUPS),
            highlight=False,
            markup=False,
        )
    overall = part["overall"]
    err.print(
        f"  invented {overall['invented']} violating {overall['violating']} "
        f"prompt {overall['prompt_text']} errors {overall['errors']}",
        highlight=False,
    )
    for s in part["skipped"]:
        err.print(f"  skipped {s['flow']} on {s['shop']}: {s['reason']}", highlight=False)
    for gate in gates:
        colour = "green" if gate.passed else "red" if gate.passed is False else "yellow"
        err.print(f"[{colour}]gate[/] {gate.text()}", highlight=False)
