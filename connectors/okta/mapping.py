"""Okta payloads → canonical records: System Log sign-ins → AccessEvents, users → Workers.

Field names follow Okta's Management API spec (``shared/specs/okta/okta_management-minimal.yaml``,
release 2026.06.3: ``LogEvent``, ``LogClient``, ``LogSecurityContext``, ``LogIpDetails``,
``LogIpServiceCategory``, ``User``/``UserProfile``). Functions are pure and raise
``ValueError``/``KeyError`` for a malformed item (the stream turns that into a ``RecordProblem``).

What a sign-in becomes:

========================================  ==============================================
``uuid``                                   ``remote_id`` (the event id; re-reads upsert it)
``actor.id`` / ``actor.alternateId``      ``worker_remote_id`` (an Okta user id) / ``login``
``published``                              ``time`` (and ``modified_at``)
``client.ipAddress``                       ``ip`` (must be an IP address; the store keeps its /24)
``securityContext.asNumber``              ``asn`` (``ipDetails.asNumber`` when absent; 0 is none)
``client.geographicalContext.country``    ``country`` (a full name: see :mod:`.geo`)
``securityContext.isProxy``               ``is_proxy``, also true when the IP has service categories
``ipDetails.ipServiceCategories[].operator``  ``vpn_provider`` (VPN/proxy/Tor operator, e.g. a VPN brand)
``device.id``                              ``device_id`` (Okta Verify device, when registered)
``client.userAgent.rawUserAgent``         ``user_agent``
========================================  ==============================================

``remote_data`` keeps what an investigator reads (event type, outcome, ISP, AS organisation, risk,
city-level geography, browser and OS, device posture) but never the raw IP, the IP chain, the
sign-in name or coordinates: those are exactly what the store keeps only in keyed or masked form.
"""

from __future__ import annotations

import ipaddress
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

