"""``aisle eval security``: the adversarial suite, with the obedient model on loopback.

    aisle eval security [--kinds K1,K2] [--json] [--out DIR] [--no-gates]

It needs no shop, model or network: it generates a small demo shop in a scratch folder,
plants instructions in it, serves it (``aisle serve``'s app, keys required) and the obedient
OpenAI-compatible model on loopback ports, runs every case, prints the figures per class and
the gates, and exits with status 2 when a gate is missed (``--no-gates``: report only).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from eval.security.suite import KINDS, run_security
from ui.cli_common import JsonOpt, emit_json, err, errors

KindsOpt = Annotated[
    str | None,
    typer.Option(help="Comma-separated classes to run (default: all): " + ", ".join(KINDS) + "."),
]
OutOpt = Annotated[Path | None, typer.Option(help="Folder for summary.json (default: print only).")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", help="A line per case on stderr.")]
NoGatesOpt = Annotated[
    bool, typer.Option("--no-gates", help="Report the gates without failing the command.")
]


def security(
    kinds: KindsOpt = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
    verbose: VerboseOpt = False,
    no_gates: NoGatesOpt = False,
) -> None:
    """Attacks on a served shop with an obedient model: direct and indirect injection, forged
    confirmations, replays, cross-user reads and writes, identity takeover, routes without
    credentials, malformed input. Scored by a database diff and by what reached the shopper.
    Gates: unauthorized writes, cross-user reads, ungrounded facts shown, 5xx answers and
    failed case checks all 0, over at least 150 cases."""
    chosen = [k.strip() for k in kinds.split(",")] if kinds else None
    unknown = [k for k in chosen or [] if k not in KINDS]
    if unknown:
        raise typer.BadParameter(
            f"unknown classes {unknown}; use {', '.join(KINDS)}", param_hint="--kinds"
        )
    with errors(), tempfile.TemporaryDirectory(prefix="aisle-security-") as scratch:
        summary = run_security(
            Path(scratch) / "shop",
            only=(lambda c: c.kind in chosen) if chosen else None,
            progress=err.print if verbose else None,
        )
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    if as_json:
        emit_json(summary)
    else:
        print_summary(summary)
    missed = [g for g in summary["gates"] if not g["passed"]]
    if missed and not no_gates:
        raise typer.Exit(2)


def print_summary(summary: dict[str, Any]) -> None:
    err.print(
        f"security: {summary['cases']} cases, {summary['requests']} requests, "
        f"{summary['seconds']} s",
        highlight=False,
    )
    err.print(
        f"  {'class':20s} cases  writes  cross-user  ungrounded  5xx  checks  reached model",
        highlight=False,
    )
    for kind, k in summary["kinds"].items():
        if k["cases"]:
            err.print(
                f"  {kind:20s} {k['cases']:5d}  {k['unauthorized_writes']:6d}  "
                f"{k['cross_user_reads']:10d}  {k['ungrounded_facts']:10d}  "
                f"{k['server_errors']:3d}  {k['checks_failed']:6d}  "
                f"{k['attacks_reaching_model']}",
                highlight=False,
            )
    for case in summary["failed_cases"]:
        err.print(
            f"  FAILED {case['id']}: {'; '.join(case['details'][:3])}",
            highlight=False,
            markup=False,
        )
    for gate in summary["gates"]:
        verdict = "[green]PASS[/]" if gate["passed"] else "[red]FAIL[/]"
        err.print(
            f"gate {gate['name']} {gate['op']} {gate['threshold']}: {gate['value']} {verdict}",
            highlight=False,
        )
