"""A tiny real training run and what it leaves behind; loading, reranking, corrupt and
missing artifacts, the retrieval-order fallback (retrieval.ranker.trainer, .ranker).

One small demo shop and one training run (2 optimiser steps of 4 pairs) per session: the
point is that the pipeline produces a loadable, documented ranker, not that it ranks well.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.documents import ProductRecord, load_product_records
from retrieval.ranker import (
    NoTrainingData,
    RankerConfig,
    RankerUnavailable,
    RetrievalOrder,
    SwappableRanker,
    TrainReport,
    load_ranker,
    load_ranker_or_fallback,
    ranker_status,
    train_ranker,
)
from retrieval.ranker.holdout import held_out_purchases, profiles_before
from retrieval.ranker.rating_prior import MAX_VALID_LOSS, WEIGHTS, RatingPrior, catalog_mean
from store.db import Store, open_store, sqlite_url
from store.demo.generate import generate_demo
from store.demo.types import DemoConfig

TINY = RankerConfig(
    max_pairs=8,
    batch_size=4,
    max_steps=2,
    evals_per_epoch=1,
    valid_queries=2,
    valid_docs_per_query=4,
    personaliser_users=8,
    personaliser_depth=10,
    threads=2,
)


@pytest.fixture(scope="session")
def small_shop(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = open_store(sqlite_url(tmp_path_factory.mktemp("ranker-shop") / "shop.db"))
    generate_demo(store, DemoConfig(products=300, users=30, seed=7))
    return store


@pytest.fixture(scope="session")
def trained(
    small_shop: Store, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, TrainReport]:
    out = tmp_path_factory.mktemp("models") / "ranker"
    return out, train_ranker(small_shop, out, TINY, progress=False)


def _copy(trained: tuple[Path, TrainReport], tmp_path: Path) -> Path:
    target = tmp_path / "ranker"
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copytree(trained[0], target)
    return target


def test_training_writes_artifacts_metrics_and_card(
    trained: tuple[Path, TrainReport], small_shop: Store
) -> None:
    out, report = trained
    assert sorted(p.name for p in out.iterdir()) == [
        "cross_encoder",
        "cross_encoder_int8",
        "metrics.json",
        "model_card.md",
        "personaliser.json",
        "ranker.json",
    ]
    assert not list(out.parent.glob(".ranker.*"))  # no staging or old folder left behind
    manifest = json.loads((out / "ranker.json").read_text())
    assert (manifest["format"], manifest["personaliser"], manifest["max_seq_length"]) == (
        1,
        "personaliser.json",
        128,
    )
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics == json.loads(json.dumps(report.to_dict()))
    assert report.steps == 2
    assert report.data.label_pairs + report.data.behaviour_pairs <= TINY.max_pairs
    assert report.data.valid_queries == 2
    assert [step for step, _ in report.valid_history] == [2]
    # The rating prior fitted on the same validation lists, with the shop's mean rating.
    assert manifest["rating_prior"]["weight"] in WEIGHTS
    assert manifest["rating_prior"]["mean"] == catalog_mean(small_shop)
    assert report.rating_prior["valid_ndcg"] >= (
        report.rating_prior["valid_ndcg_without"] - MAX_VALID_LOSS
    )
    assert load_ranker(out).prior == RatingPrior.from_manifest(manifest["rating_prior"])
    assert 0.0 < report.valid_ndcg_best <= 1.0
    card = (out / "model_card.md").read_text()
    for heading in (
        "# Aisle product ranker",
        "## Data",
        "## Validation",
        "## Personalisation",
        "## Settings",
    ):
        assert heading in card
    assert "| with the rating prior (weight " in card
    assert report.personaliser is not None
    assert set(report.personaliser["weights"]) == {
        "relevance",
        "category_affinity",
        "brand_affinity",
        "price_fit",
        "option_match",
        "bought_together",
    }


def test_the_validated_int8_model_serves_and_a_broken_one_falls_back_to_fp32(
    trained: tuple[Path, TrainReport],
    small_shop: Store,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from retrieval.ranker.model import score_pairs
    from retrieval.ranker.optimise import MAX_SERVING_LOSS, ONNX_INT8

    out, report = trained
    assert report.serving["kind"] == ONNX_INT8, report.serving
    assert report.serving["valid_ndcg_loss"] <= MAX_SERVING_LOSS
    assert sorted(p.name for p in (out / "cross_encoder_int8").iterdir()) == ["model_int8.onnx"]
    ranker = load_ranker(out)
    assert ranker.backend == ONNX_INT8 and ranker.scorer is not None
    records = load_product_records(small_shop)[:8]
    served = ranker.relevance("running shoes", records)
    from retrieval.ranker.model import ranker_text

    fp32 = score_pairs(ranker.model, "running shoes", [ranker_text(r) for r in records])
    assert np.abs(served - fp32).max() < 0.25 and not np.allclose(served, fp32)

    broken = _copy(trained, tmp_path)
    (broken / "cross_encoder_int8" / "model_int8.onnx").write_bytes(b"not a model")
    with caplog.at_level(logging.WARNING):
        fallback = load_ranker(broken)
    assert fallback.backend == "torch-fp32" and fallback.scorer is None
    assert "reranking with the fp32 model" in caplog.text
    assert fallback.relevance("running shoes", records) == pytest.approx(fp32, abs=1e-5)


def test_the_served_int8_scorer_cuts_pairs_batches_them_and_does_not_spin(
    trained: tuple[Path, TrainReport], small_shop: Store
) -> None:
    from retrieval.ranker.model import ranker_text
    from retrieval.ranker.optimise import OnnxPairScorer

    ranker = load_ranker(trained[0])
    scorer = ranker.scorer
    assert isinstance(scorer, OnnxPairScorer)
    assert (scorer._max_length, scorer._batch) == (96, 8)
    options = scorer._session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    path = trained[0] / str(ranker.manifest["serving"]["file"])
    assert OnnxPairScorer(path, ranker.model, max_length=512)._max_length == 128
    # Cutting at 96 word pieces is the same as scoring the pair cut by hand.
    text = " ".join(ranker_text(r) for r in load_product_records(small_shop)[:3])
    ids = scorer._tokenizer("long query", text, truncation=True, max_length=96)
    assert len(ids["input_ids"]) == 96
    text_ids = ids["input_ids"][ids["token_type_ids"].index(1) : -1]
    cut = scorer._tokenizer.decode(text_ids)
    one = OnnxPairScorer(path, ranker.model, batch_size=1)
    assert one([("long query", text)]) == pytest.approx(one([("long query", cut)]), abs=0.05)


def test_the_int8_export_traces_eager_attention(trained: tuple[Path, TrainReport]) -> None:
    import onnx

    from retrieval.ranker.optimise import export_int8_onnx

    path = trained[0] / "cross_encoder_int8" / "model_int8.onnx"
    ops = [node.op_type for node in onnx.load(str(path), load_external_data=False).graph.node]
    # SDPA's export guards every softmax against all-masked rows (IsNaN); eager has no guard.
    assert ops.count("Softmax") == 6 and "IsNaN" not in ops
    model = load_ranker(trained[0]).model
    inner: Any = model[0].model
    before = inner.config._attn_implementation

    def failing_export(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    with pytest.MonkeyPatch.context() as patch, pytest.raises(OSError, match="disk full"):
        patch.setattr("torch.onnx.export", failing_export)
        export_int8_onnx(model, trained[0].parent / "scratch-export")
    assert inner.config._attn_implementation == before  # torch scoring is left as it was


@pytest.mark.slow  # one more ONNX export and quantisation: 10-20 s on 2 cores
def test_an_int8_model_that_loses_too_much_is_not_kept(
    trained: tuple[Path, TrainReport], tmp_path: Path
) -> None:
    from retrieval.ranker.optimise import MAX_SERVING_LOSS, export_for_serving

    model = load_ranker(trained[0]).model
    folder = tmp_path / "int8"
    record = export_for_serving(model, folder, lambda scorer: 0.9 - 2 * MAX_SERVING_LOSS, 0.9)
    assert record["kind"] is None and "lost" in str(record["reason"])
    assert not folder.exists()


def test_loaded_ranker_reranks_with_and_without_a_profile(
    trained: tuple[Path, TrainReport], small_shop: Store
) -> None:
    ranker = load_ranker(trained[0])
    records = load_product_records(small_shop)[:6]
    plain = ranker.rerank("running shoes", records)
    assert sorted(r.product_id for r in plain) == sorted(r.product_id for r in records)
    assert [r.rank for r in plain] == [1, 2, 3, 4, 5, 6]
    assert [r.score for r in plain] == sorted((r.score for r in plain), reverse=True)
    assert all(r.personal is None for r in plain)
    assert ranker.retrieval_weight == trained[1].retrieval_weight
    case = held_out_purchases(small_shop)[0]
    profile = profiles_before(small_shop, [case])[case.user_id]
    mine = ranker.rerank("running shoes", records, profile=profile)
    assert all(r.personal is not None for r in mine)
    assert {r.product_id: r.relevance for r in mine} == pytest.approx(
        {r.product_id: r.relevance for r in plain}, abs=1e-4
    )
    assert ranker.rerank("anything", []) == []

    ranker.depth = 4  # only the top 4 are reordered; the rest keep the retrieval order
    deep = ranker.rerank("running shoes", records)
    assert sorted(r.product_id for r in deep[:4]) == sorted(r.product_id for r in records[:4])
    assert [r.product_id for r in deep[4:]] == [r.product_id for r in records[4:]]
    assert [r.rank for r in deep] == [1, 2, 3, 4, 5, 6]
    assert [r.score for r in deep] == sorted((r.score for r in deep), reverse=True)
    assert [r.relevance for r in deep[4:]] == [0.0, 0.0]


def test_trained_ranker_is_usable_for_its_shop_and_serves_through_the_holder(
    trained: tuple[Path, TrainReport], small_shop: Store, tmp_path: Path
) -> None:
    out, report = trained
    status = ranker_status(out, small_shop)
    assert status.usable and status.created_at == report.created_at
    # Two training steps and two validation queries show nothing: shoppers keep the
    # retrieval order, and the holder says why.
    assert report.decision["serve"] is False and report.decision["queries"] == 2
    holder = SwappableRanker(load_ranker_or_fallback(out), store=small_shop)
    assert not holder.is_trained and "did not beat the retrieval order" in holder.state
    # The same ranker with a decision to serve it is served.
    served = _copy(trained, tmp_path / "served")
    manifest = json.loads((served / "ranker.json").read_text())
    manifest["decision"] = {**manifest["decision"], "serve": True}
    (served / "ranker.json").write_text(json.dumps(manifest))
    holder.swap(load_ranker_or_fallback(served))
    assert holder.is_trained and holder.state.startswith("fine-tuned ranker from ")
    records = load_product_records(small_shop)[:5]
    assert sorted(r.product_id for r in holder.rerank("running shoes", records)) == sorted(
        r.product_id for r in records
    )
    broken = _copy(trained, tmp_path)
    (broken / "ranker.json").write_text('{"format": 99}')
    assert not ranker_status(broken, small_shop).usable
    holder.swap(load_ranker_or_fallback(broken))
    assert not holder.is_trained and "ranker format 99" in holder.state


def test_missing_ranker_is_a_clear_error_and_falls_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(RankerUnavailable, match="aisle train-ranker"):
        load_ranker(tmp_path / "nowhere")
    with caplog.at_level(logging.WARNING):
        choice = load_ranker_or_fallback(tmp_path / "nowhere")
    assert isinstance(choice.ranker, RetrievalOrder) and choice.is_fallback
    assert choice.fallback_reason is not None
    assert choice.fallback_reason.startswith("using the retrieval order: no trained ranker at")
    assert choice.fallback_reason in caplog.text
    ranked = choice.ranker.rerank("q", load_product_records_stub())
    assert [(r.product_id, r.rank) for r in ranked] == [("b", 1), ("a", 2)]


def load_product_records_stub() -> list[ProductRecord]:
    return [ProductRecord(pid, pid, "", "", "", "", "", 1.0, 0.0, 0, {}) for pid in ("b", "a")]


@pytest.mark.parametrize(
    ("path", "content", "message"),
    [
        ("ranker.json", "{not json", "unreadable"),
        ("ranker.json", '{"format": 99}', "ranker format 99"),
        ("cross_encoder/model.safetensors", "truncated", "cannot load the cross-encoder"),
        ("cross_encoder/config.json", "{}", "cannot load the cross-encoder"),
        ("personaliser.json", '{"feature_names": []}', "not a valid personaliser"),
    ],
)
def test_corrupt_artifacts_are_clear_errors(
    trained: tuple[Path, TrainReport], tmp_path: Path, path: str, content: str, message: str
) -> None:
    target = _copy(trained, tmp_path)
    (target / path).write_text(content)
    with pytest.raises(RankerUnavailable, match=message):
        load_ranker(target)
    assert load_ranker_or_fallback(target).is_fallback


def test_missing_model_folder_is_a_clear_error(
    trained: tuple[Path, TrainReport], tmp_path: Path
) -> None:
    target = _copy(trained, tmp_path)
    shutil.rmtree(target / "cross_encoder")
    with pytest.raises(RankerUnavailable, match="cross_encoder is missing"):
        load_ranker(target)


def test_nothing_to_train_on(sqlite_store: Store, tmp_path: Path) -> None:
    with pytest.raises(NoTrainingData, match="no products"):
        train_ranker(sqlite_store, tmp_path / "ranker", TINY, progress=False)
    assert not (tmp_path / "ranker").exists()


@pytest.mark.slow  # the ONNX export and quantisation take 10-20 s on 2 cores
def test_int8_scorers_agree_with_fp32(
    trained: tuple[Path, TrainReport], small_shop: Store, tmp_path: Path
) -> None:
    pytest.importorskip("onnx")
    from retrieval.ranker.model import ranker_text, score_many
    from retrieval.ranker.optimise import ONNX_INT8, best_optimised, quantize_int8

    model = load_ranker(trained[0]).model
    pairs = [("running shoes", ranker_text(r)) for r in load_product_records(small_shop)[:8]]
    fp32 = score_many(model, pairs)
    kind, onnx = best_optimised(model, tmp_path / "onnx")
    assert kind == ONNX_INT8 and (tmp_path / "onnx" / "model_int8.onnx").is_file()
    torch_int8 = quantize_int8(model)
    for scores in (onnx(pairs), score_many(torch_int8, pairs)):
        assert scores.shape == fp32.shape
        assert np.abs(scores - fp32).max() < 0.25
    assert score_many(model, pairs) == pytest.approx(fp32)  # the original stays fp32
