"""The run report: ``report.md`` and ``report.html`` with plots, from a run folder's files.

It reads only what the run wrote (summary, results, transcripts), so a report can be rebuilt
from any finished run. Sections: the run (model, time, machine load), the gates, then each
suite's figures, plots and failed cases with a transcript excerpt to start debugging from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.harness import plots
from eval.harness.conversation_report import conversations_section
from eval.harness.document import Document, fmt
from eval.harness.gates import GateResult
from eval.harness.runs import load_run, load_transcripts

EXCERPT_TURNS = 4


def write_report(folder: Path) -> tuple[Path, Path]:
    run = load_run(folder)
    transcripts = load_transcripts(folder)
    summary, results = run.summary, run.results
    meta = summary.get("run", {})
    doc = Document(f"Aisle evaluation: {summary.get('suite', '?')}")
    load = meta.get("machine_at_start", {})
    doc.p(
        f"Model: {meta.get('model', '?')}. Started {meta.get('started', '?')}, took "
        f"{fmt(meta.get('seconds'))} s on {load.get('cores', '?')} cores (load average "
        f"{load.get('load_1m', '?')} at the start, "
        f"{meta.get('machine_at_end', {}).get('load_1m', '?')} at the end). "
        f"Options: {meta.get('options', {})}."
    )
    doc.h("Gates")
    gates = [GateResult(**g) for g in summary.get("gates", [])]
    doc.table(
        ["gate", "threshold", "value", "result"],
        [
            [
                g.name,
                f"{g.op} {g.threshold:g}",
                g.value,
                "not measured" if g.passed is None else "PASS" if g.passed else "FAIL",
            ]
            for g in gates
        ],
    )
    images = folder / "plots"
    if "dialogue" in summary:
        _dialogue(doc, summary["dialogue"], results, transcripts, images)
    if "service" in summary:
        _service(doc, summary["service"], results, transcripts, images)
    if "conversations" in summary:
        conversations_section(doc, summary, summary["conversations"], results, transcripts)
    _latency(doc, summary, transcripts, images)
    for extra in ("retrieval", "ranker"):
        if extra in summary:
            doc.h(f"{extra.capitalize()} evaluation")
            doc.pre(_flat(summary[extra]))
    doc.h("Files")
    doc.ul(
        [
            "cases.jsonl: the cases",
            "results.jsonl: one scored case x trial per line",
            "transcripts.jsonl: every turn with reply, tool steps and timings",
            "summary.json: the figures above",
        ]
    )
    md, page = folder / "report.md", folder / "report.html"
    md.write_text(doc.markdown())
    page.write_text(doc.html())
    return md, page


def _img(doc: Document, path: Path | None, alt: str, folder: Path) -> None:
    if path is not None:
        doc.img(str(path.relative_to(folder.parent)), alt)


def _figures(doc: Document, figures: dict[str, Any], keys: list[tuple[str, str]]) -> None:
    doc.table(["figure", "value"], [[label, figures.get(key)] for key, label in keys])


def _dialogue(
    doc: Document,
    s: dict[str, Any],
    results: list[dict[str, Any]],
    transcripts: list[dict[str, Any]],
    images: Path,
) -> None:
    doc.h("Dialogue: simulated shoppers")
    passes = s.get("pass_hat_k", {})
    _figures(
        doc,
        {**s, **{f"pass{k}": v for k, v in passes.items()}},
        [
            ("tasks", "tasks"),
            ("trials", "trials per task"),
            ("success_rate", "success rate"),
            *[(f"pass{k}", f"pass^{k}") for k in sorted(passes)],
            ("nothing_fits_success", "correct 'nothing fits' (tasks without an answer)"),
            ("turns_to_success", "turns to success (mean)"),
            ("questions_per_dialogue", "questions per dialogue"),
            ("redundant_questions", "questions about something already said"),
            ("violations_shown", "products shown breaking a stated constraint"),
            ("false_nothing_fits", "'nothing fits' when something does"),
            ("invented_products", "invented products (must be 0)"),
            ("errors", "errors"),
        ],
    )
    _img(doc, plots.dialogue_outcomes(results, passes, images), "dialogue outcomes", images)
    _img(doc, plots.dialogue_behaviour(results, images), "dialogue behaviour", images)
    _failures(
        doc,
        [r for r in results if r["suite"] == "dialogue" and not r["success"]],
        transcripts,
        lambda r: (
            f"outcome {r['outcome']}, {r['turns']} turns"
            + (f", invented: {r['invented_details']}" if r["invented"] else "")
        ),
    )


def _service(
    doc: Document,
    s: dict[str, Any],
    results: list[dict[str, Any]],
    transcripts: list[dict[str, Any]],
    images: Path,
) -> None:
    doc.h("Service: simulated customers")
    _figures(
        doc,
        s,
        [
            ("scenarios", "scenarios"),
            ("success_rate", "success rate"),
            ("db_state_match", "DB-state match"),
            ("required_facts_rate", "required facts found"),
            ("unconfirmed_writes", "unconfirmed writes (must be 0)"),
            ("cross_user_access", "cross-user access (must be 0)"),
            ("handoff_correct", "handoff correct"),
            ("wrong_proposals", "proposals the customer refused"),
            ("errors", "errors"),
        ],
    )
    if s.get("skipped_shops"):
        doc.p("Skipped: " + "; ".join(f"{k}: {v}" for k, v in s["skipped_shops"].items()))
    if s.get("invalid"):
        doc.p(f"Scenarios left out (gold actions did not replay): {', '.join(s['invalid'])}")
    _img(doc, plots.service_scores(results, images), "service scores", images)
    _failures(
        doc,
        [r for r in results if r["suite"] == "service" and not r["success"]],
        transcripts,
        lambda r: (
            f"{r['kind']} on {r['shop']}: DB match {fmt(r['db_match'])}, facts "
            f"{r['facts_found']}/{r['facts_required']}, unconfirmed "
            f"{r['unconfirmed_writes']}, cross-user {r['cross_user_access']}, handoff "
            f"{fmt(r['handoff_done'])} (expected {fmt(r['handoff_expected'])})"
            + (f"; differences: {r['differences'][:4]}" if r["differences"] else "")
        ),
    )


def _latency(
    doc: Document, summary: dict[str, Any], transcripts: list[dict[str, Any]], images: Path
) -> None:
    figures = summary.get("latency_all_turns")
    if not figures or not figures.get("turns"):
        return
    doc.h("Latency")
    rows = [
        [name, figures[key]["p50"], figures[key]["p95"], figures[key]["n"]]
        for key, name in (
            ("turn_seconds", "turn (s)"),
            ("first_text_seconds", "time to first text delta (s)"),
            ("outside_tools_seconds", "outside tool steps: LLM + loop (s)"),
        )
    ]
    if "latency" in summary:
        probe = summary["latency"]
        rows.append(
            [
                "latency probes only: turn (s)",
                probe["turn_seconds"]["p50"],
                probe["turn_seconds"]["p95"],
                probe["turn_seconds"]["n"],
            ]
        )
    share = figures.get("model_text_share")
    doc.p(
        f"Over all {figures['turns']} turns of this run. Turns whose text the model wrote "
        f"and streamed (not built or replaced by code): {fmt(share)}."
    )
    doc.table(["what", "p50", "p95", "n"], rows)
    doc.table(
        ["tool step (ms)", "p50", "p95", "n"],
        [[tool, v["p50"], v["p95"], v["n"]] for tool, v in figures["tool_ms"].items()],
    )
    _img(doc, plots.latency(transcripts, images), "latency", images)


def _failures(
    doc: Document, failed: list[dict[str, Any]], transcripts: list[dict[str, Any]], describe: Any
) -> None:
    if not failed:
        return
    doc.h("Failed cases", 3)
    by_key = {(t["suite"], t["case_id"], t["trial"]): t for t in transcripts}
    for r in failed[:12]:
        doc.p(
            f"{r['case_id']} trial {r['trial']}: {describe(r)}"
            + (f"; error: {r['error'].splitlines()[0]}" if r.get("error") else "")
        )
        turns = by_key.get((r["suite"], r["case_id"], r["trial"]), {}).get("turns", [])
        doc.pre(excerpt(turns))
    if len(failed) > 12:
        doc.p(f"... and {len(failed) - 12} more in results.jsonl")


def excerpt(turns: list[dict[str, Any]], limit: int = EXCERPT_TURNS) -> str:
    lines = []
    for turn in turns[:limit]:
        reply = turn.get("reply") or {}
        tools = ", ".join(f"{s['tool']}{'' if s['ok'] else ' (refused)'}" for s in turn["steps"])
        lines.append(f"> {turn['message']}")
        text = " ".join(str(reply.get("text", "")).split())[:300]
        lines.append(
            f"  [{reply.get('kind', 'error')}; tools: {tools or 'none'}; "
            f"{turn['seconds']:.1f}s] {text}"
        )
        for card in reply.get("products", [])[:3]:
            lines.append(f"    - {card['title']} ${card['price']:,.2f} [{card['product_id']}]")
    if len(turns) > limit:
        lines.append(f"... {len(turns) - limit} more turns")
    return "\n".join(lines)


def _flat(data: Any, prefix: str = "") -> str:
    if isinstance(data, dict):
        return "\n".join(_flat(v, f"{prefix}{k}.") for k, v in data.items())
    return f"{prefix.rstrip('.')}: {fmt(data)}"
