"""Profile records from export files: the examples of ``docs/export-format.md`` load and screen.

Real files (JSON Lines and CSV) read by the export connector into a real SQLite store, then the
population frames: the documented examples must load without problems, keep no raw e-mail, bio or
follower id, and attach to the worker of their own source.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import select

from hiresentry.connectors.base import sync
from hiresentry.connectors.export import ExportConnector
from hiresentry.core.population import Population
from hiresentry.core.store import Store, schema

DOC = Path(__file__).parents[3] / "docs" / "export-format.md"
KINDS = ("profiles", "profile_repos", "profile_commits", "profile_follows")


def documented_examples() -> dict[str, dict[str, object]]:
    """The one example line of each profile kind, as the export format document shows it."""
    text = DOC.read_text(encoding="utf-8").split("## Code-hosting profiles", 1)[1]
    found = re.findall(r"`(\w+)\.jsonl`\n```json\n(.*?)\n```", text, flags=re.S)
    return {kind: json.loads(line) for kind, line in found}


def test_documented_profile_examples_load_and_attach_to_their_worker(tmp_path: Path, store: Store) -> None:
    examples = documented_examples()
    assert set(examples) == set(KINDS)
    folder = tmp_path / "hr"
    folder.mkdir()
    (folder / "workers.jsonl").write_text(json.dumps({"remote_id": "E100001", "legal_name": "Daniel Park"}) + "\n")
    for kind, example in examples.items():
        (folder / f"{kind}.jsonl").write_text(json.dumps(example) + "\n")
    report = sync(ExportConnector.from_config("hr", {"path": str(folder)}), store)
    assert report.problems == []
    assert {k: report.written[k] for k in KINDS} == dict.fromkeys(KINDS, 1)
    pop = Population.from_store(store)
    assert [f.height for f in (pop.profiles, pop.profile_repos, pop.profile_commits, pop.profile_follows)] == [1] * 4
    assert pop.profile_commits["wid"].to_list() == pop.workers["wid"].to_list()
    assert pop.profiles["location_country"].to_list() == [None]  # "Seattle, WA": two-letter parts are not read
    with store.engine.connect() as conn:
        stored = repr(conn.execute(select(schema.profile_commits)).all()) + repr(
            conn.execute(select(schema.profile_follows)).all()
        )
        profile = conn.execute(select(schema.profiles.c.bio_excerpt, schema.profiles.c.readme_key)).one()
    assert "dan.park@gmail.com" not in stored and "9911" not in stored and "'octo'" not in stored
    assert profile[0] == "Backend engineer" and profile[1] is not None


def test_follows_from_csv_split_their_ids(tmp_path: Path, store: Store) -> None:
    folder = tmp_path / "hr"
    folder.mkdir()
    (folder / "workers.csv").write_text("remote_id,legal_name\nE1,Daniel Park\n")
    (folder / "profiles.csv").write_text("remote_id,worker_remote_id,platform,login\ngh1,E1,GitHub,dpark\n")
    (folder / "profile_follows.csv").write_text(
        "remote_id,worker_remote_id,profile_remote_id,follower_id,follower_follows\nf1,E1,gh1,9911,583231|77\n"
        "f2,E1,gh1,9912,\n"
    )
    report = sync(ExportConnector.from_config("hr", {"path": str(folder)}), store)
    assert report.problems == []
    pop = Population.from_store(store)
    follows = dict(zip(pop.profile_follows["remote_id"], pop.profile_follows["follower_follows"], strict=True))
    assert len(follows["f1"]) == 2 and follows["f2"] is None  # an empty cell: not read, not "follows nobody"
    assert pop.profiles["platform"].to_list() == ["github"]
