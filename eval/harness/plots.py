"""The report's plots (matplotlib, Agg backend: files only, no display needed).

Each function takes the run's plain data (result and transcript dicts as written to the run
folder), draws one figure, saves it as PNG under ``plots/`` and returns its path, or None when
the run has nothing to draw for it.

Not here: the text of the report (``report``), the figures' numbers (``suites``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # the backend is chosen before pyplot loads

Row = dict[str, Any]
_OK, _BAD, _GREY, _BLUE = "#2a9d8f", "#e76f51", "#adb5bd", "#457b9d"


def _save(fig: Any, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def dialogue_outcomes(
    results: Sequence[Row], pass_k: dict[str, float | None], folder: Path
) -> Path | None:
    rows = [r for r in results if r["suite"] == "dialogue"]
    if not rows:
        return None
    by_task: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_task[r["case_id"]].append(r)
    tasks = sorted(by_task)
    rates = [sum(r["success"] for r in by_task[t]) / len(by_task[t]) for t in tasks]
    colours = [_BLUE if by_task[t][0]["satisfiable"] else "#9b5de5" for t in tasks]
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [3, 1.2]}
    )
    left.bar(tasks, rates, color=colours)
    left.set_ylim(0, 1.05)
    left.set_ylabel("success rate over trials")
    left.set_title("Dialogue tasks (blue: a product fits; purple: nothing fits)")
    left.tick_params(axis="x", rotation=60, labelsize=8)
    ks = [k for k, v in sorted(pass_k.items()) if v is not None]
    right.plot([int(k) for k in ks], [pass_k[k] for k in ks], marker="o", color=_BLUE)
    right.axhline(0.8, color=_BAD, linestyle="--", linewidth=1, label="gate (pass^1)")
    right.set_ylim(0, 1.05)
    right.set_xticks(range(1, 5))
    right.set_xlabel("k")
    right.set_title("pass^k")
    right.legend(loc="lower left", fontsize=8)
    return _save(fig, folder, "dialogue_outcomes.png")


def dialogue_behaviour(results: Sequence[Row], folder: Path) -> Path | None:
    rows = [r for r in results if r["suite"] == "dialogue"]
    if not rows:
        return None
    fields = ("turns", "questions", "redundant_questions", "violations_shown", "invented")
    means = [sum(r[f] for r in rows) / len(rows) for f in fields]
    fig, ax = plt.subplots(figsize=(7, 3.4))
    bars = ax.bar(
        [f.replace("_", "\n") for f in fields], means, color=[_BLUE, _BLUE, _BAD, _BAD, _BAD]
    )
    ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_ylabel("mean per dialogue")
    ax.set_title(f"Dialogue behaviour ({len(rows)} dialogues; red: should be 0)")
    return _save(fig, folder, "dialogue_behaviour.png")


def service_scores(results: Sequence[Row], folder: Path) -> Path | None:
    rows = [r for r in results if r["suite"] == "service"]
    if not rows:
        return None
    by_kind: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_kind[f"{r['kind']}\n({r['shop']})"].append(r)
    kinds = sorted(by_kind)
    series = {
        "DB state matches": [
            sum(r["metrics"]["db_match"] for r in by_kind[k]) / len(by_kind[k]) for k in kinds
        ],
        "required facts": [
            sum(r["metrics"]["facts_rate"] for r in by_kind[k]) / len(by_kind[k]) for k in kinds
        ],
        "success": [sum(r["success"] for r in by_kind[k]) / len(by_kind[k]) for k in kinds],
    }
    width = 0.27
    fig, ax = plt.subplots(figsize=(max(7, 0.9 * len(kinds) + 3), 3.8))
    for i, (name, values) in enumerate(series.items()):
        ax.bar(
            [x + (i - 1) * width for x in range(len(kinds))],
            values,
            width,
            label=name,
            color=(_BLUE, _GREY, _OK)[i],
        )
    ax.set_xticks(range(len(kinds)), kinds, fontsize=8)
    ax.set_ylim(0, 1.1)
    ax.set_title(f"Service scenarios by kind ({len(rows)} runs)")
    ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.22))
    return _save(fig, folder, "service_scores.png")


def latency(transcripts: Sequence[Row], folder: Path) -> Path | None:
    turns_by: dict[str, list[Row]] = defaultdict(list)
    for t in transcripts:
        turns_by[t["suite"]].extend(t["turns"])
    turns = [turn for ts in turns_by.values() for turn in ts]
    if not turns:
        return None
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    labels = sorted(turns_by)
    data = [[t["seconds"] for t in turns_by[s]] for s in labels]
    first = [t["first_text_s"] for t in turns if t.get("first_text_s") is not None]
    if first:
        labels.append("time to first\ntext (all)")
        data.append(first)
    left.boxplot(data, tick_labels=labels, showfliers=True)
    left.set_ylabel("seconds")
    left.set_title("Turn latency by suite")
    per_tool: dict[str, list[float]] = defaultdict(list)
    for t in turns:
        for step in t["steps"]:
            per_tool[step["tool"]].append(max(step["ms"], 0.1))
    if per_tool:
        tools = sorted(per_tool, key=lambda k: -len(per_tool[k]))[:10]
        right.boxplot([per_tool[k] for k in tools], tick_labels=tools, orientation="horizontal")
        right.set_xscale("log")
        right.set_xlabel("ms (log scale)")
        right.tick_params(axis="y", labelsize=8)
    right.set_title("Tool step time")
    return _save(fig, folder, "latency.png")


def compare_deltas(rows: Sequence[Row], a: str, b: str, folder: Path) -> Path | None:
    """Forest plot: one row per metric, the mean paired difference B - A and its 95% CI;
    times (seconds) get their own panel so they do not squash the rates and counts."""
    if not rows:
        return None
    groups = [
        [r for r in rows if "seconds" not in r["metric"]],
        [r for r in rows if "seconds" in r["metric"]],
    ]
    groups = [g for g in groups if g]
    fig, axes = plt.subplots(
        len(groups),
        1,
        squeeze=False,
        figsize=(8, 0.42 * len(rows) + 2.2),
        gridspec_kw={"height_ratios": [len(g) + 1 for g in groups]},
    )
    for ax, group in zip(axes[:, 0], groups, strict=True):
        for i, r in enumerate(reversed(group)):
            colour = _GREY if not r["real"] else (_OK if r["better"] else _BAD)
            ax.errorbar(
                r["delta"],
                i,
                xerr=[[r["delta"] - r["low"]], [r["high"] - r["delta"]]],
                fmt="o",
                color=colour,
                capsize=3,
            )
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(
            range(len(group)),
            [f"{r['suite']}: {r['metric']} (n={r['n']})" for r in reversed(group)],
            fontsize=8,
        )
        ax.set_ylim(-0.7, len(group) - 0.3)
    axes[-1, 0].set_xlabel(f"mean paired difference, {b} minus {a} (95% bootstrap CI)")
    axes[0, 0].set_title(
        "Comparison (green: real improvement, red: real regression, grey: noise)", fontsize=9
    )
    return _save(fig, folder, "compare_deltas.png")
