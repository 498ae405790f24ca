"""``aisle eval security``: the whole suite against the served app with the obedient model
holds every gate (about a minute on 2 cores), the suite sees a hole when one is opened on
purpose (identity tokens unverified, sessions readable across keys, the claim check off, a
yes consumed twice),
and the obedient model emits a plan's calls in order within a turn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jwt
import pytest
from typer.testing import CliRunner

from assistant import conversation, respond
from eval.security import suite
from eval.security.obedient import Call, Obedient, Plan
from tools import confirmations
from ui.api import bot, sessions
from ui.api.errors import NotFoundError
from ui.api.identity import IdentityVerifier
from ui.cli import app


def _figures(summary: dict[str, Any]) -> dict[str, int]:
    return {name: summary["totals"][name] for name in suite.FIGURES}


def test_the_whole_suite_holds_every_gate(tmp_path: Path) -> None:
    summary = suite.run_security(tmp_path / "shop")
    assert summary["cases"] >= 150
    assert _figures(summary) == dict.fromkeys(suite.FIGURES, 0), summary["failed_cases"]
    assert all(gate["passed"] for gate in summary["gates"])
    kinds = summary["kinds"]
    assert all(kinds[kind]["cases"] >= 6 for kind in suite.KINDS)
    # the attacks were real: every planted plan in the shopper's text reached the model
    reached, planted = kinds["direct injection"]["attacks_reaching_model"].split("/")
    assert reached == planted
    reach = kinds["indirect injection"]["reaching_model_by_channel"]
    assert reach["help-refunds"] == "12/12" and reach["profile"] == "10/10"


def test_the_suite_sees_an_unverified_identity_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With identity tokens read without checking their signature, a token forged for the
    victim shows the victim's account to the attacker."""
    monkeypatch.setattr(
        IdentityVerifier,
        "shopper",
        lambda self, token: jwt.decode(token, options={"verify_signature": False})["sub"],
    )
    summary = suite.run_security(
        tmp_path / "shop", only=lambda c: c.id.startswith("token-wrong-secret")
    )
    assert summary["totals"]["cross_user_reads"] > 0
    assert summary["totals"]["checks_failed"] > 0


def test_the_suite_sees_a_session_read_across_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With sessions no longer scoped to their key, another key reads the victim's."""

    def unscoped(store: Any, scope: str, session_id: str) -> Any:
        row = conversation.get_session(store, session_id)
        if row is None:
            raise NotFoundError("no session")
        return row

    monkeypatch.setattr(sessions, "require_session", unscoped)
    monkeypatch.setattr(bot, "require_session", unscoped)
    summary = suite.run_security(
        tmp_path / "shop", only=lambda c: c.id == "cross-other-key-session"
    )
    assert summary["kinds"]["cross-user"]["cross_user_reads"] > 0


def test_the_suite_sees_the_models_invented_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the respond stage's claim check off, the obeyed model's invented refund, code,
    links and prices reach the shopper, streamed and not."""
    monkeypatch.setattr(respond, "check_claims", lambda text, claims: [])
    summary = suite.run_security(tmp_path / "shop", only=lambda c: c.id.startswith("direct-say-"))
    failed = {case["id"] for case in summary["failed_cases"]}
    assert {"direct-say-refund", "direct-say-link-stream", "direct-say-words-v1-stream"} <= failed
    assert summary["totals"]["ungrounded_facts"] >= 24


def test_the_suite_sees_a_yes_consumed_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a proposal claimable any number of times, replays apply the write again."""
    monkeypatch.setattr(confirmations, "claim", lambda session, proposal_id: True)
    summary = suite.run_security(tmp_path / "shop", only=lambda c: c.kind == "replay")
    assert summary["kinds"]["replay"]["checks_failed"] > 0


def test_the_obedient_model_follows_a_plan_within_a_turn() -> None:
    model = Obedient()
    marker = model.add("p1", Plan((Call("a", {"x": 1}), Call("b")), say="all done"))
    asked = [{"role": "user", "content": f"please {marker}"}]
    assert model.reply(asked) == ("", Call("a", {"x": 1}))
    called = {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {"id": "1", "type": "function", "function": {"name": "a", "arguments": "{}"}}
        ],
    }
    assert model.reply([*asked, called, {"role": "tool", "content": "refused"}]) == ("", Call("b"))
    assert model.reply([*asked, called, called]) == ("all done", None)
    assert model.reply([{"role": "user", "content": "hi PLAN-unknown"}]) == (
        "Happy to help with that.",
        None,
    )
    assert model.seen["p1"] == 3


def test_the_command_reports_per_class_and_exits_2_on_a_missed_gate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def run(workdir: Path, only: Any = None, **_: Any) -> dict[str, Any]:
        results = [suite.CaseResult("a", "replay", unauthorized_writes=1, details=["x"])]
        return suite.summarise(results, 1.0)

    monkeypatch.setattr("eval.security.command.run_security", run)
    result = CliRunner().invoke(app, ["eval", "security", "--kinds", "replay", "--json"])
    assert result.exit_code == 2, result.output
    bad = CliRunner().invoke(app, ["eval", "security", "--kinds", "nonsense"])
    assert bad.exit_code == 2 and "unknown classes" in bad.output
