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


@pytest.mark.parametrize("share", [0.0, 0.02, 0.1, 0.2])
def test_top_where_on_a_small_allowed_set_is_exact(share: float) -> None:
    table = _table()
    rng = np.random.default_rng(11)
    vector = table.matrix[5] + 0.1 * rng.standard_normal(16).astype(np.float32)
    mask = rng.random(200) < share
    for k in (1, 10, 500):
        got = table.top_where(vector, k, mask)
        assert [pos for pos, _ in got] == _brute(table, vector, k, mask)


@pytest.mark.parametrize("share", [0.5, 0.9, 1.0])
def test_top_where_on_a_large_allowed_set_keeps_the_filter_and_the_near_exact_order(
    share: float,
) -> None:
    """Large allowed sets are scored in float16: the filter still holds exactly, and the
    hits are the exact ones up to rounding of near-ties."""
    table = _table()
    rng = np.random.default_rng(11)
    for trial in range(20):
        vector = table.matrix[trial] + 0.1 * rng.standard_normal(16).astype(np.float32)
        vector /= np.linalg.norm(vector)
        mask = rng.random(200) < share
        for k in (1, 10, 500):
            got = table.top_where(vector, k, mask)
            exact = _brute(table, vector, k, mask)
            assert len(got) == len(exact)
            assert all(mask[pos] and table.present[pos] for pos, _ in got)
            scores = [s for _, s in got]
            assert scores == sorted(scores, reverse=True)
            assert len({p for p, _ in got} & set(exact)) >= 0.9 * len(exact)
            for pos, score in got:
                assert abs(score - float(table.matrix[pos] @ vector)) < 2e-3
