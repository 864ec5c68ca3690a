"""Normal contractors: one identity per contractor, consistent across the HR, payroll and IdP exports.

A :class:`Person` holds everything about one contractor; :func:`make_person` draws a fresh one (every
identifier unique through the :class:`Registry`) and :func:`emit` writes its records to the three
sources. Patterns (``patterns.py``) change a few attributes of a person before it is emitted, so a
participant in a pattern is otherwise indistinguishable from its neighbours.

Time is fixed relative to :data:`ANCHOR` (2026-10-01T00:00Z), never the wall clock, so that one seed
always produces the same bytes. Sign-ins fall inside local business hours of the claimed time zone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import string
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from hiresentry.app.synthetic.identifiers import Registry
from hiresentry.app.synthetic.names import FAMILY, GIVEN, USER_AGENTS
from hiresentry.app.synthetic.places import CORPORATE_VPN, COUNTRIES, COUNTRY
from hiresentry.app.synthetic.writer import ExportWriter
from hiresentry.core.keys import name_key

ANCHOR = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
COMPANY = "Corp Example Inc."  # the client of every engagement, in HR and in payroll alike
APPROVED_RMM = "ScreenConnect"
CORPORATE_VPN_NAME = "GlobalProtect"
VPN_SHARE, RMM_SHARE, SIGNAL_SHARE = 0.05, 0.03, 0.10
_PAY_DAYS = ("2026-07-31", "2026-08-31", "2026-09-30")
_DOB_FIRST = dt.date(1965, 1, 1).toordinal()
_DOB_SPAN = dt.date(2002, 12, 31).toordinal() - _DOB_FIRST
_START_FIRST = dt.date(2023, 1, 9).toordinal()
_START_SPAN = dt.date(2026, 6, 29).toordinal() - _START_FIRST
_COUNTRY_CODES = tuple(spec.code for spec in COUNTRIES)
_COUNTRY_CUM = tuple(itertools.accumulate(spec.weight for spec in COUNTRIES))
_CULTURES = {
    spec.code: (tuple(c for c, _ in spec.cultures), tuple(itertools.accumulate(w for _, w in spec.cultures)))
    for spec in COUNTRIES
}
_SIGNALS = (
    ("reference_checked", "two professional references confirmed by phone"),
    ("background_check_clear", "criminal and employment history check returned clear"),
    ("video_interview_completed", "camera on, identity document matched on screen"),
)
_OKTA_MULTIPLIER = 1826716203969637764052128104449  # ~0.618 * 62**17, coprime with 62: a bijection
_OKTA_OFFSET = 0x2545F4914F6CDD1D
_B62 = string.digits + string.ascii_lowercase + string.ascii_uppercase


# Remote ids differ by source, as real systems' do; all are derived from the contractor index so a
# pattern can name its records before they are written. Prefixes keep ids unique across kinds.
def hr_worker_id(idx: int) -> str:
    """HR employee number."""
    return f"E{100001 + idx}"


def hr_device_id(idx: int) -> str:
    """HR asset tag of the shipped laptop."""
    return f"AST-{300001 + idx}"


def payroll_worker_id(idx: int) -> str:
    """Payroll/EOR worker id."""
    return f"PR-{500001 + idx}"


def payout_account_id(idx: int) -> str:
    """Payroll payout-account id."""
    return f"PA-{500001 + idx}"


def idp_worker_id(idx: int) -> str:
    """Okta-style user id (``00u`` + 17 base-62 characters), a bijection of the index."""
    n = (idx * _OKTA_MULTIPLIER + _OKTA_OFFSET) % 62**17
    chars = []
    for _ in range(17):
        n, rest = divmod(n, 62)
        chars.append(_B62[rest])
    return "00u" + "".join(chars)


def idp_device_id(idx: int) -> str:
    """MDM device id."""
    return f"mdm-{idx + 1:07d}"


def access_event_id(idx: int, number: int) -> str:
    """IdP sign-in event id."""
    return f"evt-{idx + 1:07d}-{number}"


@lru_cache(maxsize=64)
def _utc_offset_minutes(timezone: str) -> int:
    offset = (ANCHOR - dt.timedelta(days=7)).astimezone(zoneinfo.ZoneInfo(timezone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


@dataclass(slots=True)
class Person:
    """One contractor. Attributes after ``rate`` are the hooks patterns use to plant anomalies."""

    idx: int
    given: str
    family: str
    dob: str
    country: str
    timezone: str
    home: dict[str, Any]
    phone: str
    phone_hr: str
    personal_email: str
    work_email: str
    tax_id: str
    payout: dict[str, Any]
    holder_name: str
    serial: str
    asn: int
    net: str
    host: int
    start: str
    rate: int
    ship_to: dict[str, Any] | None = None
    hr_emails: list[str] | None = None
    agency: str | None = None
    payroll_name: str | None = None
    payroll_dob: str | None = None
    payroll_country: str | None = None
    currency: str = "USD"
    vpn: str | None = None
    vpn_events: int = 0
    vpn_egress: tuple[int, str] | None = None
    events: int = 3
    rmm: list[str] = field(default_factory=list)
    signals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """Legal name as HR has it."""
        return f"{self.given} {self.family}"


def draw_country(rng: random.Random) -> str:
    """A country drawn with the population weights."""
    return rng.choices(_COUNTRY_CODES, cum_weights=_COUNTRY_CUM)[0]


def draw_name(rng: random.Random, country: str) -> tuple[str, str]:
    """(given, family) from a culture drawn with the country's weights."""
    cultures, cum = _CULTURES[country]
    culture = rng.choices(cultures, cum_weights=cum)[0]
    return rng.choice(GIVEN[culture]), rng.choice(FAMILY[culture])


