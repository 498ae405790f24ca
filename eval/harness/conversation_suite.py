"""The ``conversations`` suite: every flow, phrased by a bank, on every shop it runs on.

``run_conversations`` reads the facts of each shop the chosen flows need (a shop that is not
available is skipped with the reason), makes the cases (``conversation_cases``), writes them,
runs each case ``trials`` times (trial-major, so an interrupted run has pass^1 for every
case), writes each result as it is scored, and returns the summary: per flow and overall the
pass rate, pass^k over trials (tau-bench's definition), the counts of invented products,
constraint-violating products, echoes, promises, prompt text and replies in another
language than the bank's, the share of replies in the bank's language, and the first failing
checks; per shop the pass rate; what was skipped and why.

Gates (issue #18): every flow's pass rate >= 0.9, overall >= 0.95, no invented product, no
constraint-violating product, no prompt text; (issue #14) replies in the shopper's language
>= 0.95.

Not here: the CLI (``conversation_command``), the report section (``conversation_report``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from tqdm import tqdm

from eval.harness.banks import Bank
from eval.harness.checks import PromptText
from eval.harness.conversation_cases import ConversationCase, Skipped, make_cases
from eval.harness.conversations import COUNTED, ConversationResult, run_case
from eval.harness.driver import TurnRecord
from eval.harness.env import EvalEnv, EvalError, ShopUnderTest, discard
from eval.harness.flow_types import Flow
from eval.harness.flows import BY_ID, FLOWS
from eval.harness.gates import Gate, GateResult, gates_json
from eval.harness.latency import summarise_latency
from eval.harness.runs import RunWriter
from eval.harness.shopfacts import ShopFacts
from eval.harness.stats import mean_or_none, pass_hat_k

DEFAULT_CASES = 10  # conversations per flow: 350 over the 35 flows when every shop is there
FLOW_GATE, OVERALL_GATE = 0.9, 0.95
LANGUAGE_GATE = 0.95  # share of replies in the conversation's language (issue #14)
MAX_K = 4


@dataclass
class ConversationOptions:
    flows: Sequence[str] | None = None  # None: every flow
    shops: Sequence[str] | None = None  # None: every shop the flows run on
    cases: int = DEFAULT_CASES
    trials: int = 1
    seed: int = 11


def select_flows(names: Sequence[str] | None) -> list[Flow]:
    if not names:
        return list(FLOWS)
    unknown = [n for n in names if n not in BY_ID]
    if unknown:
        raise EvalError(f"unknown flow(s) {', '.join(unknown)}; the flows are {', '.join(BY_ID)}")
    return [BY_ID[n] for n in names]


def shop_names(flows: Sequence[Flow], wanted: Sequence[str] | None) -> list[str]:
    names = sorted({s for f in flows for s in f.shops})
    if wanted:
        known = {s for f in FLOWS for s in f.shops}
        if unknown := [s for s in wanted if s not in known]:
            raise EvalError(
                f"unknown shop(s) {', '.join(unknown)}; the shops are {', '.join(sorted(known))}"
            )
        names = [n for n in names if n in wanted]
    return names


def open_shops(
    env: EvalEnv, names: Sequence[str]
) -> tuple[dict[str, tuple[ShopUnderTest, ShopFacts]], dict[str, ShopFacts | str], str]:
    """Each shop that opens with its facts, the facts or why not for every name, and the
    shop's name as its assistant says it (for the prompt-text check)."""
    opened: dict[str, tuple[ShopUnderTest, ShopFacts]] = {}
    facts: dict[str, ShopFacts | str] = {}
    shop_label = "the shop"
    for name in names:
        shop = env.shop(name)
        if isinstance(shop, str):
            facts[name] = shop
            continue
        store, path = env.fresh_store(shop, f"facts-{name}")
        try:
            facts[name] = read = ShopFacts.from_store(name, store)
            deps = getattr(env.assistant(shop, store), "deps", None)
            shop_label = str(getattr(deps, "shop_name", shop_label))
        finally:
            discard(store, path)
        opened[name] = (shop, read)
    return opened, facts, shop_label


