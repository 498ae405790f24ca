"""The ``aisle`` command line through Typer's runner, on a small demo shop in a temp data dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run, use_data_dir

from store.db import open_store, sqlite_url
from store.meta import judgements_complete


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_data_dir(tmp_path, monkeypatch)


def test_help_lists_the_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("demo", "init-demo", "import", "export", "info", "audit"):
        assert command in out


def test_init_demo_then_info_json(data_dir: Path) -> None:
    code, out, _ = run("init-demo", "--products", "300", "--users", "40", "--seed", "3", "--json")
    assert code == 0, out
    summary = json.loads(out)
    assert summary["seed"] == 3
    assert summary["counts"]["products"] == 300
    assert (data_dir / "aisle.db").exists()

    code, out, _ = run("info", "--json")
    counts = json.loads(out)
    assert counts["products"] == 300
    assert counts["users"] == 40
    assert counts["variants"] > 300
    assert counts["labelled_queries"] >= 300
    assert counts["help_articles"] >= 12
    assert counts["source"] == "demo"
    store = open_store(sqlite_url(data_dir / "aisle.db"))
    assert judgements_complete(store)  # every exact and partial match is judged
    store.dispose()


def test_init_demo_refuses_to_mix_shops(data_dir: Path) -> None:
    assert run("init-demo", "--products", "200", "--users", "20")[0] == 0
    code, _, err = run("init-demo", "--products", "200", "--users", "20")
    assert code == 1
    assert "--force" in err
    code, out, _ = run("init-demo", "--products", "250", "--users", "20", "--force", "--json")
    assert code == 0 and json.loads(out)["counts"]["products"] == 250


def test_demo_builds_once_and_reuses(data_dir: Path) -> None:
    code, _, err = run("demo", "--products", "300", "--users", "30", "--no-serve", "--no-ranker")
    assert code == 0
    assert "generating the demo shop" in err
    assert "Everything is built" in err
    code, _, err = run("demo", "--no-serve", "--no-ranker")
    assert code == 0
    assert "Using the existing shop" in err
    assert "indexed products" not in err  # nothing changed, nothing re-embedded


def test_audit_json_and_fail_on(data_dir: Path) -> None:
    run("init-demo", "--products", "200", "--users", "20")
    code, out, _ = run("audit", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["violations"] == []
    code, _, err = run("audit", "--fail-on", "bogus=1")
    assert code == 2 and "bogus" in err


def test_import_rejects_bad_catalog_with_file_and_line(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("product_id,title,price\np1,Good Shirt,10\np2,Bad Shirt,abc\n")
    code, _, err = run("import", "catalog", str(bad))
    assert code == 1
    assert "bad.csv:3: price" in err
    code, out, _ = run("info", "--json")
    assert json.loads(out)["products"] == 0


def test_bad_config_file_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = run("--config", str(tmp_path / "missing.toml"), "info")
    assert code == 1 and "does not exist" in err
