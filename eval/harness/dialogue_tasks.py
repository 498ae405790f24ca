"""Dialogue tasks generated from the shop: a persona, target constraints, and how each is told.

A satisfiable task starts from a real variant of a real product (in the persona's favourite
category most of the time, in their size when the product comes in sizes) and asks for what it
has: its category, a price cap a little above its price, and some of its brand, features
(variant options, text or yes/no attributes) and rating; more of its features are added
until at most ``MAX_FITTING`` catalog products fit. Each constraint gets a disclosure
tag (volunteered / when asked / hidden), the category is always volunteered. Every
``infeasible_every``-th task is built to have no answer: a brand with a price cap under that
brand's cheapest product in the category (or, failing that, a feature the brand never offers),
each constraint satisfiable alone. Feasibility is counted against the catalog
(``truth.CatalogTruth``), so a task's label never depends on the assistant.

Not here: what the shopper says (``shopper``), running a task (``dialogue``).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select

from eval.harness.cases import ConstraintKind, DialogueTask, Disclosure, TargetConstraint
from eval.harness.truth import CatalogTruth
from retrieval.documents import ItemRecord, ProductRecord
from store.db import Store
from store.models import HiddenTruth, User

MIN_CATEGORY_SIZE = 12
MAX_FITTING = 10  # a task fits at most this many products, else features are added
# (volunteered, when asked, hidden) weights per kind of constraint
_TELLING: dict[str, tuple[float, float, float]] = {
    "price_max": (0.6, 0.25, 0.15),
    "brand": (0.6, 0.2, 0.2),
    "feature": (0.45, 0.35, 0.2),
    "rating": (0.5, 0.2, 0.3),
}
_DISCLOSURES: tuple[Disclosure, ...] = ("volunteered", "when_asked", "hidden")


def load_personas(store: Store) -> list[dict[str, Any]]:
    """Demo users with their hidden preferences; plain users (no preferences) otherwise."""
    with store.session() as session:
        truths = session.exec(
            select(HiddenTruth)
            .where(HiddenTruth.entity == "user")
            .order_by(col(HiddenTruth.entity_id))
        ).all()
        users = {u.user_id: u for u in session.exec(select(User).order_by(col(User.seq))).all()}
    personas = [
        {"user_id": t.entity_id, "name": _name(users.get(t.entity_id)), **(t.data or {})}
        for t in truths
        if t.entity_id in users
    ]
    return personas or [{"user_id": u.user_id, "name": _name(u)} for u in users.values()]


def _name(user: User | None) -> str:
    return f"{user.first_name} {user.last_name}" if user else ""


def generate_tasks(
    store: Store, truth: CatalogTruth, count: int, seed: int = 11, infeasible_every: int = 5
) -> list[DialogueTask]:
    rng = random.Random(seed)
    personas = load_personas(store)
    shelves: dict[str, list[ProductRecord]] = defaultdict(list)
    for record in truth.records.values():
        if record.items:
            shelves[record.category_leaf].append(record)
    leaves = sorted(leaf for leaf, shelf in shelves.items() if len(shelf) >= MIN_CATEGORY_SIZE)
    if not leaves:
        raise ValueError(
            f"no category has {MIN_CATEGORY_SIZE}+ products with variants; the "
            "dialogue suite needs a catalog to shop from (try `aisle init-demo`)"
        )
    tasks: list[DialogueTask] = []
    attempts = 0
    while len(tasks) < count and attempts < count * 50:
        attempts += 1
        persona = rng.choice(personas) if personas else {}
        infeasible = infeasible_every > 0 and (len(tasks) + 1) % infeasible_every == 0
        leaf = persona.get("top_category") if rng.random() < 0.7 else None
        leaf = leaf if leaf in leaves else rng.choice(leaves)
        if infeasible:
            constraints = _infeasible(rng, shelves[leaf], persona)
        else:
            constraints, spare = _satisfiable(rng, shelves[leaf], persona)
            constraints = _tighten(rng, truth, constraints, spare)
        if constraints is None:
            continue
        fitting = len(truth.fitting(constraints))
        if (fitting == 0) != infeasible:
            continue
        tasks.append(
            DialogueTask(
                case_id=f"d{len(tasks) + 1:03d}",
                user_id=persona.get("user_id"),
                persona={
                    k: persona[k]
                    for k in ("name", "top_category", "fit", "sizes", "price_sensitivity")
                    if k in persona
                },
                constraints=constraints,
                satisfiable=not infeasible,
                fitting=fitting,
            )
        )
    return tasks


def _tag(rng: random.Random, kind: str) -> Disclosure:
    return rng.choices(_DISCLOSURES, weights=_TELLING[kind])[0]


def _constraint(
    kind: ConstraintKind, key: str, value: str | float, disclosure: Disclosure
) -> TargetConstraint:
    return TargetConstraint(kind=kind, key=key, value=value, disclosure=disclosure)


def nice_cap(price: float) -> float:
    """A round budget at or above ``price``: tens under $100, 25s under $500, else 50s."""
    step = 10 if price < 100 else 25 if price < 500 else 50
    return float(math.ceil(price / step) * step)


def features_of(record: ProductRecord, item: ItemRecord) -> list[tuple[str, str]]:
    """(key, value) pairs a shopper could ask for: the variant's options, text attributes and
    yes/no attributes that are yes. Measurements (numbers) are left out."""
    pairs = [(k, str(v)) for k, v in item.options.items() if v not in (None, "")]
    for key, value in record.attributes.items():
        if isinstance(value, bool):
            if value:
                pairs.append((key, "yes"))
        elif isinstance(value, str) and value:
            pairs.append((key, value))
    return pairs


def _pick_item(rng: random.Random, record: ProductRecord, persona: dict[str, Any]) -> ItemRecord:
    sizes = set((persona.get("sizes") or {}).values())
    mine = [i for i in record.items if str(i.options.get("size")) in sizes]
    available = [i for i in (mine or record.items) if i.available]
    return rng.choice(available or mine or list(record.items))


def _tighten(
    rng: random.Random,
    truth: CatalogTruth,
    constraints: list[TargetConstraint],
    spare: list[tuple[str, str]],
) -> list[TargetConstraint]:
    """Add the target's other features until at most ``MAX_FITTING`` products fit, so that
    showing a few popular products by luck rarely solves a task."""
    out = list(constraints)
    for key, value in spare:
        if len(truth.fitting(out)) <= MAX_FITTING:
            break
        out.append(_constraint("feature", key, value, _tag(rng, "feature")))
    return out


def _satisfiable(
    rng: random.Random, shelf: Sequence[ProductRecord], persona: dict[str, Any]
) -> tuple[list[TargetConstraint], list[tuple[str, str]]]:
    """Constraints met by one real variant, and the variant's features not used yet."""
    fit = persona.get("fit")
    worn = [r for r in shelf if r.attributes.get("gender") in (None, "unisex", fit)]
    record = rng.choice(worn or list(shelf))
    item = _pick_item(rng, record, persona)
    out = [_constraint("category", "category", record.category_leaf, "volunteered")]
    if rng.random() < 0.75:
        cap = nice_cap(item.price * rng.uniform(1.0, 1.25))
        out.append(_constraint("price_max", "price", cap, _tag(rng, "price_max")))
    if record.brand and rng.random() < 0.35:
        out.append(_constraint("brand", "brand", record.brand, _tag(rng, "brand")))
    features = features_of(record, item)
    rng.shuffle(features)
    used = rng.choice((1, 1, 2))
    for key, value in features[:used]:
        out.append(_constraint("feature", key, value, _tag(rng, "feature")))
    if record.rating_count >= 3 and record.rating_avg >= 3.5 and rng.random() < 0.3:
        floor = min(4.5, math.floor(record.rating_avg * 2) / 2)
        out.append(_constraint("rating", "rating", floor, _tag(rng, "rating")))
    return out, features[used:]


