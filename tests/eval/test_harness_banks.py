"""Phrasing banks: the development bank fits every flow, and a bank that does not is refused
with the file, flow and key of each problem. (The test bank is never read here.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.harness.banks import BankError, load_bank, placeholders
from eval.harness.flow_types import Flow, Turn
from eval.harness.flows import FLOWS

TINY = (
    Flow("refine_cheaper", ("demo",), ("category",), (Turn("t1"), Turn("t2"))),
    Flow("help_choose", ("demo",), ("category",), (Turn("t1"), Turn(None))),
)


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bank.toml"
    path.write_text(text)
    return str(path)


def test_the_development_bank_has_every_flow_and_key_with_8_to_20_phrasings() -> None:
    bank = load_bank("dev", FLOWS)
    assert bank.name == "dev" and bank.path.name == "en_dev.toml"
    assert set(bank.phrasings) == {f.id for f in FLOWS} and len(FLOWS) == 39
    for flow in FLOWS:
        for key in flow.keys:
            phrasings = bank.get(flow.id, key)
            assert 8 <= len(phrasings) <= 20, (flow.id, key, len(phrasings))
            assert len(set(phrasings)) == len(phrasings), (flow.id, key)


def test_a_tiny_bank_loads_and_click_turns_have_no_key(tmp_path: Path) -> None:
    bank = load_bank(
        write(
            tmp_path,
            """
        [refine_cheaper]
        t1 = ["{category} please"]
        t2 = ["cheaper"]
        [help_choose]
        t1 = ["help me choose {category}"]
    """,
        ),
        TINY,
    )
    assert bank.name == "bank"
    assert bank.get("refine_cheaper", "t2") == ("cheaper",)


def test_every_problem_is_named_with_the_file_flow_and_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [refine_cheaper]
        t1 = ["{category} under ${cap}", "{category"]
        t3 = ["cheaper"]
        [vague_gift]
        t1 = ["a gift"]
    """,
    )
    with pytest.raises(BankError) as caught:
        load_bank(path, TINY)
    assert str(caught.value) == (
        f"{path}: 6 problem(s) with the phrasing bank:\n"
        "  [vague_gift]: no such flow (the flows are in eval/harness/flows.py)\n"
        "  [refine_cheaper] t3: no such turn; the flow's turns are t1, t2\n"
        "  [refine_cheaper] t1 #1: placeholder(s) {cap} not allowed here (allowed: "
        "{category}): '{category} under ${cap}'\n"
        "  [refine_cheaper] t1 #2: expected '}' before end of string: '{category'\n"
        "  [refine_cheaper] t2: missing\n"
        "  [help_choose]: missing (it needs t1)"
    )


def test_empty_lists_and_bad_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BankError, match=r"\[refine_cheaper\] t2: expected a non-empty list"):
        load_bank(
            write(tmp_path, '[refine_cheaper]\nt1 = ["x"]\nt2 = []\n[help_choose]\nt1 = ["y"]\n'),
            TINY,
        )
    with pytest.raises(BankError, match="not valid TOML"):
        load_bank(write(tmp_path, "[refine_cheaper\n"), TINY)
    with pytest.raises(BankError, match="does not exist"):
        load_bank(str(tmp_path / "none.toml"), TINY)


def test_placeholders_are_plain_names() -> None:
    assert placeholders("{category} under ${cap}") == {"category", "cap"}
    assert placeholders("no placeholder, {{braces}} escaped") == set()
    for bad in ("{cap:.2f}", "{cap!r}", "{}", "{0}", "{a.b}"):
        with pytest.raises(ValueError, match="bad placeholder"):
            placeholders(bad)
