"""``hiresentry sanctions`` through Typer's CliRunner on the sub-app (bundled list; real OFAC files
for ``extract``/``report`` when ``../shared/data/ofac`` is present)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hiresentry.app.sanctions_cli import sanctions_app
from hiresentry.core.sanctions import bundled_path, read_extract
from tests.shared import shared_dir

runner = CliRunner(env={"COLUMNS": "200"})


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(sanctions_app, list(args))
    return result.exit_code, result.output


def test_check_json_gives_entry_name_score_identifiers_programs_escalate() -> None:
    code, output = run(
        "check", "--name", "Sang-man KIM", "--dob", "1965-04-25",
        "--wallet", "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40", "--json",
    )  # fmt: skip
    assert code == 0, output
    document = json.loads(output)
    (hit,) = document["hits"]
    assert hit["ent_num"] == 43377
    assert hit["matched_name"] == "KIM, Sang Man"
    assert hit["score"] == 100
    assert hit["programs"] == ["DPRK4"]
    assert {i["kind"] for i in hit["matched_identifiers"]} == {"wallet", "dob"}
    assert hit["escalate"] is True
    assert document["front_hits"] == []
    assert document["list"]["entries"] == 593


def test_check_name_only_does_not_escalate() -> None:
    code, output = run("check", "--name", "Hyun-woo Kim", "--json")
    assert code == 0
    (hit,) = json.loads(output)["hits"]
    # a namesake of an alias of PARK, Jin Hyok: reported, not escalated
    assert (hit["ent_num"], hit["matched_name"], hit["matched_as"]) == (24918, "KIM, Hyon Woo", "aka")
    assert (hit["escalate"], hit["matched_identifiers"]) == (False, [])


def test_check_domains_emails_and_front_entities() -> None:
    code, output = run("check", "--domain", "https://www.upworksell.com/x", "--email", "hr@mofa.lat", "--json")
    assert code == 0
    document = json.loads(output)
    assert [h["ent_num"] for h in document["hits"]] == [45430]
    assert document["hits"][0]["escalate"] is True
    assert [(f["id"], f["kind"]) for f in document["front_hits"]] == [("upworksell", "seized_domain")]


def test_check_prints_a_table_for_people() -> None:
    code, output = run("check", "--name", "Yanbian Silverstar")
    assert code == 0
    assert "24977" in output and "name only" in output
    code, output = run("check", "--name", "Mary Smith")
    assert (code, output.strip()) == (0, "no hits")


def test_check_refuses_bad_input() -> None:
    code, output = run("check")
    assert code == 2 and "give at least one of --name" in output
    code, output = run("check", "--name", "x", "--dob", "25/04/1965")
    assert code == 2 and "is not a date" in output
    code, output = run("check", "--name", "x", "--sdn", "/nonexistent/sdn.csv")
    assert code == 1 and "cannot read the sdn.csv file" in output


def test_extract_reproduces_the_bundled_list_and_report_counts(tmp_path: Path) -> None:
    out = tmp_path / "sdn.json"
    ofac = shared_dir() / "data" / "ofac"
    code, output = run(
        "extract", "--sdn", str(ofac / "sdn_2024-05-03" / "sdn.csv"), "--aux", str(ofac / "aux_2024-01-08"),
        "--aux", str(ofac / "aux_2025-12-24"), "--out", str(out), "--source", "test",
    )  # fmt: skip
    assert code == 0, output
    assert read_extract(out).entries == read_extract(bundled_path()).entries
    code, output = run("report", "--sdn", str(out), "--json")
    assert code == 0
    assert json.loads(output)["entries_kept"] == 593
    code, output = run("report")
    assert "kept 593" in output
