"""Measuring Chroma's HNSW against exact search, to choose ``ef_search`` and ``M`` by numbers.

``measure_hnsw`` builds one throw-away collection per setting from given vectors, runs the
queries, and reports recall@k against exact numpy search plus build and query times;
``cheapest`` picks the first setting (in the order given, cheapest first) that reaches a
target recall. The benchmark command and the comment on ``PRODUCT_HNSW`` use it.

Not here: producing the vectors (an ``Embedder`` over product docs), the benchmark CLI.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from chromadb.api import ClientAPI

from retrieval.collection import HnswSettings, VectorCollection


@dataclass(frozen=True)
class RecallRow:
    settings: HnswSettings
    k: int
    recall: float  # mean over queries of |hnsw top-k ∩ exact top-k| / k
    query_ms_p50: float
    build_seconds: float


def exact_top_k(matrix: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Row indexes of the ``k`` most similar rows of ``matrix`` for each query (unit vectors)."""
    scores = queries @ matrix.T
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def measure_hnsw(
    client: ClientAPI,
    matrix: np.ndarray,
    queries: np.ndarray,
    settings: Sequence[HnswSettings],
    k: int = 10,
    batch_size: int = 1_000,
) -> list[RecallRow]:
    truth = exact_top_k(matrix, queries, k)
    ids = [str(i) for i in range(len(matrix))]
    rows = []
    for setting in settings:
        coll = VectorCollection(client, f"hnsw-probe-{uuid.uuid4().hex[:8]}", setting)
        try:
            start = time.perf_counter()
            col = coll.collection()
            for i in range(0, len(ids), batch_size):
                col.add(ids=ids[i : i + batch_size], embeddings=matrix[i : i + batch_size])
            build = time.perf_counter() - start
            hits, times = 0, []
            for query, expected in zip(queries, truth, strict=True):
                t0 = time.perf_counter()
                got = coll.query(query, k)
                times.append((time.perf_counter() - t0) * 1000)
                hits += len({int(h.doc_id) for h in got} & set(expected.tolist()))
            rows.append(
                RecallRow(
                    settings=setting,
                    k=k,
                    recall=hits / (k * len(queries)),
                    query_ms_p50=float(np.median(times)),
                    build_seconds=build,
                )
            )
        finally:
            coll.drop()
    return rows


def cheapest(rows: Sequence[RecallRow], target: float = 0.97) -> RecallRow | None:
    """The first row (rows are given cheapest first) whose recall reaches ``target``."""
    return next((row for row in rows if row.recall >= target), None)
