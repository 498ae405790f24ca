"""Labelled search queries for the demo shop, derived from the catalog's own attributes.

Each query starts from a real product: some of its attribute values, variant options, brand or
price become constraints, and the constraints become shopper wording ("waterproof hiking boots",
"16gb gaming laptop under $1500", "wide fit walking shoes size 10"). Every product of the
category is then graded against the constraints: 2 when it meets all of them (options and
price on an available variant), 1 when it misses exactly one; those are all judged (up to
``MAX_EXACT`` and ``MAX_PARTIAL`` per query, which the default shop never reaches), so an
unjudged product of the category misses two or more constraints and is irrelevant.
``QuerySpec.complete`` says whether a query's judgements are complete in that sense; the shop
records ``ShopMeta("judgements", "complete")`` when all are. Products of other categories (same
department, same brand or same feature first) are judged 0 as hard negatives. Queries are
split 60/20/20 into train/valid/test by query id.

Not here: judging imported catalogs (their labels come from the shop), or the query parser the
assistant uses (``retrieval``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from store.demo.catalog import RowFactory, items_by_product, paused_gc
from store.demo.catalog_spec import CategorySpec, Op, category_by_leaf, meets
from store.demo.types import Catalog, DemoConfig
from store.models import Item, LabelledQuery, Product, Split

Kind = Literal["attribute", "option", "brand", "price"]
_AFTER = ("for ", "with ", "in ", "that ", "size ", "under ", "below ")
_LADDER = (
    10,
    15,
    20,
    25,
    30,
    40,
    50,
    60,
    75,
    80,
    100,
    120,
    150,
    200,
    250,
    300,
    400,
    500,
    600,
    700,
    800,
    900,
    1000,
    1200,
    1500,
    2000,
    2500,
    3000,
    4000,
    5000,
)
# Query shapes and how often each appears; mostly two or three constraints, as in real search
_PATTERNS = (
    ("plain", 0.03),
    ("attr", 0.14),
    ("attr2", 0.14),
    ("attr2_option", 0.06),
    ("attr_price", 0.12),
    ("brand", 0.05),
    ("brand_attr", 0.07),
    ("option", 0.08),
    ("attr_option", 0.14),
    ("option_price", 0.07),
    ("price_range", 0.04),
    ("attr_option_price", 0.06),
)
# Large enough that the default shop's queries judge every exact and partial match (an
# earlier 30/20 left most of them unjudged: rankers were trained and scored on guesses).
MAX_EXACT, MAX_PARTIAL, MIN_JUDGED = 400, 400, 20


@dataclass(frozen=True)
class Constraint:
    kind: Kind
    key: str  # attribute key, option name, "brand" or "price"
    op: Op
    value: Any


@dataclass(frozen=True)
class QuerySpec:
    """A query with its constraints and graded products (what ``LabelledQuery`` rows flatten)."""

    query_id: str
    text: str
    category: str
    constraints: tuple[Constraint, ...]
    judgements: tuple[tuple[str, int], ...]  # (product_id, 0/1/2)
    split: str
    complete: bool = True  # every product of the category with at most one miss is judged


@dataclass
class _View:
    """A plain copy of what grading reads from a product and its variants: reading ORM
    attributes a million times costs more than all of the grading itself."""

    product_id: str
    brand: str
    leaf: str
    department: str
    attrs: dict[str, Any]
    items: list[tuple[dict[str, Any], float, bool]]  # (options, price, available)


def _view(product: Product, items: Sequence[Item]) -> _View:
    return _View(
        product.product_id,
        product.brand,
        product.category_leaf,
        product.category.split(" > ")[0],
        dict(product.attributes or {}),
        [(dict(i.options or {}), i.price, i.available) for i in items],
    )


def _product_misses(c: Constraint, view: _View) -> int:
    if c.kind == "brand":
        return int(view.brand != c.value)
    return int(not meets(view.attrs.get(c.key), c.op, c.value))


def _item_misses(constraints: Sequence[Constraint], view: _View) -> int:
    """Fewest misses on any one variant; an unavailable variant counts as one miss."""
    best = len(constraints) + 1
    for options, price, available in view.items:
        n = 0 if available else 1
        for c in constraints:
            n += not meets(price if c.kind == "price" else options.get(c.key), c.op, c.value)
        if n < best:
            best = n
            if n == 0:
                break
    return best


def violations(constraints: Sequence[Constraint], product: Product, items: Sequence[Item]) -> int:
    """How many constraints ``product`` misses; option and price constraints must hold on one
    available variant (an unavailable match counts as one miss)."""
    view = _view(product, items)
    item_cs = [c for c in constraints if c.kind in ("option", "price")]
    misses = sum(_product_misses(c, view) for c in constraints if c not in item_cs)
    return misses + (_item_misses(item_cs, view) if item_cs else 0)


@dataclass
class _Phrase:
    constraint: Constraint
    text: str
    noun: bool = False  # replaces the category noun ("espresso machine")


def _attribute_phrases(spec: CategorySpec, attrs: dict[str, Any]) -> list[list[_Phrase]]:
    """Per attribute of the product, the ways a shopper could ask for its value."""
    out: list[list[_Phrase]] = []
    for attr in spec.attributes:
        value = attrs.get(attr.key)
        eq = Constraint("attribute", attr.key, "eq", value)
        options = [_Phrase(eq, t) for t in attr.query.get(value, ())]
        if attr.key == spec.noun_by:
            options += [_Phrase(eq, t, noun=True) for t in spec.nouns.get(value, ())[1:]]
        for th in attr.thresholds:
            if meets(value, th.op, th.value):
                options.append(
                    _Phrase(Constraint("attribute", attr.key, th.op, th.value), th.phrase)
                )
        if options:
            out.append(options)
    return out


def _option_phrases(spec: CategorySpec, options: dict[str, Any]) -> list[list[_Phrase]]:
    out = []
    for opt in spec.options:
        value = options.get(opt.name)
        if value is not None:
            c = Constraint("option", opt.name, "eq", value)
            out.append([_Phrase(c, t.format(v=value)) for t in opt.query])
    return out


def _ceil_ladder(price: float) -> int:
    return next((x for x in _LADDER if x >= price), _LADDER[-1])


def _price_phrases(rng: random.Random, price: float, spread: bool) -> list[_Phrase]:
    if spread:
        lo = max([x for x in _LADDER if x <= price * 0.85] or [_LADDER[0]])
        hi = _ceil_ladder(price * 1.2)
        text = rng.choice(("between ${} and ${}", "${}-${}", "from ${} to ${}")).format(lo, hi)
        return [
            _Phrase(Constraint("price", "price", "ge", float(lo)), text),
            _Phrase(Constraint("price", "price", "le", float(hi)), ""),
        ]
    cap = _ceil_ladder(price * rng.uniform(1.0, 1.35))
    text = rng.choice(
        (
            "under ${}",
            "under ${}",
            "below ${}",
            "less than ${}",
            "under {} dollars",
            "for under ${}",
            "max ${}",
        )
    ).format(cap)
    return [_Phrase(Constraint("price", "price", "le", float(cap)), text)]


def _render(
    rng: random.Random, spec: CategorySpec, phrases: list[_Phrase], brand: str | None
) -> str:
    nouns = [p.text for p in phrases if p.noun]
    head = nouns[0] if nouns else rng.choice(spec.synonyms)
    words = [p.text for p in phrases if p.text and not p.noun]
    pre = [w for w in words if not w.startswith(_AFTER) and "$" not in w and "dollars" not in w]
    post = [w for w in words if w not in pre]
    parts = ([brand] if brand else []) + pre + [head] + post
    text = " ".join(parts)
    filler = rng.choice(("", "", "", "", "", "best ", "good ", "looking for ", "need ", "buy "))
    text = filler + text
    return text.lower() if rng.random() < 0.75 else text


def _derive(
    rng: random.Random, spec: CategorySpec, product: _View
) -> tuple[list[_Phrase], str | None] | None:
    """Constraints (as phrases) drawn from one product, or None if the pattern does not fit."""
    pattern = rng.choices([p for p, _ in _PATTERNS], [w for _, w in _PATTERNS])[0]
    attr_groups = _attribute_phrases(spec, product.attrs)
    available = [(options, price) for options, price, ok in product.items if ok]
    item = rng.choice(available) if available else None
    n_attr = 2 if "attr2" in pattern else 1 if "attr" in pattern else 0
    wants_option = "option" in pattern
    if len(attr_groups) < n_attr or (item is None and ("option" in pattern or "price" in pattern)):
        return None
    phrases = [rng.choice(g) for g in rng.sample(attr_groups, n_attr)]
    if wants_option and item is not None:
        groups = _option_phrases(spec, item[0])
        if not groups:
            return None
        phrases.append(rng.choice(rng.choice(groups)))
    if "price" in pattern and item is not None:
        # priced from the same available variant, so the seed product is an exact match
        phrases += _price_phrases(rng, item[1], spread=pattern == "price_range")
    brand = product.brand if pattern.startswith("brand") else None
    if brand:
        phrases.append(_Phrase(Constraint("brand", "brand", "eq", brand), ""))
    return phrases, brand


def _coprime_step(rng: random.Random, n: int) -> int:
    """A step that visits every index of range(n) once when taken n times from any start."""
    if n <= 2:
        return 1
    while True:
        step = rng.randrange(1, n)
        if math.gcd(step, n) == 1:
            return step


class _Judge:
    def __init__(self, catalog: Catalog) -> None:
        items = items_by_product(catalog.items)
        self.views = [_view(p, items.get(p.product_id, ())) for p in catalog.products]
        self.by_cat: dict[str, list[_View]] = {}
        self.by_dept: dict[str, list[_View]] = {}
        self.position: dict[str, int] = {}  # product id -> index in its category's list
        for v in self.views:
            self.position[v.product_id] = len(self.by_cat.setdefault(v.leaf, []))
            self.by_cat[v.leaf].append(v)
            self.by_dept.setdefault(v.department, []).append(v)
        self._miss_cache: dict[tuple[str, Constraint], list[int]] = {}

    def _misses(self, leaf: str, c: Constraint) -> list[int]:
        """Per product of the category, whether it misses ``c`` (queries share constraints)."""
        key = (leaf, c)
        if key not in self._miss_cache:
            self._miss_cache[key] = [_product_misses(c, v) for v in self.by_cat[leaf]]
        return self._miss_cache[key]

    def grade(
        self,
        rng: random.Random,
        spec: CategorySpec,
        seed_id: str,
        constraints: tuple[Constraint, ...],
    ) -> tuple[list[tuple[str, int]], bool]:
        """The judgements, and whether every exact and partial match is among them."""
        views = self.by_cat[spec.leaf]
        n = len(views)
        misses = [0] * n
        item_cs = [c for c in constraints if c.kind in ("option", "price")]
        for c in constraints:
            if c.kind in ("attribute", "brand"):
                misses = [a + b for a, b in zip(misses, self._misses(spec.leaf, c), strict=True)]

        def total(j: int) -> int:
            miss = misses[j]
            if miss <= 1 and item_cs:
                miss += _item_misses(item_cs, views[j])
            return miss

        seed = self.position[seed_id]
        exact = [seed_id] if total(seed) == 0 else []
        partial: list[str] = []
        # Visit the category in a seeded stride order and stop once both quotas are full:
        # the first exact matches met are a uniform sample of all of them, found far sooner.
        start, step = rng.randrange(n), _coprime_step(rng, n)
        complete = True
        for k in range(n):
            j = (start + k * step) % n
            if j == seed or misses[j] > 1:
                continue
            miss = total(j)
            if miss == 0 and len(exact) < MAX_EXACT:
                exact.append(views[j].product_id)
            elif miss == 1 and len(partial) < MAX_PARTIAL:
                partial.append(views[j].product_id)
            if len(exact) >= MAX_EXACT and (len(partial) >= MAX_PARTIAL or not constraints):
                complete = k == n - 1
                break
            if (miss == 0 and len(exact) >= MAX_EXACT) or (
                miss == 1 and len(partial) >= MAX_PARTIAL
            ):
                complete = False  # a match the quota left out
        n_neg = max(10, MIN_JUDGED - len(exact) - len(partial))
        return (
            [(p, 2) for p in exact]
            + [(p, 1) for p in partial]
            + [(p, 0) for p in self._negatives(rng, spec, constraints, n_neg)]
        ), complete

    def _negatives(
        self, rng: random.Random, spec: CategorySpec, constraints: tuple[Constraint, ...], n: int
    ) -> list[str]:
        """Other-category products, hardest first: same brand or same feature, then same
        department, then anything."""
        brand = next((c.value for c in constraints if c.kind == "brand"), None)
        wanted = [(c.key, c.value) for c in constraints if c.kind == "attribute"]
        dept = self.by_dept.get(spec.department, [])
        pool = [v for v in rng.sample(dept, min(400, len(dept))) if v.leaf != spec.leaf]
        hard = [
            v for v in pool if v.brand == brand or any(v.attrs.get(k) == val for k, val in wanted)
        ]
        anything = rng.sample(self.views, min(4 * n, len(self.views)))
        chosen: dict[str, None] = {}
        for group in (hard[: n // 2], pool, anything):
            for v in group:
                if len(chosen) >= n:
                    break
                if v.leaf != spec.leaf:
                    chosen[v.product_id] = None
        return list(chosen)


def query_count(products: int) -> int:
    """How many queries a catalog gets: at least 300, one per 15 products, at most 1,500."""
    return min(1500, max(300, products // 15))


def build_queries(config: DemoConfig, catalog: Catalog) -> list[QuerySpec]:
    """The labelled queries with their constraints (tests and the eval harness read these)."""
    with paused_gc():
        return _build(config, catalog)


def _build(config: DemoConfig, catalog: Catalog) -> list[QuerySpec]:
    rng = random.Random(f"{config.seed}:queries")
    specs = category_by_leaf()
    judge = _Judge(catalog)  # reads every row once, before the loop
    target = query_count(len(catalog.products))
    seen: set[str] = set()
    drafts: list[tuple[str, str, tuple[Constraint, ...], tuple[list[tuple[str, int]], bool]]] = []
    for _ in range(40 * target):
        if len(drafts) >= target or not judge.views:
            break
        product = rng.choice(judge.views)
        spec = specs.get(product.leaf)
        if spec is None:
            continue
        derived = _derive(rng, spec, product)
        if derived is None:
            continue
        phrases, brand = derived
        text = " ".join(_render(rng, spec, phrases, brand).split())
        if text.lower() in seen:
            continue
        seen.add(text.lower())
        constraints = tuple(p.constraint for p in phrases)
        drafts.append(
            (text, spec.leaf, constraints, judge.grade(rng, spec, product.product_id, constraints))
        )
    order = list(range(len(drafts)))
    rng.shuffle(order)
    cut_train, cut_valid = int(0.6 * len(order)), int(0.8 * len(order))
    split_of = {}
    for rank, i in enumerate(order):
        split_of[i] = (
            Split.TRAIN if rank < cut_train else (Split.VALID if rank < cut_valid else Split.TEST)
        )
    return [
        QuerySpec(f"q{i + 1:04d}", text, leaf, cons, tuple(judged), str(split_of[i]), complete)
        for i, (text, leaf, cons, (judged, complete)) in enumerate(drafts)
    ]


def labelled_queries(config: DemoConfig, catalog: Catalog) -> list[LabelledQuery]:
    """One row per (query, judged product)."""
    return labelled_rows(build_queries(config, catalog))


def labelled_rows(queries: Sequence[QuerySpec]) -> list[LabelledQuery]:
    new = RowFactory(LabelledQuery)
    with paused_gc():
        return [
            new(
                id=None,
                query_id=q.query_id,
                query=q.text,
                product_id=pid,
                relevance=grade,
                split=q.split,
            )
            for q in queries
            for pid, grade in q.judgements
        ]
