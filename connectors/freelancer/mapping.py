"""Freelancer.com payloads → canonical records: small pure functions, one per record kind.

Sources: the official SDK ``freelancer/freelancer-sdk-python`` (``freelancersdk`` 0.1.x: endpoints,
parameter and projection names, the ``{status, result}`` envelope, milestones keyed by transaction
id with ``status: "cleared"``, ``total_count`` and a top-level ``selected_bids`` beside
``projects``) and ``shared/reference/connectors.md`` §1.2. Freelancer.com publishes no OpenAPI spec;
the fields of users, bids and milestones used here follow its API reference as the SDK reflects
it, and times are Unix seconds.

Decisions recorded here:

- A **worker** is a freelancer whose bid one of our projects selected, described by
  ``/users/0.1/users`` with the detail projections (names, location, time zone, status). Freelancer
  does not show a freelancer's email or bank details to employers, so neither is mapped.
  ``registration_date`` is the profile's creation (``profile_created_on``).
- An awarded bid on one of our projects is an :class:`Engagement` with id ``<project>:<bidder>``;
  its rate is the bid amount (per hour on hourly projects), ``hours_per_week`` the project's weekly
  commitment.
- A **milestone payment** is a :class:`Payment` of that engagement. While it is unreleased (the
  money sits with Freelancer.com), ``hold_ref`` is its transaction id: cancelling it is the hold.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from hiresentry.core.model import Address, Engagement, Payment, Worker
from hiresentry.core.model.records import country_code
from hiresentry.core.model.scrub import scrub

UNRELEASED = frozenset({"frozen", "pending", "requested_release", "created"})
"""Milestone statuses whose money has not reached the freelancer yet (our reading of the API reference)."""
RELEASED = frozenset({"cleared", "released"})
ENDED_AWARDS = frozenset({"revoked", "rejected", "canceled", "cancelled", "retracted"})
FINAL_PROJECT = frozenset({"complete", "closed", "cancelled", "canceled", "rejected", "deleted"})
"""Project states in which nothing changes any more (``status`` or ``frontend_project_status``)."""
PROFILE_URL = "https://www.freelancer.com/u/{username}"


def obj(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one (absent or null nested objects)."""
    return value if isinstance(value, Mapping) else {}


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def _kept(item: Mapping[str, Any] | None, drop: Iterable[str] = ()) -> dict[str, Any]:
    dropped = set(drop)
    kept: dict[str, Any] = scrub({k: v for k, v in (item or {}).items() if k not in dropped})
    return kept


def epoch(value: Any) -> dt.datetime | None:
    """A Freelancer.com time (Unix seconds, as a number or text)."""
    if value in (None, "", 0):
        return None
    if isinstance(value, bool):
        raise ValueError("a time cannot be a boolean")
    return dt.datetime.fromtimestamp(float(value), dt.UTC)


def marker(value: Any) -> str | None:
    """A sortable watermark marker (``YYYY-MM-DDTHH:MM:SSZ``) for a Unix time, or None."""
    try:
        stamp = epoch(value)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ") if stamp else None


def seconds(marker_value: str) -> int:
    """The Unix time of a marker (for ``from_time``)."""
    return int(dt.datetime.strptime(marker_value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC).timestamp())


def amount(value: Any) -> Decimal:
    """A money amount sent as a number or text."""
    if value is None or isinstance(value, bool):
        raise ValueError("amount is missing")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"amount {value!r} is not a number") from None


def currency_code(*candidates: Any) -> str | None:
    """The ``code`` of the first currency object given (milestone's, then project's)."""
    for candidate in candidates:
        code = text(obj(candidate).get("code"))
        if code:
            return code.upper()
    return None


def _country(location: Mapping[str, Any]) -> str | None:
    country = obj(location.get("country"))
    for value in (country.get("code"), country.get("name")):
        try:
            found = country_code(text(value))
        except ValueError:
            continue
        if found:
            return found
    return None


def _zone(user: Mapping[str, Any]) -> str | None:
    raw = text(obj(user.get("timezone")).get("timezone"))
    if raw is None or "/" not in raw:
        return None
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return raw


def worker(source: str, user: Mapping[str, Any]) -> Worker:
    """A ``/users/0.1/users`` entry (with detail projections) → :class:`Worker`."""
    names = (text(user.get("first_name")), text(user.get("last_name")))
    public = text(user.get("public_name")) or text(user.get("display_name"))
    legal = " ".join(n for n in names if n) or public or text(user.get("username"))
    if legal is None:
        raise ValueError("user has no name")
    location = obj(user.get("location"))
    country = _country(location)
    address = Address(
        line1=text(location.get("full_address")),
        city=text(location.get("city")),
        region=text(location.get("administrative_area")),
        country=country,
    )
    registered = epoch(user.get("registration_date"))
    username = text(user.get("username"))
    return Worker(
        source=source,
        remote_id=str(user["id"]),
        remote_data=_kept(user, drop=("avatar", "avatar_large", "avatar_cdn", "avatar_large_cdn", "cover_image")),
        legal_name=legal,
        preferred_name=public,
        home_address=None if address.is_empty() else address,
        claimed_country=country,
        claimed_timezone=_zone(user),
        profile_urls=[PROFILE_URL.format(username=username)] if username else [],
        profile_created_on=registered.date() if registered else None,
    )


