"""``aisle import catalog`` on the command line: formats, --map, --prune, warnings, and the JSON
error object a rejected file prints with --json (nothing committed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run, use_data_dir

FORMATS = Path(__file__).resolve().parents[2] / "eval" / "data" / "shops" / "formats"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return use_data_dir(tmp_path, monkeypatch)


def test_feed_imports_with_warnings_and_json_report(data_dir: Path) -> None:
    code, out, err = run("import", "catalog", str(FORMATS / "merchant_larkspur.tsv"))
    assert code == 0, err
    assert "warning: ignored 6 Merchant Center field(s)" in err
    assert "(merchant)" in err and "products: 27 added" in err
    code, out, _ = run("import", "catalog", str(FORMATS / "merchant_larkspur.tsv"), "--json")
    report = json.loads(out)
    assert (report["format"], report["products_unchanged"], report["products_added"]) == (
        "merchant",
        27,
        0,
    )
    assert report["warnings"][0].startswith("ignored 6 Merchant Center field(s)")


def test_map_options_and_prune(data_dir: Path, tmp_path: Path) -> None:
    plain = FORMATS / "plain_inkwell.csv"
    code, out, err = run("import", "catalog", str(plain), "--json")
    assert code == 1 and err == ""
    error = json.loads(out)
    assert (error["error"], error["kind"], error["committed"]) == (
        "import_rejected",
        "header",
        False,
    )
    assert [p["field"] for p in error["problems"]] == ["price"]
    code, out, err = run(
        "import",
        "catalog",
        str(plain),
        "--map-file",
        str(FORMATS / "plain_inkwell.map.toml"),
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["products_added"] == 33
    small = tmp_path / "small.csv"
    small.write_text("sku,name,cost\nNB-A5-DOT,A5 Dot Grid Notebook,14.50\n")
    code, out, err = run(
        "import",
        "catalog",
        str(small),
        "--map",
        "sku=product_id",
        "--map",
        "cost=price",
        "--prune",
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert (report["products_removed"], report["products_unchanged"]) == (32, 1)
    assert (report["items_added"], report["items_removed"]) == (1, 49)


def test_rejected_rows_print_a_json_error_and_commit_nothing(
    data_dir: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("product_id,title,price\nA,Lamp,12\nB,Desk,abc\n")
    code, out, err = run("import", "catalog", str(bad), "--json")
    assert code == 1
    error = json.loads(out)
    assert error["kind"] == "rows" and error["problems"] == [
        {
            "file": "bad.csv",
            "line": 3,
            "field": "price",
            "message": "must be a number >= 0, got 'abc'",
        }
    ]
    code, out, _ = run("info", "--json")
    assert json.loads(out)["products"] == 0
    code, _, err = run("import", "catalog", str(bad))
    assert code == 1 and "bad.csv:3: price: must be a number >= 0, got 'abc'" in err


def test_import_reads_facets_from_text_and_aisle_facets_reruns(data_dir: Path) -> None:
    outdoor = FORMATS.parent / "outdoor_gear.csv"
    code, out, err = run("import", "catalog", str(outdoor))
    assert code == 0, err
    assert "facets from text: 35 products read, 24 with facets" in err
    code, out, err = run("import", "catalog", str(outdoor), "--json")
    report = json.loads(out)
    assert (report["products_unchanged"], report["facets"]["changed"]) == (35, 0)
    assert report["facets"]["by_facet"]["persons"] == 6
    code, out, err = run("facets", "--json")
    assert code == 0, err
    assert json.loads(out)["changed"] == 0
    code, out, _ = run("audit", "--json")
    tents = next(
        c
        for c in json.loads(out)["facet_coverage"]
        if c["category"] == "Outdoors > Camping > Tents"
    )
    assert (tents["with_facets"], tents["from_text"], tents["facets"]) == (6, 6, {"persons": 6})
