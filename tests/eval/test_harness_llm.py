"""A few harness cases with the embedded model for real, in the default run (CI), so the
default LLM path of the harness never rots: the suites run to the end, every turn is recorded,
the guards hold (nothing invented, no unconfirmed write, no other customer's data), and so do
the harness's gates (dialogue pass^1, service DB-state match): CI fails when one is missed.
About a minute on 2 cores once the model's prompt cache is warm."""

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

pytestmark = pytest.mark.llm


def test_smoke_cases_with_the_embedded_model(
    request: pytest.FixtureRequest, eval_shops: dict[str, ShopUnderTest], tmp_path: Path
) -> None:
    try:
        locate_parts(DEFAULT_MODEL)
    except WeightsMissing as exc:
        pytest.skip(f"the embedded model's weights are not installed: {exc}")
    cache = request.config.cache
    where = cache.mkdir("aisle-llm") if cache else tmp_path / "llm"
    llm = LlamaCppChat(ensure_gguf(DEFAULT_MODEL, where, progress=False))
    folder = tmp_path / "run"
    env = EvalEnv(
        llm=llm,
        workdir=folder / "work",
        progress=False,
        limits=Limits(),
        shops={name: ready(shop) for name, shop in eval_shops.items()},
    )
    writer = RunWriter(folder, {"suite": "smoke", "model": llm.model})
    summary = writer.finish(
        run_suite("smoke", env, writer, SuiteOptions(cases=2, trials=1, max_turns=3))
    )
    assert summary["dialogue"]["runs"] == 2 and summary["dialogue"]["errors"] == 0
    assert summary["dialogue"]["invented_products"] == 0
    assert summary["service"]["unconfirmed_writes"] == 0
    assert summary["service"]["cross_user_access"] == 0
    assert summary["latency_all_turns"]["turns"] >= 4
    missed = [g for g in summary["gates"] if not g["passed"]]
    assert missed == [], missed
