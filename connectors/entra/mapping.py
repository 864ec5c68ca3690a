"""Microsoft Graph payloads → canonical records: sign-ins → AccessEvents, users → Workers.

Field names follow Microsoft Graph's ``signIn`` and ``user`` resources (v1.0; the beta ``signIn``
adds ``userAgent`` and ``autonomousSystemNumber``, read when present). Pure functions that raise
``ValueError``/``KeyError`` for a malformed item.

==========================================  ==========================================================
``id``                                       ``remote_id``
``userId`` / ``userPrincipalName``           ``worker_remote_id`` (the Entra object id) / ``login``
``createdDateTime``                          ``time`` (and ``modified_at``)
``ipAddress``                                ``ip`` (must be an IP address)
``location.countryOrRegion``                 ``country`` (ISO alpha-2 already)
``autonomousSystemNumber`` (beta)           ``asn``
``riskEventTypes_v2`` ∋ ``anonymizedIPAddress``  ``is_proxy`` (Identity Protection saw Tor/an anonymous VPN)
``deviceDetail.deviceId``                    ``device_id`` (registered or joined devices only)
``userAgent`` (beta)                         ``user_agent``
==========================================  ==========================================================

Graph names no VPN provider, so ``vpn_provider`` stays empty. ``remote_data`` keeps the app,
client, conditional-access outcome, risk fields, device posture and city-level location, never
the IP, the sign-in name or coordinates.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from hiresentry.connectors.base.time_window import parse_time
from hiresentry.core.model import AccessEvent, Worker
from hiresentry.core.model.records import country_code
from hiresentry.core.model.scrub import scrub

ANONYMOUS_RISKS = frozenset({"anonymizedIPAddress", "anonymizedIPAddressDetection"})
"""Identity Protection detections meaning the sign-in came through Tor or an anonymizing VPN."""


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/blank values."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def obj(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def is_email(value: str | None) -> bool:
    """True for ``local@domain.tld`` that is not a guest's rewritten UPN (``…#EXT#@…``)."""
    if not value or "#EXT#" in value.upper():
        return False
    local, _, domain = value.partition("@")
    return bool(local) and "." in domain and " " not in value


def unique(values: Iterable[str | None]) -> list[str]:
    """Values in order, without blanks and case-insensitive repeats."""
    seen: dict[str, str] = {}
    for value in values:
        if value and value.lower() not in seen:
            seen[value.lower()] = value
    return list(seen.values())


def _ip(value: Any) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise ValueError("ipAddress is not an IP address") from None


def _asn(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _country(value: Any) -> str | None:
    try:
        return country_code(text(value))
    except ValueError:
        return None


def _risks(sign_in: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for key in ("riskEventTypes_v2", "riskEventTypes"):
        values = sign_in.get(key)
        found |= {str(v) for v in values} if isinstance(values, list) else set()
    return found


def _kept(sign_in: Mapping[str, Any]) -> dict[str, Any]:
    device = obj(sign_in.get("deviceDetail"))
    location = obj(sign_in.get("location"))
    data = {
        **{
            k: sign_in.get(k)
            for k in (
                "appDisplayName",
                "appId",
                "clientAppUsed",
                "correlationId",
                "isInteractive",
                "resourceDisplayName",
                "conditionalAccessStatus",
                "status",
                "riskDetail",
                "riskLevelAggregated",
                "riskLevelDuringSignIn",
                "riskState",
                "riskEventTypes_v2",
            )
        },
        "deviceDetail": {
            k: device.get(k)
            for k in ("displayName", "operatingSystem", "browser", "isCompliant", "isManaged", "trustType")
        },
        "location": {k: location.get(k) for k in ("city", "state", "countryOrRegion")},
    }
    kept: dict[str, Any] = scrub(data)
    return kept


def access_event(source: str, sign_in: Mapping[str, Any]) -> AccessEvent:
    """A Graph ``signIn`` → :class:`AccessEvent`."""
    event_id = text(sign_in.get("id"))
    if event_id is None:
        raise ValueError("sign-in has no id")
    user_id = text(sign_in.get("userId"))
    if user_id is None:
        raise ValueError("sign-in has no userId")
    created = parse_time(sign_in.get("createdDateTime"))
    if created is None:
        raise ValueError("sign-in has no createdDateTime")
    return AccessEvent(
        source=source,
        remote_id=event_id,
        remote_data=_kept(sign_in),
        modified_at=created,
        worker_remote_id=user_id,
        time=created,
        login=text(sign_in.get("userPrincipalName")),
        ip=_ip(sign_in.get("ipAddress")),
        asn=_asn(sign_in.get("autonomousSystemNumber")),
        country=_country(obj(sign_in.get("location")).get("countryOrRegion")),
        is_proxy=bool(_risks(sign_in) & ANONYMOUS_RISKS),
        device_id=text(obj(sign_in.get("deviceDetail")).get("deviceId")),
        user_agent=text(sign_in.get("userAgent")),
    )


USER_FIELDS = (
    "id",
    "displayName",
    "givenName",
    "surname",
    "mail",
    "userPrincipalName",
    "otherMails",
    "accountEnabled",
    "userType",
    "createdDateTime",
    "usageLocation",
)
"""The ``$select`` of the users list: nothing more than the mapping reads."""


def worker(source: str, user: Mapping[str, Any]) -> Worker:
    """A Graph ``user`` → :class:`Worker` (given name + surname, else the display name; emails)."""
    user_id = text(user.get("id"))
    if user_id is None:
        raise ValueError("user has no id")
    legal = " ".join(p for p in (text(user.get("givenName")), text(user.get("surname"))) if p)
    legal = legal or text(user.get("displayName")) or ""
    if not legal:
        raise ValueError("user has no name")
    others = user.get("otherMails")
    emails = [text(user.get("mail")), text(user.get("userPrincipalName"))]
    emails += [text(m) for m in others] if isinstance(others, list) else []
    return Worker(
        source=source,
        remote_id=user_id,
        remote_data=scrub({k: user.get(k) for k in ("accountEnabled", "userType", "createdDateTime", "usageLocation")}),
        legal_name=legal,
        preferred_name=text(user.get("displayName")),
        emails=unique(e for e in emails if is_email(e)),
    )
