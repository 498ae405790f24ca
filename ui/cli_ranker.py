"""``aisle train-ranker``: fine-tune the ranker on the configured shop and save it in the data dir.

Training always runs (use ``aisle demo`` or ``Runtime.ensure_ranker`` to train only when no
valid ranker exists). Hard negatives and the personalisation candidates come from the
assistant's hybrid search when every product is indexed (``aisle index``), else from BM25 over
the same texts. The result is written beside the old ranker and swapped in at the end, so an
interrupted run leaves the previous ranker in place. Progress goes to stderr; with ``--json``
stdout gets one object: the training report (data sizes, validation figures, settings).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import typer

from retrieval.ranker import RankerConfig
from ui.cli_common import JsonOpt, emit_json, err, errors, settings_of
from ui.runtime import Runtime

_LOSSES = ("bce", "lambda", "listnet")


def config_from_options(
    max_minutes: float | None,
    epochs: int | None,
    max_pairs: int | None,
    loss: str | None,
    threads: int | None,
    personalise: bool,
) -> RankerConfig:
    """The default ``RankerConfig`` with the options a person gave on the command line."""
    if loss is not None and loss not in _LOSSES:
        raise typer.BadParameter(f"{loss!r}; use one of {', '.join(_LOSSES)}", param_hint="--loss")
    changes: dict[str, Any] = {"personalise": personalise}
    for key, value in (
        ("epochs", epochs),
        ("max_pairs", max_pairs),
        ("loss", loss),
        ("threads", threads),
    ):
        if value is not None:
            changes[key] = value
    if max_minutes is not None:
        changes["max_seconds"] = max_minutes * 60.0
    return dataclasses.replace(RankerConfig(), **changes)


def train_ranker(
    ctx: typer.Context,
    max_minutes: Annotated[
        float | None,
        typer.Option(
            min=0.5,
            help="Wall-clock budget for the whole run, in minutes: the "
            "fine-tuning loop stops early enough to fit it, keeping the best model "
            "validated so far. Default: 9.",
        ),
    ] = None,
    epochs: Annotated[int | None, typer.Option(min=1, help="Passes over the pairs.")] = None,
    max_pairs: Annotated[
        int | None, typer.Option(min=8, help="Training (query, product) pairs at most.")
    ] = None,
    loss: Annotated[str | None, typer.Option(help="bce, lambda or listnet.")] = None,
    threads: Annotated[int | None, typer.Option(min=1, help="Torch CPU threads.")] = None,
    personalise: Annotated[
        bool,
        typer.Option(
            "--personalise/--no-personalise",
            help="Learn the personalisation stage on held-out purchases.",
        ),
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Fine-tune the ranker on this shop's labels and behaviour; save it with a model card."""
    with errors():
        config = config_from_options(max_minutes, epochs, max_pairs, loss, threads, personalise)
        runtime = Runtime(settings_of(ctx))
        source = runtime.candidate_source()
        err.print(
            f"Training the ranker on {runtime.store.safe_url} (hard negatives from "
            f"{source.name} retrieval) into {runtime.ranker_dir}.",
            highlight=False,
        )
        ensured = runtime.ensure_ranker(config, progress=True, retrain=True, source=source)
        report = ensured.report
        assert report is not None, "retrain=True always trains"
        if as_json:
            emit_json(report.to_dict())
            return
        err.print(
            f"Trained in {report.seconds:.0f} s ({report.steps} steps, {report.stopped}). "
            f"Validation nDCG@10: retrieval order {report.valid_ndcg_retrieval:.4f}, "
            f"untrained {report.valid_ndcg_base:.4f}, fine-tuned {report.valid_ndcg_best:.4f}, "
            f"blended {report.valid_ndcg_blended:.4f}.\n"
            f"Serving: {'this ranker' if report.decision.get('serve') else 'the retrieval order'}"
            f" (the ranker {report.decision.get('reason', '')}).\n"
            f"Saved in {report.out_dir} (model card: model_card.md). "
            "Measure it on the test queries with `aisle eval ranker`.",
            highlight=False,
        )
