"""The training time budget: how much of it the fine-tuning loop gets, and the callback that
stops the loop (retrieval.ranker.trainer._loop_budget, retrieval.ranker.callbacks)."""

from __future__ import annotations

import dataclasses
import time

import pytest
from transformers import TrainerControl, TrainerState, TrainingArguments

from retrieval.ranker import RankerConfig
from retrieval.ranker.callbacks import TimeBudget
from retrieval.ranker.evaluator import RerankSample
from retrieval.ranker.trainer import EXPORT_SECONDS, _loop_budget

VALID = [RerankSample("q", ("a",) * 20, (1,) * 20)] * 4  # 80 validation pairs


def test_loop_gets_what_the_steps_after_it_leave() -> None:
    config = RankerConfig(
        max_seconds=600.0, personaliser_users=100, personaliser_depth=30, serve_int8=False
    )
    started = time.perf_counter() - 100.0  # 100 s already spent
    # after the loop: 2 x 80 validation pairs + 3,000 personalisation pairs at 10 ms, +25%, +10 s
    expected = 600.0 - 100.0 - 1.25 * 3_160 * 0.01 - 10.0
    assert _loop_budget(config, started, 0.01, VALID) == pytest.approx(expected, abs=0.5)
    # the int8 export: one more validation pass over the 80 pairs and EXPORT_SECONDS
    served = dataclasses.replace(config, serve_int8=True)
    assert _loop_budget(served, started, 0.01, VALID) == pytest.approx(
        expected - 1.25 * 80 * 0.01 - EXPORT_SECONDS, abs=0.5
    )
    no_stage = RankerConfig(max_seconds=600.0, personalise=False, serve_int8=False)
    assert _loop_budget(no_stage, started, 0.01, VALID) == pytest.approx(
        600.0 - 100.0 - 1.25 * 160 * 0.01 - 10.0, abs=0.5
    )
    assert _loop_budget(RankerConfig(max_seconds=60.0), started, 0.01, VALID) == 0.0
    assert _loop_budget(RankerConfig(max_seconds=None), started, 0.01, VALID) is None


def test_time_budget_stops_the_loop_and_asks_for_a_last_validation() -> None:
    budget = TimeBudget(0.05)
    args, state = TrainingArguments(output_dir="unused", report_to="none"), TrainerState()
    budget.on_train_begin(args, state, TrainerControl())
    control = TrainerControl()
    budget.on_step_end(args, state, control)
    assert not control.should_training_stop and not budget.hit
    time.sleep(0.06)
    budget.on_step_end(args, state, control)
    assert control.should_training_stop and control.should_evaluate and budget.hit
