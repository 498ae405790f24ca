"""Faster cross-encoders for CPU serving: int8 ONNX Runtime, or int8 PyTorch as a fallback.

sentence-transformers' own route (``CrossEncoder(..., backend="onnx")`` and
``export_dynamic_quantized_onnx_model``) needs ``optimum-onnx``, whose only release requires
transformers < 4.58 while sentence-transformers 6.2 needs transformers 5: it cannot be
installed beside them. So the same two steps are done directly:
- ``export_int8_onnx``: ``torch.onnx.export`` of the sequence-classification model, then
  ONNX Runtime's dynamic int8 quantisation of its weights (both need the ``onnx`` package);
  ``OnnxPairScorer`` runs it with the model's own tokenizer, in length-sorted batches.
  ONNX Runtime's int8 weights are per-channel: per-tensor ones lost 0.0057 nDCG@10 on the
  demo shop's test queries, per-channel ones none (-0.0027; ``aisle bench ranker``).
- ``quantize_int8``: PyTorch dynamic quantisation of every ``nn.Linear`` (no extra package;
  measured slower than ONNX Runtime int8 here).
``best_optimised`` picks the first that is available and says which.

Serving: ``train_ranker`` also saves the int8 ONNX model beside the fp32 one
(``export_for_serving``), but only when its validation nDCG@10 is within ``MAX_SERVING_LOSS``
of fp32's; ``load_ranker`` then reranks with it (``OnnxPairScorer``), else with fp32 torch.

How ``OnnxPairScorer`` runs it, measured on the demo shop's 20 candidates of 10 test queries
(paired, interleaved runs; 2 shared cores) and its 67 validation and 67 test queries:
- Pairs are cut at ``SERVE_MAX_LENGTH`` = 96 word pieces (training reads 128): a pair is
  about 90 (p90 of the product text alone: 89), so only the longest lose the end of their
  options or price line, and no batch pads to 128.
- Batches of ``SERVE_BATCH`` = 8, in length order. ONNX Runtime's dynamic int8 scales the
  activations per batch, so smaller batches rank better (validation/test nDCG@10 at 96:
  batch 16 0.772/0.786, 8 0.772/0.792, 4 0.774/0.791, 1 0.783/0.796; before, 16 at 128:
  0.775/0.791), but every run costs a thread hand-over; 8 was the fastest.
- Worker threads do not spin between operators (``session.intra_op.allow_spinning`` 0).
  Spinning wins on an idle machine and loses badly on a busy one: two threads that each wait
  for the other at every operator stall whenever one is descheduled. Against the previous
  settings (batches of 16, 128 word pieces, spinning): 0.88x the time at load 1, 0.40x at
  load 3.

Not here: measuring whether it is worth it (``eval.bench_ranker``).
"""

from __future__ import annotations

import copy
import importlib.util
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from retrieval.ranker.model import score_many

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

PairScorer = Callable[[Sequence[tuple[str, str]]], np.ndarray]
ONNX_INT8, TORCH_INT8 = "onnxruntime-int8-dynamic", "torch-int8-dynamic"
SERVING_DIR = "cross_encoder_int8"  # in the ranker folder, beside ``cross_encoder``
MAX_SERVING_LOSS = 0.005  # validation nDCG@10 the int8 model may lose and still serve
SERVE_MAX_LENGTH, SERVE_BATCH = 96, 8  # word pieces per pair, pairs per run (docstring)
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def quantize_int8(model: CrossEncoder) -> CrossEncoder:
    """A copy of ``model`` whose linear layers use int8 weights (the original is untouched)."""
    import torch

    quantized = copy.deepcopy(model)
    transformer = quantized[0]
    with warnings.catch_warnings():
        # torch.ao's eager quantisation is deprecated in favour of torchao (not installed);
        # it still ships and works in this torch.
        warnings.simplefilter("ignore")
        transformer.model = torch.ao.quantization.quantize_dynamic(
            transformer.model, {torch.nn.Linear}, dtype=torch.qint8
        )
    quantized.eval()
    return quantized


