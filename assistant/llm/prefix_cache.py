"""A disk cache of llama.cpp's KV state for the prompt start every turn shares.

The agent's system prompt and tool schemas come to about 3,600 tokens. llama.cpp reuses them
from its in-memory KV cache within a process, but every new process (``aisle chat --once``, a
server restart, a test run) evaluated them again before its first token: measured at 29
prompt tokens/s on one thread of a busy 2-core machine, two minutes. ``PrefixCache`` keeps the
KV cells of that prefix in a file (llama.cpp's own sequence-state format, which stores the
tokens too: about 100 MB for the 1.5B model), so a new process loads them in about a second.

The file name is a digest of the model file (path, size, modification time), the context
size, the llama-cpp-python version and the prefix tokens: a changed prompt, tool list or model
is a new file. A file that does not load (another build, a truncated write) is recomputed and
replaced. Writes are atomic (a temp file renamed into place); only the ``keep`` most recently
used files are kept.

Not here: deciding what the prefix is (``assistant.llm.chatml_tools.render_prefix``) or when
to use the cache (``LlamaCppChat``).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

Outcome = Literal["loaded", "saved", "skipped"]
MIN_TOKENS = 256  # a shorter prefix is cheaper to evaluate than to load


class PrefixCache:
    """Prefix KV states of one model file in ``directory``."""

    def __init__(self, directory: Path, model_path: Path, keep: int = 4) -> None:
        import llama_cpp

        self.directory = directory
        self.keep = keep
        stat = Path(model_path).stat()
        self._model_key = (
            f"{Path(model_path).resolve()}|{stat.st_size}|{stat.st_mtime_ns}|"
            f"{llama_cpp.__version__}"
        )

    def path_for(self, tokens: Sequence[int], n_ctx: int) -> Path:
        h = hashlib.sha256(f"{self._model_key}|{n_ctx}|".encode())
        h.update(",".join(map(str, tokens)).encode())
        return self.directory / f"prefix-{h.hexdigest()[:24]}.kv"

    def prepare(self, llama: Any, tokens: Sequence[int]) -> Outcome:
        """Leave ``llama``'s KV cache holding ``tokens``: loaded from the file when there is
        one, else evaluated and saved. Skipped when the context already holds other tokens
        (the in-memory cache serves better) or the prefix is short."""
        if llama.n_tokens > 0 or len(tokens) < MIN_TOKENS:
            return "skipped"
        path = self.path_for(tokens, llama.n_ctx())
        if path.is_file() and _load(llama, path, tokens):
            os.utime(path)  # most recently used
            return "loaded"
        llama.reset()
        llama.eval(list(tokens))
        self._save(llama, path, tokens)
        return "saved"

    def _save(self, llama: Any, path: Path, tokens: Sequence[int]) -> None:
        import llama_cpp

        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        array = (llama_cpp.llama_token * len(tokens))(*tokens)
        try:
            written = llama_cpp.llama_state_seq_save_file(
                llama._ctx.ctx, str(tmp).encode(), 0, array, len(tokens)
            )
            if written:
                os.replace(tmp, path)
        except OSError:
            return  # a read-only or full disk: the cache is an optimisation only
        finally:
            tmp.unlink(missing_ok=True)
        self._prune()

    def _prune(self) -> None:
        files = sorted(
            self.directory.glob("prefix-*.kv"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for stale in files[self.keep :]:
            stale.unlink(missing_ok=True)


def evaluate_prefix(llama: Any, tokens: Sequence[int]) -> int:
    """Leave ``llama``'s KV cache holding exactly ``tokens``, evaluating only what is not
    already there (the same longest-prefix reuse as a completion); return how many were
    evaluated."""
    common = llama.longest_token_prefix(llama._input_ids.tolist(), list(tokens))
    if common == len(tokens) == llama.n_tokens:
        return 0
    common = min(common, len(tokens) - 1)  # evaluate at least one token: fresh logits
    llama.n_tokens = common
    llama.eval(list(tokens[common:]))
    import llama_cpp

    llama_cpp.llama_synchronize(llama._ctx.ctx)  # llama.cpp books its timings here
    return int(len(tokens) - common)


def evaluate_prefix_until(
    llama: Any, tokens: Sequence[int], stop: threading.Event, chunk: int
) -> tuple[int, bool]:
    """``evaluate_prefix`` in steps of ``chunk`` tokens, stopping early once ``stop`` is set;
    (tokens evaluated, whether all were). The KV cache then holds a prefix of ``tokens``,
    which the next completion reuses as far as it matches."""
    common = llama.longest_token_prefix(llama._input_ids.tolist(), list(tokens))
    if common == len(tokens) == llama.n_tokens:
        return 0, True
    common = min(common, len(tokens) - 1)
    llama.n_tokens = common
    done = common
    while done < len(tokens):
        if stop.is_set():
            break
        llama.eval(list(tokens[done : done + chunk]))
        done = min(len(tokens), done + chunk)
    import llama_cpp

    llama_cpp.llama_synchronize(llama._ctx.ctx)
    return done - common, done == len(tokens)


def _load(llama: Any, path: Path, tokens: Sequence[int]) -> bool:
    """Load the file into sequence 0; true when it held exactly ``tokens``."""
    import llama_cpp

    capacity = len(tokens)
    out = (llama_cpp.llama_token * capacity)()
    count = ctypes.c_size_t(0)
    llama.reset()
    read = llama_cpp.llama_state_seq_load_file(
        llama._ctx.ctx, str(path).encode(), 0, out, capacity, ctypes.byref(count)
    )
    if not read or count.value != capacity or list(out) != list(tokens):
        llama.reset()
        llama._ctx.kv_cache_seq_rm(-1, 0, -1)
        return False
    llama.input_ids[:capacity] = tokens
    llama.n_tokens = capacity
    llama._requires_eval = True  # the logits of the last token were not restored
    return True
