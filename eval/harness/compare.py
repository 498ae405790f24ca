"""``aisle eval compare RUN_A RUN_B``: which differences between two runs are real.

Cases are paired by suite and case id, and only when both runs hold the same case (same
generated task or scenario; runs on different shops or seeds pair nothing). Each case's
metrics are averaged over its trials; for every metric the per-case differences B - A are
resampled (paired bootstrap, 2,000 resamples, seeded) for a 95% interval of the mean
difference. A difference is real when the interval excludes 0, and an improvement or a
regression by the metric's direction (success up, latency down, ...). The comparison writes
``compare.json``, ``report.md``, ``report.html`` and a forest plot.

Not here: running suites; summary-level figures (pass^k) are listed side by side, not tested.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from eval.harness import plots
from eval.harness.document import Document, fmt
from eval.harness.runs import RunData, load_run
from eval.harness.stats import bootstrap_ci

HIGHER_IS_BETTER = frozenset({"success", "db_match", "facts_rate", "handoff_correct"})
SUMMARY_FIGURES = (
    ("dialogue", "success_rate"),
    ("dialogue", "invented_products"),
    ("dialogue", "turns_to_success"),
    ("service", "db_state_match"),
    ("service", "required_facts_rate"),
    ("service", "unconfirmed_writes"),
    ("service", "cross_user_access"),
)


def _cases(folder: Path) -> dict[tuple[str, str], dict[str, Any]]:
    path = folder / "cases.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    return {(r["suite"], r["case_id"]): r for r in rows}


def _per_case(run: RunData) -> dict[tuple[str, str], dict[str, float]]:
    sums: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in run.results:
        for metric, value in r.get("metrics", {}).items():
            sums[(r["suite"], r["case_id"])][metric].append(float(value))
    return {key: {m: sum(v) / len(v) for m, v in metrics.items()} for key, metrics in sums.items()}


def compare_runs(a_folder: Path, b_folder: Path) -> dict[str, Any]:
    a, b = load_run(a_folder), load_run(b_folder)
    cases_a, cases_b = _cases(a_folder), _cases(b_folder)
    per_a, per_b = _per_case(a), _per_case(b)
    shared = sorted(k for k in per_a.keys() & per_b.keys() if cases_a.get(k) == cases_b.get(k))
    differing = sorted(
        f"{s}:{c}"
        for s, c in per_a.keys() & per_b.keys()
        if cases_a.get((s, c)) != cases_b.get((s, c))
    )
    diffs: dict[tuple[str, str], list[float]] = defaultdict(list)
    for key in shared:
        for metric in per_a[key].keys() & per_b[key].keys():
            diffs[(key[0], metric)].append(per_b[key][metric] - per_a[key][metric])
    rows = []
    for (suite, metric), values in sorted(diffs.items()):
        delta, low, high = bootstrap_ci(values)
        real = low > 0 or high < 0
        up = delta > 0
        rows.append(
            {
                "suite": suite,
                "metric": metric,
                "n": len(values),
                "delta": delta,
                "low": low,
                "high": high,
                "real": real,
                "better": up == (metric in HIGHER_IS_BETTER),
            }
        )
    figures = [
        {
            "suite": s,
            "figure": f,
            "a": a.summary.get(s, {}).get(f),
            "b": b.summary.get(s, {}).get(f),
        }
        for s, f in SUMMARY_FIGURES
        if s in a.summary or s in b.summary
    ]
    return {
        "a": str(a_folder),
        "b": str(b_folder),
        "a_label": a.label,
        "b_label": b.label,
        "paired_cases": len(shared),
        "cases_differing": differing,
        "metrics": rows,
        "figures": figures,
    }


def write_comparison(result: dict[str, Any], out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.json").write_text(json.dumps(result, indent=2) + "\n")
    doc = Document("Aisle evaluation: comparison")
    doc.p(
        f"A = {result['a_label']}; B = {result['b_label']}. {result['paired_cases']} cases "
        "paired by suite and case id (the same generated case in both runs)."
    )
    if result["cases_differing"]:
        doc.p(
            "Not paired, the case differs between the runs: "
            + ", ".join(result["cases_differing"][:20])
        )
    doc.h("Per-case metrics: B - A with 95% bootstrap intervals")
    doc.table(
        ["suite", "metric", "n", "B - A", "95% CI", "verdict"],
        [
            [
                r["suite"],
                r["metric"],
                r["n"],
                f"{r['delta']:+.3f}",
                f"[{r['low']:+.3f}, {r['high']:+.3f}]",
                ("improvement" if r["better"] else "regression")
                if r["real"]
                else "no real difference",
            ]
            for r in result["metrics"]
        ],
    )
    path = plots.compare_deltas(result["metrics"], "A", "B", out / "plots")
    if path is not None:
        doc.img(str(path.relative_to(out)), "paired differences")
    doc.h("Summary figures side by side")
    doc.table(
        ["suite", "figure", "A", "B"],
        [[f["suite"], f["figure"], fmt(f["a"]), fmt(f["b"])] for f in result["figures"]],
    )
    md, page = out / "report.md", out / "report.html"
    md.write_text(doc.markdown())
    page.write_text(doc.html())
    return md, page
