"""``aisle replay ACTIONS.json``: run tool calls as confirmed operator actions.

The file is a JSON list of ``{"name": ..., "arguments": {...}}`` (tau2-bench's gold actions use
this shape). Each call goes through the same validation, policy checks and conditional writes as
in a conversation, without the conversational confirmation step: an operator replaying a script
has confirmed it by running it. A refused call is reported and the replay goes on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from store.errors import AisleError
from tools.base import ToolContext
from tools.service import RETAIL_TOOLS
from ui.cli_common import JsonOpt, emit_json, err, errors, store_of


class ActionsFileError(AisleError):
    """The actions file is not a JSON list of {"name", "arguments"} objects."""


def load_actions(path: Path) -> list[tuple[str, dict[str, Any]]]:
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ActionsFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise ActionsFileError(
            f"{path}: expected a JSON list of actions, got {type(data).__name__}"
        )
    actions = []
    known = set(RETAIL_TOOLS.names())
    for i, action in enumerate(data):
        where = f"{path}: action {i}"
        if not isinstance(action, dict) or not isinstance(action.get("name"), str):
            raise ActionsFileError(f'{where}: expected {{"name": ..., "arguments": {{...}}}}')
        if action["name"] not in known:
            raise ActionsFileError(
                f"{where}: unknown tool {action['name']!r}; known: {', '.join(sorted(known))}"
            )
        arguments = action.get("arguments", {})
        if not isinstance(arguments, dict):
            raise ActionsFileError(f"{where}: arguments must be an object")
        actions.append((action["name"], arguments))
    return actions


def replay(
    ctx: typer.Context,
    actions_file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="JSON list of tool calls.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Run a list of {"name", "arguments"} tool calls in order, as confirmed operator actions."""
    with errors():
        actions = load_actions(actions_file)
        tool_ctx = ToolContext(store=store_of(ctx), operator=True)
        results = []
        for name, arguments in actions:
            result = RETAIL_TOOLS.execute_confirmed(tool_ctx, name, arguments)
            results.append(
                {"name": name, "arguments": arguments, "ok": result.ok, "content": result.content}
            )
            if not as_json:
                mark = "[green]ok[/]" if result.ok else "[red]refused[/]"
                err.print(f"{mark} {name}({json.dumps(arguments)})", highlight=False)
                err.print(f"   {result.content}", highlight=False, markup=False)
        if as_json:
            emit_json({"results": results, "ok": all(r["ok"] for r in results)})