from hiresentry.connectors.base.time_window import parse_time
from hiresentry.connectors.okta.geo import country_from_name
from hiresentry.core.model import AccessEvent, Worker
from hiresentry.core.model.records import country_code
from hiresentry.core.model.scrub import scrub


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def obj(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one (Okta sends ``null`` for absent parts)."""
    return value if isinstance(value, Mapping) else {}


def ip_address(value: Any) -> str | None:
    """A client IP as text; raises ``ValueError`` for something that is not an address."""
    raw = text(value)
    if raw is None:
        return None
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise ValueError("client.ipAddress is not an IP address") from None


def asn(value: Any) -> int | None:
    """An autonomous system number; None for missing, zero or non-numeric values."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def is_email(value: str | None) -> bool:
    """True for ``local@domain.tld``: an Okta login need not be an email address."""
    if not value:
        return False
    local, _, domain = value.partition("@")
    return bool(local) and "." in domain and " " not in value


def unique(values: Iterable[str | None]) -> list[str]:
    """Values in order, without blanks and repeats (case-insensitively for emails)."""
    seen: dict[str, str] = {}
    for value in values:
        if value and value.lower() not in seen:
            seen[value.lower()] = value
    return list(seen.values())


def _ip_details(event: Mapping[str, Any], ip: str | None) -> Mapping[str, Any]:
    """``securityContext.ipDetails``, else the ``request.ipChain`` entry of the client IP."""
    details = obj(obj(event.get("securityContext")).get("ipDetails"))
    if details:
        return details
    chain = obj(event.get("request")).get("ipChain")
    for hop in chain if isinstance(chain, list) else []:
        if isinstance(hop, Mapping) and ip is not None and text(hop.get("ip")) == ip:
            return obj(hop.get("ipDetails"))
    return {}


def _service_categories(details: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = details.get("ipServiceCategories")
    return [c for c in found if isinstance(c, Mapping)] if isinstance(found, list) else []


def _event_data(event: Mapping[str, Any], categories: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The investigator's part of a sign-in event (no IP, no sign-in name, no coordinates)."""
    client = obj(event.get("client"))
    geo = obj(client.get("geographicalContext"))
    agent = obj(client.get("userAgent"))
    security = obj(event.get("securityContext"))
    device = obj(event.get("device"))
    data = {
        "eventType": event.get("eventType"),
        "legacyEventType": event.get("legacyEventType"),
        "displayMessage": event.get("displayMessage"),
        "severity": event.get("severity"),
        "outcome": event.get("outcome"),
        "transaction": {k: obj(event.get("transaction")).get(k) for k in ("type", "id")},
        "client": {
            "device": client.get("device"),
            "zone": client.get("zone"),
            "userAgent": {"browser": agent.get("browser"), "os": agent.get("os")},
            "geographicalContext": {k: geo.get(k) for k in ("city", "state", "country")},
        },
        "securityContext": {
            **{k: security.get(k) for k in ("asNumber", "asOrg", "isp", "domain", "isProxy", "risk")},
            "ipServiceCategories": list(categories),
        },
        "device": {
            k: device.get(k) for k in ("name", "os_platform", "os_version", "managed", "registered", "jailbreak")
        },
        "rootSessionId": obj(event.get("authenticationContext")).get("rootSessionId"),
    }
    kept: dict[str, Any] = scrub(data)
    return kept


def access_event(source: str, event: Mapping[str, Any]) -> AccessEvent:
    """A System Log sign-in event (``LogEvent``) → :class:`AccessEvent`."""
    event_id = text(event.get("uuid"))
    if event_id is None:
        raise ValueError("event has no uuid")
    actor = obj(event.get("actor"))
    user_id = text(actor.get("id"))
    if user_id is None:
        raise ValueError("event has no actor.id")
    published = parse_time(event.get("published"))
    if published is None:
        raise ValueError("event has no published time")
    client = obj(event.get("client"))
    security = obj(event.get("securityContext"))
    ip = ip_address(client.get("ipAddress"))
    details = _ip_details(event, ip)
    categories = _service_categories(details)
    operators = [text(c.get("operator")) for c in categories]
    return AccessEvent(
        source=source,
        remote_id=event_id,
        remote_data=_event_data(event, categories),
        modified_at=published,
        worker_remote_id=user_id,
        time=published,
        login=text(actor.get("alternateId")),
        ip=ip,
        asn=asn(security.get("asNumber")) or asn(details.get("asNumber")),
        country=country_from_name(text(obj(client.get("geographicalContext")).get("country"))),
        is_proxy=bool(security.get("isProxy")) or bool(categories),
        vpn_provider=next((o for o in operators if o), None),
        device_id=text(obj(event.get("device")).get("id")),
        user_agent=text(obj(client.get("userAgent")).get("rawUserAgent")),
    )


_DROP_PROFILE = frozenset({"login", "streetAddress", "postalAddress", "zipCode", "managerId"})


def _claimed_country(value: Any) -> str | None:
    try:
        return country_code(text(value))
    except ValueError:
        return None


def _iana(value: Any) -> str | None:
    raw = text(value)
    if raw is None or "/" not in raw:
        return None
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return raw


def worker(source: str, user: Mapping[str, Any]) -> Worker:
    """An Okta ``User`` → :class:`Worker`: the identity sign-ins hang off, linked to people by email.

    The legal name is first (+ middle) + last name, else the display name; emails are the primary
    and secondary email and the login when it is an address. A country or time zone Okta holds in
    a form we cannot read is left out rather than costing the whole identity.
    """
    user_id = text(user.get("id"))
    if user_id is None:
        raise ValueError("user has no id")
    profile = obj(user.get("profile"))
    parts = [text(profile.get(k)) for k in ("firstName", "middleName", "lastName")]
    legal = " ".join(p for p in parts if p) or text(profile.get("displayName"))
    if legal is None:
        raise ValueError("user profile has no name")
    login = text(profile.get("login"))
    emails = [text(profile.get("email")), text(profile.get("secondEmail")), login if is_email(login) else None]
    return Worker(
        source=source,
        remote_id=user_id,
        remote_data=scrub(
            {
                **{k: user.get(k) for k in ("status", "created", "activated", "statusChanged", "lastLogin")},
                "lastUpdated": user.get("lastUpdated"),
                "profile": {k: v for k, v in profile.items() if k not in _DROP_PROFILE},
            }
        ),
        modified_at=parse_time(user.get("lastUpdated")),
        legal_name=legal,
        preferred_name=text(profile.get("nickName")) or text(profile.get("displayName")),
        emails=unique(e for e in emails if is_email(e)),
        phones=unique([text(profile.get("mobilePhone")), text(profile.get("primaryPhone"))]),
        claimed_country=_claimed_country(profile.get("countryCode")),
        claimed_timezone=_iana(profile.get("timezone")),
    )
