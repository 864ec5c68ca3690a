"""Upwork payloads → canonical records (pure functions, no server).

The payloads are **our own** realistic examples shaped after Upwork's documented types
(``ContractOfferResult``/``ContractDetails``, ``PiiUser``, ``TransactionHistoryRow``,
``WorkDiaryCompanySnapshot``, as generated from Upwork's API reference by
``muhammedaksam/upwork-node``); Upwork publishes no schema or sample responses to test against.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hiresentry.connectors.upwork import mapping

USER: dict[str, Any] = {
    "id": "1181921839933591552",
    "nid": "jreyes_dev",
    "rid": "2366358",
    "name": "Jonathan R.",
    "firstName": "Jonathan",
    "lastName": "Reyes",
    "email": "jonathan.reyes@mail.example",
    "publicUrl": "https://www.upwork.com/freelancers/~01a2b3c4d5e6f7a8b9",
    "location": {
        "countryName": "United States",
        "cityName": "Chicago",
        "zip": "60601",
        "street": "233 S Wacker Dr",
        "stateCode": "IL",
        "timezone": "UTC-06:00 Central Time (US & Canada)",
        "timezoneName": "America/Chicago",
        "offsetToUTC": "-21600",
    },
}

NODE: dict[str, Any] = {
    "id": "1590006231",
    "state": "ACCEPTED",
    "type": "HOURLY",
    "title": "Senior Go engineer",
    "lastUpdatedDateTime": "2025-09-30T14:02:11.000Z",
    "freelancer": {"id": "1181921839933591552", "name": "Jonathan R."},
    "contractDetails": {
        "id": "38591777",
        "title": "Senior Go engineer",
        "status": "ACTIVE",
        "kind": "MARKETPLACE",
        "deliveryModel": "TALENT_MARKETPLACE",
        "createDate": "1740819600000",
        "modifyDate": "2025-09-30T14:02:11.000Z",
        "startDate": "2025-03-03",
        "endDate": None,
        "freelancer": {"id": "1181921839933591552", "rid": "2366358", "name": "Jonathan R."},
        "clientOrganization": {"id": "1420000000000000001", "name": "Northwind Labs"},
        "clientTeam": {"id": "1420000000000000002", "name": "Platform"},
        "vendorOrganization": {"id": "1420000000000000777", "name": "Brightpath Staffing"},
        "metadata": {"agencyContract": True},
        "hourlyLimits": [
            {"weeklyLimit": "20", "startDate": "2025-03-03", "endDate": "2025-06-01"},
            {"weeklyLimit": "40", "startDate": "2025-06-02", "endDate": None},
        ],
        "terms": {
            "hourlyTerms": [
                {"id": "51777", "hourlyRate": {"rawValue": "55.00", "currency": "USD"}, "startDate": "2025-03-03"},
                {"id": "51778", "hourlyRate": {"rawValue": "62.50", "currency": "USD"}, "startDate": "2025-07-01"},
            ],
            "fixedPriceTerms": [],
        },
    },
}

ROW: dict[str, Any] = {
    "recordId": "702116458",
    "type": "Hourly",
    "accountingSubtype": "Hourly",
    "description": "Invoice for 09/22/2025-09/28/2025",
    "descriptionUI": "Hourly",
    "relatedAssignment": 51778,
    "relatedInvoiceId": "612009871",
    "transactionCreationDate": "2025-09-29T08:00:00.000Z",
    "transactionReviewDueDate": "2025-10-03",
    "fullyPaidDate": None,
    "paymentStatus": "Pending",
    "paymentGuaranteed": True,
    "transactionAmount": {"rawValue": "-2500.00", "currency": "USD"},
    "amountCreditedToUser": {"rawValue": "2250.00", "currency": "USD"},
    "assignmentTeamUserId": "1420000000000000555",
}

SNAPSHOT: dict[str, Any] = {
    "contract": {"id": "38591777", "userId": "1181921839933591552", "contractTitle": "Senior Go engineer"},
    "user": {"id": "1181921839933591552", "name": "Jonathan R."},
    "duration": "6:40",
    "durationInt": 24000,
    "time": {
        "trackedTime": "24000",
        "manualTime": "0",
        "overtime": "0",
        "firstWorked": "2025-10-01T03:10:00Z",
        "lastWorked": "2025-10-01T11:30:00Z",
        "firstWorkedInt": 1759288200,
        "lastWorkedInt": 1759318200,
    },
    "screenshots": [
        {"activity": 8, "hasScreenshot": True, "hasWebcam": False},
        {"activity": 4, "hasScreenshot": True, "hasWebcam": True},
    ],
}


def test_user_details_become_a_worker() -> None:
    worker = mapping.worker("upwork", USER)
    assert worker.remote_id == "1181921839933591552"
    assert (worker.legal_name, worker.preferred_name) == ("Jonathan Reyes", "Jonathan R.")
    assert worker.emails == ["jonathan.reyes@mail.example"]
    assert (worker.claimed_country, worker.claimed_timezone) == ("US", "America/Chicago")
    assert worker.home_address is not None
    assert (worker.home_address.city, worker.home_address.region, worker.home_address.country) == (
        "Chicago",
        "IL",
        "US",
    )
    assert worker.profile_urls == ["https://www.upwork.com/freelancers/~01a2b3c4d5e6f7a8b9"]
    assert worker.remote_data["email"] == "[redacted]"


def test_unknown_country_name_and_display_zone_do_not_cost_the_worker() -> None:
    odd = {**USER, "location": {"countryName": "Atlantis", "timezone": "UTC+09:00 Seoul"}}
    worker = mapping.worker("upwork", odd)
    assert (worker.claimed_country, worker.claimed_timezone) == (None, None)
    assert worker.remote_data["location"]["countryName"] == "Atlantis"


def test_user_without_any_name_is_refused() -> None:
    with pytest.raises(ValueError, match="no name"):
        mapping.worker("upwork", {"id": "1", "location": None})


def test_contract_node_becomes_an_engagement_with_latest_terms() -> None:
    engagement = mapping.engagement("upwork", NODE)
    assert engagement is not None
    assert (engagement.remote_id, engagement.worker_remote_id) == ("38591777", "1181921839933591552")
    assert (engagement.rate, engagement.currency) == (Decimal("62.50"), "USD")
    assert engagement.hours_per_week == 40.0
    assert engagement.staffing_vendor == "Brightpath Staffing"
    assert (engagement.client_org, engagement.status) == ("Northwind Labs", "ACTIVE")
    assert engagement.start_date == dt.date(2025, 3, 3) and engagement.end_date is None
    assert engagement.modified_at == dt.datetime(2025, 9, 30, 14, 2, 11, tzinfo=dt.UTC)
    assert mapping.term_ids(NODE["contractDetails"]) == ["51777", "51778"]


def test_fixed_price_contract_rate_and_non_agency_vendor() -> None:
    contract = {
        **NODE["contractDetails"],
        "metadata": {"agencyContract": False},
        "hourlyLimits": [],
        "terms": {"fixedPriceTerms": [{"id": "52001", "fixedAmount": {"rawValue": "1500", "currency": "EUR"}}]},
    }
    engagement = mapping.engagement("upwork", {**NODE, "contractDetails": contract})
    assert engagement is not None
    assert (engagement.rate, engagement.currency, engagement.staffing_vendor) == (Decimal("1500"), "EUR", None)
    assert engagement.hours_per_week is None


def test_offer_without_contract_is_no_engagement_and_contract_without_freelancer_is_refused() -> None:
    assert mapping.engagement("upwork", {**NODE, "contractDetails": None}) is None
    broken = {**NODE, "contractDetails": {**NODE["contractDetails"], "freelancer": None}}
    with pytest.raises(ValueError, match="no freelancer"):
        mapping.engagement("upwork", broken)


def test_pending_hourly_row_is_a_payment_that_pausing_can_hold() -> None:
    assert mapping.is_worker_payment(ROW)
    paid = mapping.payment("upwork", ROW, "38591777", "1181921839933591552")
    assert (paid.amount, paid.currency, paid.status) == (Decimal("2250.00"), "USD", "Pending")
    assert paid.hold_ref == "38591777" and paid.paid_at is None
    assert paid.due_date == dt.date(2025, 10, 3)
    settled = mapping.payment("upwork", {**ROW, "fullyPaidDate": "2025-10-04T09:00:00.000Z"}, "38591777", "1")
    assert settled.hold_ref is None and settled.paid_at == dt.datetime(2025, 10, 4, 9, tzinfo=dt.UTC)


def test_fees_and_client_deposits_are_not_worker_payments() -> None:
    assert not mapping.is_worker_payment({**ROW, "type": "Service Fee", "accountingSubtype": "Marketplace Fee"})
    assert not mapping.is_worker_payment({**ROW, "type": "VAT"})
    assert not mapping.is_worker_payment({**ROW, "type": "Payment", "relatedAssignment": None})


def test_row_without_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="no amount"):
        mapping.payment("upwork", {**ROW, "amountCreditedToUser": None, "transactionAmount": None}, "c", "w")


def test_diary_snapshot_becomes_an_activity_window() -> None:
    event = mapping.activity_window("upwork", "20251001", SNAPSHOT)
    assert event.remote_id == "diary:38591777:1181921839933591552:20251001"
    assert event.time == dt.datetime(2025, 10, 1, 3, 10, tzinfo=dt.UTC)
    assert event.ended_at == dt.datetime(2025, 10, 1, 11, 30, tzinfo=dt.UTC)
    assert event.remote_data["mean_activity"] == 6.0 and event.remote_data["webcam_shots"] == 1
    assert "screenshotUrl" not in str(event.remote_data)


def test_diary_snapshot_without_times_or_with_reversed_times_is_refused() -> None:
    with pytest.raises(ValueError, match="first worked"):
        mapping.activity_window("upwork", "20251001", {**SNAPSHOT, "time": {}})
    reversed_times = {**SNAPSHOT["time"], "lastWorkedInt": 1759288100}
    with pytest.raises(ValueError, match="before the first"):
        mapping.activity_window("upwork", "20251001", {**SNAPSHOT, "time": reversed_times})


def test_times_in_every_documented_form_and_markers_sort_in_time_order() -> None:
    assert (
        mapping.timestamp("1740819600000")
        == mapping.timestamp("1740819600")
        == dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)
    )
    assert mapping.timestamp("2025-03-01T09:00:00") == dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)
    assert mapping.marker("2025-03-01T10:00:00+01:00") == "2025-03-01T09:00:00Z"
    assert mapping.marker("not a time") is None
    assert mapping.marker("2025-12-31T23:00:00Z") < mapping.marker("2026-01-01T00:00:00Z")  # type: ignore[operator]
