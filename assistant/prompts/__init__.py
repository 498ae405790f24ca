"""Prompt templates: package files rendered strictly (a missing variable is an error).

Templates use ``$name`` placeholders (``string.Template``); ``render`` refuses both a missing
and an unused variable so a template and its caller cannot drift apart silently.
"""

from __future__ import annotations

from importlib.resources import files
from string import Template


class PromptError(KeyError):
    pass


def render(name: str, **values: str) -> str:
    text = (
        files(__package__ or "assistant.prompts")
        .joinpath(f"{name}.txt")
        .read_text(encoding="utf-8")
    )
    template = Template(text)
    wanted = set(template.get_identifiers())
    if missing := wanted - values.keys():
        raise PromptError(f"prompt {name!r} needs {sorted(missing)}")
    if extra := values.keys() - wanted:
        raise PromptError(f"prompt {name!r} has no placeholder for {sorted(extra)}")
    return template.substitute(values)
