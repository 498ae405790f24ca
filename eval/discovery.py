"""``aisle eval discovery``: finding products on any catalog, scored against that catalog.

The conversation suite's discovery flows, re-targeted at every shop of the run (the fixture
shops, tau2, the demo shop and any catalog file given with ``--catalog``), with their tasks
generated from each shop's own catalog (``ShopFacts``: its categories, facet values and
prices) and phrased by the bank. Four groups, as issue #17 defines them:

- **specific**: a product type, a facet value and a price cap (``specific``), or a type and
  a cap worded many ways (``price_phrasings``): every product shown must meet every
  constraint (the suite's ``violating`` check) and the right kind of reply must come back;
- **vague**: only a product type (``want_x``, ``help_choose``): a clarifying question whose
  options come from the catalog, then products of that type;
- **impossible**: a price cap under every price of the type (``nothing_fits``): an honest
  "nothing fits" with relaxations that would find something;
- **not sold**: a product type the catalog lacks (``not_sold``) or a brand it does not carry
  (``unknown_brand``): said so, with what the shop does carry.

Gates: specific >= 0.9, vague >= 0.8, impossible >= 0.9, not sold >= 0.9 (each over every
shop), no invented product, no constraint-violating product, no prompt text.

Not here: the flows and their checks (``eval.harness``), the CLI (``discovery_command``).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from tqdm import tqdm

from eval.harness.banks import Bank
from eval.harness.checks import PromptText
from eval.harness.conversation_cases import Skipped, make_cases
from eval.harness.conversation_suite import figures, open_shops
from eval.harness.conversations import ConversationResult, run_case
from eval.harness.env import EvalEnv, EvalError
from eval.harness.flow_types import Flow
from eval.harness.flows import BY_ID
from eval.harness.gates import Gate, GateResult, gates_json
from eval.harness.runs import RunWriter

GROUPS: dict[str, tuple[str, ...]] = {
    "specific": ("specific", "price_phrasings"),
    "vague": ("want_x", "help_choose"),
    "impossible": ("nothing_fits",),
    "not_sold": ("not_sold", "unknown_brand"),
}
GATES = {"specific": 0.9, "vague": 0.8, "impossible": 0.9, "not_sold": 0.9}
DEFAULT_SHOPS = ("outdoor", "fashion", "home", "tau2", "demo")
DEFAULT_CASES = 6  # conversations per flow and shop


def discovery_flows(shops: Sequence[str]) -> list[Flow]:
    """The discovery flows, each running on every shop of the run."""
    return [
        dataclasses.replace(BY_ID[flow_id], shops=tuple(shops))
        for ids in GROUPS.values()
        for flow_id in ids
    ]


def group_of(flow_id: str) -> str:
    return next(group for group, ids in GROUPS.items() if flow_id in ids)


def run_discovery(
    env: EvalEnv,
    writer: RunWriter,
    bank: Bank,
    shops: Sequence[str],
    cases: int = DEFAULT_CASES,
    trials: int = 1,
    seed: int = 11,
) -> dict[str, Any]:
    """Run every discovery flow on every shop (``cases`` conversations per flow and shop,
    ``trials`` times each) and summarise by group and shop."""
    opened, facts, shop_label = open_shops(env, shops)
    available = [name for name in shops if name in opened]
    flows = discovery_flows(available)
    by_id = {flow.id: flow for flow in flows}
    # round robin over the shops: ``cases`` per flow and shop where every shop can host it
    made, skipped = make_cases(flows, facts, bank, cases * max(1, len(available)), seed)
    skipped += [Skipped("*", name, why) for name, why in facts.items() if isinstance(why, str)]
    if not made:
        raise EvalError(
            "no discovery task to run: "
            + "; ".join(f"{s.flow} on {s.shop}: {s.reason}" for s in skipped[:6])
        )
    for case in made:
        writer.case("discovery", case)
    for s in skipped:
        writer.invalid("discovery", f"{s.flow}@{s.shop}", s.reason)
    prompt = PromptText.of_assistant(shop_label)
    results: list[ConversationResult] = []
    warm = env.warm_up()
    with tqdm(
        total=len(made) * trials, desc="discovery", unit="task", disable=not env.progress
    ) as bar:
        for trial in range(trials):
            for case in made:
                shop, shop_facts = opened[case.shop]
                result, turns = run_case(
                    env, shop, shop_facts, prompt, by_id[case.flow], case, trial,
                    f"eval-{writer.folder.name}",
                )  # fmt: skip
                result = result.model_copy(update={"suite": "discovery"})
                results.append(result)
                writer.result(result, turns)
                bar.set_postfix_str(f"{case.case_id} {'ok' if result.success else 'FAIL'}")
                bar.update()
    summary: dict[str, Any] = {
        "suite": "discovery",
        "bank": bank.name,
        "warm_up_seconds": warm,
        "discovery": summarise(results, trials, [dataclasses.asdict(s) for s in skipped]),
    }
    summary["gates"] = gates_json(discovery_gates(summary))
    return summary


def summarise(
    results: Sequence[ConversationResult], trials: int, skipped: list[dict[str, Any]]
) -> dict[str, Any]:
    by_group: dict[str, list[ConversationResult]] = defaultdict(list)
    by_cell: dict[tuple[str, str], list[ConversationResult]] = defaultdict(list)
    for r in results:
        group = group_of(r.flow)
        by_group[group].append(r)
        by_cell[(group, r.shop)].append(r)
    table: dict[str, dict[str, Any]] = defaultdict(dict)
    for (group, shop), cell in sorted(by_cell.items()):
        table[shop][group] = {
            "tasks": len(cell),
            "pass_rate": figures(cell, trials)["pass_rate"],
        }
    return {
        "overall": figures(results, trials),
        "trials": trials,
        "groups": {g: figures(by_group[g], trials) for g in GROUPS if by_group.get(g)},
        "shops": dict(table),
        "skipped": skipped,
    }


def discovery_gates(summary: dict[str, Any]) -> list[GateResult]:
    part = ("discovery",)
    gates = [
        Gate(f"discovery {group} pass rate", (*part, "groups", group, "pass_rate"), ">=", goal)
        for group, goal in GATES.items()
        if group in summary.get("discovery", {}).get("groups", {})
    ]
    gates += [
        Gate("discovery invented products", (*part, "overall", "invented"), "==", 0),
        Gate("discovery constraint-violating products", (*part, "overall", "violating"), "==", 0),
        Gate("discovery prompt text shown", (*part, "overall", "prompt_text"), "==", 0),
    ]
    return [g.check(summary) for g in gates]
