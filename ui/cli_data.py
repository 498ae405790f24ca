"""``aisle import ...`` and ``aisle export ...``: data in and out of the store."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from store.errors import ImportRejected
from store.exporters import export_feed
from store.facets import derive_facets
from store.importers.catalog import import_catalog
from store.importers.catalog_read import FORMATS
from store.importers.columns import ColumnMap
from store.importers.tau2 import export_tau2, import_tau2
from ui.cli_common import JsonOpt, emit_json, err, errors, store_of

import_app = typer.Typer(help="Import data into the store.", no_args_is_help=True)
export_app = typer.Typer(help="Export data from the store.", no_args_is_help=True)


@import_app.command("catalog")
def import_catalog_cmd(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="A Shopify product CSV export, a Merchant Center feed (TSV or XML), "
            "an ACP product feed (JSONL or CSV), or a CSV/JSONL/Parquet in Aisle's columns; "
            ".gz is fine.",
        ),
    ],
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="SOURCE=TARGET",
            help="Read the file's column SOURCE as the catalog column TARGET (e.g. --map "
            "name=title, --map subcategory=attr.subcategory, --map notes=- to drop); repeatable.",
        ),
    ] = None,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map-file",
            exists=True,
            dir_okay=False,
            help="A TOML mapping file: a 'columns' table of SOURCE = \"TARGET\" lines.",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help=f"One of {', '.join(FORMATS)}; auto finds it from the file.",
        ),
    ] = "auto",
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Delete products and variants that are in the store but not in the file.",
        ),
    ] = False,
    facets: Annotated[
        bool,
        typer.Option(
            "--facets/--no-facets",
            help="Then read facets from the products' titles and "
            "descriptions, as `aisle facets` does.",
        ),
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Import a product catalog; any invalid row rejects the whole file (nothing is committed).

    Columns Aisle does not model are ignored with a warning; a re-import changes only the
    products whose data changed. Facets the file does not give (colour, size, material,
    capacity, ...) are then read from the text. Run `aisle index` afterwards to update the
    search index.
    """
    with errors():
        if fmt not in FORMATS:
            raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
        try:
            mapping = ColumnMap.parse(maps or [], map_file)
            store = store_of(ctx)
            report = import_catalog(
                store, file, progress=not as_json, mapping=mapping, fmt=fmt, prune=prune
            )
        except ImportRejected as exc:
            if as_json:
                emit_json(exc.as_json())
                raise typer.Exit(1) from None
            raise
        facet_report = derive_facets(store) if facets else None
        if as_json:
            emit_json(asdict(report) | ({"facets": asdict(facet_report)} if facet_report else {}))
        else:
            for warning in report.warnings:
                err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
            err.print(report.summary())
            if facet_report is not None:
                err.print(facet_report.summary(), highlight=False)


def facets_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Read each product's facets (colour, pattern, material, fit, size, audience, litres,
    persons) from its title and description, where the shop's own data does not give them.

    Deterministic and quick; rewrites only products whose facets changed. `aisle import
    catalog` runs it for you; run `aisle index` afterwards to update the search index."""
    with errors():
        report = derive_facets(store_of(ctx))
        if as_json:
            emit_json(asdict(report))
        else:
            err.print(report.summary(), highlight=False)


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


@export_app.command("feed")
def export_feed_cmd(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            dir_okay=False,
            help="The feed to write: .jsonl, .csv or .tsv for acp, .tsv for merchant; "
            "a .gz ending gzips it.",
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="acp (the Agentic Commerce Protocol product feed) or merchant (Google "
            "Merchant Center TSV).",
        ),
    ] = "acp",
    with_attributes: Annotated[
        bool,
        typer.Option(
            "--with-attributes",
            help="acp: also write the attributes no feed field carries, as the JSON object "
            "aisle_attributes (outside the spec; `aisle import catalog` reads it back).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Export the catalog as a product feed, checked against the spec's field rules.

    `aisle import catalog FILE` reads an ACP export back unchanged (with --with-attributes,
    also the attributes no feed field carries); what a feed leaves out, and required fields
    the shop has no data for, are named in warnings."""
    with errors():
        if fmt not in ("acp", "merchant"):
            raise typer.BadParameter("--format must be acp or merchant")
        report = export_feed(
            store_of(ctx), file, "acp" if fmt == "acp" else "merchant", with_attributes
        )
        if as_json:
            emit_json(asdict(report) | {"path": str(report.path)})
            return
        for warning in report.warnings:
            err.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False)
        err.print(report.summary(), highlight=False)
