"""Training data for the cross-encoder: graded query groups from labels and behaviour, hard
negatives mined from our own retrieval, and the pair budget.

- Labels: each TRAIN labelled query with its judged products and grades (2/1/0).
- Behaviour: a shopper's search followed, in the same session, by clicks, add-to-carts or
  purchases: those products get grade 1 for the search text (engagement says "relevant", not
  "exact"). Groups with the same text are merged. Events at or after a user's held-out cutoff
  are ignored (the personalisation stage is judged on them), and so are searches whose text is
  a validation or test query.
- Hard negatives: products the retrieval returns for the query that are neither judged nor
  engaged with. When the shop's judgements are complete (``store.meta``: every exact and
  partial match of a labelled query is judged), an unjudged product of the query's own
  category misses two or more of its constraints: the hardest negatives there are, and the
  ones the retrieval order gets wrong. Otherwise (sampled judgements, and always for
  behaviour groups) products of a relevant product's category are left out, since many of
  them may be relevant.

The budget (``RankerConfig.max_pairs``) is spread over as many queries as possible: each
group contributes a few pairs drawn round-robin over exact, partial, mined-negative and
judged-negative products, so every grade boundary is seen. With ``RankerConfig.contrast``
exact, partial and mined products come twice as often as judged other-category negatives: the
retrieval order already keeps other categories out of the top 10 (0.04 of them per
validation query on the demo shop), what it gets wrong is a partial match or a product of the
right category with the wrong attributes above an exact one.

Not here: the dataset layout the loss wants (built in ``retrieval.ranker.trainer``).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from tqdm import tqdm

from retrieval.ranker.arguments import RankerConfig
from retrieval.ranker.candidates import CandidateSource
from retrieval.ranker.holdout import aware
from retrieval.ranker.ndcg import RerankSample, ndcg_at_k
from store.db import Store
from store.models import Event, EventKind, LabelledQuery, Product, ShopMeta, Split

ENGAGED = (EventKind.CLICK, EventKind.ADD_TO_CART, EventKind.PURCHASE)


def norm_text(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class QueryGroup:
    query: str
    product_ids: tuple[str, ...]
    grades: tuple[int, ...]
    source: str  # "labels" or "behaviour"
    mined: int = 0  # how many grade-0 products were mined from retrieval (the last ones, until
    # ``take_round_robin`` mixes the order; after that only the count is kept)


def shop_fingerprint(store: Store) -> dict[str, Any]:
    """What ties a trained ranker to its shop: product and judgement counts and the shop's
    generation stamp (not events: they grow while the shop is in use)."""
    meta = ShopMeta.__table__.c  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        counts = {
            name: int(conn.execute(select(func.count()).select_from(model)).scalar_one())
            for name, model in (("products", Product), ("labelled", LabelledQuery))
        }
        stamp = conn.execute(select(meta.value).where(meta.key == "generated_at")).scalar()
    return {**counts, "generated_at": stamp}


def labelled_groups(store: Store, split: str) -> list[QueryGroup]:
    """Judged queries of ``split``, in query-id order, products in id order."""
    lq = LabelledQuery.__table__.c  # type: ignore[attr-defined]
    q = (
        select(lq.query_id, lq.query, lq.product_id, lq.relevance)
        .where(lq.split == split)
        .order_by(lq.query_id, lq.product_id)
    )
    rows: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    with store.engine.connect() as conn:
        for qid, text, pid, grade in conn.execute(q):
            rows[qid].append((text, pid, int(grade)))
    return [
        QueryGroup(r[0][0], tuple(p for _, p, _ in r), tuple(g for _, _, g in r), "labels")
        for _, r in sorted(rows.items())
    ]


def heldout_texts(store: Store) -> set[str]:
    """Normalised texts of the validation and test queries (never trained on)."""
    lq = LabelledQuery.__table__.c  # type: ignore[attr-defined]
    q = select(lq.query).where(lq.split.in_([Split.VALID, Split.TEST])).distinct()
    with store.engine.connect() as conn:
        return {norm_text(t) for (t,) in conn.execute(q)}


def behaviour_groups(
    store: Store, cutoffs: Mapping[str, datetime], skip_texts: set[str]
) -> list[QueryGroup]:
    """Searches followed by engagement in the same session, merged by text."""
    e = Event.__table__.c  # type: ignore[attr-defined]
    q = (
        select(e.user_id, e.session_id, e.kind, e.product_id, e.query, e.ts)
        .where(e.session_id.is_not(None), e.kind.in_([EventKind.SEARCH, *ENGAGED]))
        .order_by(e.session_id, e.ts, e.id)
    )
    engaged: dict[str, dict[str, None]] = defaultdict(dict)
    current: tuple[str | None, str | None] = (None, None)  # (session, search text)
    with store.engine.connect() as conn:
        for uid, session, kind, pid, text, ts in conn.execute(q):
            cutoff = cutoffs.get(uid) if uid else None
            if cutoff is not None and aware(ts) >= cutoff:
                continue
            if kind == EventKind.SEARCH:
                current = (session, norm_text(text) if text else None)
            elif pid and current[0] == session and current[1]:
                engaged[current[1]][pid] = None
    return [
        QueryGroup(text, tuple(pids), (1,) * len(pids), "behaviour")
        for text, pids in sorted(engaged.items())
        if text not in skip_texts
    ]


def mine_negatives(
    groups: Sequence[QueryGroup],
    source: CandidateSource,
    leaf_of: Mapping[str, str],
    depth: int,
    n: int,
    progress: bool = False,
    complete: bool = False,
) -> list[QueryGroup]:
    """Each group plus up to ``n`` hard negatives from ``source`` (see the module docstring);
    ``complete``: the labelled groups judge every relevant product."""
    out = []
    for g in tqdm(groups, desc="mining negatives", disable=not progress):
        known = set(g.product_ids)
        relevant = (
            set()
            if complete and g.source == "labels"
            else {
                leaf_of.get(p)
                for p, grade in zip(g.product_ids, g.grades, strict=True)
                if grade > 0
            }
        )
        found = [
            p
            for p in source.top(g.query, depth)
            if p not in known and leaf_of.get(p) not in relevant
        ][:n]
        out.append(
            replace(
                g,
                product_ids=g.product_ids + tuple(found),
                grades=g.grades + (0,) * len(found),
                mined=len(found),
            )
        )
    return out


def _buckets(g: QueryGroup, rng: random.Random) -> list[list[str]]:
    n = len(g.product_ids)
    judged = list(zip(g.product_ids[: n - g.mined], g.grades[: n - g.mined], strict=True))
    mined = list(g.product_ids[n - g.mined :])
    buckets = [
        [p for p, grade in judged if grade == 2],
        [p for p, grade in judged if grade == 1],
        mined,
        [p for p, grade in judged if grade == 0],
    ]
    for b in buckets:
        rng.shuffle(b)
    return buckets


EVEN = (0, 1, 2, 3)  # exact, partial, mined negative, judged negative: one each in turn
# Exact and partial matches twice as often as other-category negatives, and mined ones (with
# complete judgements: same-category products missing two or more constraints) as often as
# the matches: what the top 20 holds and the retrieval order gets wrong.
CONTRAST = (0, 1, 2, 0, 1, 2, 3)


def take_round_robin(
    g: QueryGroup, quota: int, rng: random.Random, pattern: Sequence[int] = EVEN
) -> QueryGroup:
    """Up to ``quota`` products of ``g``, taken from the grade buckets in ``pattern``'s turn
    (a bucket that runs out is skipped)."""
    grade = dict(zip(g.product_ids, g.grades, strict=True))
    buckets = _buckets(g, rng)
    mined = set(buckets[2])
    chosen: list[str] = []
    while len(chosen) < quota and any(buckets):
        for i in pattern:
            if buckets[i] and len(chosen) < quota:
                chosen.append(buckets[i].pop())
    return QueryGroup(
        g.query,
        tuple(chosen),
        tuple(grade[p] for p in chosen),
        g.source,
        mined=sum(p in mined for p in chosen),
    )


def budget_groups(
    groups: Sequence[QueryGroup], budget: int, rng: random.Random, pattern: Sequence[int] = EVEN
) -> list[QueryGroup]:
    """Groups trimmed so their pairs add up to at most ``budget``, spread evenly, each
    drawn over its grades by ``pattern``."""
    if budget <= 0 or not groups:
        return []
    pool = list(groups)
    rng.shuffle(pool)
    # At least 4 pairs per query (an exact, a partial, two negatives), so with a small budget
    # fewer queries are used rather than single pairs of many.
    quota = max(4, -(-budget // len(pool)))
    chosen, used = [], 0
    for g in pool:
        if used >= budget:
            break
        trimmed = take_round_robin(g, min(quota, budget - used), rng, pattern)
        if len(set(trimmed.grades)) > 1:  # a group of one grade teaches no ordering
            chosen.append(trimmed)
            used += len(trimmed.product_ids)
    return chosen


def valid_samples(
    groups: Sequence[QueryGroup],
    texts: Mapping[str, str],
    config: RankerConfig,
    source: CandidateSource | None = None,
) -> list[RerankSample]:
    """Validation queries with products to rerank. With a ``source`` (pass one only when the
    judgements are complete) they are what serving and the evaluation rerank: the retrieval's
    top ``rerank_depth``, unjudged ones graded 0. Otherwise ``valid_docs_per_query``
    judged products drawn over the grades."""
    rng = random.Random(f"{config.seed}:valid")
    pool = [g for g in groups if any(grade > 0 for grade in g.grades)]
    pool = rng.sample(pool, min(config.valid_queries, len(pool)))
    out = []
    for g in sorted(pool, key=lambda g: g.query):
        grade = dict(zip(g.product_ids, g.grades, strict=True))
        if source is not None:
            pids = [p for p in source.top(g.query, config.rerank_depth) if p in texts]
            grade = {p: grade.get(p, 0) for p in pids}
        else:
            t = take_round_robin(g, config.valid_docs_per_query, rng)
            pids = [p for p in t.product_ids if p in texts]
        out.append(
            RerankSample(
                g.query, tuple(texts[p] for p in pids), tuple(grade[p] for p in pids), tuple(pids)
            )
        )
    return out


def retrieval_ranks(
    samples: Sequence[RerankSample], source: CandidateSource, deep: int = 200
) -> list[list[int]]:
    """Each sample product's position in the retrieval's top ``deep`` (``deep`` if absent)."""
    out = []
    for s in samples:
        rank = {p: i for i, p in enumerate(source.top(s.query, deep))}
        out.append([rank.get(p, deep) for p in s.product_ids])
    return out


def retrieval_ndcgs(
    samples: Sequence[RerankSample], ranks: Sequence[Sequence[int]], k: int = 10
) -> list[float]:
    """Each sample's nDCG@k with its products in the retrieval's order (products it does not
    return last, by id): the baseline the validation figures compare with."""
    values = []
    for s, r in zip(samples, ranks, strict=True):
        order = sorted(range(len(s.product_ids)), key=lambda i: (r[i], s.product_ids[i]))
        values.append(ndcg_at_k([s.grades[i] for i in order], s.grades, k))
    return values


def retrieval_ndcg(
    samples: Sequence[RerankSample], ranks: Sequence[Sequence[int]], k: int = 10
) -> float:
    """Mean of ``retrieval_ndcgs``."""
    values = retrieval_ndcgs(samples, ranks, k)
    return sum(values) / len(values) if values else 0.0
