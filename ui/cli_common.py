"""What every ``aisle`` sub-command shares: error reporting, JSON output, the store handle."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console

from assistant.settings import Settings
from store.db import Store, open_store
from store.errors import AisleError

err = Console(stderr=True, soft_wrap=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


@contextmanager
def errors() -> Iterator[None]:
    """Turn Aisle's people-facing errors into a clear message and exit status 1."""
    try:
        yield
    except AisleError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def emit_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2, default=str))


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings), "the app callback sets ctx.obj"
    return settings


def store_of(ctx: typer.Context) -> Store:
    return open_store(settings_of(ctx).effective_database_url)
