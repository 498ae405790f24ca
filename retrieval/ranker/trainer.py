"""``train_ranker``: fine-tune the cross-encoder, learn the personalisation stage, save both.

The pipeline, each step in its own module: training groups and hard negatives
(``data``) -> a dataset in the loss's layout (``loss``) -> sentence-transformers'
``CrossEncoderTrainer`` with ``CrossEncoderTrainingArguments`` (``arguments``), validated by
graded nDCG@10 every few steps, stopping early and keeping the best checkpoint
(``evaluator``) -> the retrieval-order blend and the rating prior's weight, both fitted on the
validation queries (``blend``, ``rating_prior``) -> the personalisation stage on held-out
purchases (``stage``) -> the artifacts, manifest and model card (``card``, ``ranker``).

Everything is written to a staging folder beside ``out_dir`` and swapped in at the end, so an
interrupted or failed run leaves the previous ranker untouched.

Not here: test-set evaluation and benchmarks (``eval.ranker_eval``, ``eval.bench_ranker``).
"""

from __future__ import annotations

import json
import random
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.documents import ProductRecord, load_product_records
from retrieval.ranker.arguments import PRIMARY_METRIC, RankerConfig, training_arguments
from retrieval.ranker.blend import blend, blended_ndcg, cross_fitted_ndcgs, fit_weight
from retrieval.ranker.callbacks import StderrProgress, TimeBudget
from retrieval.ranker.candidates import BM25Source, CandidateSource
from retrieval.ranker.card import write_card, write_metrics
from retrieval.ranker.data import (
    CONTRAST,
    EVEN,
    QueryGroup,
    behaviour_groups,
    budget_groups,
    heldout_texts,
    labelled_groups,
    mine_negatives,
    retrieval_ndcg,
    retrieval_ndcgs,
    retrieval_ranks,
    shop_fingerprint,
    valid_samples,
)
from retrieval.ranker.decision import decide
from retrieval.ranker.errors import NoTrainingData
from retrieval.ranker.evaluator import GradedRerankingEvaluator
from retrieval.ranker.holdout import HeldOut, held_out_purchases, split_users
from retrieval.ranker.loss import build_loss, layout_for
from retrieval.ranker.model import BASE_MODEL_NAME, load_base, ranker_text, score_many
from retrieval.ranker.ndcg import RerankSample
from retrieval.ranker.optimise import SERVING_DIR, export_for_serving
from retrieval.ranker.personaliser import Personaliser
from retrieval.ranker.ranker import FORMAT, MANIFEST, MODEL_DIR, PERSONALISER
from retrieval.ranker.rating_prior import PriorFit, catalog_mean, fit_prior_weight
from retrieval.ranker.stage import case_lists, case_report, fit_personaliser
from store.db import Store
from store.meta import judgements_complete
from store.models import Split, utcnow


@dataclass(frozen=True)
class DataSizes:
    products: int
    label_queries: int
    label_pairs: int
    behaviour_queries: int
    behaviour_pairs: int
    mined_negatives: int
    valid_queries: int
    valid_pairs: int


@dataclass(frozen=True)
class TrainReport:
    out_dir: str
    created_at: str
    seconds: float  # wall clock, start to finish
    cpu_seconds: float  # CPU time of all threads: wall time on an idle machine is about this
    # divided by the thread count, whatever else was running
    train_seconds: float
    steps: int
    source: str
    base_model: str
    data: DataSizes
    valid_ndcg_retrieval: float  # the same validation lists in the retrieval's order
    valid_ndcg_base: float
    valid_ndcg_best: float  # the fine-tuned cross-encoder alone
    valid_ndcg_blended: float  # blended with the retrieval order (what ``rerank`` uses)
    retrieval_weight: float
    valid_history: list[tuple[int, float]]
    stopped: str  # why the fine-tuning loop ended: "finished", "early stopping", "time budget"
    personaliser: dict[str, Any] | None
    config: dict[str, Any] = field(default_factory=dict)
    serving: dict[str, Any] = field(default_factory=dict)  # the int8 model kept, or why not
    # whether shoppers get this ranker or the retrieval order (``retrieval.ranker.decision``)
    decision: dict[str, Any] = field(default_factory=dict)
    rating_prior: dict[str, Any] = field(default_factory=dict)  # weight, count, mean, nDCG

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _dataset(groups: list[QueryGroup], texts: dict[str, str], layout: str) -> Any:
    from datasets import Dataset

    if layout == "pairs":
        rows = [
            (g.query, texts[p], grade / 2.0)
            for g in groups
            for p, grade in zip(g.product_ids, g.grades, strict=True)
        ]
        return Dataset.from_dict(
            {
                "query": [r[0] for r in rows],
                "text": [r[1] for r in rows],
                "label": [r[2] for r in rows],
            }
        )
    return Dataset.from_dict(
        {
            "query": [g.query for g in groups],
            "docs": [[texts[p] for p in g.product_ids] for g in groups],
            "labels": [[float(x) for x in g.grades] for g in groups],
        }
    )


