"""`aisle replay`: tau2-style gold actions run as confirmed operator actions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from store.db import open_store
from store.models import Order
from ui.cli import app

runner = CliRunner()


@pytest.fixture
def tau2_shop(tmp_path: Path, tau2_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("AISLE_DATABASE_URL", raising=False)
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["import", "tau2", str(tau2_dir)]).exit_code == 0
    return tmp_path / "data"


def _actions(tmp_path: Path, actions: list[dict]) -> str:
    path = tmp_path / "actions.json"
    path.write_text(json.dumps(actions))
    return str(path)


def test_replay_cancels_once_and_reports_each_result(tau2_shop: Path, tmp_path: Path) -> None:
    cancel = {
        "name": "cancel_pending_order",
        "arguments": {"order_id": "W5918442", "reason": "ordered by mistake"},
    }
    path = _actions(
        tmp_path,
        [
            {
                "name": "find_user_id_by_email",
                "arguments": {"email": "sofia.rossi2645@example.com"},
            },
            cancel,
            cancel,
        ],
    )
    result = runner.invoke(app, ["replay", path, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [r["ok"] for r in out["results"]] == [True, True, False]
    assert "already made" in out["results"][2]["content"]

    store = open_store(f"sqlite:///{tau2_shop / 'aisle.db'}")
    with store.session() as s:
        order = s.get(Order, "#W5918442")
        assert order is not None
        assert order.status == "cancelled"
        assert order.cancel_reason == "ordered by mistake"
        assert order.payment_history[-1] == {
            "transaction_type": "refund",
            "amount": 1463.7,
            "payment_method_id": "credit_card_5051208",
        }


def test_replay_rejects_a_malformed_file_naming_the_action(tau2_shop: Path, tmp_path: Path) -> None:
    path = _actions(tmp_path, [{"name": "drop_all_tables", "arguments": {}}])
    result = runner.invoke(app, ["replay", path])
    assert result.exit_code == 1
    assert "action 0: unknown tool 'drop_all_tables'" in result.stderr
