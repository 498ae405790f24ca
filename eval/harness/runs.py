"""Run folders: what a run writes as it goes, and reading one back.

A run folder (default ``<data_dir>/eval-runs/<timestamp>-<suite>/``) holds:
- ``run.json``: the suite, the model, the options, the machine (cores, load) and timings;
- ``cases.jsonl``: every case, one per line, with its ``suite``;
- ``results.jsonl``: every scored case x trial, written as soon as it is scored (a run that is
  interrupted keeps what it finished);
- ``transcripts.jsonl``: every conversation turn by turn: messages, replies, tool steps and
  timings, and what the scorer noted on each turn;
- ``invalid.jsonl``: cases left out, with the reason (a gold action that does not replay);
- ``summary.json``, ``report.md``, ``report.html`` and ``plots/*.png`` at the end.

Not here: what goes into the summary (``suites``) or the report (``report``).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from eval.harness.driver import TurnRecord
from eval.harness.env import EvalError


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cores": os.cpu_count(),
        "load_1m": round(load[0], 2),
        "load_5m": round(load[1], 2),
        "load_15m": round(load[2], 2),
    }


class RunWriter:
    def __init__(self, folder: Path, meta: dict[str, Any]) -> None:
        if folder.exists() and any(folder.iterdir()):
            raise EvalError(f"run folder {folder} is not empty; choose another --out")
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.meta = {
            **meta,
            "started": datetime.now().isoformat(timespec="seconds"),
            "machine_at_start": machine(),
        }
        self._started = time.perf_counter()
        self.results: list[dict[str, Any]] = []
        self.turns_by_suite: dict[str, list[TurnRecord]] = {}
        self._write_json("run.json", self.meta)

    @staticmethod
    def default_folder(root: Path, suite: str) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        folder, n = root / f"{stamp}-{suite}", 1
        while folder.exists():
            n += 1
            folder = root / f"{stamp}-{suite}-{n}"
        return folder

    def _append(self, name: str, data: dict[str, Any]) -> None:
        with open(self.folder / name, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(data, default=str) + "\n")

    def _write_json(self, name: str, data: Any) -> None:
        (self.folder / name).write_text(json.dumps(data, indent=2, default=str) + "\n")

    def case(self, suite: str, case: BaseModel) -> None:
        self._append("cases.jsonl", {"suite": suite, **case.model_dump(mode="json")})

    def result(self, result: BaseModel, turns: list[TurnRecord]) -> None:
        data = result.model_dump(mode="json")
        metrics = getattr(result, "metrics", None)
        if callable(metrics):
            data["metrics"] = metrics()
        self.results.append(data)
        self.turns_by_suite.setdefault(data["suite"], []).extend(turns)
        self._append("results.jsonl", data)
        self._append(
            "transcripts.jsonl",
            {
                "suite": data["suite"],
                "case_id": data["case_id"],
                "trial": data.get("trial", 0),
                "turns": [t.model_dump(mode="json") for t in turns],
            },
        )

    @property
    def turns(self) -> list[TurnRecord]:
        return [t for turns in self.turns_by_suite.values() for t in turns]

    def invalid(self, suite: str, case_id: str, reason: str) -> None:
        self._append("invalid.jsonl", {"suite": suite, "case_id": case_id, "reason": reason})

    def finish(self, summary: dict[str, Any]) -> dict[str, Any]:
        self.meta["seconds"] = round(time.perf_counter() - self._started, 1)
        self.meta["machine_at_end"] = machine()
        self._write_json("run.json", self.meta)
        summary = {"run": self.meta, **summary}
        self._write_json("summary.json", summary)
        return summary


@dataclass
class RunData:
    folder: Path
    summary: dict[str, Any]
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def label(self) -> str:
        run = self.summary.get("run", {})
        return f"{self.folder.name} ({run.get('model', '?')})"


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def load_run(folder: Path) -> RunData:
    summary_file = folder / "summary.json"
    if not folder.is_dir():
        raise EvalError(f"{folder} is not a run folder")
    if not summary_file.exists():
        raise EvalError(f"{folder} has no summary.json; is the run finished?")
    return RunData(folder, json.loads(summary_file.read_text()), _lines(folder / "results.jsonl"))


def load_transcripts(folder: Path) -> list[dict[str, Any]]:
    return _lines(folder / "transcripts.jsonl")
