"""A few harness cases with the embedded model for real, so the default LLM path of the
harness never rots: the suites run to the end, every turn is recorded, and the guards that do
not depend on the model's skill hold (nothing invented, no unconfirmed write, no other
customer's data). Minutes on 2 cores: opt in with ``pytest -m slow``."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.deps import Limits
from assistant.llm import LlamaCppChat
from assistant.llm.errors import WeightsMissing
from assistant.llm.weights import DEFAULT_MODEL, ensure_gguf, locate_parts
from eval.harness.env import EvalEnv, ShopUnderTest, ready
from eval.harness.runs import RunWriter
from eval.harness.suites import SuiteOptions, run_suite

pytestmark = [pytest.mark.llm, pytest.mark.slow]


def test_smoke_cases_with_the_embedded_model(
        request: pytest.FixtureRequest, eval_shops: dict[str, ShopUnderTest],
        tmp_path: Path) -> None:
    try:
        locate_parts(DEFAULT_MODEL)
    except WeightsMissing as exc:
        pytest.skip(f"the embedded model's weights are not installed: {exc}")
    cache = request.config.cache
    where = cache.mkdir("aisle-llm") if cache else tmp_path / "llm"
    llm = LlamaCppChat(ensure_gguf(DEFAULT_MODEL, where, progress=False))
    folder = tmp_path / "run"
    env = EvalEnv(llm=llm, workdir=folder / "work", progress=False, limits=Limits(),
                  shops={name: ready(shop) for name, shop in eval_shops.items()})
    writer = RunWriter(folder, {"suite": "smoke", "model": llm.model})
    summary = writer.finish(run_suite("smoke", env, writer,
                                      SuiteOptions(cases=2, trials=1, max_turns=3)))
    assert summary["dialogue"]["runs"] == 2 and summary["dialogue"]["errors"] == 0
    assert summary["dialogue"]["invented_products"] == 0
    assert summary["service"]["unconfirmed_writes"] == 0
    assert summary["service"]["cross_user_access"] == 0
    assert summary["latency_all_turns"]["turns"] >= 4
