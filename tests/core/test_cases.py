"""Screens over a real SQLite store: stable dedup keys, updates instead of duplicates, judgements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hiresentry.core.cases import CaseRepository
from hiresentry.core.indicators import load_catalogue
from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.levels import Level, LevelThresholds
from hiresentry.core.model import AccessEvent, PayoutAccount, Record, Worker
from hiresentry.core.screen import screen
from hiresentry.core.store import Store, sqlite_url

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
CATALOGUE = load_catalogue()
IBAN = "DE89 3704 0044 0532 0130 00"


def w(remote_id: str, name: str, **extra: Any) -> Worker:
    return Worker.model_validate({"source": "payroll", "remote_id": remote_id, "legal_name": name, **extra})


def account(remote_id: str, owner: str, iban: str = IBAN) -> PayoutAccount:
    return PayoutAccount(
        source="payroll",
        remote_id=remote_id,
        worker_remote_id=owner,
        method="bank",
        iban=iban,
        holder_name=None,
    )


def shared_account_records() -> list[Record]:
    return [w("A", "Daniel Park"), w("B", "Ethan Brooks"), account("PA", "A"), account("PB", "B")]


def run(store: Store, when: dt.datetime = NOW) -> Any:
    return screen(store, CATALOGUE, LevelThresholds(), Level.LOW, now=when)


def test_case_keys_are_stable_and_reruns_change_nothing(store: Store) -> None:
    store.ingest(shared_account_records())
    first = run(store)
    keys = {c.dedup_key for c in CaseRepository(store).find()}
    assert len(keys) == 2 and [c.kind for c in first.changes] == ["created", "created"]
    again = run(store, NOW + dt.timedelta(hours=1))
    assert again.changes == []
    assert {c.dedup_key for c in CaseRepository(store).find()} == keys


def test_same_data_gives_same_keys_in_a_fresh_store(tmp_path: Path, hasher: LinkKeyHasher) -> None:
    keys = []
    for name in ("one.db", "two.db"):
        fresh = Store.open(sqlite_url(tmp_path / name), hasher)
        fresh.ingest(shared_account_records())
        run(fresh)
        keys.append({c.dedup_key for c in CaseRepository(fresh).find()})
        fresh.close()
    assert keys[0] == keys[1]


def test_new_evidence_updates_the_case_instead_of_opening_another(store: Store) -> None:
    store.ingest(shared_account_records())
    run(store)
    repo = CaseRepository(store)
    before = {c.dedup_key: c for c in repo.find()}
    store.ingest(
        [
            AccessEvent(
                source="payroll",
                remote_id="S1",
                worker_remote_id="A",
                time=NOW,
                vpn_provider="Astrill VPN",
                is_proxy=True,
            )
        ]
    )
    result = run(store, NOW + dt.timedelta(hours=1))
    after = {c.dedup_key: c for c in repo.find() if c.kind == "person"}
    assert after.keys() == before.keys()
    changed = [c for c in result.changes if c.dedup_key in after]
    assert len(changed) == 1 and changed[0].kind == "level_changed"
    case = after[changed[0].dedup_key]
    assert {e.indicator for e in case.evidence} == {"PAY-SHARED-ACCOUNT", "NET-VPN-PROXY"}
    assert case.level is Level.CRITICAL and case.previous_level is Level.MEDIUM  # 60 + 40
    assert case.evidence_digest != before[case.dedup_key].evidence_digest


def test_shared_account_plus_own_evidence_opens_one_network_case(store: Store) -> None:
    """Sharing alone stays in the person cases; sharing plus a member's own indicator escalates the network."""
    store.ingest(shared_account_records())
    run(store)
    repo = CaseRepository(store)
    assert [c.kind for c in repo.find()] == ["person", "person"]
    store.ingest(
        [AccessEvent(source="payroll", remote_id="S1", worker_remote_id="A", time=NOW, vpn_provider="Astrill VPN")]
    )
    run(store, NOW + dt.timedelta(hours=1))
    run(store, NOW + dt.timedelta(hours=2))  # a re-run changes nothing, opens nothing
    (network,) = [c for c in repo.find() if c.kind == "network"]
    people = [c for c in repo.find() if c.kind == "person"]
    assert network.dedup_key.startswith("hn-")
    assert sorted(network.linked_cases) == sorted(c.dedup_key for c in people)
    assert all(c.network_key == network.dedup_key for c in people)
    assert {str(w) for w in network.workers} == {"payroll/A", "payroll/B"}
    indicators = [e.indicator for e in network.evidence]
    assert indicators[0] == "NET-SHARED-PAYOUT"
    assert "NET-VPN-PROXY" in indicators
    assert network.score == 50 + 40  # one shared payout key + the strongest member's own score
    assert [t.name for t in network.terms] == ["NET-SHARED-PAYOUT", "strongest-member"]


