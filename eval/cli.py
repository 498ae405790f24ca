"""`aisle eval ...` and `aisle bench ...`: plugged into the CLI through the ``aisle.cli`` entry
points (pyproject.toml), so ``ui`` never imports ``eval``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from eval.bench_load import bench_load_cmd
from eval.bench_retrieval import bench_retrieval
from eval.cli_ranker import bench_ranker_cmd, eval_ranker
from eval.cli_turn import bench_turn_cmd
from eval.discovery_command import discovery
from eval.harness.commands import register as register_harness
from eval.help_eval import QUESTIONS, SPLITS, evaluate_help, load_questions
from eval.retrieval_eval import LANGUAGES, evaluate_retrieval
from eval.security.command import security
from retrieval.help import HelpSearcher
from retrieval.multilingual_leg import MultilingualIndex, MultilingualLeg
from retrieval.search import ProductSearcher
from ui.cli_common import JsonOpt, emit_json, err, errors, settings_of
from ui.runtime import Runtime

eval_app = typer.Typer(help="Offline evaluation suites.", no_args_is_help=True)
bench_app = typer.Typer(
    help="Benchmarks, each against a baseline in the same run.", no_args_is_help=True
)
register_harness(eval_app)  # dialogue, service, latency, smoke, all, compare
eval_app.command("ranker")(eval_ranker)
eval_app.command("security")(security)
eval_app.command("discovery")(discovery)
bench_app.command("ranker")(bench_ranker_cmd)
bench_app.command("turn")(bench_turn_cmd)
bench_app.command("load")(bench_load_cmd)


@eval_app.command("retrieval")
def eval_retrieval(
    ctx: typer.Context,
    split: Annotated[
        str, typer.Option(help="Labelled-query split: train, valid or test.")
    ] = "test",
    language: Annotated[
        str,
        typer.Option(
            help="Query language: en (the labelled queries), zh or es (their translations "
            "in eval/data/retrieval_translations.toml, scored beside English)."
        ),
    ] = "en",
    multilingual: Annotated[
        bool,
        typer.Option(
            help="Search non-English queries with the multilingual (e5) dense leg, building "
            "its index first if needed; --no-multilingual scores the MiniLM fallback."
        ),
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """nDCG@10, recall@50 and MRR of dense, BM25 and hybrid search on labelled queries."""
    if language not in LANGUAGES:
        raise typer.BadParameter(f"use one of {', '.join(LANGUAGES)}", param_hint="--language")
    with errors():
        runtime = Runtime(settings_of(ctx))
        leg = None
        if language != "en" and multilingual:
            leg = MultilingualLeg(MultilingualIndex(runtime.chroma))
            sync = leg.build(runtime.store, progress=True)
            err.print(f"multilingual index: {sync.added + sync.updated} encoded, {sync.seconds} s")
        # built here rather than by the Runtime, whose searcher builds its leg lazily
        searcher = ProductSearcher(
            runtime.store, runtime.product_index, runtime.embedder, multilingual=leg
        )
        report = evaluate_retrieval(runtime.store, searcher, split, True, language)
        if as_json:
            emit_json(report.to_dict())
            return
        err.print(f"{report.queries} {split} queries in {language}")
        for mode, scores in report.modes.items():
            err.print(
                f"  {mode:7s} nDCG@10 {scores.ndcg_at_10:.4f}  recall@50 {scores.recall_at_50:.4f}"
                f"  MRR {scores.mrr:.4f}"
            )
        verdict = "holds" if report.hybrid_beats_legs else "FAILS"
        err.print(f"gate hybrid nDCG@10 >= best leg: {verdict}")
        if report.english is not None and report.gap_to_english is not None:
            en = report.english["hybrid"]
            err.print(
                f"  english hybrid on the same queries: nDCG@10 {en.ndcg_at_10:.4f}; "
                f"gap {report.gap_to_english:+.4f} "
                f"({'within' if report.gap_to_english <= 0.1 else 'OVER'} 0.1)"
            )


@eval_app.command("help")
def eval_help(
    ctx: typer.Context,
    split: Annotated[
        str | None, typer.Option(help="Question split: dev (tuned on) or test (default: both).")
    ] = None,
    questions: Annotated[
        Path, typer.Option(help="A TOML question set (arrays of tables named dev and test).")
    ] = QUESTIONS,
    as_json: JsonOpt = False,
) -> None:
    """Help-center answers: hit@1 and hit@3 of the cited article on answerable questions, and
    how often "not found" is said, rightly (no article answers) and wrongly."""
    if split is not None and split not in SPLITS:
        raise typer.BadParameter("use dev or test", param_hint="--split")
    with errors():
        runtime = Runtime(settings_of(ctx))
        cases = load_questions(questions, [split] if split else SPLITS)
        served = runtime.help_searcher()
        # the same scores with the "no article answers this" rule off: what the rule trades
        answers_all = HelpSearcher(
            served.store, served.index, served.embedder, replace(served.scoring, shared_word=False)
        )
        report = evaluate_help({"served": served, "no-refusal": answers_all}, cases)
        if as_json:
            emit_json(report.to_dict())
            return
        for name, by_split in report.scores.items():
            for part, s in by_split.items():
                err.print(
                    f"{name:10s} {part:4s} {s.answerable} answerable: hit@1 {s.hit_at_1:.3f}  "
                    f"hit@3 {s.hit_at_3:.3f}  wrongly refused {s.wrongly_refused:.3f};  "
                    f"{s.unanswerable} with no article: refused {s.none_refused:.3f}",
                    highlight=False,
                )


@bench_app.command("retrieval")
def bench_retrieval_cmd(
    ctx: typer.Context,
    products: Annotated[int, typer.Option(min=500, help="Size of the generated shop.")] = 20_000,
    queries: Annotated[int, typer.Option(min=10, help="Queries per latency series.")] = 200,
    as_json: JsonOpt = False,
) -> None:
    """Index recall vs exact search, filtered/unfiltered latency vs numpy, ingestion cost."""
    with errors():
        runtime = Runtime(settings_of(ctx))
        workdir = runtime.settings.data_dir / "bench"
        workdir.mkdir(parents=True, exist_ok=True)
        report = bench_retrieval(runtime.embedder, products, queries, workdir=Path(workdir))
        if as_json:
            emit_json(report.to_dict())
            return
        for key, value in report.to_dict().items():
            err.print(f"{key}: {value}")