def draw_dob(rng: random.Random) -> str:
    """A date of birth between 1965 and 2002."""
    return dt.date.fromordinal(_DOB_FIRST + rng.randrange(_DOB_SPAN)).isoformat()


def holder_variant(rng: random.Random, given: str, family: str) -> str:
    """How a bank writes the account holder: as given, "FAMILY, GIVEN" or all capitals (same person)."""
    roll = rng.random()
    if roll < 0.7:
        return f"{given} {family}"
    if roll < 0.85:
        return f"{family}, {given}".upper()
    return f"{given} {family}".upper()


def make_person(idx: int, reg: Registry, country: str | None = None, name: tuple[str, str] | None = None) -> Person:
    """A fresh, fully consistent contractor (optionally with a fixed country or name)."""
    rng = reg.rng
    country = country or draw_country(rng)
    given, family = name or draw_name(rng, country)
    dob = draw_dob(rng)
    # Common names repeat; name + date of birth must not, or a resolver would rightly merge strangers.
    while not reg.claim("name_dob", (name_key(f"{given} {family}"), dob)):
        dob = draw_dob(rng)
    home = reg.address(country)
    city = next(c for c in COUNTRY[country].cities if c.name == home["city"] and c.region == home["region"])
    phone, phone_hr = reg.phone(country, city.areas)
    personal = reg.personal_email(given, family, country)
    payout = reg.bank_account(country)
    if payout["method"] == "wise":
        payout["email"] = personal
    asn, net = reg.egress(country)
    vpn = CORPORATE_VPN_NAME if rng.random() < VPN_SHARE else None
    return Person(
        idx=idx,
        given=given,
        family=family,
        dob=dob,
        country=country,
        timezone=city.timezone,
        home=home,
        phone=phone,
        phone_hr=phone_hr,
        personal_email=personal,
        work_email=reg.work_email(given, family),
        tax_id=reg.tax_id(country, dob, family),
        payout=payout,
        holder_name=holder_variant(rng, given, family),
        serial=reg.serial(),
        asn=asn,
        net=net,
        host=rng.randrange(2, 255),
        start=dt.date.fromordinal(_START_FIRST + rng.randrange(_START_SPAN)).isoformat(),
        rate=rng.randrange(35, 151),
        vpn=vpn,
        vpn_events=rng.randrange(1, 3) if vpn else 0,
        events=rng.randrange(3, 6),
        rmm=[APPROVED_RMM] if rng.random() < RMM_SHARE else [],
    )


def emit(p: Person, w: ExportWriter, rng: random.Random) -> None:
    """Write one contractor's records to all three sources."""
    _emit_hr(p, w, rng)
    _emit_payroll(p, w, rng)
    _emit_idp(p, w, rng)


