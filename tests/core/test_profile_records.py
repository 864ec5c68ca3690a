"""Code-hosting profile records in the core: rows (what is hashed, what is never keyed), frames, network.

In-memory records through the real row builder, population frames, resolution and network stage
(no store): the privacy relay and placeholder addresses that must link no one, the conservative
reading of profile locations, profiles attached to a worker of another source, and the commit
e-mail link type.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import Profile, ProfileCommit, ProfileRepo, Record, Worker
from hiresentry.core.network import build_network
from hiresentry.core.population import Population
from hiresentry.core.resolve import resolve
from hiresentry.core.screen import touched_workers
from hiresentry.core.store.rows import RowBuilder, is_privacy_relay, location_country, profile_words

T0 = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def profile(owner: str, login: str, source: str = "gh", worker_source: str | None = "hr", **extra: object) -> Profile:
    return Profile(source=source, remote_id=f"{login}@{owner}", worker_source=worker_source, worker_remote_id=owner,
                   platform="GitHub", login=login, **extra)  # type: ignore[arg-type]  # fmt: skip


def commit(owner: str, login: str, n: int, email: str, **extra: object) -> ProfileCommit:
    return ProfileCommit(source="gh", remote_id=f"c{n}@{owner}", worker_source="hr", worker_remote_id=owner,
                         profile_remote_id=f"{login}@{owner}", repo=f"{login}/app", sha=f"{n:08x}",
                         author_email=email, authored_at=T0, **extra)  # type: ignore[arg-type]  # fmt: skip


@pytest.mark.parametrize(
    ("email", "relay"),
    [
        ("1234+dpark@users.noreply.github.com", True),
        ("noreply@github.com", True),
        ("dpark@users.noreply.gitlab.com", True),
        ("root@localhost.localdomain", True),
        ("you@example.com", True),
        ("dev@mac.local", True),
        ("dan.park@gmail.com", False),
        ("dpark@github.com", False),
    ],
)
def test_privacy_relays_and_placeholders(email: str, relay: bool) -> None:
    assert is_privacy_relay(email) is relay


@pytest.mark.parametrize(
    ("location", "country"),
    [
        ("Seattle, WA, USA", "US"),
        ("Austin, Texas", "US"),
        ("Atlanta, Georgia", None),  # a US state and a country: no guess
        ("Tbilisi, Georgia", None),
        ("San Francisco, CA", None),
        ("Toronto, Canada", "CA"),
        ("Shenyang / China", "CN"),
        ("London, UK", "GB"),
        ("Earth", None),
        ("", None),
    ],
)
def test_profile_locations_are_read_conservatively(location: str, country: str | None) -> None:
    assert location_country(location) == country


def test_commit_rows_key_real_addresses_in_the_email_namespace(hasher: LinkKeyHasher) -> None:
    builder = RowBuilder(hasher)
    worker_row, keys = builder.worker(Worker(source="hr", remote_id="E1", legal_name="Dan Park",
                                             emails=["Dan.Park@Gmail.com"]))  # fmt: skip
    real = builder.profile_commit(commit("E1", "dpark", 1, "dan.park@gmail.com", committer_email="noreply@github.com"))
    assert real["author_email_key"] == keys[0]["key_hash"] and real["author_email_masked"] == "d•••@gmail.com"
    assert real["committer_email_key"] is None and real["committer_email_masked"] == "n•••@github.com"
    assert "dan.park@gmail.com" not in repr(real) and worker_row["remote_id"] == "E1"
    relay = builder.profile_commit(commit("E1", "dpark", 2, "9+dpark@users.noreply.github.com"))
    assert relay["author_email_key"] is None


def test_profile_rows_keep_hashes_not_texts(hasher: LinkKeyHasher) -> None:
    row = RowBuilder(hasher).profile(
        profile(
            "E1",
            "dpark",
            bio="Mail me at dan.park@gmail.com or +1 206 555 0100",
            readme="# dpark\nHello there",
            location="Berlin, Germany",
        )
    )
    assert row["bio_excerpt"] == "Mail me at [e-mail] or [number]" and row["bio_words"] == 12
    assert row["readme_key"] is not None and "Hello" not in repr(row)
    assert (row["platform"], row["location_country"], row["worker_source"]) == ("github", "DE", "hr")
    assert profile_words("# DPark/dpark-tools\n**dpark**", "dpark") == "dpark tools"


def test_profiles_attach_to_the_citing_worker_of_another_source(hasher: LinkKeyHasher) -> None:
    records: list[Record] = [
        Worker(source="hr", remote_id="E1", legal_name="Dan Park"),
        profile("E1", "dpark", created_at=T0),
        commit("E1", "dpark", 1, "a@x.example"),
        ProfileRepo(
            source="gh",
            remote_id="r@E1",
            worker_source="hr",
            worker_remote_id="E1",
            profile_remote_id="dpark@E1",
            name="dpark/app",
        ),
        profile("E404", "ghost"),  # cites no known worker: dropped
        commit("E404", "ghost", 2, "b@x.example"),
    ]
    pop = Population.from_records(records, hasher)
    assert pop.profiles["ref"].to_list() == ["gh/dpark@E1"]
    assert pop.profiles["wid"].to_list() == pop.profile_commits["wid"].to_list() == pop.workers["wid"].to_list()
    assert pop.profile_repos.height == 1 and pop.size() == 4
    gone = Population.from_records([*records[:4], profile("E1", "dpark", deleted=True)], hasher)
    assert (gone.profiles.height, gone.profile_commits.height, gone.profile_repos.height) == (0, 0, 0)


def test_commit_emails_link_personas_in_the_network_without_weight(hasher: LinkKeyHasher) -> None:
    records: list[Record] = [
        Worker(source="hr", remote_id="E1", legal_name="Ethan Brooks"),
        Worker(source="hr", remote_id="E2", legal_name="Ryan Cole", emails=["ryan.cole.web3@gmail.com"]),
        profile("E1", "ebrooks"),
        commit("E1", "ebrooks", 1, "ryan.cole.web3@gmail.com", by_owner=True),
    ]
    pop = Population.from_records(records, hasher)
    pop = pop.with_persons(resolve(pop).persons)
    found = build_network(pop)
    (link,) = found.links.iter_rows(named=True)
    assert (link["link_type"], link["masked"], link["weight"], link["people"]) == (
        "commit_email",
        "r•••@gmail.com",
        0,
        2,
    )
    declared = Population.from_records([*records[:2], records[2], commit("E1", "ebrooks", 1, "e@x.example")], hasher)
    assert build_network(declared.with_persons(resolve(declared).persons)).links.is_empty()


def test_a_profile_touches_the_worker_of_its_worker_source() -> None:
    """Incremental screening re-scores the worker that cited the profile, in that worker's source."""
    own = Profile(source="export", remote_id="p@w1", worker_remote_id="w1", platform="github", login="p")
    assert touched_workers([profile("w7", "dpark"), own]) == {("hr", "w7"), ("export", "w1")}
