"""The ``smoke`` suite end to end with the scripted policy model on a small demo shop (hash
embedder index) and the tiny tau2 fixture: every part runs, the run folder holds what the
report promises, the gates hold, and ``compare`` pairs the cases of two runs and tells a real
regression from none."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eval.harness.compare import compare_runs, write_comparison
from eval.harness.env import EvalEnv, ShopUnderTest, ready
from eval.harness.report import write_report
from eval.harness.runs import RunWriter
from eval.harness.scripted_policy import scripted_policy
from eval.harness.suites import SuiteOptions, run_suite


@pytest.fixture(scope="module")
def smoke(
    eval_shops: dict[str, ShopUnderTest], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("eval-smoke") / "run"
    env = EvalEnv(
        llm=scripted_policy(),
        workdir=folder / "work",
        progress=False,
        shops={name: ready(shop) for name, shop in eval_shops.items()},
    )
    writer = RunWriter(folder, {"suite": "smoke", "model": "scripted-policy"})
    summary = writer.finish(run_suite("smoke", env, writer, SuiteOptions(cases=4, trials=2)))
    write_report(folder)
    yield folder, summary


def test_smoke_suite_passes_its_gates(smoke: tuple[Path, dict[str, Any]]) -> None:
    _, summary = smoke
    gates = {g["name"]: g for g in summary["gates"]}
    assert all(g["passed"] for g in gates.values()), gates
    dialogue, service = summary["dialogue"], summary["service"]
    assert dialogue["tasks"] == 4 and dialogue["trials"] == 2
    assert dialogue["pass_hat_k"]["2"] is not None and dialogue["invented_products"] == 0
    assert service["unconfirmed_writes"] == 0 and service["cross_user_access"] == 0
    assert service["db_state_match"] == 1.0 and service["required_facts_rate"] == 1.0
    assert {"demo", "tau2"} <= set(service["db_match_by_shop"])
    assert summary["latency"]["turns"] == 8
    assert summary["latency_all_turns"]["turn_seconds"]["p50"] is not None


def test_the_run_folder_holds_cases_results_transcripts_and_report(
    smoke: tuple[Path, dict[str, Any]],
) -> None:
    folder, _ = smoke
    for name in (
        "run.json",
        "cases.jsonl",
        "results.jsonl",
        "transcripts.jsonl",
        "summary.json",
        "report.md",
        "report.html",
        "plots/dialogue_outcomes.png",
        "plots/dialogue_behaviour.png",
        "plots/service_scores.png",
        "plots/latency.png",
    ):
        assert (folder / name).exists(), name
    results = [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]
    assert {r["suite"] for r in results} == {"dialogue", "service", "latency"}
    transcripts = [json.loads(t) for t in (folder / "transcripts.jsonl").read_text().splitlines()]
    assert len(transcripts) == len(results)
    first = transcripts[0]["turns"][0]
    assert first["message"] and first["reply"]["kind"] and first["seconds"] >= 0
    report = (folder / "report.md").read_text()
    assert "dialogue pass^1" in report and "![dialogue outcomes](plots/" in report
    assert "<img src='plots/latency.png'" in (folder / "report.html").read_text()
    assert not list((folder / "work").glob("run-*.db"))  # scenario copies are removed


def test_compare_finds_no_difference_between_equal_runs_and_a_real_regression(
    smoke: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    folder, _ = smoke
    same = compare_runs(folder, folder)
    assert same["paired_cases"] >= 8 and same["cases_differing"] == []
    assert not any(m["real"] for m in same["metrics"])
    worse = tmp_path / "worse"
    shutil.copytree(folder, worse, ignore=shutil.ignore_patterns("work"))
    rows = [json.loads(line) for line in (worse / "results.jsonl").read_text().splitlines()]
    for row in rows:
        if row["suite"] == "dialogue":
            row["metrics"]["success"] = 0.0
    (worse / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = compare_runs(folder, worse)
    success = next(
        m for m in result["metrics"] if m["suite"] == "dialogue" and m["metric"] == "success"
    )
    assert success["delta"] == -1.0 and success["real"] and not success["better"]
    md, _ = write_comparison(result, tmp_path / "compare")
    assert (tmp_path / "compare" / "plots" / "compare_deltas.png").exists()
    assert "regression" in md.read_text()


def test_the_compare_command_and_the_suite_commands_are_registered(
    smoke: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from ui.cli import app

    folder, _ = smoke
    runner = CliRunner()
    help_text = runner.invoke(app, ["eval", "--help"]).stdout
    for command in ("dialogue", "service", "latency", "smoke", "all", "compare"):
        assert command in help_text
    result = runner.invoke(
        app,
        [
            "--data-dir",
            str(tmp_path),
            "eval",
            "compare",
            str(folder),
            str(folder),
            "--out",
            str(tmp_path / "cmp"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["paired_cases"] >= 8 and Path(data["report"]).exists()
    missing = runner.invoke(
        app, ["--data-dir", str(tmp_path), "eval", "compare", str(tmp_path / "nope"), str(folder)]
    )
    assert missing.exit_code == 1 and "not a run folder" in missing.stderr
