"""Trainer callbacks: progress on stderr, and a wall-clock budget for the fine-tuning loop.

transformers' own ``ProgressCallback`` writes every log line with ``tqdm.write``, which goes
to stdout, where ``aisle train-ranker --json`` prints its one JSON object. ``StderrProgress``
draws the same bar on stderr and prints only the validation passes ("step 40: nDCG@10
0.8123"), also on stderr. ``TimeBudget`` stops training once the loop has run for its
budget; the trainer then still loads the best checkpoint validated so far, so a budget cut
costs the steps since the last validation pass, never the model.

Not here: early stopping on validation nDCG (transformers' ``EarlyStoppingCallback``).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from tqdm import tqdm
from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments


class StderrProgress(TrainerCallback):
    """A training progress bar and validation lines, all on stderr."""

    def __init__(self, metric: str) -> None:
        self.metric = metric  # the log key of the primary validation metric
        self.bar: Any = None

    def on_train_begin(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        self.bar = tqdm(
            total=state.max_steps,
            desc="fine-tuning",
            unit="step",
            file=sys.stderr,
            dynamic_ncols=True,
        )

    def on_step_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        if self.bar is not None:
            self.bar.update(state.global_step - self.bar.n)

    def on_log(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        logs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if self.bar is not None and logs and self.metric in logs:
            self.bar.write(
                f"step {state.global_step}: validation nDCG@10 {float(logs[self.metric]):.4f}",
                file=sys.stderr,
            )

    def on_train_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class TimeBudget(TrainerCallback):
    """Ends training after ``seconds`` of wall time in the loop (checked after each step)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.perf_counter()
        self.hit = False

    def on_train_begin(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        self.started = time.perf_counter()

    def on_step_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        if time.perf_counter() - self.started >= self.seconds:
            self.hit = True
            control.should_training_stop = True
            control.should_evaluate = True  # validate what the last steps learned
            control.should_save = True
