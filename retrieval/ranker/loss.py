"""Which loss trains the cross-encoder, and the dataset layout each one wants.

Relevance is graded (2 exact, 1 partial, 0 irrelevant), so every loss here sees the grade:
- ``bce`` (default): ``BinaryCrossEntropyLoss`` on (query, product, grade / 2) pairs. Pointwise,
  so batches mix queries and every pair costs the same; it was the most stable at the small
  step counts a CPU budget allows.
- ``lambda``: ``LambdaLoss`` (NDCGLoss2++ weighting) on (query, [products], [grades]) lists;
  it optimises nDCG directly.
- ``listnet``: ``ListNetLoss`` on the same lists.

Not here: building the pairs or lists (``retrieval.ranker.data``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from retrieval.ranker.arguments import LossName

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder
    from torch import nn

Layout = Literal["pairs", "lists"]
LIST_MINI_BATCH = 16  # pairs per forward pass inside a listwise loss (bounds memory)


def layout_for(name: LossName) -> Layout:
    return "pairs" if name == "bce" else "lists"


def build_loss(model: CrossEncoder, name: LossName) -> nn.Module:
    from sentence_transformers.cross_encoder import losses

    if name == "bce":
        return losses.BinaryCrossEntropyLoss(model)
    if name == "lambda":
        return losses.LambdaLoss(model, mini_batch_size=LIST_MINI_BATCH)
    if name == "listnet":
        return losses.ListNetLoss(model, mini_batch_size=LIST_MINI_BATCH)
    raise ValueError(f"unknown ranker loss {name!r}; use 'bce', 'lambda' or 'listnet'")
