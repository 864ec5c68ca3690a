"""The shipped lists as data: front entities with their sources, the SDN extract, caching, bad files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hiresentry.core.errors import InputError
from hiresentry.core.sanctions import front_list, list_index, load_front, load_list, read_extract
from hiresentry.core.sanctions.front import default_path
from tests.shared import shared_dir


def test_front_entities_are_cited_and_analyst_findings_marked() -> None:
    front = load_front()
    kinds = {e.kind for e in front.entries}
    assert {"front_company", "seized_domain", "facilitator_company", "persona_email", "analyst_finding"} <= kinds
    for entry in front.entries:
        assert entry.cites
        assert entry.analyst_finding == (entry.kind == "analyst_finding"), entry.id
    by_id = {e.id: e for e in front.entries}
    assert by_id["upworksell"].domains == ("upworksell.com",)
    assert by_id["glaus-li"].emails == ("glausli1990@outlook.com",)
    assert {by_id[i].cites for i in ("dandong-deyun", "guangzhou-aiyixi", "yongping-zhuoren")} == {("STRIDER",)}


def test_every_cite_key_resolves_in_the_reference() -> None:
    text = (shared_dir() / "reference" / "indicators.md").read_text(encoding="utf-8")
    sources = text[text.index("## 6. Sources") :]
    defined = set(re.findall(r"\*\*\[([A-Za-z0-9-]+)\]\*\*", sources))
    used = {c for e in load_front().entries for c in e.cites}
    assert used <= defined, used - defined


def test_a_bad_front_list_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "front.yaml"
    bad.write_text("entries:\n  - {id: x, kind: front_company, cites: [A]}\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=f"(?s){bad}: the front-entity list is invalid.*needs a name, a domain or an email"
    ):
        load_front(bad)
    bad.write_text("entries:\n  - {id: x, name: X, kind: rumour, cites: [A]}\n", encoding="utf-8")
    with pytest.raises(InputError, match="invalid"):
        load_front(bad)
    assert load_front(default_path()) == load_front()


def test_lists_and_indexes_are_built_once_per_process() -> None:
    assert load_list() is load_list()
    assert list_index(load_list()) is list_index(load_list())
    assert front_list() is front_list()


def test_a_file_that_is_not_an_extract_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(InputError, match="not an SDN extract"):
        read_extract(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not a JSON SDN extract"):
        read_extract(path)
    path.write_text('{"format": "hiresentry/sdn-extract/1", "report": {}, "entries": []}', encoding="utf-8")
    with pytest.raises(InputError, match="the SDN extract is malformed"):
        read_extract(path)
    with pytest.raises(InputError, match="cannot read the SDN extract"):
        read_extract(tmp_path / "missing.json")
