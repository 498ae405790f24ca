from __future__ import annotations

import numpy as np

from retrieval.embedder import Embedder, HashEmbedder, normalise_rows


def test_hash_embedder_shape_dtype_and_unit_rows() -> None:
    emb = HashEmbedder(dim=64)
    out = emb.embed(["red running shoes", "espresso machine", ""])
    assert out.shape == (3, 64)
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), [1.0, 1.0, 1.0], rtol=1e-5)


def test_hash_embedder_is_deterministic_across_instances() -> None:
    a = HashEmbedder(dim=32).embed(["trail running shoe"])
    b = HashEmbedder(dim=32).embed(["trail running shoe"])
    assert np.array_equal(a, b)


def test_hash_embedder_similar_texts_are_closer() -> None:
    q, near, far = HashEmbedder().embed(["running shoes", "running shoe", "coffee maker"])
    assert float(q @ near) > 0.6
    assert float(q @ near) > float(q @ far) + 0.3


def test_hash_embedder_satisfies_protocol_and_names_its_dim() -> None:
    emb = HashEmbedder(dim=16)
    assert isinstance(emb, Embedder)
    assert (emb.name, emb.dim) == ("hash-16", 16)
    assert emb.embed([]).shape == (0, 16)


def test_normalise_rows_keeps_zero_rows_zero() -> None:
    out = normalise_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
