"""Building an ``EvalEnv`` from the CLI's settings (``ui.runtime.Runtime``).

The shop under test is the one in the data dir (its SQLite file, copied once into the run's
scratch folder), searched with the data dir's Chroma index and the MiniLM embedder; the tau2
shop is imported from ``DIR/db.json`` into its own scratch SQLite file when the folder exists
(skipped with the reason otherwise). The chat model is the configured one (the embedded GGUF,
or an OpenAI-compatible server when ``AISLE_LLM_BASE_URL`` is set), or the scripted policy.

Not here: the suites, the CLI options (``commands``).
"""

from __future__ import annotations

from pathlib import Path

from assistant.llm.types import ChatModel
from eval.harness.dbstate import copy_shop
from eval.harness.env import EvalEnv, EvalError, ShopUnderTest
from eval.harness.scripted_policy import scripted_policy
from store.db import open_store, sqlite_url
from store.demo.generate import shop_is_empty
from store.importers.tau2 import import_tau2
from ui.runtime import Runtime

REPO = Path(__file__).resolve().parents[2]
TAU2_CANDIDATES = (Path("../shared/data/tau2-retail"), REPO.parent / "shared/data/tau2-retail")


def sqlite_file(runtime: Runtime) -> Path:
    url = runtime.settings.effective_database_url
    if not url.startswith("sqlite:///"):
        raise EvalError(
            "the eval harness runs every case on a copy of the shop's SQLite file; "
            "unset AISLE_DATABASE_URL (or use a sqlite:/// URL) to evaluate"
        )
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        raise EvalError(
            f"no shop at {path}; create one with `aisle init-demo` and `aisle index` first"
        )
    return path


def default_tau2() -> Path | None:
    return next((p.resolve() for p in TAU2_CANDIDATES if (p / "db.json").exists()), None)


def chat_model(runtime: Runtime, scripted: bool) -> ChatModel:
    return scripted_policy() if scripted else runtime.chat_model(progress=True)


def build_env(
    runtime: Runtime, llm: ChatModel, workdir: Path, tau2: Path | None, progress: bool = True
) -> EvalEnv:
    source = sqlite_file(runtime)
    workdir.mkdir(parents=True, exist_ok=True)

    def demo() -> ShopUnderTest | str:
        if shop_is_empty(runtime.store):
            return f"the store at {source} has no products; run `aisle init-demo`"
        searcher = runtime.product_searcher()
        if searcher.indexed == 0:
            return "the product index is empty; run `aisle index` first"
        template = copy_shop(source, workdir / "demo-template.db")
        # the served assistant's ranker (the trained one, else retrieval order), when built
        ranker = getattr(runtime, "ranker", None)
        return ShopUnderTest("demo", template, searcher, runtime.help_searcher(), ranker=ranker)

    def tau2_shop() -> ShopUnderTest | str:
        if tau2 is None or not (tau2 / "db.json").exists():
            where = tau2 or " or ".join(str(p) for p in TAU2_CANDIDATES)
            return f"tau2-bench retail data not found at {where}"
        imported = workdir / "tau2-import.db"
        store = open_store(sqlite_url(imported))
        try:
            import_tau2(store, tau2)
        finally:
            store.dispose()
        return ShopUnderTest("tau2", copy_shop(imported, workdir / "tau2-template.db"))

    return EvalEnv(
        llm=llm, workdir=workdir, shops={"demo": demo, "tau2": tau2_shop}, progress=progress
    )
