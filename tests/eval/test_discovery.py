"""``aisle eval discovery`` with the scripted policy model: the discovery flows re-targeted at
a catalog the suite never saw (the fixture fashion shop imported with its facets read from
text, hash-embedder index), scored against that catalog, summarised per group and shop with
gates. It asserts the suite runs, re-targets and scores, plus what the scripted path gets
right today on that shop."""

from __future__ import annotations

from pathlib import Path

from eval.discovery import GROUPS, discovery_flows, run_discovery
from eval.discovery_command import catalog_name
from eval.harness.banks import load_bank
from eval.harness.conversation_shops import DEFAULT_SHOPS_DIR, catalog_factory
from eval.harness.env import EvalEnv
from eval.harness.flows import FLOWS
from eval.harness.runs import RunWriter
from eval.harness.scripted_policy import scripted_policy
from retrieval.embedder import HashEmbedder


def test_every_discovery_flow_runs_on_every_shop_of_the_run() -> None:
    flows = discovery_flows(["fashion", "my-shop"])
    assert {f.id for f in flows} == {i for ids in GROUPS.values() for i in ids}
    assert all(f.shops == ("fashion", "my-shop") for f in flows)


def test_a_catalog_file_names_its_shop() -> None:
    assert catalog_name(Path("/x/My Shop Export.csv.gz")) == "my-shop-export"
    assert catalog_name(Path("products.jsonl")) == "products"


def test_discovery_on_an_imported_catalog_scores_each_group(tmp_path: Path) -> None:
    source = DEFAULT_SHOPS_DIR / "fashion.csv"
    env = EvalEnv(
        llm=scripted_policy(),
        workdir=tmp_path / "work",
        progress=False,
        shops={"shop": catalog_factory("shop", source, tmp_path / "work", HashEmbedder, True)},
    )
    writer = RunWriter(tmp_path / "run", {"suite": "discovery", "model": "scripted-policy"})
    summary = run_discovery(env, writer, load_bank("dev", FLOWS), ["shop"], cases=2)
    part = summary["discovery"]
    assert set(part["groups"]) == {"specific", "vague", "impossible", "not_sold"}
    assert {g: part["groups"][g]["conversations"] for g in GROUPS} == {
        "specific": 4,  # specific, price_phrasings: 2 each
        "vague": 4,
        "impossible": 2,
        "not_sold": 4,
    }
    assert set(part["shops"]) == {"shop"}
    # every product shown met every constraint, none was invented, no prompt text shown
    assert part["overall"]["violating"] == 0 and part["overall"]["invented"] == 0
    assert part["overall"]["prompt_text"] == 0
    # the facets read from the text let the specific tasks name a colour and be checked
    assert part["groups"]["specific"]["pass_rate"] == 1.0
    gates = {g["name"]: g for g in summary["gates"]}
    assert gates["discovery specific pass rate"]["passed"] is True
    assert (tmp_path / "run" / "results.jsonl").read_text().count('"suite": "discovery"') == 14
