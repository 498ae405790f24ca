"""The conversations section of a run report: per-flow figures, what was skipped, and every
failing conversation with the check that failed and its whole transcript.

``report.write_report`` calls ``conversations_section`` when the summary has a
"conversations" part; it reads only what the run wrote.
"""

from __future__ import annotations

from typing import Any

from eval.harness.document import Document, fmt

COUNTS = (
    ("invented", "invented"),
    ("violating", "violating"),
    ("echo", "echo"),
    ("promise", "promise"),
    ("prompt_text", "prompt text"),
    ("language", "other language"),
    ("in_language", "in language"),
)


def conversations_section(
    doc: Document,
    summary: dict[str, Any],
    part: dict[str, Any],
    results: list[dict[str, Any]],
    transcripts: list[dict[str, Any]],
) -> None:
    doc.h("Conversations: flows phrased by a bank")
    overall = part.get("overall", {})
    ks = sorted(overall.get("pass_hat_k", {}), key=int)
    doc.p(
        f"Bank: {summary.get('bank', '?')} ({summary.get('bank_file', '?')}). "
        f"{overall.get('conversations', 0)} conversations x {part.get('trials', 1)} "
        f"trial(s); pass^k is tau-bench's over the trials of each conversation."
    )
    headers = [
        "flow",
        "shops",
        "n",
        "pass rate",
        *(f"pass^{k}" for k in ks),
        *(label for _, label in COUNTS),
        "first failing checks",
    ]
    rows = [_row(name, f, ks) for name, f in part.get("flows", {}).items()]
    rows.append(_row("overall", {**overall, "shops": list(part.get("shops", {}))}, ks))
    doc.table(headers, rows)
    if part.get("shops"):
        doc.p("Pass rate by shop: " + ", ".join(f"{k} {fmt(v)}" for k, v in part["shops"].items()))
    if part.get("skipped"):
        doc.h("Skipped", 3)
        doc.ul([f"{s['flow']} on {s['shop']}: {s['reason']}" for s in part["skipped"]])
    failed = [r for r in results if r.get("suite") == "conversations" and not r["success"]]
    if not failed:
        return
    doc.h("Failing conversations", 3)
    by_key = {
        (t["case_id"], t["trial"]): t["turns"]
        for t in transcripts
        if t.get("suite") == "conversations"
    }
    for r in failed:
        first = r["failures"][0] if r["failures"] else None
        what = (
            f"{first['check']} at turn {first['turn']}: {first['detail']}"
            if first
            else f"error: {(r.get('error') or '?').splitlines()[0]}"
        )
        doc.p(f"{r['case_id']} trial {r['trial']} ({r['flow']} on {r['shop']}): {what}")
        doc.pre(transcript(by_key.get((r["case_id"], r["trial"]), [])))


def _row(name: str, f: dict[str, Any], ks: list[str]) -> list[Any]:
    checks = ", ".join(f"{k} {n}" for k, n in list(f.get("failed_checks", {}).items())[:3])
    return [
        name,
        ", ".join(f.get("shops", [])),
        f.get("conversations"),
        f.get("pass_rate"),
        *(f.get("pass_hat_k", {}).get(k) for k in ks),
        *(f.get(k) for k, _ in COUNTS),
        checks or "-",
    ]


def transcript(turns: list[dict[str, Any]]) -> str:
    """Every turn: the message, the reply (kind, text, options, confirmation, cards) and
    what the checks found in it."""
    lines: list[str] = []
    for turn in turns:
        reply = turn.get("reply") or {}
        lines.append(f"> {turn['message']}")
        text = " ".join(str(reply.get("text", "")).split())
        lines.append(f"  [{reply.get('kind', 'error')}; {turn['seconds']:.1f}s] {text[:600]}")
        question = reply.get("question") or {}
        if question.get("options"):
            lines.append(
                f"    options ({question.get('attribute')}): " + " | ".join(question["options"])
            )
        if reply.get("confirmation"):
            c = reply["confirmation"]
            lines.append(f"    confirm {c.get('action')} {c.get('arguments')}")
        for card in reply.get("products", [])[:5]:
            reasons = "; ".join(card.get("reasons", [])[:3])
            lines.append(
                f"    - {card['title']} ${card['price']:,.2f} [{card['product_id']}"
                f"/{card.get('item_id')}] {reasons}"
            )
        lines += [f"  !! {f}" for f in turn.get("notes", {}).get("failures", [])]
        if turn.get("error"):
            lines.append(f"  !! error: {turn['error'].splitlines()[0]}")
    return "\n".join(lines)
