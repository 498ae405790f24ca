"""Shared by the agent tests: the tau2 shop (``shop``) and, for the real-model tests, the
embedded GGUF, assembled once and kept between runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.llm.errors import WeightsMissing
from assistant.llm.weights import WeightsSpec, ensure_gguf, locate_parts
from store.db import Store


@pytest.fixture(scope="session")
def gguf_for(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[WeightsSpec], Path]:
    """``gguf_for(spec)``: the assembled GGUF; skips the test, saying why, without its parts."""

    def assemble(spec: WeightsSpec) -> Path:
        try:
            locate_parts(spec)
        except WeightsMissing as exc:
            pytest.skip(f"the {spec.title} weights are not installed: {exc}")
        # pytest's cache dir keeps the assembled GGUF between runs (assembly copies ~1 GB).
        cache = getattr(request.config, "cache", None)
        where = cache.mkdir("aisle-llm") if cache else tmp_path_factory.mktemp("llm")
        return ensure_gguf(spec, where, progress=False)

    return assemble


@pytest.fixture
def shop(tau2_store: Store) -> Store:
    """The tau2-bench retail shop, fresh per test (skips without the data)."""
    return tau2_store
