"""The conversations of a run: flow x phrasing x shop, with slots filled from the shop.

``make_cases`` spreads ``per_flow`` conversations of each flow over the flow's shops that are
available (round robin), picks for each turn key a phrasing of the bank (each key walks its
own seeded permutation of the phrasings, so conversations of a flow use different phrasings
and different combinations of them), fills the slots from the shop (``slots.fill``, seeded per
conversation) and the placeholders from the slots. A shop that cannot host a flow (the
fixture file is missing, no user has exactly one pending order) is listed as skipped with the
reason, and the flow's conversations go to its other shops.

Not here: running a conversation (``conversations``).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

from eval.harness.banks import Bank
from eval.harness.flow_types import Flow, Slots
from eval.harness.shopfacts import ShopFacts
from eval.harness.slots import fill, phrasing_fits


class ConversationCase(BaseModel):
    case_id: str
    flow: str
    shop: str
    user_id: str | None = None  # the signed-in shopper (None: a guest)
    slots: Slots
    messages: dict[str, str]  # turn key -> the message sent
    phrasings: dict[str, int] = Field(default_factory=dict)  # turn key -> its bank index
    language: str = "en"  # the bank's: the language every reply should be in
    placed: dict[str, str] = Field(default_factory=dict)  # placeholder -> the words put in


@dataclass(frozen=True)
class Skipped:
    flow: str
    shop: str
    reason: str


def make_cases(
    flows: Sequence[Flow],
    shops: Mapping[str, ShopFacts | str],
    bank: Bank,
    per_flow: int,
    seed: int,
) -> tuple[list[ConversationCase], list[Skipped]]:
    cases: list[ConversationCase] = []
    skipped: list[Skipped] = []
    for flow in flows:
        if not bank.has(flow.id):
            reason = f"the {bank.name} bank has no phrasings for this flow yet"
            skipped += [Skipped(flow.id, name, reason) for name in flow.shops]
            continue
        usable: dict[str, tuple[ShopFacts, dict[str, list[int]]]] = {}
        for name in flow.shops:
            facts = shops.get(name, f"the {name} shop is not part of this run")
            if isinstance(facts, str):
                skipped.append(Skipped(flow.id, name, facts))
                continue
            order = _orders(flow, bank, facts, seed)
            probe = fill(
                flow,
                facts,
                random.Random(f"{seed}|probe|{flow.id}|{name}"),
                bank.words.for_filler(bank.get(flow.id, "t1")[order["t1"][0]])
                if order.get("t1")
                else "",
            )
            if not all(order.values()):
                skipped.append(Skipped(flow.id, name, "no phrasing of the bank fits this shop"))
            elif isinstance(probe, str):
                skipped.append(Skipped(flow.id, name, probe))
            else:
                usable[name] = (facts, order)
        names = list(usable)
        for i in range(per_flow if names else 0):
            shop = names[i % len(names)]
            facts, order = usable[shop]
            made = _case(flow, shop, facts, bank, order, i, i // len(names), seed)
            if isinstance(made, str):
                skipped.append(Skipped(flow.id, shop, made))
            else:
                cases.append(made)
    return cases, skipped


def _orders(flow: Flow, bank: Bank, facts: ShopFacts, seed: int) -> dict[str, list[int]]:
    """Per turn key, the usable phrasings' indices in a seeded order."""
    out = {}
    for key in flow.keys:
        phrasings = bank.get(flow.id, key)
        usable = [
            i
            for i, text in enumerate(phrasings)
            if key != "t1" or phrasing_fits(flow, facts, bank.words.for_filler(text))
        ]
        random.Random(f"{seed}|{flow.id}|{key}").shuffle(usable)
        out[key] = usable
    return out


def _case(
    flow: Flow,
    shop: str,
    facts: ShopFacts,
    bank: Bank,
    order: dict[str, list[int]],
    number: int,
    within_shop: int,
    seed: int,
) -> ConversationCase | str:
    picked = {key: order[key][within_shop % len(order[key])] for key in flow.keys}
    first = bank.get(flow.id, "t1")[picked["t1"]] if "t1" in picked else ""
    rng = random.Random(f"{seed}|{flow.id}|{shop}|{number}")
    slots = fill(flow, facts, rng, bank.words.for_filler(first))
    if isinstance(slots, str):
        return slots
    values = bank.words.localize(slots, slots.texts())
    if isinstance(values, str):
        return values
    messages = {}
    for key, index in picked.items():
        text = bank.get(flow.id, key)[index]
        try:
            messages[key] = text.format_map(values)
        except KeyError as exc:
            return f"the slots of {flow.id} have no value for {exc} ({text!r})"
    return ConversationCase(
        case_id=f"{flow.id}-{shop}-{number + 1:02d}",
        flow=flow.id,
        shop=shop,
        user_id=slots.user_id if flow.signed_in else None,
        slots=slots,
        messages=messages,
        phrasings=picked,
        language=bank.language,
        placed=values,
    )
