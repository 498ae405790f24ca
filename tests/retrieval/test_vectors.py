"""Exact dense search over the in-memory matrix: every path returns the brute-force answer."""

import numpy as np
import pytest

from retrieval.vectors import VectorTable


def _table(rows: int = 200, dim: int = 16, seed: int = 3) -> VectorTable:
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((rows, dim)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    table = VectorTable(rows, dim)
    table.matrix[:] = matrix
    table.present[:] = True
    table.present[::7] = False  # products not indexed yet
    return table


def _brute(table: VectorTable, vector: np.ndarray, k: int, mask: np.ndarray) -> list[int]:
    ok = np.flatnonzero(mask & table.present)
    scores = table.matrix[ok] @ vector
    return [int(ok[i]) for i in np.lexsort((ok, -scores))[:k]]


@pytest.mark.parametrize("share", [0.0, 0.02, 0.1, 0.5, 0.9, 1.0])
def test_top_where_is_brute_force_for_small_and_large_allowed_sets(share: float) -> None:
    table = _table()
    rng = np.random.default_rng(11)
    vector = table.matrix[5] + 0.1 * rng.standard_normal(16).astype(np.float32)
    mask = rng.random(200) < share
    for k in (1, 10, 500):
        got = table.top_where(vector, k, mask)
        assert [pos for pos, _ in got] == _brute(table, vector, k, mask)
        assert all(mask[pos] and table.present[pos] for pos, _ in got)
        assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)
