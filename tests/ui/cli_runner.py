"""Running ``aisle`` in-process for the CLI tests, on a data dir of their own."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ui.cli import app

runner = CliRunner()


def use_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ``aisle`` at ``tmp_path/data`` with no config file or database URL from outside."""
    monkeypatch.delenv("AISLE_DATABASE_URL", raising=False)
    monkeypatch.delenv("AISLE_CONFIG", raising=False)
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


def run(*args: str) -> tuple[int, str, str]:
    """``aisle ARGS``: exit code, stdout, stderr; an exception other than an exit is raised."""
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr
