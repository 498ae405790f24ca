"""assistant.llm.ggml_cpu: models load without llama.cpp's extra buffers (the AMX kernels that
segfault) exactly when asked or when the build has AMX, and the defaults come back after."""

from __future__ import annotations

import llama_cpp.llama_cpp as lib
import pytest

from assistant.llm.ggml_cpu import safe_model_loading


def extra_buffers() -> bool:
    return bool(lib.llama_model_default_params().use_extra_bufts)


def test_disabled_inside_the_block_only() -> None:
    assert extra_buffers()
    with safe_model_loading(True):
        assert not extra_buffers()
    assert extra_buffers()


def test_left_alone_when_not_needed() -> None:
    with safe_model_loading(False):
        assert extra_buffers()


@pytest.mark.parametrize("amx", [True, False])
def test_by_default_it_follows_the_build(monkeypatch: pytest.MonkeyPatch, amx: bool) -> None:
    monkeypatch.setattr("assistant.llm.ggml_cpu.amx_in_build", lambda: amx)
    with safe_model_loading():
        assert extra_buffers() is not amx


def test_restored_after_an_error() -> None:
    with pytest.raises(RuntimeError), safe_model_loading(True):
        raise RuntimeError("the model failed to load")
    assert extra_buffers()