def _infeasible(
    rng: random.Random, shelf: Sequence[ProductRecord], persona: dict[str, Any]
) -> list[TargetConstraint] | None:
    leaf = shelf[0].category_leaf
    by_brand: dict[str, list[ProductRecord]] = defaultdict(list)
    for r in shelf:
        if r.brand:
            by_brand[r.brand].append(r)
    if not by_brand:
        return None
    brand = rng.choice(sorted(by_brand))
    cheapest = min(i.price for r in shelf for i in r.items)
    brand_cheapest = min(i.price for r in by_brand[brand] for i in r.items)
    out = [_constraint("category", "category", leaf, "volunteered")]
    cap = nice_cap(cheapest)
    if cap < brand_cheapest:
        out += [
            _constraint("brand", "brand", brand, rng.choice(("volunteered", "hidden"))),
            _constraint("price_max", "price", cap, "volunteered"),
        ]
        return out
    offered = {pair for r in by_brand[brand] for i in r.items for pair in features_of(r, i)}
    elsewhere = [
        pair
        for r in shelf
        if r.brand != brand
        for i in r.items
        for pair in features_of(r, i)
        if pair not in offered
    ]
    if not elsewhere:
        return None
    key, value = rng.choice(sorted(set(elsewhere)))
    out += [
        _constraint("brand", "brand", brand, "volunteered"),
        _constraint("feature", key, value, rng.choice(("volunteered", "hidden"))),
    ]
    return out
