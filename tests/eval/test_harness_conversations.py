"""The conversation suite end to end with the scripted policy model on a small generated demo
shop (hash embedder index): cases are made from the shop and the bank, every conversation
runs and is scored, and the run folder holds the summary, gates and report. It asserts that
the suite runs and writes, not that today's assistant passes. Also: slots come from the
shop, fixture shops are skipped with a reason when their file is missing."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eval.harness.banks import load_bank
from eval.harness.conversation_cases import make_cases
from eval.harness.conversation_shops import fixture_factory
from eval.harness.conversation_suite import ConversationOptions, run_conversations
from eval.harness.env import EvalEnv, ShopUnderTest, discard, ready
from eval.harness.flows import BY_ID, FLOWS
from eval.harness.report import write_report
from eval.harness.runs import RunWriter
from eval.harness.scripted_policy import scripted_policy
from eval.harness.shopfacts import ShopFacts
from eval.harness.slots import fill
from retrieval.embedder import HashEmbedder

TESTS = Path(__file__).resolve().parents[1]
QUICK = [
    "help_choose",
    "refine_cheaper",
    "not_sold",
    "cancel_one_pending",
    "greeting",
    "variant_question",
]


def _env(eval_shops: dict[str, ShopUnderTest], folder: Path) -> EvalEnv:
    return EvalEnv(
        llm=scripted_policy(),
        workdir=folder / "work",
        progress=False,
        shops={name: ready(shop) for name, shop in eval_shops.items()},
    )


def _run(
    eval_shops: dict[str, ShopUnderTest],
    folder: Path,
    flows: list[str] | None,
    cases: int,
    trials: int,
) -> dict[str, Any]:
    env = _env(eval_shops, folder)
    writer = RunWriter(folder, {"suite": "conversations", "model": "scripted-policy"})
    summary = writer.finish(
        run_conversations(
            env, writer, load_bank("dev", FLOWS), ConversationOptions(flows, None, cases, trials)
        )
    )
    write_report(folder)
    return summary


@pytest.fixture(scope="module")
def demo_facts(
    eval_shops: dict[str, ShopUnderTest], tmp_path_factory: pytest.TempPathFactory
) -> ShopFacts:
    env = _env(eval_shops, tmp_path_factory.mktemp("facts"))
    store, path = env.fresh_store(eval_shops["demo"], "facts")
    try:
        return ShopFacts.from_store("demo", store)
    finally:
        discard(store, path)


def test_slots_come_from_the_shop(demo_facts: ShopFacts) -> None:
    rng = random.Random(5)
    cap = fill(BY_ID["nothing_fits"], demo_facts, rng)
    assert not isinstance(cap, str) and cap.category and cap.cap is not None
    cheapest = min(i.price for r in demo_facts.by_leaf[cap.category] for i in r.items)
    assert 1 <= cap.cap < cheapest
    one = fill(BY_ID["cancel_one_pending"], demo_facts, rng)
    assert not isinstance(one, str) and one.user_id and one.order_id
    pending = [o for o in demo_facts.orders_of(one.user_id) if o.status == "pending"]
    assert [o.order_id for o in pending] == [one.order_id]
    thing = fill(BY_ID["not_sold"], demo_facts, rng)
    assert not isinstance(thing, str) and thing.thing
    assert not any(demo_facts.mentions_word(w) for w in thing.thing.split())
    pair = fill(BY_ID["refine_cap_instead"], demo_facts, rng)
    assert not isinstance(pair, str) and pair.cap2 is not None and pair.cap is not None
    assert pair.cap2 < pair.cap


def test_cases_spread_over_phrasings_and_skip_shops_with_a_reason(demo_facts: ShopFacts) -> None:
    flows = [BY_ID["refine_cheaper"], BY_ID["not_sold"], BY_ID["stock"]]
    cases, skipped = make_cases(
        flows,
        {"demo": demo_facts, "outdoor": "no outdoor_gear.csv"},
        load_bank("dev", FLOWS),
        4,
        seed=3,
    )
    cheaper = [c for c in cases if c.flow == "refine_cheaper"]
    assert len(cheaper) == 4 and len({c.phrasings["t1"] for c in cheaper}) == 4
    assert all("{" not in m for c in cases for m in c.messages.values())
    assert [c.shop for c in cases if c.flow == "not_sold"] == ["demo"] * 4
    assert {(s.flow, s.shop, s.reason) for s in skipped} == {
        ("not_sold", "outdoor", "no outdoor_gear.csv"),
        ("not_sold", "fashion", "the fashion shop is not part of this run"),
        ("stock", "home", "the home shop is not part of this run"),
        ("stock", "tau2", "the tau2 shop is not part of this run"),
    }


def test_a_fixture_shop_without_its_file_is_skipped_with_the_reason(tmp_path: Path) -> None:
    build = fixture_factory("outdoor", tmp_path / "shops", tmp_path / "work", HashEmbedder)
    assert build() == f"no outdoor_gear.csv (or .jsonl, .parquet) in {tmp_path / 'shops'}"


def test_the_suite_runs_a_few_flows_and_writes_its_run_folder(
    eval_shops: dict[str, ShopUnderTest], tmp_path: Path
) -> None:
    summary = _run(eval_shops, tmp_path / "run", QUICK, cases=2, trials=2)
    part = summary["conversations"]
    assert summary["bank"] == "dev"
    assert set(part["flows"]) == set(QUICK) - {"variant_question"}
    assert ("variant_question", "tau2") in {(s["flow"], s["shop"]) for s in part["skipped"]}
    overall = part["overall"]
    assert overall["conversations"] == 10 and overall["runs"] == 20
    assert set(overall["pass_hat_k"]) == {"1", "2"}
    assert {g["name"] for g in summary["gates"]} >= {
        "help_choose pass rate",
        "conversations overall pass rate",
        "invented products",
        "constraint-violating products shown",
        "prompt text shown",
    }
    folder = tmp_path / "run"
    for name in (
        "cases.jsonl",
        "results.jsonl",
        "transcripts.jsonl",
        "summary.json",
        "report.md",
        "invalid.jsonl",
    ):
        assert (folder / name).exists(), name
    results = [json.loads(x) for x in (folder / "results.jsonl").read_text().splitlines()]
    assert len(results) == 20 and all(r["suite"] == "conversations" for r in results)
    failed = [r for r in results if not r["success"]]
    assert all(r["failed_check"] for r in failed)
    report = (folder / "report.md").read_text()
    assert "Conversations: flows phrased by a bank" in report and "| help_choose |" in report
    assert not list((folder / "work").glob("conv-*.db"))  # every copy is removed


def test_the_suite_runs_every_flow(eval_shops: dict[str, ShopUnderTest], tmp_path: Path) -> None:
    summary = _run(eval_shops, tmp_path / "run", None, cases=1, trials=1)
    part = summary["conversations"]
    ran = set(part["flows"])
    skipped = {s["flow"] for s in part["skipped"]}
    assert ran | skipped == {f.id for f in FLOWS}
    assert part["overall"]["conversations"] == len(ran)


def test_the_command_is_registered_with_its_options() -> None:
    from ui.cli import app

    result = CliRunner().invoke(app, ["eval", "conversations", "--help"])
    assert result.exit_code == 0, result.output
    for option in (
        "--bank",
        "--flows",
        "--cases",
        "--trials",
        "--shops",
        "--json",
        "--out",
        "--scripted",
        "--shops-dir",
    ):
        assert option in result.output


def test_the_command_refuses_an_unknown_flow_before_running(tmp_path: Path) -> None:
    from ui.cli import app

    result = CliRunner().invoke(
        app,
        [
            "eval",
            "conversations",
            "--flows",
            "gift",
            "--bank",
            "dev",
            "--out",
            str(tmp_path / "run"),
        ],
    )
    assert result.exit_code != 0 and "unknown flow(s) gift" in result.stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_the_command_runs_on_a_fresh_data_dir_with_the_scripted_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`aisle eval conversations --scripted` as a user runs it: a demo shop indexed with the
    real embedder, the tau2 fixture, and the home fixture shop when its file is there."""
    from ui.cli import app

    monkeypatch.delenv("AISLE_DATABASE_URL", raising=False)
    monkeypatch.delenv("AISLE_CONFIG", raising=False)
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    for args in (["init-demo", "--products", "200", "--users", "30", "--seed", "3"], ["index"]):
        assert runner.invoke(app, args).exit_code == 0
    shops = tmp_path / "shops"
    shops.mkdir()
    home = TESTS / "data" / "shops" / "home_kitchen.csv"
    if home.exists():
        shutil.copy(home, shops / home.name)
    result = runner.invoke(
        app,
        [
            "eval",
            "conversations",
            "--scripted",
            "--bank",
            "dev",
            "--cases",
            "1",
            "--json",
            "--flows",
            "help_choose,cancel_one_pending,stock,status_guest",
            "--shops-dir",
            str(shops),
            "--tau2",
            str(TESTS / "data" / "tau2_mini"),
            "--out",
            str(tmp_path / "run"),
        ],
    )
    assert result.exit_code in (0, 2), result.output
    summary = json.loads(result.stdout)
    assert summary["suite"] == "conversations" and summary["bank"] == "dev"
    part = summary["conversations"]
    ran, skipped = set(part["flows"]), {s["flow"] for s in part["skipped"]}
    assert (
        "help_choose" in ran
        and {"help_choose", "cancel_one_pending", "stock", "status_guest"} == ran | skipped
    )
    assert (tmp_path / "run" / "summary.json").exists()
    assert not (tmp_path / "run" / "work").exists()
