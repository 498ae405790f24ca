from __future__ import annotations

from pathlib import Path

import numpy as np

from retrieval.collection import HnswSettings
from retrieval.embedder import normalise_rows
from retrieval.index import open_chroma
from retrieval.tuning import RecallRow, cheapest, exact_top_k, measure_hnsw


def test_exact_top_k_hand_worked() -> None:
    matrix = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    queries = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert exact_top_k(matrix, queries, 2).tolist() == [[0, 2], [1, 2]]


def test_measure_hnsw_reports_recall_per_setting(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    matrix = normalise_rows(rng.normal(size=(300, 16)))
    queries = normalise_rows(rng.normal(size=(20, 16)))
    settings = [HnswSettings(100, 100, 16), HnswSettings(100, 200, 16)]
    client = open_chroma(path=tmp_path / "chroma")
    rows = measure_hnsw(client, matrix, queries, settings, k=5)
    assert [r.settings for r in rows] == settings
    assert all(r.recall >= 0.9 and r.k == 5 for r in rows)
    assert client.list_collections() == []  # probes are dropped


def test_cheapest_picks_the_first_reaching_the_target() -> None:
    rows = [
        RecallRow(HnswSettings(100, s, 16), 10, r, 1.0, 1.0)
        for s, r in ((10, 0.9), (20, 0.975), (40, 0.99))
    ]
    assert cheapest(rows, 0.97) == rows[1]
    assert cheapest(rows, 0.999) is None