def _training_groups(
    store: Store,
    config: RankerConfig,
    source: CandidateSource,
    leaf_of: dict[str, str],
    cutoffs: dict[str, Any],
    progress: bool,
) -> tuple[list[QueryGroup], list[QueryGroup]]:
    rng = random.Random(f"{config.seed}:pairs")
    labels = labelled_groups(store, Split.TRAIN)
    behaviour = behaviour_groups(store, cutoffs, heldout_texts(store))
    if not labels and not behaviour:
        raise NoTrainingData(
            "nothing to train the ranker on: the shop has no labelled TRAIN "
            "queries and no searches followed by clicks or purchases; import "
            "labels or generate the demo shop (`aisle init-demo`)"
        )
    share = config.behaviour_share if labels else 1.0
    b_budget = int(config.max_pairs * share) if behaviour else 0
    rng.shuffle(behaviour)
    # Mine only as many behaviour queries as the budget can use (4+ pairs each, 20% spare
    # for groups that end up with one grade): mining is a search per query.
    behaviour = behaviour[: max(1, 3 * b_budget // 10)]
    depth, n = config.candidate_depth, config.negatives_per_query
    mined = mine_negatives(
        labels + behaviour, source, leaf_of, depth, n, progress, complete=judgements_complete(store)
    )
    labels, behaviour = mined[: len(labels)], mined[len(labels) :]
    chosen_b = budget_groups(behaviour, b_budget, rng)
    used_b = sum(len(g.product_ids) for g in chosen_b)
    pattern = CONTRAST if config.contrast else EVEN
    return budget_groups(labels, config.max_pairs - used_b, rng, pattern), chosen_b


def _swap_in(staging: Path, out_dir: Path) -> None:
    old = out_dir.with_name(f".{out_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class _Fit:
    steps: int
    seconds: float
    history: list[tuple[int, float]]
    best: float | None
    stopped: str  # "finished", "early stopping" or "time budget"


def _fit_cross_encoder(
    model: Any,
    config: RankerConfig,
    groups: list[QueryGroup],
    texts: dict[str, str],
    evaluator: GradedRerankingEvaluator | None,
    scratch: Path,
    progress: bool,
    loop_seconds: float | None,
) -> _Fit:
    """Train ``model`` in place; with an evaluator, stop early and keep the best pass."""
    from sentence_transformers.cross_encoder import CrossEncoderTrainer
    from transformers import EarlyStoppingCallback, PrinterCallback

    pairs = sum(len(g.product_ids) for g in groups)
    key = f"eval_{PRIMARY_METRIC}"
    callbacks: list[Any] = [StderrProgress(key)] if progress else []
    if evaluator:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=config.patience))
    budget = TimeBudget(loop_seconds) if loop_seconds is not None else None
    if budget:
        callbacks.append(budget)
    trainer = CrossEncoderTrainer(
        model=model,
        args=training_arguments(config, scratch, pairs),
        train_dataset=_dataset(groups, texts, layout_for(config.loss)),
        loss=build_loss(model, config.loss),
        evaluator=evaluator,
        callbacks=callbacks,
    )
    trainer.remove_callback(PrinterCallback)  # it prints every log line to stdout
    started = time.perf_counter()
    trainer.train()
    history = [
        (int(e["step"]), round(float(e[key]), 4)) for e in trainer.state.log_history if key in e
    ]
    steps = int(trainer.state.global_step)
    stopped = (
        "time budget"
        if budget and budget.hit
        else "finished"
        if steps >= trainer.state.max_steps
        else "early stopping"
    )
    return _Fit(
        steps, round(time.perf_counter() - started, 1), history, trainer.state.best_metric, stopped
    )


def _fit_stage(
    store: Store,
    model: Any,
    config: RankerConfig,
    cases: list[HeldOut],
    by_id: dict[str, Any],
    texts: dict[str, str],
    source: CandidateSource,
    weight: float,
    progress: bool,
) -> tuple[Personaliser | None, dict[str, Any] | None]:
    """The personalisation stage from the training users' held-out purchases."""
    train_cases, _ = split_users(cases, config.eval_user_share, config.seed)
    train_cases = random.Random(f"{config.seed}:personalise").sample(
        train_cases, min(config.personaliser_users, len(train_cases))
    )
    lists = case_lists(
        store,
        train_cases,
        by_id,
        texts,
        source,
        config.personaliser_depth,
        lambda p: score_many(model, p, progress=progress),
        progress,
    )
    personaliser = fit_personaliser(lists, weight, config.seed)
    if personaliser is None:
        return None, None
    return personaliser, {
        **case_report(lists, personaliser, weight).to_dict(),
        "weights": personaliser.weights(),
    }


def _fit_prior(
    store: Store,
    valid: list[RerankSample],
    logits: list[np.ndarray],
    ranks: list[list[int]],
    weight: float,
    by_id: dict[str, ProductRecord],
) -> PriorFit:
    """The rating prior's weight on the validation lists, ordered as ``rerank`` orders them
    (the cross-encoder blended with the retrieval order by ``weight``)."""
    lists = [
        (blend(score, rank, weight), [by_id[p] for p in s.product_ids], s.grades)
        for s, score, rank in zip(valid, logits, ranks, strict=True)
    ]
    return fit_prior_weight(lists, catalog_mean(store))


EXPORT_SECONDS = 30.0  # the int8 ONNX export and quantisation on 2 busy cores (measured 10-20 s)


def _loop_budget(
    config: RankerConfig, started: float, per_pair: float, valid: list[Any]
) -> float | None:
    """Seconds the fine-tuning loop may take so that the whole run fits ``max_seconds``: what
    is left, less an estimate of what comes after the loop (a last validation pass, scoring
    the validation lists for the blend and the personalisation candidates, at the scoring
    speed just measured on the base model's validation pass, plus 25% and 10 s to save; with
    ``serve_int8``, ``EXPORT_SECONDS`` more and one more validation pass to check it)."""
    if config.max_seconds is None:
        return None
    after = 2 * sum(len(s.texts) for s in valid)
    if config.personalise:
        after += config.personaliser_users * config.personaliser_depth
    export = 0.0
    if config.serve_int8:
        after += sum(len(s.texts) for s in valid)
        export = EXPORT_SECONDS
    left = config.max_seconds - (time.perf_counter() - started)
    return max(0.0, left - 1.25 * after * per_pair - 10.0 - export)


def train_ranker(
    store: Store,
    out_dir: Path,
    config: RankerConfig | None = None,
    progress: bool = True,
    source: CandidateSource | None = None,
) -> TrainReport:
    """Train the ranker on ``store`` and save it in ``out_dir`` (replacing what was there).

    ``source`` is the retrieval that hard negatives and personalisation candidates come from;
    the default is BM25 over the product texts (no vector index needed). Pass the hybrid
    searcher (``SearcherSource``) to mine from what the assistant really retrieves.
    """
    import torch

    config = config or RankerConfig()
    started, cpu_started = time.perf_counter(), time.process_time()
    if config.threads:
        torch.set_num_threads(config.threads)
    records = load_product_records(store)
    if not records:
        raise NoTrainingData("the shop has no products; import a catalog or run `aisle init-demo`")
    by_id = {r.product_id: r for r in records}
    texts = {r.product_id: ranker_text(r) for r in records}
    leaf_of = {r.product_id: r.category_leaf for r in records}
    source = source or BM25Source(records)
    cases = held_out_purchases(store)
    labels, behaviour = _training_groups(
        store, config, source, leaf_of, {c.user_id: c.cutoff for c in cases}, progress
    )
    groups = labels + behaviour
    valid = valid_samples(
        labelled_groups(store, Split.VALID),
        texts,
        config,
        source if judgements_complete(store) else None,
    )

    out_dir = Path(out_dir)
    staging = out_dir.with_name(f".{out_dir.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    model = load_base(config.max_seq_length, config.seed, config.freeze_layers)
    evaluator = GradedRerankingEvaluator(valid, name="valid") if valid else None
    scored = time.perf_counter()
    base = evaluator(model)[PRIMARY_METRIC] if evaluator else 0.0
    per_pair = (time.perf_counter() - scored) / max(1, sum(len(s.texts) for s in valid))
    fit = _fit_cross_encoder(
        model,
        config,
        groups,
        texts,
        evaluator,
        staging / "checkpoints",
        progress,
        _loop_budget(config, started, per_pair, valid),
    )
    shutil.rmtree(staging / "checkpoints", ignore_errors=True)
    ranks = retrieval_ranks(valid, source)
    logits = [score_many(model, [(s.query, t) for t in s.texts]) for s in valid]
    weight, blended = fit_weight(valid, logits, ranks) if valid else (0.0, 0.0)
    decision = decide(cross_fitted_ndcgs(valid, logits, ranks), retrieval_ndcgs(valid, ranks))
    prior = _fit_prior(store, valid, logits, ranks, weight, by_id)
    model.save_pretrained(str(staging / MODEL_DIR))
    serving = (
        export_for_serving(
            model,
            staging / SERVING_DIR,
            lambda scorer: blended_ndcg(
                valid, [scorer([(s.query, t) for t in s.texts]) for s in valid], ranks, weight
            ),
            blended,
        )
        if valid and config.serve_int8
        else {
            "kind": None,
            "reason": "not asked for (serve_int8 off)"
            if valid
            else "no validation queries to check it on",
        }
    )
    personaliser, personal = (
        _fit_stage(store, model, config, cases, by_id, texts, source, weight, progress)
        if config.personalise
        else (None, None)
    )
    if personaliser is not None:
        personaliser.save(staging / PERSONALISER)

    created = utcnow().isoformat(timespec="seconds")
    manifest = {
        "format": FORMAT,
        "kind": "aisle-ranker",
        "created_at": created,
        "base_model": BASE_MODEL_NAME,
        "cross_encoder": MODEL_DIR,
        "personaliser": PERSONALISER if personaliser else None,
        "max_seq_length": config.max_seq_length,
        "source": source.name,
        "retrieval_weight": weight,
        "rating_prior": prior.prior.to_dict(),
        "serving": serving,
        "decision": decision.to_dict(),
        "config": config.to_dict(),
        "shop": shop_fingerprint(store),
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    report = TrainReport(
        out_dir=str(out_dir),
        created_at=created,
        seconds=round(time.perf_counter() - started, 1),
        cpu_seconds=round(time.process_time() - cpu_started, 1),
        train_seconds=fit.seconds,
        steps=fit.steps,
        source=source.name,
        base_model=BASE_MODEL_NAME,
        data=DataSizes(
            products=len(records),
            label_queries=len(labels),
            label_pairs=sum(len(g.product_ids) for g in labels),
            behaviour_queries=len(behaviour),
            behaviour_pairs=sum(len(g.product_ids) for g in behaviour),
            mined_negatives=sum(g.mined for g in groups),
            valid_queries=len(valid),
            valid_pairs=sum(len(s.texts) for s in valid),
        ),
        valid_ndcg_retrieval=round(retrieval_ndcg(valid, ranks), 4),
        valid_ndcg_base=round(float(base), 4),
        valid_ndcg_best=round(float(fit.best if fit.best is not None else base), 4),
        valid_ndcg_blended=round(blended, 4),
        retrieval_weight=weight,
        valid_history=fit.history,
        stopped=fit.stopped,
        personaliser=personal,
        config=config.to_dict(),
        serving=serving,
        rating_prior=prior.to_dict(),
        decision=decision.to_dict(),
    )
    write_metrics(staging, report.to_dict())
    write_card(staging, report.to_dict())
    _swap_in(staging, out_dir)
    return report
