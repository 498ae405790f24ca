"""Phrasing banks: loading a TOML bank and checking it against the flows.

A bank has one table per flow and, in it, one list of phrasings per turn key of the flow's
shopper messages (a CLICK has no key)::

    [refine_cheaper]
    t1 = ["{category} please", "show me some {category}"]
    t2 = ["cheaper", "anything cheaper?"]

Two banks per language ship with the harness: ``dev`` (``banks/<language>_dev.toml``, tuned
on) and ``test`` (``banks/<language>_test.toml``, written separately and never read by the code
under test), for English (``en``), Chinese (``zh``) and Spanish (``es``); any other TOML file
can be given by path. A bank in a language other than English carries ``[words]`` tables that
name the shop's categories, colours and things in that language (``bank_words``: the eval
shops' catalogs are English, and a Chinese shopper does not write "running shoes").

``load_bank`` refuses a bank that misses a flow or a turn key, has a flow or key the suite
does not know, an empty list, a placeholder its flow does not allow or a malformed
``[words]`` table, and lists every problem with the file, flow and key.

Not here: which phrasing a conversation uses, filling the placeholders (``conversation_cases``).
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.harness.bank_words import BankWords, parse_words
from eval.harness.env import EvalError
from eval.harness.flow_types import Flow

BANK_DIR = Path(__file__).parent / "banks"
BANKS = ("dev", "test")
LANGUAGES = ("en", "zh", "es")


class BankError(EvalError):
    """A phrasing bank is missing, unreadable, or does not fit the flows."""


@dataclass(frozen=True)
class Bank:
    name: str
    path: Path
    phrasings: dict[str, dict[str, tuple[str, ...]]]  # flow -> turn key -> phrasings
    language: str = "en"
    words: BankWords = field(default_factory=BankWords)

    def get(self, flow: str, key: str) -> tuple[str, ...]:
        return self.phrasings[flow][key]

    def has(self, flow: str) -> bool:
        return flow in self.phrasings


def bank_path(bank: str, language: str = "en") -> Path:
    """``dev`` and ``test`` are the shipped banks of ``language``; anything else is a path to
    a TOML file."""
    if bank in BANKS and language not in LANGUAGES:
        raise BankError(f"no {language!r} banks; the languages are {', '.join(LANGUAGES)}")
    return BANK_DIR / f"{language}_{bank}.toml" if bank in BANKS else Path(bank)


def bank_language(path: Path) -> str:
    """The language a bank file is written in, from its name ("zh_dev.toml" -> "zh")."""
    prefix = path.stem.split("_", 1)[0]
    return prefix if prefix in LANGUAGES else "en"


def load_bank(
    bank: str, flows: Sequence[Flow], language: str = "en", optional: Collection[str] = ()
) -> Bank:
    """The bank, checked against ``flows``; a flow named in ``optional`` (new to the banks)
    may be absent as a whole, and is then left out of ``Bank.phrasings``."""
    path = bank_path(bank, language)
    if not path.exists():
        raise BankError(
            f"phrasing bank {path} does not exist"
            + (f"; the {bank} bank is not written yet" if bank in BANKS else "")
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BankError(f"{path}: not valid TOML: {exc}") from exc
    words, problems = parse_words(data.pop("words", None))
    flows = [f for f in flows if f.id in data or f.id not in optional]
    problems += check_bank(data, flows)
    if problems:
        raise BankError(
            f"{path}: {len(problems)} problem(s) with the phrasing bank:\n"
            + "\n".join(f"  {p}" for p in problems)
        )
    phrasings = {f.id: {k: tuple(data[f.id][k]) for k in f.keys} for f in flows}
    name = (bank if language == "en" else f"{language}_{bank}") if bank in BANKS else path.stem
    return Bank(name, path, phrasings, bank_language(path), words)


def check_bank(data: dict[str, Any], flows: Sequence[Flow]) -> list[str]:
    """Every problem of a parsed bank, as "[flow] key: what is wrong"."""
    problems: list[str] = []
    known = {f.id for f in flows}
    problems += [
        f"[{name}]: no such flow (the flows are in eval/harness/flows.py)"
        for name in data
        if name not in known
    ]
    for flow in flows:
        table = data.get(flow.id)
        if not isinstance(table, dict):
            problems.append(f"[{flow.id}]: missing (it needs {', '.join(flow.keys)})")
            continue
        problems += [
            f"[{flow.id}] {key}: no such turn; the flow's turns are {', '.join(flow.keys)}"
            for key in table
            if key not in flow.keys
        ]
        for key in flow.keys:
            problems += _check_turn(flow, key, table.get(key))
    return problems


def _check_turn(flow: Flow, key: str, phrasings: Any) -> list[str]:
    where = f"[{flow.id}] {key}"
    if phrasings is None:
        return [f"{where}: missing"]
    if not isinstance(phrasings, list) or not phrasings:
        return [f"{where}: expected a non-empty list of phrasings"]
    problems = []
    allowed = ", ".join(f"{{{s}}}" for s in flow.slots) or "none"
    for n, text in enumerate(phrasings, start=1):
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where} #{n}: not a non-empty string: {text!r}")
            continue
        try:
            used = placeholders(text)
        except ValueError as exc:
            problems.append(f"{where} #{n}: {exc}: {text!r}")
            continue
        bad = sorted(used - set(flow.slots))
        if bad:
            problems.append(
                f"{where} #{n}: placeholder(s) {', '.join(f'{{{b}}}' for b in bad)}"
                f" not allowed here (allowed: {allowed}): {text!r}"
            )
    return problems


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a phrasing; ValueError for a stray brace, a format
    spec, a conversion or an empty or indexed placeholder."""
    found: set[str] = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(
                f"bad placeholder {{{name}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}}"
            )
        found.add(name)
    return found
