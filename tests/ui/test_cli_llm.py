"""``aisle llm-server`` without starting anything: the plan it prints on a GPU and on a CPU, and
its errors. (The real server is started in tests/assistant/test_llm_server_cli.py, which has
the model weights fixture.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ui.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("AISLE_CONFIG", raising=False)
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


def test_on_a_gpu_it_plans_vllm_with_the_production_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ui.cli_llm.vllm_available", lambda: True)
    result = runner.invoke(app, ["llm-server", "--host", "0.0.0.0", "--port", "9000", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "vllm serve Qwen/Qwen2.5-7B-Instruct --enable-auto-tool-choice --tool-call-parser hermes "
        "--max-model-len 8192 --host 0.0.0.0 --port 9000",
        "base URL: http://127.0.0.1:9000/v1",
        "export AISLE_LLM_BASE_URL=http://127.0.0.1:9000/v1",
        "export AISLE_LLM_MODEL=Qwen/Qwen2.5-7B-Instruct",
    ]


def test_on_a_cpu_it_plans_llama_cpp_with_a_gguf_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("ui.cli_llm.vllm_available", lambda: False)
    gguf = tmp_path / "tiny model.gguf"
    gguf.write_bytes(b"GGUF")
    result = runner.invoke(app, ["llm-server", "--model", str(gguf), "--dry-run"])
    assert result.exit_code == 0, result.output
    command, *exports = result.stdout.splitlines()
    assert command.startswith(f"{sys.executable} -m assistant.llm.llamacpp_server --model ")
    assert f"'{gguf}'" in command  # quoted: the path has a space
    assert "--port 8001" in command and "--n_ctx 8192" in command
    assert command.endswith("--model_alias 'tiny model'")
    assert exports == [
        "base URL: http://127.0.0.1:8001/v1",
        "export AISLE_LLM_BASE_URL=http://127.0.0.1:8001/v1",
        "export AISLE_LLM_MODEL='tiny model'",
    ]


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("no-such-model", "unknown embedded model 'no-such-model'; choose one of"),
        ("/nowhere/q.gguf", "no GGUF file at /nowhere/q.gguf"),
    ],
)
def test_a_bad_model_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, model: str, message: str
) -> None:
    monkeypatch.setattr("ui.cli_llm.vllm_available", lambda: False)
    result = runner.invoke(app, ["llm-server", "--model", model, "--dry-run"])
    assert result.exit_code == 1
    assert message in " ".join(result.stderr.split())
