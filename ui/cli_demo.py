"""``aisle demo``: the one-command start. On a fresh data dir it builds the demo shop, indexes
it, prepares the embedded model and serves the web app; later runs reuse all of it and start
in seconds.

The ranker is the slow part of a first start (several minutes of training on 2 cores), so it
never holds up serving: without a trained ranker for this shop the app answers in the
retrieval order while the ranker trains in a background thread, and the trained one is
swapped in for the next search (the UI's status line says which one is in use). ``--no-serve``
does every step in the foreground and exits, for scripted setups.

Not here: the app itself (``ui.api``, ``ui.web``), training (``retrieval.ranker``).
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import suppress
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlmodel import select

from retrieval.documents import load_product_records
from retrieval.ranker import ranker_status
from store.demo.generate import ShopNotEmpty, generate_demo, shop_is_empty
from store.demo.types import LANGUAGES, DemoConfig
from store.errors import AisleError
from store.info import shop_counts
from store.meta import shop_meta
from store.models import LabelledQuery
from ui.cli_common import err, errors, settings_of
from ui.cli_serve import serve
from ui.runtime import Runtime

log = logging.getLogger(__name__)

# The demo shop's language, for `aisle demo` and `aisle init-demo` alike.
LanguageOpt = Annotated[
    str,
    typer.Option(
        "--language",
        envvar="AISLE_DEMO_LANGUAGE",
        help=f"Language of the generated shop: {' or '.join(LANGUAGES)} "
        "(the same shop, its text in that language).",
    ),
]


def demo(
    ctx: typer.Context,
    products: Annotated[
        int, typer.Option(min=100, max=200_000, help="Products, when building the shop.")
    ] = 5000,
    users: Annotated[
        int, typer.Option(min=10, max=50_000, help="Shoppers, when building the shop.")
    ] = 500,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(min=0, max=65535, help="Port (default 7860).")] = None,
    serve_app: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Serve the web app at the end (--no-serve: build everything, train the "
            "ranker in the foreground, then exit).",
        ),
    ] = True,
    train: Annotated[
        bool, typer.Option("--ranker/--no-ranker", help="Train the ranker when there is none.")
    ] = True,
    language: LanguageOpt = "en",
) -> None:
    """The main job: build the demo shop, its search index, the ranker and the embedded model
    when missing, then serve the shopping chat, the bot API and the widget."""
    with errors():
        started = time.monotonic()
        # Demo mode: the web chat offers the demo shop's shoppers to sign in as.
        runtime = Runtime(settings_of(ctx).model_copy(update={"demo": True}))
        _build_shop(runtime, DemoConfig(products=products, users=users, language=language))
        _index(runtime)
        _sample_search(runtime)
        if not serve_app:
            if train:
                _train(runtime, progress=True)
            err.print(f"\nEverything is built ({time.monotonic() - started:.0f} s). " + _NEXT)
            return
        err.print("Loading the assistant (the first start assembles the embedded model)...")
        assistant = runtime.assistant()
        if train and not ranker_status(runtime.ranker_dir, runtime.store).usable:
            err.print(
                "No trained ranker for this shop yet: serving with the retrieval order while "
                "it trains in the background (several minutes); it is swapped in when ready."
            )
            threading.Thread(target=_train, args=(runtime, False), daemon=True).start()
        err.print(f"Ready after {time.monotonic() - started:.0f} s.")
        serve(runtime, host, port, assistant=assistant)


_NEXT = (
    "Next:\n"
    "  aisle serve                the web app, the bot API and the widget\n"
    "  aisle chat                 talk to the assistant in the terminal\n"
    "  aisle eval smoke           the quick evaluation suite\n"
    "  aisle info --json          counts of everything in the shop"
)


def _build_shop(runtime: Runtime, config: DemoConfig) -> None:
    store = runtime.store
    if shop_is_empty(store):
        err.print(f"No shop in {store.safe_url} yet: generating the demo shop (one-off).")
        # Another process may win the race to build it; then its shop is used.
        with suppress(ShopNotEmpty):
            generate_demo(store, config, progress=True)
    else:
        err.print(f"Using the existing shop in {store.safe_url}.")
        meta = shop_meta(store)
        existing = meta.get("language", "en")
        if meta.get("source") == "demo" and existing != config.language:
            err.print(
                f"[yellow]note:[/] the existing demo shop is in {existing!r}, not "
                f"{config.language!r}; `aisle init-demo --force --language {config.language}` "
                "replaces it (then `aisle index`)."
            )
    print_counts(shop_counts(store).to_dict())


def _index(runtime: Runtime) -> None:
    for name, idx in (("products", runtime.product_index), ("help", runtime.help_index)):
        report = idx.sync(runtime.store, runtime.embedder, progress=True)
        if report.added or report.updated or report.deleted:
            err.print(
                f"indexed {name}: {report.added} added, {report.updated} updated, "
                f"{report.deleted} deleted in {report.seconds:.1f} s"
            )


def _train(runtime: Runtime, progress: bool) -> None:
    """Train (or reuse) the ranker and swap it in; a failure keeps the retrieval order."""
    started = time.monotonic()
    try:
        ensured = runtime.ensure_ranker(progress=progress)
    except AisleError as exc:
        err.print(f"[yellow]ranker:[/] {exc}; search keeps the retrieval order.")
        return
    except Exception:  # a background thread must not die silently
        log.exception("ranker training failed")
        err.print(
            "[yellow]ranker:[/] training failed (see the log); search keeps the retrieval order."
        )
        return
    if ensured.trained:
        err.print(
            f"ranker: trained in {time.monotonic() - started:.0f} s and in use: "
            f"{runtime.ranker_state}"
        )


def _sample_search(runtime: Runtime) -> None:
    """Show the search working on the shop's first labelled test query."""
    with runtime.store.session() as session:
        query = session.exec(
            select(LabelledQuery.query).where(LabelledQuery.split == "test").limit(1)
        ).first()
    if not query:
        return
    hits = runtime.product_searcher().search(query, k=3)
    records = {
        r.product_id: r for r in load_product_records(runtime.store, [h.product_id for h in hits])
    }
    err.print(f'\nSample search "{query}":')
    for hit in hits:
        record = records[hit.product_id]
        err.print(f"  {hit.rank}. {record.title}  ${record.price:,.2f}", highlight=False)


def print_counts(counts: dict[str, Any]) -> None:
    table = Table(show_header=False, box=None)
    for name, value in counts.items():
        table.add_row(
            name.replace("_", " "), f"{value:,}" if isinstance(value, int) else str(value)
        )
    err.print(table)