def test_cleared_cases_keep_their_key_and_history(store: Store) -> None:
    store.ingest(shared_account_records())
    run(store)
    key = CaseRepository(store).find()[0].dedup_key
    store.ingest([account("PB", "B", iban="GB82 WEST 1234 5698 7654 32")])
    result = run(store, NOW + dt.timedelta(hours=1))
    assert {c.kind for c in result.changes} == {"cleared"}
    case = CaseRepository(store).get(key)
    assert case is not None and case.level is Level.INFO and case.evidence == []


def test_merged_people_keep_the_oldest_case_key(store: Store) -> None:
    store.ingest(
        [
            *shared_account_records(),
            w("C", "Olga Petrova"),
            account("PC", "C", iban="GB82 WEST 1234 5698 7654 32"),
            Worker(source="hr", remote_id="Z", legal_name="Someone Else"),
            PayoutAccount(
                source="hr", remote_id="PZ", worker_remote_id="Z", method="bank", iban="GB82 WEST 1234 5698 7654 32"
            ),
        ]
    )
    run(store)
    repo = CaseRepository(store)
    key_a = next(c.dedup_key for c in repo.find() if "payroll/A" in map(str, c.workers))
    key_z = next(c.dedup_key for c in repo.find() if "hr/Z" in map(str, c.workers))
    # payroll/A and hr/Z turn out to be one person (same tax id): their cases merge into one key
    store.ingest(
        [
            w("A", "Daniel Park", tax_id="111-22-3333"),
            Worker(source="hr", remote_id="Z", legal_name="Daniel Park", tax_id="111223333"),
        ]
    )
    run(store, NOW + dt.timedelta(hours=1))
    merged = [c for c in repo.find() if "payroll/A" in map(str, c.workers)]
    assert len(merged) == 1
    assert {str(m) for m in merged[0].workers} == {"payroll/A", "hr/Z"}
    kept = merged[0].dedup_key
    assert kept in {key_a, key_z}
    gone = ({key_a, key_z} - {kept}).pop()
    old = repo.get(gone)
    assert old is not None and old.status == "merged"


def test_judgements_suppress_until_the_evidence_changes(store: Store) -> None:
    store.ingest(shared_account_records())
    run(store)
    repo = CaseRepository(store)
    case = repo.find()[0]
    assert repo.suppressed(case, NOW) is None
    repo.judge(case.dedup_key, "false_positive", "analyst@corp.example", NOW, reason="married couple")
    assert "false positive by analyst@corp.example" in (repo.suppressed(case, NOW) or "")
    store.ingest(
        [
            AccessEvent(
                source="payroll",
                remote_id="S9",
                worker_remote_id=case.workers[0].remote_id,
                time=NOW,
                is_proxy=True,
            )
        ]
    )
    run(store, NOW + dt.timedelta(hours=1))
    changed = repo.get(case.dedup_key)
    assert changed is not None and repo.suppressed(changed, NOW) is None
    repo.judge(
        case.dedup_key,
        "suppressed",
        "lead@corp.example",
        NOW,
        reason="vendor audit",
        suppress_until=NOW + dt.timedelta(days=7),
    )
    assert "until" in (repo.suppressed(changed, NOW) or "")
    assert repo.suppressed(changed, NOW + dt.timedelta(days=8)) is None
