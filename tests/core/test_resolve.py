"""Deterministic resolution merges claims of one person and never merges shared-key strangers."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.model import PayoutAccount, Worker
from hiresentry.core.population import Population
from hiresentry.core.resolve import resolve


def w(source: str, remote_id: str, name: str, **extra: Any) -> Worker:
    return Worker.model_validate({"source": source, "remote_id": remote_id, "legal_name": name, **extra})


def groups(pop: Population) -> set[frozenset[str]]:
    res = resolve(pop)
    joined = pop.workers.join(res.persons, on="wid").group_by("pid").agg(pl.col("ref"))
    return {frozenset(refs) for refs in joined["ref"].to_list()}


def test_merges_on_tax_id_name_dob_and_email_with_compatible_names(hasher: LinkKeyHasher) -> None:
    pop = Population.from_records(
        [
            w(
                "hr",
                "E1",
                "William Smith",
                tax_id="123-45-6789",
                date_of_birth="1990-01-01",
                emails=["w.smith@corp.example"],
            ),
            w("payroll", "P1", "Bill Smith", tax_id="123456789"),
            w("idp", "U1", "Will Smith", emails=["W.Smith@corp.example"]),
            w("ats", "A1", "Smith, William", date_of_birth="1990-01-01"),
        ],
        hasher,
    )
    assert groups(pop) == {frozenset({"hr/E1", "payroll/P1", "idp/U1", "ats/A1"})}


def test_shared_identifiers_under_unrelated_names_are_not_merged(hasher: LinkKeyHasher) -> None:
    pop = Population.from_records(
        [
            w("hr", "E1", "Ethan Brooks", emails=["dev.ninja@gmail.com"], phones=["+14155550142"]),
            w("hr", "E2", "Ryan Cole", emails=["dev.ninja@gmail.com"], phones=["+14155550142"]),
            w("payroll", "P1", "Olga Petrova"),
            PayoutAccount(source="payroll", remote_id="A", worker_remote_id="P1", method="paypal", email="x@y.example"),
        ],
        hasher,
    )
    assert groups(pop) == {frozenset({"hr/E1"}), frozenset({"hr/E2"}), frozenset({"payroll/P1"})}


def test_same_name_different_birth_dates_stay_apart(hasher: LinkKeyHasher) -> None:
    pop = Population.from_records(
        [
            w("hr", "E1", "John Lee", date_of_birth="1990-01-01"),
            w("hr", "E2", "John Lee", date_of_birth="1985-05-05"),
        ],
        hasher,
    )
    assert len(groups(pop)) == 2
