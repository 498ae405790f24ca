"""The evaluations ``aisle eval all`` adds from the other suites: retrieval and the ranker.

The retrieval evaluation always runs; the ranker evaluation only when a trained ranker for
this shop exists (else the summary says why it was skipped). Both are built lazily, so the
other suites never load their models.
"""

from __future__ import annotations

from typing import Any

from eval.harness.suites import Extra
from eval.retrieval_eval import evaluate_retrieval
from ui.runtime import Runtime


def extras_for(runtime: Runtime, suite: str) -> dict[str, Extra]:
    if suite != "all":
        return {}

    def retrieval() -> dict[str, Any]:
        return evaluate_retrieval(
            runtime.store, runtime.product_searcher(), "test", progress=True
        ).to_dict()

    return {"retrieval": retrieval, "ranker": lambda: _ranker(runtime)}


def _ranker(runtime: Runtime) -> dict[str, Any]:
    try:
        from eval.ranker_eval import evaluate_ranker
        from retrieval.ranker.lifecycle import ranker_dir, ranker_status
    except ImportError as exc:
        return {"skipped": f"the ranker evaluation is not available: {exc}"}
    directory = ranker_dir(runtime.settings.data_dir)
    status = ranker_status(directory, runtime.store)
    if not status.usable:
        return {"skipped": status.reason}
    source = getattr(runtime, "candidate_source", None)
    return evaluate_ranker(
        runtime.store, directory, source=source() if source else None, progress=True
    ).to_dict()
