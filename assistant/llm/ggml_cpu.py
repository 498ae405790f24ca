"""Loading a GGUF safely on CPUs with Intel AMX: without llama.cpp's extra weight buffers.

Measured here (Sapphire-Rapids-class VM, llama-cpp-python 0.3.36 built from source by
``pip install``, so ggml was compiled for the build machine's CPU, AMX included): the first
decode of Qwen2.5-Coder 0.5B or 1.5B (Q4_K_M) dies with SIGSEGV in
``ggml_backend_amx_mul_mat``, for any thread or batch setting; the same crash is reported
upstream (ggml-org/llama.cpp issue 20824, machine-dependent, unfixed). A segfault takes the
whole process down (a test run, the web server), so it is avoided rather than caught.

llama.cpp places weights in the AMX buffer only through its "extra buffer types", which the
model parameter ``use_extra_bufts`` turns off. llama-cpp-python does not expose that
parameter, so ``safe_model_loading`` sets it on the default model parameters while a model
loads, when the ggml build reports AMX. The cost: the CPU_REPACK buffer (weights interleaved
for the AVX2/AVX-512 kernels) is off too on such machines. A llama-cpp-python built without
AMX (``CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX512=ON ..."``) keeps it and needs none of this.

Not here: the chat model (``assistant.llm.llamacpp``) or the server command
(``assistant.llm.server``, which starts ``assistant.llm.llamacpp_server``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def amx_in_build() -> bool:
    """The loaded ggml CPU backend was built with AMX and the CPU has it."""
    import llama_cpp.llama_cpp as lib

    info = lib.llama_print_system_info()
    text = info.decode(errors="replace") if isinstance(info, bytes) else str(info)
    return "AMX_INT8 = 1" in text


@contextmanager
def safe_model_loading(disable_extra_buffers: bool | None = None) -> Iterator[None]:
    """Within the block, models load with ``use_extra_bufts`` off when that is needed
    (``None``: when ``amx_in_build``). Not thread-safe: load one model at a time."""
    import llama_cpp.llama_cpp as lib

    fields = {name for name, *_ in lib.llama_model_params._fields_}
    disable = amx_in_build() if disable_extra_buffers is None else disable_extra_buffers
    if not disable or "use_extra_bufts" not in fields:
        yield
        return
    original = lib.llama_model_default_params

    def without_extra_buffers() -> Any:
        params = original()
        params.use_extra_bufts = False
        return params

    lib.llama_model_default_params = without_extra_buffers
    try:
        yield
    finally:
        lib.llama_model_default_params = original
