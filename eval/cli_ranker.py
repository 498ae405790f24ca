"""``aisle eval ranker`` and ``aisle bench ranker``: the ranker's figures from the command line.

Both read the trained ranker in the data dir (``aisle train-ranker``) and compare it, in the
same run, with the retrieval order it reorders: the assistant's hybrid search when every
product is indexed, else BM25 (the report's ``source`` says which). A missing or broken ranker
is a clear error (exit 1), not a silent fallback: there is nothing to measure. With ``--json``
stdout gets one object; progress and the summary go to stderr.

Not here: the measurements (``eval.ranker_eval``, ``eval.bench_ranker``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from eval.bench_ranker import bench_ranker
from eval.ranker_eval import evaluate_ranker
from ui.cli_common import JsonOpt, emit_json, err, errors, settings_of
from ui.runtime import Runtime


def _verdict(ok: bool) -> str:
    return "holds" if ok else "MISSED"


def eval_ranker(
    ctx: typer.Context,
    threads: Annotated[int | None, typer.Option(min=1, help="Torch CPU threads.")] = None,
    max_queries: Annotated[
        int | None, typer.Option(min=1, help="Only the first N test queries (a quick look).")
    ] = None,
    max_users: Annotated[
        int | None, typer.Option(min=1, help="Only N held-out purchases (a quick look).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """nDCG@10 on held-out test queries (retrieval order, untrained base, fine-tuned, served;
    with and without the rating prior) and hit rate@10 on held-out purchases with and without
    personalisation."""
    with errors():
        runtime = Runtime(settings_of(ctx))
        report = evaluate_ranker(
            runtime.store,
            runtime.ranker_dir,
            source=runtime.candidate_source(),
            threads=threads,
            max_queries=max_queries,
            max_cases=max_users,
        )
        payload = report.to_dict()
        if as_json:
            emit_json(payload)
            return
        err.print(
            f"{report.test_queries} test queries, candidates from {report.source}; "
            "nDCG@10, and the share of queries whose top 3 has a product with few "
            "reviews above a well-reviewed one:"
        )
        for name in (
            "retrieval",
            "retrieval_prior",
            "base",
            "finetuned_cross_encoder",
            "finetuned",
            "finetuned_prior",
            "served",
            "served_prior",
        ):
            s = payload[name]
            line = (
                f"  {name:24s} nDCG@10 {s['ndcg_at_10']:.4f}  "
                f"(unjudged as irrelevant {s['ndcg_at_10_unjudged_zero']:.4f}"
            )
            if s.get("ndcg_at_10_complete") is not None:
                line += f", every candidate judged {s['ndcg_at_10_complete']:.4f}"
            line += ")"
            if s.get("few_reviews_above_good_top3") is not None:
                line += f"  few-reviews-on-top {s['few_reviews_above_good_top3']:.3f}"
            err.print(line, highlight=False)
        err.print(
            f"gate fine-tuned >= retrieval + 0.05 nDCG@10 "
            f"({report.gate_reading}, gain {report.gain_over_retrieval:+.4f}): "
            f"{_verdict(report.beats_retrieval)}"
        )
        prior = report.rating_prior
        cost = ", ".join(f"{k} {v:+.4f}" for k, v in report.prior_cost.items())
        err.print(
            f"rating prior (ranker weight {prior['ranker']['weight']:g}, retrieval order "
            f"{prior['retrieval_order']['weight']:g}, {prior['ranker']['count']:g} reviews "
            f"at the catalog mean {prior['ranker']['mean']}) costs nDCG@10 {cost} "
            f"(<= 0.005: {_verdict(report.prior_within_budget)}); served as "
            f"{report.served_backend}",
            highlight=False,
        )
        p = report.personalisation
        if p:
            err.print(
                f"hit rate@10 on {p['cases']} held-out purchases: retrieval "
                f"{p['hit_rate_retrieval']}, ranker {p['hit_rate_plain']}, personalised "
                f"{p['hit_rate_personalised']}: "
                f"{_verdict(report.personalisation_helps)}",
                highlight=False,
            )


def bench_ranker_cmd(
    ctx: typer.Context,
    queries: Annotated[int, typer.Option(min=1, help="Test queries timed per round.")] = 10,
    candidates: Annotated[int, typer.Option(min=2, help="Candidates reranked per query.")] = 50,
    repeats: Annotated[int, typer.Option(min=1, help="Timed rounds over the queries.")] = 3,
    threads: Annotated[int, typer.Option(min=1, help="CPU threads for both models.")] = 2,
    quality_queries: Annotated[
        int | None,
        typer.Option(min=1, help="Test queries for the nDCG@10 comparison (default: all)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """p50 latency to rerank 50 candidates, fp32 vs int8, and the nDCG@10 the int8 one loses."""
    with errors():
        runtime = Runtime(settings_of(ctx))
        report = bench_ranker(
            runtime.ranker_dir,
            runtime.store,
            source=runtime.candidate_source(),
            queries=queries,
            candidates=candidates,
            repeats=repeats,
            threads=threads,
            quality_queries=quality_queries,
        )
        if as_json:
            emit_json(report.to_dict())
            return
        err.print(
            f"rerank {report.candidates} candidates, {report.threads} threads, "
            f"load {report.load_average[0]:.1f} -> {report.load_average[1]:.1f}:"
        )
        for name, v in (("fp32", report.fp32), (report.optimised_kind, report.optimised)):
            err.print(
                f"  {name:28s} p50 {v.p50_ms:7.1f} ms  p95 {v.p95_ms:7.1f} ms  "
                f"nDCG@10 {v.ndcg_at_10:.4f}",
                highlight=False,
            )
        gates = report.gates
        err.print(
            f"latency ratio {report.latency_ratio} (<= 0.5: "
            f"{_verdict(gates['latency_at_most_half'])}), nDCG@10 loss {report.ndcg_loss} "
            f"(<= 0.005: {_verdict(gates['ndcg_loss_at_most_0_005'])})"
        )
