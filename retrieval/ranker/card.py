"""The trained ranker's record for people: ``metrics.json`` and ``model_card.md``.

Both are written from the ``TrainReport``: what data went in (sizes by source), the settings,
the validation nDCG@10 before and after training, the personalisation weights and hit rates,
how long it took and when. The card says what the model is for and what it is not.

Not here: the manifest the loader reads (``retrieval.ranker.ranker``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

METRICS, CARD = "metrics.json", "model_card.md"


def write_metrics(directory: Path, report: dict[str, Any]) -> None:
    (directory / METRICS).write_text(
        json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def _table(rows: list[tuple[str, Any]]) -> str:
    return "\n".join(["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)])


def _decision_row(decision: dict[str, Any] | None) -> list[tuple[str, str]]:
    if not decision:
        return []
    served = "served" if decision.get("serve") else "NOT served: shoppers get the retrieval order"
    return [("serving decision", f"{served}; {decision.get('reason', '')}")]


def _prior_row(prior: dict[str, Any] | None) -> list[tuple[str, str]]:
    if not prior:
        return []
    return [
        (
            f"with the rating prior (weight {prior['weight']:g}, {prior['count']:g} reviews "
            f"at the catalog mean {prior['mean']})",
            f"{prior['valid_ndcg']:.4f} (without {prior['valid_ndcg_without']:.4f})",
        )
    ]


def write_card(directory: Path, report: dict[str, Any]) -> None:
    data, cfg = report["data"], report["config"]
    personal = report.get("personaliser")
    lines = [
        "# Aisle product ranker",
        "",
        "A cross-encoder that scores how well a product matches a shopper's search, fine-tuned "
        f"from {report['base_model']} (a new one-logit head on the bi-encoder weights) on this "
        "shop's relevance labels and search behaviour, followed by a small personalisation "
        "stage. It reorders retrieval candidates; it does not retrieve, and it knows nothing "
        "about products added after training beyond their text.",
        "",
        f"Trained {report['created_at']} in {report['seconds']:.0f} s wall, "
        f"{report['cpu_seconds']:.0f} s CPU "
        f"({report['steps']} steps, {cfg['max_seq_length']} word pieces per pair, "
        f"{cfg['loss']} loss; training {report.get('stopped', 'finished')}). Hard negatives "
        f"came from `{report['source']}` retrieval.",
        "",
        "## Data",
        "",
        _table([(k.replace("_", " "), v) for k, v in data.items()]),
        "",
        "## Validation (graded nDCG@10 over judged products)",
        "",
        _table(
            [
                ("retrieval order", f"{report['valid_ndcg_retrieval']:.4f}"),
                ("untrained base", f"{report['valid_ndcg_base']:.4f}"),
                ("fine-tuned cross-encoder (best pass)", f"{report['valid_ndcg_best']:.4f}"),
                (
                    f"blended with retrieval (weight {report['retrieval_weight']:g})",
                    f"{report['valid_ndcg_blended']:.4f}",
                ),
                *_prior_row(report.get("rating_prior")),
                *_decision_row(report.get("decision")),
                (
                    "passes (step: nDCG@10)",
                    ", ".join(f"{s}: {v:.4f}" for s, v in report["valid_history"]),
                ),
            ]
        ),
        "",
        "## Personalisation",
        "",
    ]
    if personal:
        lines += [
            "Logistic regression over the blended relevance (standardised within each list) "
            "and profile features, trained on users' last purchases (profiles built only from "
            "what they did before that session). Training-user hit rate@10:",
            "",
            _table(
                [
                    ("cases (reachable)", f"{personal['cases']} ({personal['reachable']})"),
                    ("retrieval order", personal["hit_rate_retrieval"]),
                    ("ranker, not personalised", personal["hit_rate_plain"]),
                    ("personalised", personal["hit_rate_personalised"]),
                    ("weights", ", ".join(f"{k} {v:+.3f}" for k, v in personal["weights"].items())),
                ]
            ),
        ]
    else:
        lines.append("None: not enough held-out purchases to learn it (or disabled).")
    lines += [
        "",
        "## Settings",
        "",
        "```json",
        json.dumps(cfg, indent=2, sort_keys=True),
        "```",
        "",
        "Evaluate on held-out test queries with `aisle eval ranker`.",
        "",
    ]
    (directory / CARD).write_text("\n".join(lines), encoding="utf-8")