def run_conversations(
    env: EvalEnv, writer: RunWriter, bank: Bank, options: ConversationOptions
) -> dict[str, Any]:
    flows = select_flows(options.flows)
    opened, facts, shop_label = open_shops(env, shop_names(flows, options.shops))
    for name in options.shops or ():
        facts.setdefault(name, "no chosen flow runs on it")
    cases, skipped = make_cases(flows, facts, bank, options.cases, options.seed)
    if not cases:
        raise EvalError(
            "no conversation to run: "
            + "; ".join(f"{s.flow} on {s.shop}: {s.reason}" for s in skipped[:6])
        )
    for case in cases:
        writer.case("conversations", case)
    for s in skipped:
        writer.invalid("conversations", f"{s.flow}@{s.shop}", s.reason)
    summary: dict[str, Any] = {
        "suite": "conversations",
        "bank": bank.name,
        "bank_file": str(bank.path),
        "warm_up_seconds": env.warm_up(),
    }
    prompt = PromptText.of_assistant(shop_label)
    results: list[ConversationResult] = []
    prefix = f"eval-{writer.folder.name}"
    with tqdm(
        total=len(cases) * options.trials,
        desc="conversations",
        unit="conversation",
        disable=not env.progress,
    ) as bar:
        for trial in range(options.trials):
            for case in cases:
                shop, shop_facts = opened[case.shop]
                result, turns = run_case(
                    env, shop, shop_facts, prompt, BY_ID[case.flow], case, trial, prefix
                )
                _done(writer, bar, results, result, turns)
    summary["conversations"] = summarise(results, cases, skipped, options.trials)
    summary["latency_all_turns"] = summarise_latency(writer.turns)
    summary["gates"] = gates_json(conversation_gates(summary))
    return summary


def _done(
    writer: RunWriter,
    bar: tqdm[Any],
    results: list[ConversationResult],
    result: ConversationResult,
    turns: list[TurnRecord],
) -> None:
    results.append(result)
    writer.result(result, turns)
    bar.set_postfix_str(
        f"{result.case_id} t{result.trial} "
        f"{'ok' if result.success else 'FAIL ' + str(result.failed_check)}"
    )
    bar.update()


def figures(results: Sequence[ConversationResult], trials: int) -> dict[str, Any]:
    by_case: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        by_case[r.case_id].append(r.success)
    return {
        "conversations": len(by_case),
        "runs": len(results),
        "pass_rate": mean_or_none([float(r.success) for r in results]),
        "pass_hat_k": {
            str(k): pass_hat_k(list(by_case.values()), k) for k in range(1, min(trials, MAX_K) + 1)
        },
        **{k: sum(getattr(r, k) for r in results) for k in COUNTED},
        "replies": (replies := sum(r.replies for r in results)),
        "in_language": (
            round(1 - sum(r.language for r in results) / replies, 4) if replies else None
        ),
        "errors": sum(1 for r in results if r.error),
        "failed_checks": dict(
            Counter(r.failed_check for r in results if r.failed_check).most_common()
        ),
    }


def summarise(
    results: Sequence[ConversationResult],
    cases: Sequence[ConversationCase],
    skipped: Sequence[Skipped],
    trials: int,
) -> dict[str, Any]:
    by_flow: dict[str, list[ConversationResult]] = defaultdict(list)
    by_shop: dict[str, list[float]] = defaultdict(list)
    for r in results:
        by_flow[r.flow].append(r)
        by_shop[r.shop].append(float(r.success))
    shops_of: dict[str, set[str]] = defaultdict(set)
    for case in cases:
        shops_of[case.flow].add(case.shop)
    flows = {
        f.id: {**figures(by_flow[f.id], trials), "shops": sorted(shops_of[f.id])}
        for f in FLOWS
        if f.id in by_flow
    }
    return {
        "overall": figures(results, trials),
        "trials": trials,
        "flows": flows,
        "shops": {k: mean_or_none(v) for k, v in sorted(by_shop.items())},
        "skipped": [asdict(s) for s in skipped],
    }


def conversation_gates(summary: dict[str, Any]) -> list[GateResult]:
    part = ("conversations",)
    gates = [
        Gate(f"{flow} pass rate", (*part, "flows", flow, "pass_rate"), ">=", FLOW_GATE)
        for flow in summary.get("conversations", {}).get("flows", {})
    ]
    gates += [
        Gate(
            "conversations overall pass rate", (*part, "overall", "pass_rate"), ">=", OVERALL_GATE
        ),
        Gate("invented products", (*part, "overall", "invented"), "==", 0),
        Gate("constraint-violating products shown", (*part, "overall", "violating"), "==", 0),
        Gate("prompt text shown", (*part, "overall", "prompt_text"), "==", 0),
        Gate(
            "replies in the shopper's language",
            (*part, "overall", "in_language"),
            ">=",
            LANGUAGE_GATE,
        ),
    ]
    return [g.check(summary) for g in gates]
