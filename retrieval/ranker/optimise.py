"""A faster cross-encoder for CPU serving: int8 dynamic quantisation of its linear layers.

sentence-transformers' own route (``CrossEncoder(..., backend="onnx")`` and
``export_dynamic_quantized_onnx_model``) needs ``optimum-onnx``, whose only release requires
transformers < 4.58 while sentence-transformers 6.2 needs transformers 5; it cannot be
installed beside them. PyTorch's dynamic quantisation needs nothing extra: every
``nn.Linear`` (about 90% of MiniLM's compute at this sequence length) runs with int8 weights
and per-batch int8 activations; embeddings, layer norms and the softmax stay fp32.

Not here: measuring whether it is worth it (``eval.bench_ranker``).
"""

from __future__ import annotations

import copy
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

OPTIMISED_KIND = "torch-int8-dynamic"


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
            transformer.model, {torch.nn.Linear}, dtype=torch.qint8)
    quantized.eval()
    return quantized
