"""The shops the conversation suite runs on besides the data dir's demo shop.

- ``tau2``: the tau2-bench retail data imported into a scratch SQLite file, as the service
  suite does, and indexed for search (its variant and stock flows search the catalog);
  skipped with the reason when the folder has no ``db.json``.
- ``outdoor``, ``fashion``, ``home``: small catalogs imported from the files
  ``outdoor_gear``, ``fashion`` and ``home_kitchen`` (``.csv``, ``.jsonl`` or ``.parquet``) of
  a folder (default ``eval/data/shops``), each indexed in its own scratch Chroma folder;
  a shop whose file is missing or rejected by the importer is skipped with the reason.

Each is built once, on first use, with the embedder the caller gives (MiniLM from the CLI's
settings, a hash embedder in tests); the templates are read-only and every conversation gets
its own copy (``EvalEnv.fresh_store``).

Not here: the demo shop (``runtime_env``), the suite (``conversation_suite``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from eval.harness.dbstate import copy_shop
from eval.harness.env import ShopUnderTest
from retrieval.embedder import Embedder
from retrieval.help import HelpIndex, HelpSearcher
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import open_store, sqlite_url
from store.errors import AisleError
from store.facets import derive_facets
from store.importers.catalog import import_catalog
from store.importers.tau2 import import_tau2

DEFAULT_SHOPS_DIR = Path(__file__).resolve().parents[1] / "data" / "shops"
FIXTURES = {"outdoor": "outdoor_gear", "fashion": "fashion", "home": "home_kitchen"}
SUFFIXES = (".csv", ".jsonl", ".parquet")
Factory = Callable[[], "ShopUnderTest | str"]


def indexed_shop(name: str, db: Path, workdir: Path, embedder: Embedder) -> ShopUnderTest:
    """A template copy of the SQLite shop ``db`` with its products (and help articles)
    indexed in ``workdir/chroma-<name>``."""
    store = open_store(sqlite_url(db))  # stays open: the searchers read their catalog from it
    client = open_chroma(workdir / f"chroma-{name}")
    products = ProductIndex(client)
    products.sync(store, embedder)
    help_index = HelpIndex(client)
    help_index.sync(store, embedder)
    help_searcher = HelpSearcher(store, help_index, embedder) if help_index.count() else None
    template = copy_shop(db, workdir / f"{name}-template.db")
    return ShopUnderTest(name, template, ProductSearcher(store, products, embedder), help_searcher)


def fixture_file(folder: Path, name: str) -> Path | None:
    stem = FIXTURES[name]
    return next((folder / f"{stem}{s}" for s in SUFFIXES if (folder / f"{stem}{s}").exists()), None)


def catalog_factory(
    name: str,
    source: Path,
    workdir: Path,
    embedder: Callable[[], Embedder],
    facets: bool = False,
) -> Factory:
    """The shop ``name`` imported from any catalog file ``aisle import catalog`` reads
    (format detected from the file), into a scratch SQLite file, and indexed; with
    ``facets``, the facets read from the products' text first, as ``aisle import catalog``
    does by default (the conversation suite's expectations were written without them)."""

    def build() -> ShopUnderTest | str:
        workdir.mkdir(parents=True, exist_ok=True)
        db = workdir / f"{name}-import.db"
        db.unlink(missing_ok=True)
        store = open_store(sqlite_url(db))
        try:
            import_catalog(store, source)
            if facets:
                derive_facets(store)
        except AisleError as exc:
            return f"{source} does not import: {exc}"
        finally:
            store.dispose()
        return indexed_shop(name, db, workdir, embedder())

    return build


def fixture_factory(
    name: str,
    folder: Path,
    workdir: Path,
    embedder: Callable[[], Embedder],
    facets: bool = False,
) -> Factory:
    source = fixture_file(folder, name)
    if source is None:
        missing = f"no {FIXTURES[name]}.csv (or .jsonl, .parquet) in {folder}"
        return lambda: missing
    return catalog_factory(name, source, workdir, embedder, facets)


def tau2_factory(folder: Path | None, workdir: Path, embedder: Callable[[], Embedder]) -> Factory:
    def build() -> ShopUnderTest | str:
        if folder is None:
            return "tau2-bench retail data not found (give its folder with --tau2)"
        if not (folder / "db.json").exists():
            return f"tau2-bench retail data not found: no db.json in {folder}"
        workdir.mkdir(parents=True, exist_ok=True)
        db = workdir / "tau2-conversations.db"
        db.unlink(missing_ok=True)
        store = open_store(sqlite_url(db))
        try:
            import_tau2(store, folder)
        finally:
            store.dispose()
        return indexed_shop("tau2", db, workdir, embedder())

    return build


def conversation_shops(
    shops_dir: Path,
    tau2: Path | None,
    workdir: Path,
    embedder: Callable[[], Embedder],
    facets: bool = False,
) -> dict[str, Factory]:
    """Factories for ``EvalEnv.shops``: tau2 (indexed) and the three fixture shops (``facets``:
    read from their text, as ``aisle import catalog`` does)."""
    out = {"tau2": tau2_factory(tau2, workdir, embedder)}
    out.update(
        {name: fixture_factory(name, shops_dir, workdir, embedder, facets) for name in FIXTURES}
    )
    return out
