"""``aisle bench load``: a few sessions for a few seconds on two replicas with the scripted
stub model answer every turn, lose none, and report their turn times."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from eval.bench_load import bench_load
from ui.cli import app


def test_two_replicas_answer_every_turn_and_lose_none(tmp_path: Path) -> None:
    report = bench_load(tmp_path / "shop", sessions=4, seconds=3, replicas=2)
    assert report["turns"] >= 8
    assert report["errors"] == 0 and report["lost_turns"] == 0, report["first_errors"]
    times = report["turn_seconds"]
    assert 0 < times["p50"] <= times["p95"] <= times["max"]
    assert report["model_requests"] >= report["turns"]  # the stub model was asked every turn


def test_the_command_prints_one_json_object() -> None:
    result = CliRunner().invoke(
        app, ["bench", "load", "--sessions", "2", "--seconds", "2", "--replicas", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["replicas"] == 1 and report["errors"] == 0 and report["lost_turns"] == 0
