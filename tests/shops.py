"""Fixture shops built from catalog files the demo generator did not write.

``build_fixture_shop(path, workdir)`` imports a catalog file (eval/data/shops/*.csv) into a
fresh SQLite store with the project's own importer (the code ``aisle import catalog`` runs),
indexes its products with the deterministic ``HashEmbedder`` in an embedded Chroma in
``workdir``, and returns the store with a ``ProductSearcher`` and a ``CatalogVocabulary``, the
same parts the agent tests build on the demo shop (tests/assistant/test_agent.py).

The files have the shapes of small public catalogs, one row per variant:

- ``outdoor_gear.csv``: 35 products (ids OG-1001...), 8 fictional brands, no attributes or
  options: capacity ("sleeps four"), temperature ratings, litres and "waterproof" are only in
  titles and descriptions;
- ``fashion.csv``: 200 products with ids "1".."200" in no useful order (products 1 and 2 are
  not dresses, sunglasses or black, so "the first two" of a result list cannot pass for them),
  no brands; colour, size, material, fit and audience only in the text ("Black linen midi
  dress"; "Black leather derby dress shoes" is not a dress);
- ``home_kitchen.csv``: 61 products ("1001"...) in 187 variants with ``opt.size``,
  ``opt.color``, ``opt.capacity`` and ``attr.*`` columns; 28 products have a variant out of
  stock and another in stock, and one (1024) is out of stock in every variant.

The folder ``formats/`` holds one shop per export format a shop already has (``FORMAT_SHOPS``:
Shopify CSV, Merchant Center TSV and XML, ACP JSONL, and a plain CSV that needs its TOML
mapping, ``plain_inkwell.map.toml``); ``build_fixture_shop(path, workdir, mapping)`` imports
them the way ``aisle import catalog`` does.

Not here: help articles, users and orders (these shops have none), or any LLM.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from retrieval.embedder import HashEmbedder
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import Store, open_store, sqlite_url
from store.facets import derive_facets
from store.importers import ImportReport, import_catalog
from store.importers.columns import ColumnMap
from tools.vocabulary import CatalogVocabulary

SHOPS_DIR = Path(__file__).resolve().parents[1] / "eval" / "data" / "shops"
OUTDOOR_GEAR = SHOPS_DIR / "outdoor_gear.csv"
FASHION = SHOPS_DIR / "fashion.csv"
HOME_KITCHEN = SHOPS_DIR / "home_kitchen.csv"
FORMATS_DIR = SHOPS_DIR / "formats"
FORMAT_SHOPS = {  # name -> (file, mapping file or None)
    "shopify": (FORMATS_DIR / "shopify_fernwood.csv", None),
    "merchant_tsv": (FORMATS_DIR / "merchant_larkspur.tsv", None),
    "merchant_xml": (FORMATS_DIR / "merchant_pawsandpines.xml", None),
    "acp": (FORMATS_DIR / "acp_voltline.jsonl", None),
    "plain": (FORMATS_DIR / "plain_inkwell.csv", FORMATS_DIR / "plain_inkwell.map.toml"),
}


@dataclass
class FixtureShop:
    """An imported and indexed catalog; ``close()`` releases the store's connections."""

    store: Store
    searcher: ProductSearcher
    vocab: CatalogVocabulary
    report: ImportReport  # what the import did (products_added, items_added, ...)

    def close(self) -> None:
        self.store.dispose()


def build_fixture_shop(
    path: Path, workdir: Path, mapping: Path | None = None, *, facets: bool = False
) -> FixtureShop:
    """Import ``path`` (read through the TOML column ``mapping`` when given) into
    ``workdir/shop.db`` and index it in ``workdir/chroma``; with ``facets``, read the
    products' facets from their text first (``store.facets.derive_facets``, as
    ``aisle import catalog`` does).

    ``workdir`` should be empty (a pytest ``tmp_path``); an import problem raises
    ``ImportRejected`` listing every bad row, as the command line would print them.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    store = open_store(sqlite_url(workdir / "shop.db"))
    try:
        columns = ColumnMap.parse([], mapping) if mapping is not None else None
        report = import_catalog(store, path, mapping=columns)
        if facets:
            derive_facets(store)
        embedder = HashEmbedder()
        index = ProductIndex(open_chroma(workdir / "chroma"))
        index.sync(store, embedder)
        searcher = ProductSearcher(store, index, embedder)
        vocab = CatalogVocabulary.from_store(store)
    except BaseException:
        store.dispose()
        raise
    return FixtureShop(store, searcher, vocab, report)
