"""Freelancer.com payloads → canonical records (pure functions, no server).

The payloads are **our own** realistic examples in the shapes of Freelancer.com's API as the
official SDK (``freelancer/freelancer-sdk-python``) shows them (``{status, result}`` envelope,
milestones keyed by transaction id, ``selected_bids`` beside ``projects``, Unix-second times);
Freelancer.com publishes no OpenAPI spec to test against.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from hiresentry.connectors.freelancer import mapping

USER: dict[str, Any] = {
    "id": 61000417,
    "username": "datasmith_pk",
    "display_name": "Ali K.",
    "public_name": "Ali K.",
    "first_name": "Ali",
    "last_name": "Khan",
    "role": "freelancer",
    "registration_date": 1600041600,
    "limited_account": False,
    "avatar": "/ppic/61000417/logo.jpg",
    "location": {
        "country": {"name": "Pakistan", "code": "pk", "flag_url": "/img/flags/pk.png"},
        "city": "Lahore",
        "latitude": 31.52,
        "longitude": 74.35,
        "vicinity": None,
        "administrative_area": "Punjab",
        "full_address": None,
    },
    "timezone": {"id": 93, "country": "PK", "timezone": "Asia/Karachi", "offset": 5.0},
    "status": {"payment_verified": True, "email_verified": True, "identity_verified": False, "phone_verified": True},
}

PROJECT: dict[str, Any] = {
    "id": 39184425,
    "owner_id": 4201337,
    "title": "ETL pipeline for sales data",
    "status": "active",
    "frontend_project_status": "work_in_progress",
    "type": "hourly",
    "currency": {"id": 1, "code": "USD", "sign": "$", "name": "US Dollar", "exchange_rate": 1},
    "budget": {"minimum": 15, "maximum": 25},
    "time_submitted": 1754000000,
    "time_updated": 1754300000,
    "hourly_project_info": {"commitment": {"hours": 30, "interval": "WEEK"}, "duration_enum": "unspecified"},
}

BID: dict[str, Any] = {
    "id": 510417,
    "bidder_id": 61000417,
    "project_id": 39184425,
    "amount": 22.0,
    "period": 30,
    "retracted": False,
    "award_status": "awarded",
    "time_submitted": 1754010000,
    "time_awarded": 1754100000,
}

MILESTONE: dict[str, Any] = {
    "transaction_id": 7712345,
    "project_id": 39184425,
    "bidder_id": 61000417,
    "project_owner_id": 4201337,
    "amount": 660.0,
    "currency": {"id": 1, "code": "USD", "sign": "$"},
    "time_created": 1754200000,
    "time_updated": 1754200000,
    "status": "frozen",
    "description": "Week 1: ingestion jobs",
    "reason": "partial_payment",
}


def test_user_with_detail_projections_becomes_a_worker() -> None:
    worker = mapping.worker("freelancer", USER)
    assert (worker.remote_id, worker.legal_name, worker.preferred_name) == ("61000417", "Ali Khan", "Ali K.")
    assert (worker.claimed_country, worker.claimed_timezone) == ("PK", "Asia/Karachi")
    assert worker.home_address is not None and (worker.home_address.city, worker.home_address.region) == (
        "Lahore",
        "Punjab",
    )
    assert worker.profile_created_on == dt.date(2020, 9, 14)
    assert worker.profile_urls == ["https://www.freelancer.com/u/datasmith_pk"]
    assert "avatar" not in worker.remote_data and worker.remote_data["status"]["identity_verified"] is False


def test_user_without_names_falls_back_to_public_name_then_username() -> None:
    assert mapping.worker("f", {"id": 1, "public_name": "Ali K."}).legal_name == "Ali K."
    assert mapping.worker("f", {"id": 1, "username": "datasmith"}).legal_name == "datasmith"
    with pytest.raises(ValueError, match="no name"):
        mapping.worker("f", {"id": 1})


def test_unknown_country_and_offset_only_zone_are_dropped_not_fatal() -> None:
    odd = {**USER, "location": {"country": {"name": "Narnia"}}, "timezone": {"timezone": "GMT+5"}}
    worker = mapping.worker("freelancer", odd)
    assert (worker.claimed_country, worker.claimed_timezone, worker.home_address) == (None, None, None)


def test_awarded_bid_becomes_an_engagement() -> None:
    engagement = mapping.engagement("freelancer", PROJECT, BID)
    assert (engagement.remote_id, engagement.worker_remote_id) == ("39184425:61000417", "61000417")
    assert (engagement.rate, engagement.currency, engagement.hours_per_week) == (Decimal("22.0"), "USD", 30.0)
    assert engagement.status == "work_in_progress"
    assert engagement.start_date == dt.date(2025, 8, 2)
    assert engagement.modified_at == dt.datetime.fromtimestamp(1754300000, dt.UTC)


def test_revoked_and_retracted_bids_are_not_engagements() -> None:
    assert mapping.awarded(BID)
    assert not mapping.awarded({**BID, "award_status": "revoked"})
    assert not mapping.awarded({**BID, "retracted": True})


def test_unreleased_milestone_is_a_payment_with_a_hold_ref() -> None:
    paid = mapping.payment("freelancer", MILESTONE, PROJECT)
    assert (paid.remote_id, paid.worker_remote_id, paid.engagement_remote_id) == (
        "7712345",
        "61000417",
        "39184425:61000417",
    )
    assert (paid.amount, paid.currency, paid.status, paid.hold_ref) == (Decimal("660.0"), "USD", "frozen", "7712345")
    assert paid.paid_at is None and paid.approved is None


def test_cleared_milestone_is_paid_and_cannot_be_held() -> None:
    cleared = mapping.payment("freelancer", {**MILESTONE, "status": "cleared", "time_updated": 1754400000})
    assert cleared.hold_ref is None and cleared.approved is True
    assert cleared.paid_at == dt.datetime.fromtimestamp(1754400000, dt.UTC)


def test_milestone_currency_falls_back_to_the_project_and_bad_amounts_are_refused() -> None:
    assert mapping.payment("freelancer", {**MILESTONE, "currency": None}, PROJECT).currency == "USD"
    with pytest.raises(ValueError, match="no currency"):
        mapping.payment("freelancer", {**MILESTONE, "currency": None}, None)
    with pytest.raises(ValueError, match="not a number"):
        mapping.payment("freelancer", {**MILESTONE, "amount": "lots"}, PROJECT)


def test_selected_bids_are_found_in_every_shape_the_projection_may_take() -> None:
    as_map = mapping.selected_bids({"selected_bids": {"39184425": [BID]}}, [PROJECT])
    as_list = mapping.selected_bids({"selected_bids": [BID]}, [PROJECT])
    inline = mapping.selected_bids({"selected_bids": None}, [{**PROJECT, "selected_bids": [BID]}])
    assert as_map == as_list == inline == {"39184425": [BID]}


def test_final_projects_and_milestones_keyed_by_transaction_id() -> None:
    assert not mapping.is_final(PROJECT)
    assert mapping.is_final({**PROJECT, "frontend_project_status": "complete"})
    assert mapping.is_final({**PROJECT, "status": "closed"})
    assert mapping.milestones_of({"milestones": {"7712345": MILESTONE}}) == [MILESTONE]
    assert mapping.milestones_of({"milestones": None}) == []


def test_markers_round_trip_to_unix_seconds() -> None:
    marker = mapping.marker(1754000000)
    assert marker == "2025-07-31T22:13:20Z" and mapping.seconds(marker) == 1754000000
    assert mapping.marker("not a time") is None and mapping.marker(None) is None
