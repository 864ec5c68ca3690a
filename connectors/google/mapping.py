"""Google Admin SDK payloads → canonical records: login activities → AccessEvents, users → Workers.

Field names follow the Reports API ``Activity`` resource (``applicationName=login``) and the
Directory API ``User`` resource. Pure functions that raise ``ValueError``/``KeyError`` for a
malformed item.

=======================================  ====================================================
``id.time`` + ``id.uniqueQualifier``      ``remote_id`` (``<time>/<qualifier>``: the qualifier is
                                           unique only among activities of the same time)
``actor.profileId`` / ``actor.email``     ``worker_remote_id`` (the Directory user id) / ``login``
``id.time``                               ``time`` (and ``modified_at``)
``ipAddress``                             ``ip`` (must be an IP address)
``networkInfo.ipAsn[0]``                  ``asn``
``networkInfo.regionCode``                ``country``
=======================================  ====================================================

Google reports neither a proxy flag nor a device or user agent for logins, so those stay empty;
the event's parameters (``login_type``, ``is_suspicious``, challenge methods) are kept in
``remote_data`` with the subdivision, never the IP or the email.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from hiresentry.connectors.base.time_window import parse_time, utc_marker
from hiresentry.core.model import AccessEvent, Worker
from hiresentry.core.model.records import country_code
from hiresentry.core.model.scrub import scrub

LOGIN_SUCCESS = "login_success"


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
    """True for ``local@domain.tld``."""
    if not value:
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


def activity_id(activity: Mapping[str, Any]) -> str:
    """``<time as a UTC marker>/<uniqueQualifier>``: stable however Google formats the time."""
    ident = obj(activity.get("id"))
    when = utc_marker(text(ident.get("time")))
    qualifier = text(ident.get("uniqueQualifier"))
    if when is None or qualifier is None:
        raise ValueError("activity has no id.time or id.uniqueQualifier")
    return f"{when}/{qualifier}"


def _parameters(event: Mapping[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    params = event.get("parameters")
    for param in params if isinstance(params, list) else []:
        if isinstance(param, Mapping) and text(param.get("name")):
            for key in ("value", "boolValue", "intValue", "multiValue", "multiIntValue"):
                if key in param:
                    found[str(param["name"])] = param[key]
                    break
    return found


def _ip(value: Any) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise ValueError("ipAddress is not an IP address") from None


def _asn(network: Mapping[str, Any]) -> int | None:
    values = network.get("ipAsn")
    first: Any = values[0] if isinstance(values, list) and values else values
    if isinstance(first, bool | list) or first is None:
        return None
    try:
        number = int(first)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _country(value: Any) -> str | None:
    try:
        return country_code(text(value))
    except ValueError:
        return None


def is_login_success(activity: Mapping[str, Any]) -> bool:
    """True if one of the activity's events is a successful login."""
    events = activity.get("events")
    return any(isinstance(e, Mapping) and e.get("name") == LOGIN_SUCCESS for e in events or [])


def access_event(source: str, activity: Mapping[str, Any]) -> AccessEvent:
    """A login ``Activity`` → :class:`AccessEvent`."""
    remote_id = activity_id(activity)
    actor = obj(activity.get("actor"))
    user_id = text(actor.get("profileId"))
    if user_id is None:
        raise ValueError("activity has no actor.profileId")
    when = parse_time(text(obj(activity.get("id")).get("time")))
    if when is None:
        raise ValueError("activity has no id.time")
    network = obj(activity.get("networkInfo"))
    events = [e for e in activity.get("events") or [] if isinstance(e, Mapping)]
    kept = scrub(
        {
            "callerType": actor.get("callerType"),
            "events": [{"type": e.get("type"), "name": e.get("name"), "parameters": _parameters(e)} for e in events],
            "networkInfo": {"regionCode": network.get("regionCode"), "subdivisionCode": network.get("subdivisionCode")},
        }
    )
    return AccessEvent(
        source=source,
        remote_id=remote_id,
        remote_data=kept,
        modified_at=when,
        worker_remote_id=user_id,
        time=when,
        login=text(actor.get("email")),
        ip=_ip(activity.get("ipAddress")),
        asn=_asn(network),
        country=_country(network.get("regionCode")),
    )


def worker(source: str, user: Mapping[str, Any]) -> Worker:
    """A Directory ``User`` → :class:`Worker` (full name; primary, other and alias addresses)."""
    user_id = text(user.get("id"))
    if user_id is None:
        raise ValueError("user has no id")
    name = obj(user.get("name"))
    legal = text(name.get("fullName")) or " ".join(
        p for p in (text(name.get("givenName")), text(name.get("familyName"))) if p
    )
    if not legal:
        raise ValueError("user has no name")
    listed = user.get("emails")
    emails = [text(user.get("primaryEmail"))]
    emails += [text(e.get("address")) for e in listed if isinstance(e, Mapping)] if isinstance(listed, list) else []
    aliases = user.get("aliases")
    emails += [text(a) for a in aliases] if isinstance(aliases, list) else []
    phones = user.get("phones")
    return Worker(
        source=source,
        remote_id=user_id,
        remote_data=scrub(
            {
                k: user.get(k)
                for k in (
                    "suspended",
                    "suspensionReason",
                    "archived",
                    "isAdmin",
                    "isEnrolledIn2Sv",
                    "creationTime",
                    "lastLoginTime",
                    "orgUnitPath",
                )
            }
        ),
        legal_name=legal,
        emails=unique(e for e in emails if is_email(e)),
        phones=unique(text(p.get("value")) for p in phones if isinstance(p, Mapping))
        if isinstance(phones, list)
        else [],
    )