class _Logits:  # a plain callable module: ONNX export wants positional tensors in, logits out
    def __init__(self, model: Any) -> None:
        import torch

        class Wrapped(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.inner = model

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                return self.inner(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ).logits

        self.module = Wrapped().eval()


def export_int8_onnx(model: CrossEncoder, folder: Path) -> Path:
    """``model`` as an int8-quantised ONNX file in ``folder``; needs the ``onnx`` package.

    The export traces the eager attention, not PyTorch's fused SDPA: SDPA's mask handling
    exports as 816 nodes instead of 663, and the same 20 pairs took 0.85x the time with the
    eager graph (validation/test nDCG@10 of the demo ranker the same: 0.772/0.792). Every
    intermediate file (the fp32 export, external weight data, the files ONNX Runtime's tools
    leave behind) is written in a scratch folder that is removed afterwards; only
    ``model_int8.onnx`` reaches ``folder``."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    folder.mkdir(parents=True, exist_ok=True)
    sample = model.tokenizer(
        ["query", "query"], ["a product", "another product text"], padding=True, return_tensors="pt"
    )
    axes = {name: {0: "batch", 1: "sequence"} for name in _INPUTS}
    inner: Any = model[0].model  # the transformers model (its type is not exported here)
    attention = inner.config._attn_implementation
    with tempfile.TemporaryDirectory(prefix="aisle-onnx-") as scratch:
        fp32, int8 = Path(scratch) / "model.onnx", Path(scratch) / "model_int8.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the TorchScript exporter is deprecated, not removed
            inner.set_attn_implementation("eager")
            try:
                torch.onnx.export(
                    _Logits(inner).module,
                    tuple(sample[name] for name in _INPUTS),
                    str(fp32),
                    input_names=list(_INPUTS),
                    output_names=["logits"],
                    dynamic_axes={**axes, "logits": {0: "batch"}},
                    opset_version=17,
                    dynamo=False,
                )
            finally:
                inner.set_attn_implementation(attention)  # torch scoring stays as it was
            # MatMul only: the pooler and the one-logit head (Gemm) stay fp32. On 600 demo
            # pairs that halved the largest logit error (0.90 instead of 1.67) at the same speed.
            quantize_dynamic(
                str(fp32),
                str(int8),
                weight_type=QuantType.QInt8,
                per_channel=True,
                op_types_to_quantize=["MatMul"],
            )
        target = folder / int8.name
        shutil.move(str(int8), target)
    return target


class OnnxPairScorer:
    """Raw logits of (query, text) pairs from an ONNX file, tokenised like ``model``, cut at
    ``max_length`` word pieces, in length-sorted batches of ``batch_size`` (see the module
    docstring for the serving defaults)."""

    def __init__(
        self,
        path: Path,
        model: CrossEncoder,
        threads: int = 2,
        max_length: int = SERVE_MAX_LENGTH,
        batch_size: int = SERVE_BATCH,
    ) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = model.tokenizer
        trained = model.max_seq_length  # what training read; never more than that
        self._max_length = min(max_length, trained) if trained else max_length
        self._batch = batch_size

    def __call__(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        # Batches of similar length, as sentence-transformers' predict does: less padding.
        order = sorted(range(len(pairs)), key=lambda i: -len(pairs[i][0]) - len(pairs[i][1]))
        out = np.zeros(len(pairs), dtype=np.float32)
        for start in range(0, len(order), self._batch):
            batch = [pairs[i] for i in order[start : start + self._batch]]
            enc = self._tokenizer(
                [q for q, _ in batch],
                [t for _, t in batch],
                padding=True,
                truncation=True,
                max_length=self._max_length,
                return_tensors="np",
            )
            feeds = {name: np.asarray(enc[name], dtype=np.int64) for name in _INPUTS}
            logits = np.asarray(self._session.run(["logits"], feeds)[0]).reshape(-1)
            out[order[start : start + self._batch]] = logits
        return out


def export_for_serving(
    model: CrossEncoder, folder: Path, valid_ndcg: Callable[[PairScorer], float], fp32_ndcg: float
) -> dict[str, object]:
    """Export ``model`` as int8 ONNX into ``folder`` and keep it when ``valid_ndcg`` of its
    scores is at most ``MAX_SERVING_LOSS`` below ``fp32_ndcg``. Returns what the manifest
    records under ``serving``: the kind and file used (``None``: fp32 torch) and why."""
    if importlib.util.find_spec("onnx") is None:
        return {"kind": None, "reason": "the onnx package is not installed"}
    path = export_int8_onnx(model, folder)
    ndcg = valid_ndcg(OnnxPairScorer(path, model))
    loss = round(fp32_ndcg - ndcg, 4)
    if loss > MAX_SERVING_LOSS:
        shutil.rmtree(folder, ignore_errors=True)
        return {
            "kind": None,
            "valid_ndcg_loss": loss,
            "reason": f"int8 lost {loss} validation nDCG@10 (at most {MAX_SERVING_LOSS})",
        }
    return {
        "kind": ONNX_INT8,
        "file": f"{folder.name}/{path.name}",
        "valid_ndcg": round(ndcg, 4),
        "valid_ndcg_loss": loss,
        "reason": "int8 ONNX Runtime: about half fp32's latency",
    }


def best_optimised(model: CrossEncoder, folder: Path, threads: int = 2) -> tuple[str, PairScorer]:
    """(kind, scorer): ONNX Runtime int8 when ``onnx`` is installed, else PyTorch int8."""
    if importlib.util.find_spec("onnx") is not None:
        return ONNX_INT8, OnnxPairScorer(export_int8_onnx(model, folder), model, threads)
    quantized = quantize_int8(model)
    return TORCH_INT8, lambda pairs: score_many(quantized, pairs)
