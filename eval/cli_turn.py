"""``aisle bench turn``: the command over ``eval.bench_turn`` (registered in ``eval.cli``)."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.llm.scripted import ScriptedChat
from eval.bench_turn import bench_turn
from ui.cli_common import JsonOpt, emit_json, err, errors, settings_of
from ui.runtime import Runtime


def bench_turn_cmd(
    ctx: typer.Context,
    turns: Annotated[
        int, typer.Option(min=1, help="Sessions measured, each a query and a follow-up turn.")
    ] = 5,
    repeats: Annotated[
        int, typer.Option(min=1, help="Scripted replays of every session (non-LLM timing).")
    ] = 5,
    llm: Annotated[
        bool,
        typer.Option("--llm/--no-llm", help="Run the chat model (embedded, or the server of "
                     "AISLE_LLM_BASE_URL) first; --no-llm times scripted turns only."),
    ] = True,
    prefill: Annotated[
        bool,
        typer.Option("--prefill/--no-prefill", help="The embedded model evaluates the "
                     "conversation in the background between the turns, as the assistant does "
                     "while the shopper reads; --no-prefill measures without it."),
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Per-stage latency of a turn on the data dir's shop (profile, retrieval, ranking,
    explanations, guards, LLM): non-LLM p50 (goal 300 ms) and the follow-up turn's time to
    first token (goal 1.5 s)."""
    with errors():
        runtime = Runtime(settings_of(ctx))
        model = runtime.chat_model() if llm else None
        bot = runtime.assistant(llm=model or ScriptedChat([]))
        report = bench_turn(bot, model, runtime.ranker_state, turns, repeats,
                            progress=not as_json, prefill=prefill)
        if as_json:
            emit_json(report.to_dict())
            return
        for key, value in report.to_dict().items():
            err.print(f"{key}: {value}", highlight=False)
