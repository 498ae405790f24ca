"""``aisle import ...`` and ``aisle export ...``: data in and out of the store."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from store.importers.catalog import import_catalog
from store.importers.tau2 import export_tau2, import_tau2
from ui.cli_common import JsonOpt, emit_json, err, errors, store_of

import_app = typer.Typer(help="Import data into the store.", no_args_is_help=True)
export_app = typer.Typer(help="Export data from the store.", no_args_is_help=True)


@import_app.command("catalog")
def import_catalog_cmd(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="CSV, JSONL or Parquet.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Import a product catalog; any invalid row rejects the whole file (nothing is committed)."""
    with errors():
        report = import_catalog(store_of(ctx), file, progress=not as_json)
        if as_json:
            emit_json(asdict(report))
        else:
            err.print(report.summary())


@import_app.command("tau2")
def import_tau2_cmd(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Argument(exists=True, file_okay=False, help="A folder holding tau2's db.json.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Import a tau2-bench retail database (products, users, orders) from DIRECTORY/db.json."""
    with errors():
        report = import_tau2(store_of(ctx), directory, progress=not as_json)
        if as_json:
            emit_json(asdict(report))
        else:
            err.print(report.summary())


@export_app.command("tau2")
def export_tau2_cmd(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Argument(file_okay=False, help="Folder to write db.json into.")
    ],
) -> None:
    """Export products, users and orders in the tau2-bench retail layout (DIRECTORY/db.json)."""
    with errors():
        path = export_tau2(store_of(ctx), directory)
        err.print(f"wrote {path}")
