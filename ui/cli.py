"""The ``aisle`` command line: a thin adapter that reads settings once and calls the packages.

Every command that reports figures takes ``--json`` and then prints exactly one JSON object on
stdout; progress bars and messages go to stderr. Errors meant for people (``AisleError``) are
printed without a traceback and exit with status 1.
"""

from __future__ import annotations

from dataclasses import asdict
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated

import typer

from assistant.settings import Settings
from store.audit import parse_fail_on, run_audit
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from store.info import shop_counts
from ui import (
    cli_chat,
    cli_data,
    cli_demo,
    cli_llm,
    cli_mcp,
    cli_ranker,
    cli_replay,
    cli_serve,
)
from ui.cli_common import JsonOpt, emit_json, err, errors, settings_of, store_of
from ui.cli_demo import LanguageOpt, print_counts
from ui.runtime import Runtime

app = typer.Typer(
    name="aisle",
    help="Aisle: an open-source conversational shopping assistant.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(cli_data.import_app, name="import")
app.add_typer(cli_data.export_app, name="export")
app.command("facets")(cli_data.facets_cmd)
app.command()(cli_replay.replay)
app.command()(cli_chat.chat)
app.command("llm-server")(cli_llm.llm_server)
app.command()(cli_demo.demo)
app.command("serve")(cli_serve.serve_command)
app.command("mcp")(cli_mcp.mcp_command)
app.command("train-ranker")(cli_ranker.train_ranker)
app.add_typer(cli_serve.keys_app, name="keys")


def _add_plugin_commands() -> None:
    """Sub-commands of packages that sit above ``ui`` (the eval harness), declared as entry
    points in the ``aisle.cli`` group so that ``ui`` never imports them."""
    for entry in sorted(entry_points(group="aisle.cli"), key=lambda e: e.name):
        app.add_typer(entry.load(), name=entry.name)


@app.callback()
def main(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(help="TOML file with settings (data_dir, database_url, chroma_url, llm_*)."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Where data lives (default ./aisle-data, env AISLE_DATA_DIR)."),
    ] = None,
) -> None:
    with errors():
        ctx.obj = Settings.load(config, data_dir=data_dir)


@app.command("init-demo")
def init_demo(
    ctx: typer.Context,
    products: Annotated[int, typer.Option(min=100, max=200_000, help="Number of products.")] = 5000,
    users: Annotated[int, typer.Option(min=10, max=50_000, help="Number of shoppers.")] = 500,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same shop.")] = 7,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing shop.")] = False,
    language: LanguageOpt = "en",
    as_json: JsonOpt = False,
) -> None:
    """Generate the demo shop (deterministic for a seed) into the configured store."""
    with errors():
        store = store_of(ctx)
        summary = generate_demo(
            store,
            DemoConfig(products=products, users=users, seed=seed, language=language),
            replace=force,
            progress=True,
        )
        if as_json:
            emit_json(summary.to_dict())
            return
        err.print(
            f"Generated the demo shop (seed {seed}, language {language}) into {store.safe_url} "
            f"in {summary.seconds['total']:.1f} s:"
        )
        print_counts(summary.counts)


@app.command()
def info(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Counts of products, variants, users, orders, reviews, help articles and labelled queries."""
    with errors():
        settings = settings_of(ctx)
        counts = shop_counts(store_of(ctx)).to_dict()
        indexed = 0
        if settings.chroma_url or settings.chroma_path.exists():
            runtime = Runtime(settings)
            indexed = runtime.product_index.count() + runtime.help_index.count()
        counts["indexed_documents"] = indexed
        if as_json:
            emit_json(counts)
        else:
            print_counts(counts)


@app.command()
def index(
    ctx: typer.Context,
    check: Annotated[
        bool, typer.Option("--check", help="Only report differences; exit 1 if any.")
    ] = False,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Drop the index and embed everything again.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Bring the search index (products and help articles) in line with the store.

    Embeds only new or changed rows (by content hash), deletes removed ones, and is safe to
    re-run after a crash or kill. The index is derived data: --rebuild recreates it from SQL."""
    with errors():
        runtime = Runtime(settings_of(ctx))
        parts = {"products": runtime.product_index, "help": runtime.help_index}
        if check:
            checks = {name: idx.check(runtime.store) for name, idx in parts.items()}
            payload = {name: asdict(c) | {"clean": c.clean} for name, c in checks.items()}
            if as_json:
                emit_json(payload)
            for name, c in checks.items():
                state = (
                    "in sync"
                    if c.clean
                    else (f"{len(c.missing)} missing, {len(c.stale)} stale, {len(c.extra)} extra")
                )
                err.print(f"{name}: {state}")
            if not all(c.clean for c in checks.values()):
                raise typer.Exit(1)
            return
        reports = {}
        for name, idx in parts.items():
            run = idx.rebuild if rebuild else idx.sync
            reports[name] = run(runtime.store, runtime.embedder, progress=not as_json)
        if as_json:
            emit_json({name: asdict(r) for name, r in reports.items()})
            return
        for name, r in reports.items():
            err.print(
                f"{name}: {r.added} added, {r.updated} updated, {r.deleted} deleted, "
                f"{r.unchanged} unchanged in {r.seconds:.1f} s"
            )


@app.command()
def audit(
    ctx: typer.Context,
    as_json: JsonOpt = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            help="Thresholds that fail the run (exit 2), e.g. 'duplicates=0,dangling=0,stale=0'."
        ),
    ] = None,
    stale_after_days: Annotated[int, typer.Option(min=1, help="Age that counts as stale.")] = 365,
) -> None:
    """Data inventory and quality report: counts, nulls, duplicates, outliers, dangling refs."""
    with errors():
        try:
            thresholds = parse_fail_on(fail_on) if fail_on else None
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--fail-on") from None
        report = run_audit(store_of(ctx), stale_after_days=stale_after_days)
        violations = report.violations(thresholds) if thresholds else []
        if as_json:
            emit_json({**report.to_dict(), "violations": violations})
        else:
            typer.echo(report.to_markdown())
        if violations:
            for line in violations:
                err.print(f"[bold red]fail:[/] {line}", highlight=False)
            raise typer.Exit(2)


_add_plugin_commands()

if __name__ == "__main__":
    app()
