"""``aisle train-ranker``, ``aisle eval ranker`` and ``aisle bench ranker`` through Typer's
runner on a small demo shop: each prints one valid JSON object (eval.cli_ranker,
ui.cli_ranker).

One tiny training per module (2 optimiser steps; the CLI's defaults are swapped for tiny ones),
evaluated on a few test queries and held-out purchases; the benchmark's int8 model is
PyTorch's (the ONNX export costs 10-20 s and has its own slow test).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import eval.bench_ranker as bench_module
import ui.cli_ranker as cli_ranker
from retrieval.ranker import RankerConfig
from retrieval.ranker.model import score_many
from retrieval.ranker.optimise import TORCH_INT8, PairScorer, quantize_int8
from store.db import open_store, sqlite_url
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from ui.cli import app

TINY = RankerConfig(
    max_pairs=8,
    batch_size=4,
    max_steps=2,
    evals_per_epoch=1,
    valid_queries=2,
    valid_docs_per_query=4,
    personaliser_users=8,
    personaliser_depth=10,
    threads=2,
    serve_int8=False,
)
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    data = tmp_path_factory.mktemp("cli-ranker") / "data"
    generate_demo(open_store(sqlite_url(data / "aisle.db")), DemoConfig(products=300, users=30))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli_ranker, "RankerConfig", lambda: TINY)
        code, out, err = run("--data-dir", str(data), "train-ranker", "--max-pairs", "8", "--json")
    assert code == 0, err
    return data, json.loads(out)


def test_train_ranker_json_and_artifacts(trained_dir: tuple[Path, dict[str, Any]]) -> None:
    data, report = trained_dir
    out = data / "models" / "ranker"
    assert report["out_dir"] == str(out)
    assert (report["steps"], report["stopped"], report["source"]) == (2, "finished", "bm25")
    assert report["data"]["products"] == 300
    assert report["config"]["max_pairs"] == 8
    assert {"model_card.md", "metrics.json", "ranker.json", "cross_encoder"} <= {
        p.name for p in out.iterdir()
    }
    manifest = json.loads((out / "ranker.json").read_text())
    assert manifest["shop"]["products"] == 300


def test_eval_ranker_json(trained_dir: tuple[Path, dict[str, Any]]) -> None:
    data, _ = trained_dir
    code, out, err = run(
        "--data-dir",
        str(data),
        "eval",
        "ranker",
        "--max-queries",
        "2",
        "--max-users",
        "3",
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["test_queries"] == 2 and report["source"] == "bm25"
    assert report["complete_judgements"] is True
    for system in (
        "retrieval",
        "base",
        "finetuned_cross_encoder",
        "finetuned",
        "served",
        "retrieval_prior",
        "finetuned_prior",
        "served_prior",
    ):
        scores = report[system]
        assert 0.0 <= scores["ndcg_at_10"] <= 1.0
        assert 0.0 <= scores["ndcg_at_10_complete"] <= 1.0
    for system in ("retrieval", "finetuned", "served", "served_prior"):
        assert 0.0 <= report[system]["few_reviews_above_good_top3"] <= 1.0
    assert isinstance(report["beats_retrieval_by_0_05"], bool)
    assert set(report["prior_cost"]) == {"retrieval", "finetuned", "served"}
    assert report["rating_prior"]["ranker"]["mean"] is not None
    assert report["personalisation"]["cases"] <= 3


def test_bench_ranker_json(
    trained_dir: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def torch_int8(model: Any, folder: Path, threads: int = 2) -> tuple[str, PairScorer]:
        quantized = quantize_int8(model)
        return TORCH_INT8, lambda pairs: score_many(quantized, pairs)

    monkeypatch.setattr(bench_module, "best_optimised", torch_int8)
    data, _ = trained_dir
    code, out, err = run(
        "--data-dir",
        str(data),
        "bench",
        "ranker",
        "--queries",
        "2",
        "--candidates",
        "8",
        "--repeats",
        "1",
        "--quality-queries",
        "1",
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert (report["optimised_kind"], report["queries"], report["candidates"]) == (TORCH_INT8, 2, 8)
    assert report["fp32"]["p50_ms"] > 0 and report["optimised"]["p50_ms"] > 0
    assert set(report["gates"]) == {"latency_at_most_half", "ndcg_loss_at_most_0_005"}


def test_missing_ranker_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    generate_demo(open_store(sqlite_url(data / "aisle.db")), DemoConfig(products=120, users=10))
    code, out, err = run("--data-dir", str(data), "eval", "ranker", "--json")
    assert (code, out) == (1, "")
    assert "no trained ranker at" in err and "aisle train-ranker" in err


def test_cli_options_become_the_config() -> None:
    config = cli_ranker.config_from_options(2.5, 3, 500, "lambda", 2, personalise=False)
    assert config == dataclasses.replace(
        RankerConfig(),
        max_seconds=150.0,
        epochs=3,
        max_pairs=500,
        loss="lambda",
        threads=2,
        personalise=False,
    )
    assert cli_ranker.config_from_options(None, None, None, None, None, True) == RankerConfig()
