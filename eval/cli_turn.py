"""``aisle bench turn``: the command over ``eval.bench_turn`` (registered in ``eval.cli``).

It runs conversations of the conversation suite with the settings' chat model and reports
where each turn's time went (``eval.bench_turn``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Literal

import typer

from assistant.deps import Limits
from eval.bench_turn import timing_report
from eval.harness.banks import load_bank
from eval.harness.conversation_shops import DEFAULT_SHOPS_DIR, conversation_shops
from eval.harness.conversation_suite import ConversationOptions, run_conversations
from eval.harness.flows import BANK_OPTIONAL, FLOWS
from eval.harness.runs import RunWriter
from eval.harness.runtime_env import build_env, chat_model, default_tau2
from ui.cli_common import JsonOpt, emit_json, err, errors, settings_of
from ui.runtime import Runtime


def bench_turn_cmd(
    ctx: typer.Context,
    cases: Annotated[int, typer.Option(min=1, help="Conversations per flow.")] = 2,
    bank: Annotated[str, typer.Option(help="Phrasing bank: dev, test or a TOML file.")] = "dev",
    flows: Annotated[
        str | None, typer.Option(help="Comma-separated flow ids (default: all).")
    ] = None,
    shops: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated shops: demo, tau2, outdoor, fashion, home (default: all)."
        ),
    ] = None,
    consult: Annotated[
        str,
        typer.Option(
            help="When the model is asked: when_unsure (as the embedded model runs) or always."
        ),
    ] = "when_unsure",
    llm: Annotated[
        bool,
        typer.Option(
            "--llm/--no-llm",
            help="The settings' chat model (embedded, or AISLE_LLM_BASE_URL's "
            "server); --no-llm: the scripted policy, for the non-LLM part alone.",
        ),
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Turn latency over the conversation suite's turns: full turn p50/p95 (goals 8 s / 20 s),
    the non-LLM part (goal p50 250 ms), how often the model was consulted, and the stages."""
    if consult not in ("when_unsure", "always"):
        raise typer.BadParameter("use when_unsure or always", param_hint="--consult")
    with errors():
        load_before = [round(x, 2) for x in os.getloadavg()]
        runtime = Runtime(settings_of(ctx))
        model = chat_model(runtime, scripted=not llm)
        folder = Path(tempfile.mkdtemp(prefix="aisle-bench-turn-"))
        try:
            writer = RunWriter(folder, {"suite": "bench-turn", "model": model.model})
            env = build_env(runtime, model, folder / "work", default_tau2(), progress=not as_json)
            env.progress = not as_json
            env.limits = Limits(consult=_consult(consult))
            env.shops.update(
                conversation_shops(
                    DEFAULT_SHOPS_DIR, default_tau2(), folder / "work", lambda: runtime.embedder
                )
            )
            options = ConversationOptions(_split(flows), _split(shops), cases, 1, 11)
            summary = run_conversations(
                env, writer, load_bank(bank, FLOWS, optional=BANK_OPTIONAL), options
            )
            report = timing_report(
                writer.turns,
                model=model.model,
                consult=consult,
                ranker=runtime.ranker_state,
                conversations=summary["conversations"]["overall"]["conversations"],
                load_before=load_before,
                pass_rate=summary["conversations"]["overall"]["pass_rate"],
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if as_json:
            emit_json(report.to_dict())
            return
        for key, value in report.to_dict().items():
            err.print(f"{key}: {value}", highlight=False)


def _consult(name: str) -> Literal["when_unsure", "always"]:
    return "always" if name == "always" else "when_unsure"


def _split(text: str | None) -> list[str] | None:
    return [t.strip() for t in text.split(",") if t.strip()] if text else None
