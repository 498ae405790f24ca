"""Where the shop's trained ranker lives, whether it is usable, and ``ensure_ranker``.

The ranker is saved in ``<data_dir>/models/ranker/`` (``ranker_dir``). ``ranker_status`` says
whether a complete one is there and was trained on this shop, cheaply (it reads the manifest,
it does not load weights). ``ensure_ranker`` is what ``aisle demo`` and the server call: reuse
the trained ranker when it is valid, else train one (once: a lock file keeps two processes
from training the same folder at the same time; the second waits and then reuses) and load it.

A ranker is tied to the shop it was trained on by a fingerprint (product and labelled-query
counts plus the shop's generation stamp): after ``aisle init-demo --force`` or a new
import it no longer counts as valid here, so the next ``ensure_ranker`` retrains. Loading
(``load_ranker``) does not check it: a shop that changed a little keeps its ranker until
someone retrains.

Not here: training itself (``retrieval.ranker.trainer``), serving (``retrieval.ranker.swap``).
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.ranker.arguments import RankerConfig
from retrieval.ranker.candidates import CandidateSource
from retrieval.ranker.data import shop_fingerprint
from retrieval.ranker.errors import RankerUnavailable
from retrieval.ranker.ranker import MODEL_DIR, Ranker, load_ranker, read_manifest
from store.db import Store

if TYPE_CHECKING:
    from retrieval.ranker.trainer import TrainReport

log = logging.getLogger(__name__)


def ranker_dir(data_dir: Path) -> Path:
    """The trained ranker's folder under the data dir."""
    return Path(data_dir) / "models" / "ranker"


@dataclass(frozen=True)
class RankerStatus:
    directory: Path
    usable: bool
    reason: str  # why not usable, or what it is
    created_at: str | None = None


def ranker_status(directory: Path, store: Store | None = None) -> RankerStatus:
    """Whether ``directory`` holds a complete ranker (and, given ``store``, one trained on
    that shop) without loading its weights."""
    directory = Path(directory)
    try:
        manifest = read_manifest(directory)
    except RankerUnavailable as exc:
        return RankerStatus(directory, False, str(exc))
    created = str(manifest.get("created_at") or "") or None
    if not (directory / str(manifest.get("cross_encoder", MODEL_DIR))).is_dir():
        return RankerStatus(directory, False, f"{directory} has no cross-encoder weights", created)
    if store is not None:
        trained_on, now = manifest.get("shop"), shop_fingerprint(store)
        if trained_on != now:
            return RankerStatus(
                directory,
                False,
                f"the ranker in {directory} was trained on another shop "
                f"({trained_on}) than this one ({now})",
                created,
            )
    return RankerStatus(directory, True, f"trained {created}", created)


def has_trained_ranker(directory: Path, store: Store | None = None) -> bool:
    return ranker_status(directory, store).usable


@contextmanager
def training_lock(directory: Path) -> Iterator[None]:
    """Held while one process trains into ``directory``; others block here until it ends."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.with_name(f".{directory.name}.lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Ensured:
    ranker: Ranker
    trained: bool  # False: an existing ranker was reused
    report: TrainReport | None = None


def ensure_ranker(
    store: Store,
    directory: Path,
    config: RankerConfig | None = None,
    *,
    progress: bool = True,
    source: CandidateSource | None = None,
    retrain: bool = False,
) -> Ensured:
    """The shop's trained ranker: reused when ``directory`` holds a valid one for this shop
    (and ``retrain`` is off), else trained now and saved there. Raises ``NoTrainingData``
    when the shop has nothing to learn from, ``RankerUnavailable`` if what was just trained
    cannot be loaded back."""
    directory = Path(directory)
    with training_lock(directory):
        status = ranker_status(directory, store)
        if status.usable and not retrain:
            try:
                return Ensured(load_ranker(directory), trained=False)
            except RankerUnavailable as exc:  # manifest fine, weights not: train again
                log.warning("retraining: %s", exc)
        elif not status.usable:
            log.info("training the ranker: %s", status.reason)
        from retrieval.ranker.trainer import train_ranker  # transformers: only when training

        report = train_ranker(store, directory, config, progress=progress, source=source)
        return Ensured(load_ranker(directory), trained=True, report=report)
