"""The purchase flows of the conversation suite on a small generated demo shop, with the
scripted policy model (cart and checkout turns are decided in code, so the model is not
what they measure): slots come from the shop, every flow is scored by the final database
state, and a bank without the purchase flows still loads for the others."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from eval.harness.banks import BankError, load_bank
from eval.harness.conversation_suite import ConversationOptions, run_conversations
from eval.harness.env import EvalEnv, ShopUnderTest, discard, ready
from eval.harness.flows import BANK_OPTIONAL, BY_ID, FLOWS
from eval.harness.runs import RunWriter
from eval.harness.scripted_policy import scripted_policy
from eval.harness.shopfacts import ShopFacts
from eval.harness.slots import fill

PURCHASE = ["buy_variant", "add_both", "remove_second", "checkout"]


@pytest.fixture(scope="module")
def demo_facts(
    eval_shops: dict[str, ShopUnderTest], tmp_path_factory: pytest.TempPathFactory
) -> ShopFacts:
    env = EvalEnv(
        llm=scripted_policy(),
        workdir=tmp_path_factory.mktemp("facts"),
        progress=False,
        shops={name: ready(shop) for name, shop in eval_shops.items()},
    )
    store, path = env.fresh_store(eval_shops["demo"], "facts")
    try:
        return ShopFacts.from_store("demo", store)
    finally:
        discard(store, path)


def test_buy_variant_slots_name_an_in_stock_variant_the_gift_card_covers(
    demo_facts: ShopFacts,
) -> None:
    slots = fill(BY_ID["buy_variant"], demo_facts, random.Random(1))
    assert not isinstance(slots, str) and slots.category and slots.color and slots.size
    fitting = [
        i.price
        for r in demo_facts.by_leaf[slots.category]
        for i in r.items
        if i.available
        and i.options.get("color") == slots.color
        and i.options.get("size") == slots.size
    ]
    assert fitting
    cards = [b for _, s, b in demo_facts.methods[slots.user_id or ""] if s == "gift_card"]
    assert max(b or 0.0 for b in cards) >= max(fitting)


def test_the_purchase_flows_pass_by_database_state(
    eval_shops: dict[str, ShopUnderTest], tmp_path: Path
) -> None:
    env = EvalEnv(
        llm=scripted_policy(),
        workdir=tmp_path / "work",
        progress=False,
        shops={name: ready(shop) for name, shop in eval_shops.items()},
    )
    writer = RunWriter(tmp_path / "run", {"suite": "conversations", "model": "scripted-policy"})
    summary: dict[str, Any] = writer.finish(
        run_conversations(
            env, writer, load_bank("dev", FLOWS), ConversationOptions(PURCHASE, ["demo"], 3, 1)
        )
    )
    flows = summary["conversations"]["flows"]
    assert set(flows) == set(PURCHASE)
    rates = {name: f["pass_rate"] for name, f in flows.items()}
    results = (tmp_path / "run" / "results.jsonl").read_text().splitlines()
    failed = [json.loads(r) for r in results if '"success": false' in r.replace(" ", " ")]
    assert rates == dict.fromkeys(PURCHASE, 1.0), [
        (r["case_id"], r["failures"], r["error"]) for r in failed
    ]


def test_a_bank_without_the_purchase_flows_loads_for_the_others(tmp_path: Path) -> None:
    import tomllib

    dev = tomllib.loads((Path(__file__).parents[2] / "eval/harness/banks/en_dev.toml").read_text())
    older = tmp_path / "older.toml"
    lines = []
    for flow, table in dev.items():
        if flow in BANK_OPTIONAL:
            continue
        lines.append(f"[{flow}]")
        lines += [f"{key} = {json.dumps(values)}" for key, values in table.items()]
    older.write_text("\n".join(lines))
    bank = load_bank(str(older), FLOWS, optional=BANK_OPTIONAL)
    assert not any(bank.has(f) for f in BANK_OPTIONAL) and bank.has("greeting")
    with pytest.raises(BankError, match=r"\[checkout\]: missing"):
        load_bank(str(older), FLOWS)
