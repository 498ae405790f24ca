"""``python -m assistant.llm.llamacpp_server ARGS``: llama-cpp-python's OpenAI-compatible server.

The same arguments as ``python -m llama_cpp.server``; the only difference is that the model
loads the way ``LlamaCppChat`` loads it (``assistant.llm.ggml_cpu.safe_model_loading``), so the
server does not segfault on CPUs where ggml's AMX kernels crash.

Not here: building the command line (``assistant.llm.server.llm_server_command``).
"""

from __future__ import annotations

import runpy

from assistant.llm.ggml_cpu import safe_model_loading


def main() -> None:
    # The server loads its model inside its main(), so the block spans the server's life.
    with safe_model_loading():
        runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