def selected_bids(
    result: Mapping[str, Any], projects: Iterable[Mapping[str, Any]]
) -> dict[str, list[Mapping[str, Any]]]:
    """Project id → its selected bids, from the ``selected_bids`` projection in whatever shape it came.

    The SDK shows the projection as a key of ``result`` beside ``projects``; it is read as a map of
    project id → bid(s), a list of bids, or a list inside each project.
    """
    found: list[Mapping[str, Any]] = []

    def collect(value: Any) -> None:
        if isinstance(value, Mapping):
            if "bidder_id" in value:
                found.append(value)
            else:
                for inner in value.values():
                    collect(inner)
        elif isinstance(value, list):
            for inner in value:
                collect(inner)

    collect(result.get("selected_bids"))
    for project in projects:
        collect(project.get("selected_bids"))
    by_project: dict[str, list[Mapping[str, Any]]] = {}
    seen: set[tuple[str, str]] = set()
    for bid in found:
        key = (str(bid.get("project_id")), str(bid.get("id") or bid.get("bidder_id")))
        if key not in seen:
            seen.add(key)
            by_project.setdefault(key[0], []).append(bid)
    return by_project


def awarded(bid: Mapping[str, Any]) -> bool:
    """True for a selected bid that is (still) the engagement: not revoked, rejected or retracted."""
    return (text(bid.get("award_status")) or "awarded").lower() not in ENDED_AWARDS and not bid.get("retracted")


def engagement_id(project_id: Any, bidder_id: Any) -> str:
    """The engagement of ``bidder_id`` on project ``project_id``."""
    return f"{project_id}:{bidder_id}"


def project_status(project: Mapping[str, Any]) -> str | None:
    """The status an engagement shows: the frontend status when present (open, work_in_progress, complete)."""
    return text(project.get("frontend_project_status")) or text(project.get("status"))


def is_final(project: Mapping[str, Any]) -> bool:
    """True if the project can no longer change (complete, closed, cancelled)."""
    states = {(text(project.get(k)) or "").lower() for k in ("status", "frontend_project_status")}
    return bool(states & FINAL_PROJECT)


def engagement(source: str, project: Mapping[str, Any], bid: Mapping[str, Any]) -> Engagement:
    """An awarded bid on one of our projects → :class:`Engagement`."""
    bidder = text(bid.get("bidder_id"))
    if bidder is None:
        raise ValueError("bid has no bidder_id")
    commitment = obj(obj(project.get("hourly_project_info")).get("commitment"))
    weekly = commitment.get("hours") if (text(commitment.get("interval")) or "").upper() == "WEEK" else None
    started = epoch(bid.get("time_awarded")) or epoch(project.get("time_submitted"))
    return Engagement(
        source=source,
        remote_id=engagement_id(project["id"], bidder),
        remote_data={"project": _kept(project, drop=("selected_bids", "description")), "bid": _kept(bid)},
        modified_at=epoch(project.get("time_updated")),
        worker_remote_id=bidder,
        client_org=None,
        type="contractor",
        status=project_status(project),
        start_date=started.date() if started else None,
        rate=amount(bid.get("amount")) if bid.get("amount") is not None else None,
        currency=currency_code(project.get("currency")),
        hours_per_week=float(weekly) if isinstance(weekly, int | float) and 0 <= weekly <= 168 else None,
    )


def payment(source: str, milestone: Mapping[str, Any], project: Mapping[str, Any] | None = None) -> Payment:
    """A milestone payment → :class:`Payment`; unreleased ones carry their id as ``hold_ref``."""
    bidder = text(milestone.get("bidder_id"))
    if bidder is None:
        raise ValueError("milestone has no bidder_id")
    currency = currency_code(milestone.get("currency"), (project or {}).get("currency"))
    if currency is None:
        raise ValueError("milestone has no currency")
    status = (text(milestone.get("status")) or "").lower() or None
    transaction = str(milestone["transaction_id"])
    changed = epoch(milestone.get("time_updated"))
    return Payment(
        source=source,
        remote_id=transaction,
        remote_data=_kept(milestone),
        modified_at=changed or epoch(milestone.get("time_created")),
        worker_remote_id=bidder,
        engagement_remote_id=engagement_id(milestone.get("project_id"), bidder),
        amount=amount(milestone.get("amount")),
        currency=currency,
        status=status,
        paid_at=changed if status in RELEASED else None,
        hold_ref=transaction if status in UNRELEASED else None,
        approved=True if status in RELEASED else None,
    )


def milestones_of(result: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The milestones of a ``/milestones`` result: a map keyed by transaction id (or a list)."""
    found = result.get("milestones")
    values = found.values() if isinstance(found, Mapping) else found if isinstance(found, list) else []
    return [m for m in values if isinstance(m, Mapping)]
