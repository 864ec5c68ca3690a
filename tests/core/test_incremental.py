"""Batch and incremental screening give identical results (property test on random populations).

Random small populations share identifiers from small pools (names, birth dates, tax ids, phones,
emails, IBANs, addresses, serials, egress networks, employers, résumé signatures, referrers,
code-hosting logins, bios, git objects, commit e-mails and followers), so resolution merges,
shared keys, networks and qualifiers all occur. A random change is then ingested and screened
incrementally; a batch screen of the same store afterwards must change nothing, and a fresh store
screened in one batch must hold the same cases (ignoring dedup keys, which depend on history).
Real SQLite stores, the whole shipped catalogue.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hiresentry.core.cases import CaseRepository
from hiresentry.core.indicators import load_catalogue
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.model import (
    AccessEvent,
    Device,
    Engagement,
    HiringSignal,
    PayoutAccount,
    Profile,
    ProfileCommit,
    ProfileFollow,
    Record,
    Worker,
)
from hiresentry.core.screen import screen, touched_workers
from hiresentry.core.store import Store, sqlite_url
from tests.conftest import TEST_KEY

CATALOGUE = load_catalogue()
T0 = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
NAMES = ["Daniel Park", "Ethan Brooks", "Li Wei", "Bill Smith", "William Smith", "Olga Petrova", "Kim Min-jun"]
DOBS = [None, "1990-01-02", "1988-05-06"]
TAXES = [None, None, "111-22-3333", "444-55-6666"]
PHONES = ["+14155550101", "+14155550102", "+14155550103"]
EMAILS = ["a@x.example", "b@x.example", "dev.ninja@gmail.com"]
IBANS = ["DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32"]
ADDRESSES = ["88 Pine St, Seattle, WA 98101", "1420 Elm St, Nashville, TN 37203", "5 Oak Ave, Denver, CO 80202"]
IPS = ["203.0.113.5", "203.0.113.9", "198.51.100.7"]
VPNS = [None, None, "Astrill VPN", "GlobalProtect"]
TOOLS = [[], [], ["AnyDesk"], ["ScreenConnect"]]
EMPLOYERS = [[], ["Initech"], ["Tony WKJ LLC"]]
SIGNALS = ["camera_refused", "reference_checked", "household_declared"]
SOURCES = ["hr", "payroll"]
# code-hosting profiles: shared logins, bios, git objects, commit e-mails and follower rings
LOGINS = ["dev-one", "dev-two", "web3wizard"]
BIOS = [None, "Senior Full Stack & Blockchain Developer | React, Node.js, Solidity, Web3", "Software engineer"]
LOCATIONS = [None, "Shenyang, China", "Austin, Texas"]
SHAS = ["a1a1a1a1", "b2b2b2b2", "c3c3c3c3"]
TREES = [None, "e1e1e1e1", "e2e2e2e2"]
COMMIT_EMAILS = [None, "a@x.example", "dev.ninja@gmail.com", "9+dev@users.noreply.github.com"]
FOLLOWS = [None, ["900", "102"], ["101", "103"], ["102"]]


@st.composite
def records(draw: Any, prefix: str, existing: int = 0) -> list[Record]:
    """A few workers with their records; ``existing`` workers may be re-drawn (modified)."""
    out: list[Record] = []
    count = draw(st.integers(1, 5))
    for i in range(count):
        reuse = existing and draw(st.booleans())
        wid = f"W{draw(st.integers(0, existing - 1))}" if reuse else f"{prefix}{i}"
        source = draw(st.sampled_from(SOURCES))
        pick = st.sampled_from
        out.append(
            Worker(
                source=source,
                remote_id=wid,
                legal_name=draw(pick(NAMES)),
                date_of_birth=draw(pick(DOBS)),
                tax_id=draw(pick(TAXES)),
                phones=draw(st.lists(pick(PHONES), max_size=1)),
                emails=draw(st.lists(pick(EMAILS), max_size=1)),
                home_address=draw(pick([None, *ADDRESSES])),
                ship_to_address=draw(pick([None, *ADDRESSES])),
                prior_employers=draw(pick(EMPLOYERS)),
                claimed_country="US",
                claimed_timezone="America/Chicago",
                referrer_remote_id=draw(pick([None, "W0", "W1"])),
                agency=draw(pick([None, None, "TalentBridge Staffing"])),
            )
        )
        if draw(st.booleans()):
            out.append(
                PayoutAccount(source=source, remote_id=f"PA-{wid}", worker_remote_id=wid, method="bank",
                              iban=draw(pick(IBANS)), holder_name=draw(pick(NAMES)), pooled=draw(st.booleans()))
            )  # fmt: skip
        if draw(st.booleans()):
            rate = draw(pick([None, "20", "80", "85", "90"]))
            out.append(
                Engagement(source=source, remote_id=f"EN-{wid}", worker_remote_id=wid, currency="USD", rate=rate)
            )
        for n in range(draw(st.integers(0, 2))):
            out.append(
                AccessEvent(source=source, remote_id=f"S-{wid}-{n}", worker_remote_id=wid,
                            time=T0 + dt.timedelta(hours=draw(st.integers(0, 48))), ip=draw(pick(IPS)), asn=64500,
                            vpn_provider=draw(pick(VPNS)), is_proxy=draw(st.booleans()))
            )  # fmt: skip
        if draw(st.booleans()):
            out.append(
                Device(source=source, remote_id=f"D-{wid}", worker_remote_id=wid, serial=draw(pick(["C02A", "C02B"])),
                       shipped_to_address=draw(pick([None, *ADDRESSES])), remote_access_tools=draw(pick(TOOLS)),
                       mdm_country=draw(pick([None, "US", "CN"])))
            )  # fmt: skip
        if draw(st.booleans()):
            out.append(
                HiringSignal(source=source, remote_id=f"H-{wid}", worker_remote_id=wid, signal=draw(pick(SIGNALS)),
                             related_worker_remote_id=draw(pick([None, "W0"])))
            )  # fmt: skip
        if draw(st.booleans()):
            out.extend(draw(profile_records(source, wid)))
    return out


@st.composite
def profile_records(draw: Any, source: str, wid: str) -> list[Record]:
    """A code-hosting profile cited by worker ``wid``, with a few commits and followers."""
    pick = st.sampled_from
    days = st.integers(-900, 0).map(lambda d: T0 + dt.timedelta(days=d, hours=d % 24))
    profile = f"GH-{wid}"
    login = draw(pick(LOGINS))
    out: list[Record] = [
        Profile(source=source, remote_id=profile, worker_remote_id=wid, platform="github", login=login,
                account_id="900", created_at=draw(pick([T0 - dt.timedelta(days=400), T0 - dt.timedelta(days=20)])),
                bio=draw(pick(BIOS)), location=draw(pick(LOCATIONS)))
    ]  # fmt: skip
    for n in range(draw(st.integers(0, 3))):
        out.append(
            ProfileCommit(source=source, remote_id=f"GC-{wid}-{n}", worker_remote_id=wid, profile_remote_id=profile,
                          repo=f"{login}/app", repo_fork=draw(st.booleans()), sha=draw(pick(SHAS)),
                          tree_sha=draw(pick(TREES)), authored_at=draw(days), author_email=draw(pick(COMMIT_EMAILS)),
                          by_owner=draw(pick([None, True, False])))
        )  # fmt: skip
    for n in range(draw(st.integers(0, 3))):
        out.append(
            ProfileFollow(source=source, remote_id=f"GF-{wid}-{n}", worker_remote_id=wid, profile_remote_id=profile,
                          follower_id=str(101 + n), follower_created_at=draw(days),
                          follower_following=draw(pick([1, 50])), follower_repos=draw(pick([0, 10])),
                          follower_follows=draw(pick(FOLLOWS)))
        )  # fmt: skip
    return out


def picture(store: Store) -> set[tuple[Any, ...]]:
    """Open cases without their dedup keys (which depend on history): members, level, score, evidence."""
    return {
        (
            case.kind,
            tuple(sorted(map(str, case.workers))),
            case.level.value,
            round(case.score, 6),
            tuple(sorted((e.indicator, e.explanation) for e in case.evidence)),
        )
        for case in CaseRepository(store).find(min_level=Level.LOW)
    }


def run(store: Store, when: dt.datetime, touched: set[tuple[str, str]] | None = None) -> Any:
    return screen(store, CATALOGUE, LevelThresholds(), Level.LOW, now=when, touched=touched)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_incremental_screen_equals_batch(tmp_path: Path, data: Any) -> None:
    base = data.draw(records("W"))
    change = data.draw(records("N", existing=len([r for r in base if isinstance(r, Worker)])))
    hasher = LinkKeyHasher(TEST_KEY)
    name = f"{abs(hash((repr(base), repr(change))))}"
    incremental = Store.open(sqlite_url(tmp_path / f"inc-{name}.db"), hasher)
    batch = Store.open(sqlite_url(tmp_path / f"batch-{name}.db"), hasher)
    try:
        incremental.ingest(base)
        run(incremental, T0)
        incremental.ingest(change)
        run(incremental, T0 + dt.timedelta(hours=1), touched_workers(change))
        after_incremental = picture(incremental)
        assert run(incremental, T0 + dt.timedelta(hours=1)).changes == []  # a batch run has nothing to add
        batch.ingest(base)
        batch.ingest(change)
        run(batch, T0 + dt.timedelta(hours=1))
        assert after_incremental == picture(batch)
    finally:
        incremental.close()
        batch.close()
