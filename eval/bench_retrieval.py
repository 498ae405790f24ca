"""`aisle bench retrieval`: the retrieval figures, each measured against a baseline in the same
process on a freshly generated demo shop of N products (in a scratch folder, never the user's).

- recall@10 of Chroma's HNSW index against exact brute-force search on the same embeddings;
- p50/p95 latency of unfiltered and filtered hybrid queries against a numpy exact search over
  every vector plus the same filter (both include embedding the query);
- ingestion (``ProductIndex.sync``) time against raw encoding time of the same texts;
- a re-run of the sync on the unchanged catalog against the first run.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlmodel import select
from tqdm import tqdm

from retrieval.documents import load_product_docs
from retrieval.embedder import Embedder
from retrieval.filters import ProductFilter
from retrieval.index import ProductIndex, open_chroma
from retrieval.search import ProductSearcher
from store.db import Store, open_store, sqlite_url
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig
from store.models import LabelledQuery, Product


@dataclass
class Latency:
    p50_ms: float
    p95_ms: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        ms = sorted(s * 1000 for s in seconds)
        return cls(round(statistics.median(ms), 2), round(ms[int(0.95 * (len(ms) - 1))], 2))


@dataclass
class RetrievalBenchReport:
    products: int
    queries: int
    recall_at_10_hnsw_vs_exact: float
    latency: dict[str, Latency] = field(default_factory=dict)
    # Median over queries of (hybrid - exact+filter) for the same query: the per-query cost
    # difference, free of the load swings that move both series' p50 by a few ms.
    paired_median_diff_ms: dict[str, float] = field(default_factory=dict)
    ingest_seconds: float = 0.0
    ingest_encode_seconds: float = 0.0  # of ingest_seconds, spent embedding
    raw_encode_seconds: float = 0.0
    resync_seconds: float = 0.0

    @property
    def gates(self) -> dict[str, bool]:
        lat = self.latency
        return {
            "recall_at_10 >= 0.97": self.recall_at_10_hnsw_vs_exact >= 0.97,
            "filtered narrow p50 <= exact+filter p50": lat["hybrid_filtered_narrow"].p50_ms
            <= lat["exact_filtered_narrow"].p50_ms,
            "filtered broad p50 <= exact+filter p50": lat["hybrid_filtered_broad"].p50_ms
            <= lat["exact_filtered_broad"].p50_ms,
            "ingest <= 1.2x raw encoding": self.ingest_seconds <= 1.2 * self.raw_encode_seconds,
            "re-sync >= 20x faster": self.ingest_seconds >= 20 * self.resync_seconds,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "products": self.products,
            "queries": self.queries,
            "recall_at_10_hnsw_vs_exact": round(self.recall_at_10_hnsw_vs_exact, 4),
            "latency_ms": {k: vars(v) for k, v in self.latency.items()},
            "hybrid_minus_exact_paired_median_ms": self.paired_median_diff_ms,
            "ingest_seconds": round(self.ingest_seconds, 2),
            "raw_encode_seconds": round(self.raw_encode_seconds, 2),
            "ingest_over_encode": round(self.ingest_seconds / self.raw_encode_seconds, 3),
            # The same ratio within the one sync (immune to load changing between the runs).
            "ingest_encode_seconds": round(self.ingest_encode_seconds, 2),
            "ingest_over_own_encode": round(
                self.ingest_seconds / max(self.ingest_encode_seconds, 1e-9), 3
            ),
            "resync_seconds": round(self.resync_seconds, 3),
            "first_sync_over_resync": round(
                self.ingest_seconds / max(self.resync_seconds, 1e-9), 1
            ),
            "gates": self.gates,
        }


def bench_retrieval(
    embedder: Embedder,
    products: int = 20_000,
    queries: int = 200,
    seed: int = 7,
    workdir: Path | None = None,
    progress: bool = True,
) -> RetrievalBenchReport:
    with tempfile.TemporaryDirectory(prefix="aisle-bench-", dir=workdir) as tmp:
        root = Path(tmp)
        store = open_store(sqlite_url(root / "shop.db"))
        generate_demo(store, DemoConfig(products=products, users=200, seed=seed), progress=progress)
        docs = load_product_docs(store)

        started = time.perf_counter()
        embedder.embed([d.text for d in docs], progress=progress)
        raw_encode = time.perf_counter() - started

        index = ProductIndex(open_chroma(root / "chroma"))
        first = index.sync(store, embedder, progress=progress)
        again = index.sync(store, embedder)
        searcher = ProductSearcher(store, index, embedder)

        texts, filters = _workload(store, queries, seed)
        report = RetrievalBenchReport(
            products=products,
            queries=len(texts),
            recall_at_10_hnsw_vs_exact=_hnsw_recall(searcher, embedder, texts),
            ingest_seconds=first.seconds,
            ingest_encode_seconds=first.encode_seconds,
            raw_encode_seconds=raw_encode,
            resync_seconds=again.seconds,
        )
        narrow, broad = filters
        runs: dict[str, Callable[[int], object]] = {
            "hybrid_unfiltered": lambda i: searcher.search(texts[i], k=10),
            "hybrid_filtered_narrow": lambda i: searcher.search(texts[i], narrow[i], k=10),
            "exact_filtered_narrow": lambda i: _exact(searcher, embedder, texts[i], narrow[i]),
            "hybrid_filtered_broad": lambda i: searcher.search(texts[i], broad[i], k=10),
            "exact_filtered_broad": lambda i: _exact(searcher, embedder, texts[i], broad[i]),
            "exact_unfiltered": lambda i: _exact(searcher, embedder, texts[i], None),
        }
        # Interleave the series query by query (in a shuffled order each time) so that load
        # from other processes on a shared machine hits every series alike.
        for run in runs.values():
            run(0)  # warm-up
        times: dict[str, list[float]] = {name: [] for name in runs}
        order = list(runs)
        shuffle = random.Random(seed)
        for i in tqdm(range(len(texts)), desc="latency", disable=not progress):
            shuffle.shuffle(order)
            for name in order:
                t = time.perf_counter()
                runs[name](i)
                times[name].append(time.perf_counter() - t)
        report.latency = {name: Latency.of(times[name]) for name in runs}
        report.paired_median_diff_ms = {
            w: _paired_median_ms(times[f"hybrid_filtered_{w}"], times[f"exact_filtered_{w}"])
            for w in ("narrow", "broad")
        }
        store.dispose()
        return report


def _paired_median_ms(a: list[float], b: list[float]) -> float:
    return round(1000 * statistics.median(x - y for x, y in zip(a, b, strict=True)), 2)


def _workload(
    store: Store, n: int, seed: int
) -> tuple[list[str], tuple[list[ProductFilter], list[ProductFilter]]]:
    """Query texts from the labelled queries; for each, a narrow filter (the category of a
    product judged exact, a price cap near its price, in stock) and a broad one (price cap)."""
    rng = random.Random(seed)
    with store.session() as s:
        rows = s.exec(select(LabelledQuery).where(LabelledQuery.relevance == 2)).all()
        by_query: dict[str, tuple[str, str]] = {}
        for row in rows:
            by_query.setdefault(row.query_id, (row.query, row.product_id))
        picked = rng.sample(sorted(by_query.values()), min(n, len(by_query)))
        products = {p.product_id: p for p in s.exec(select(Product)).all()}
    texts, narrow, broad = [], [], []
    for text, pid in picked:
        product = products[pid]
        texts.append(text)
        cap = round(product.price * 1.3, 2)
        narrow.append(ProductFilter(category=product.category_leaf, price_max=cap, in_stock=True))
        broad.append(ProductFilter(price_max=max(cap, 150.0)))
    return texts, (narrow, broad)


def _hnsw_recall(searcher: ProductSearcher, embedder: Embedder, texts: list[str]) -> float:
    vectors = embedder.embed(texts)
    found = 0
    for vector in vectors:
        approx = {h.doc_id for h in searcher.index.query(vector, 10)}
        exact = {searcher.ids[p] for p, _ in searcher.vectors.top(vector, 10)}
        found += len(approx & exact)
    return found / (10 * len(texts))


def _exact(
    searcher: ProductSearcher, embedder: Embedder, text: str, flt: ProductFilter | None
) -> list[str]:
    """The baseline: embed, score every vector, apply the filter mask, take the top 10."""
    vector = embedder.embed([text])[0]
    scores = searcher.vectors.matrix @ vector
    if flt is not None:
        scores = np.where(searcher.filters.mask(flt), scores, -np.inf)
    top = np.argpartition(-scores, 10)[:10]
    return [searcher.ids[i] for i in top[np.argsort(-scores[top])] if np.isfinite(scores[i])]
