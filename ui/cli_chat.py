"""``aisle chat``: talk to the assistant in the terminal, or one turn as JSON (``--once``).

``--user`` signs the session in as that shopper (what a logged-in web session does); the model
can never choose the user. ``--session`` continues a stored conversation.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import typer

from assistant.reply import Reply
from ui.cli_common import JsonOpt, emit_json, err, errors, settings_of
from ui.runtime import Runtime


def render_reply(reply: Reply) -> str:
    """The reply as terminal text: the message, product cards, options, citations."""
    lines = [reply.text]
    for n, card in enumerate(reply.products, start=1):
        lines.append(f"  {n}. {card.title} — ${card.price:,.2f}")
        lines.extend(f"       · {reason}" for reason in card.reasons[:3])
    if reply.question:
        lines.append("  options: " + " | ".join(reply.question.options))
    if reply.citations:
        lines.append(
            "  sources: " + "; ".join(f"{c.title} ({c.article_id})" for c in reply.citations)
        )
    return "\n".join(lines)


def chat(
    ctx: typer.Context,
    once: Annotated[str | None, typer.Option(help="Send one message and exit.")] = None,
    session: Annotated[str | None, typer.Option(help="Continue this session id.")] = None,
    user: Annotated[str | None, typer.Option(help="Sign in as this user id.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Chat with the assistant (interactive), or send one message with --once."""
    with errors():
        runtime = Runtime(settings_of(ctx))
        bot = runtime.assistant()
        session_id = session or uuid.uuid4().hex[:16]
        if once is not None:
            reply = bot.chat(once, session_id=session_id, user_id=user)
            if as_json:
                emit_json({"session": session_id, **reply.to_dict()})
            else:
                typer.echo(render_reply(reply))
            return
        err.print(f"session {session_id}; an empty line or Ctrl-D ends the chat.")
        while True:
            try:
                message = input("you> ").strip()
            except EOFError:
                break
            if not message:
                break
            typer.echo(render_reply(bot.chat(message, session_id=session_id, user_id=user)))
