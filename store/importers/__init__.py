"""Bringing data into the store and taking it out again.

- ``catalog``: a product catalog file (CSV, JSONL, Parquet), one row per variant.
- ``tau2``: the tau2-bench retail database (``db.json``), both directions.

Every importer validates the whole input first and commits nothing from a rejected file
(``store.errors.ImportRejected`` lists each problem as ``file:line: field: message``); a valid
file is upserted in one transaction and re-importing it changes nothing. ``ImportReport`` says
what was added, updated and left unchanged.

Not here: the demo shop (``store.demo``) and the command line (``ui``).
"""

from store.importers.catalog import import_catalog
from store.importers.tau2 import export_tau2, import_tau2
from store.importers.upsert import ImportReport

__all__ = ["ImportReport", "export_tau2", "import_catalog", "import_tau2"]