def _emit_hr(p: Person, w: ExportWriter, rng: random.Random) -> None:
    wid, modified = hr_worker_id(p.idx), f"{p.start}T15:00:00Z"
    ship_to = p.ship_to or p.home
    w.add("hr", "workers", {
        "remote_id": wid, "modified_at": modified, "legal_name": p.name, "date_of_birth": p.dob,
        "emails": p.hr_emails or [p.personal_email, p.work_email], "phones": [p.phone_hr],
        "home_address": p.home, "ship_to_address": ship_to, "claimed_country": p.country,
        "claimed_timezone": p.timezone, "tax_id": p.tax_id, "agency": p.agency,
    })  # fmt: skip
    w.add("hr", "engagements", {
        "remote_id": f"ENG-{100001 + p.idx}", "worker_remote_id": wid, "client_org": COMPANY,
        "type": "contractor", "status": "active", "start_date": p.start, "rate": f"{p.rate}.00",
        "currency": p.currency, "staffing_vendor": p.agency,
    })  # fmt: skip
    w.add("hr", "devices", {
        "remote_id": hr_device_id(p.idx), "worker_remote_id": wid, "shipped_serial": p.serial,
        "shipped_to_address": ship_to,
    })  # fmt: skip
    for number, extra in enumerate(p.signals):  # planted declarations, e.g. a household
        w.add("hr", "hiring_signals", {
            "remote_id": f"HSX-{100001 + p.idx}-{number + 1}", "worker_remote_id": wid,
            "observed_at": f"{p.start}T10:00:00Z", **extra,
        })  # fmt: skip
    if rng.random() < SIGNAL_SHARE:
        signal, detail = rng.choice(_SIGNALS)
        w.add("hr", "hiring_signals", {
            "remote_id": f"HS-{100001 + p.idx}", "worker_remote_id": wid, "signal": signal,
            "observed_at": f"{p.start}T10:30:00Z", "detail": detail,
        })  # fmt: skip


def _emit_payroll(p: Person, w: ExportWriter, rng: random.Random) -> None:
    wid, contract, account = payroll_worker_id(p.idx), f"CT-{500001 + p.idx}", payout_account_id(p.idx)
    w.add("payroll", "workers", {
        "remote_id": wid, "modified_at": f"{p.start}T16:00:00Z", "legal_name": p.payroll_name or p.name,
        "date_of_birth": p.payroll_dob or p.dob, "emails": [p.personal_email], "phones": [p.phone],
        "home_address": p.home, "claimed_country": p.payroll_country or p.country, "tax_id": p.tax_id,
    })  # fmt: skip
    w.add("payroll", "engagements", {
        "remote_id": contract, "worker_remote_id": wid, "client_org": COMPANY, "type": "contractor",
        "status": "active", "start_date": p.start, "rate": f"{p.rate}.00", "currency": p.currency,
        "staffing_vendor": p.agency,
    })  # fmt: skip
    months = _PAY_DAYS[rng.randrange(2) :]
    w.add("payroll", "payout_accounts", {
        "remote_id": account, "worker_remote_id": wid, "holder_name": p.holder_name, **p.payout,
        "first_seen": f"{p.start}T12:00:00Z", "last_seen": f"{months[-1]}T16:00:00Z",
    })  # fmt: skip
    for number, day in enumerate(months):
        w.add("payroll", "payments", {
            "remote_id": f"PMT-{500001 + p.idx}-{number + 1}", "worker_remote_id": wid,
            "engagement_remote_id": contract, "payout_account_remote_id": account,
            "amount": f"{p.rate * rng.randrange(140, 177)}.00", "currency": p.currency, "status": "paid",
            "due_date": day, "paid_at": f"{day}T16:00:00Z",
        })  # fmt: skip


def _emit_idp(p: Person, w: ExportWriter, rng: random.Random) -> None:
    wid, device = idp_worker_id(p.idx), idp_device_id(p.idx)
    w.add("idp", "workers", {
        "remote_id": wid, "modified_at": f"{p.start}T17:00:00Z", "legal_name": p.name,
        "emails": [p.work_email],
    })  # fmt: skip
    offset = _utc_offset_minutes(p.timezone)
    agent = USER_AGENTS[p.idx % len(USER_AGENTS)]
    for number, days_ago in enumerate(sorted(rng.sample(range(1, 15), p.events), reverse=True)):
        local = rng.randrange(8 * 60, 18 * 60)
        time = ANCHOR + dt.timedelta(days=-days_ago, minutes=local - offset)
        asn, ip, proxy, vpn = p.asn, f"{p.net}{p.host}", False, None
        if number < p.vpn_events:
            proxy, vpn = True, p.vpn
            if p.vpn_egress is not None:
                asn, ip = p.vpn_egress[0], f"{p.vpn_egress[1]}{p.host}"
            else:
                asn, network = CORPORATE_VPN[p.idx % len(CORPORATE_VPN)]
                ip = f"{network.rsplit('.', 1)[0]}.{rng.randrange(10, 250)}"
        w.add("idp", "access_events", {
            "remote_id": access_event_id(p.idx, number), "worker_remote_id": wid,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ"), "login": p.work_email, "ip": ip, "asn": asn,
            "country": p.country, "is_proxy": proxy, "vpn_provider": vpn, "device_id": device,
            "user_agent": agent,
        })  # fmt: skip
    w.add("idp", "devices", {
        "remote_id": device, "worker_remote_id": wid, "serial": p.serial, "mdm_country": p.country,
        "remote_access_tools": p.rmm,
    })  # fmt: skip
