"""Planted scheme patterns and their benign look-alikes.

Each planter takes fresh contractors (drawn by :class:`Planting`) and changes only what the pattern
needs, so a participant carries exactly one anomaly: the shared-phone pair shares nothing but the
phone, the shared-account trio nothing but the IBAN. Groups list *every* record that carries the
planted value (e.g. the shared personal email appears in HR and in payroll), always including the
worker records, so a scorer can match alerts on any of them.

The look-alikes are the known false positives the indicator catalogue names (pooled EOR accounts,
name variants, crypto-native employers, agency mailboxes, reformatted addresses, the corporate VPN,
the approved RMM tool, a relocation): a correct implementation must not flag them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from hiresentry.app.synthetic import population as pop
from hiresentry.app.synthetic.identifiers import Registry, spaced_iban, us_phone_forms
from hiresentry.app.synthetic.places import COUNTRIES, US_SUFFIXES
from hiresentry.app.synthetic.truth import Group, RecordRef
from hiresentry.core.keys import name_key, names_compatible

# Wise payouts (PH) are keyed on the personal email: sharing that email would also share the account.
_NOT_PAID_TO_EMAIL = tuple(spec.code for spec in COUNTRIES if spec.code != "PH")


def _hr(p: pop.Person) -> RecordRef:
    return RecordRef(source="hr", remote_id=pop.hr_worker_id(p.idx))


def _payroll(p: pop.Person) -> RecordRef:
    return RecordRef(source="payroll", remote_id=pop.payroll_worker_id(p.idx))


def _account(p: pop.Person) -> RecordRef:
    return RecordRef(source="payroll", remote_id=pop.payout_account_id(p.idx))


def _idp(p: pop.Person) -> RecordRef:
    return RecordRef(source="idp", remote_id=pop.idp_worker_id(p.idx))


@dataclass
class Planting:
    """Draws the participants of one group; ``variant`` numbers the groups of one pattern (0, 1, 2)."""

    reg: Registry
    slots: list[int]
    variant: int
    people: dict[int, pop.Person]
    _group: list[int] = field(default_factory=list, init=False)

    def person(self, country: str | None = None, name: tuple[str, str] | None = None) -> pop.Person:
        """The next participant: a normal contractor whose name fits no one else's in the group.

        Countries are drawn with the population's own weights, so where a participant lives says
        nothing about whether it is planted.
        """
        idx = self.slots.pop()
        taken = [self.people[i].name for i in self._group]
        country = country or pop.draw_country(self.reg.rng)
        while name is None:
            drawn = pop.draw_name(self.reg.rng, country)
            if not any(names_compatible(f"{drawn[0]} {drawn[1]}", other) for other in taken):
                name = drawn
        person = pop.make_person(idx, self.reg, country, name)
        self.people[idx] = person
        self._group.append(idx)
        return person

    def other_name(self, person: pop.Person) -> str:
        """A name unrelated to ``person``'s (no nickname, transliteration or word-order match)."""
        while True:
            given, family = pop.draw_name(self.reg.rng, pop.draw_country(self.reg.rng))
            if not names_compatible(f"{given} {family}", person.name) and family != person.family:
                return f"{given} {family}"


Planter = Callable[[Planting], Group]
T = TypeVar("T")


def _pick(options: Sequence[T], variant: int) -> T:
    return options[variant % len(options)]


# --- planted -------------------------------------------------------------------------------------


def shared_account(s: Planting) -> Group:
    """Three unrelated identities paid into one IBAN, written three ways; not a pooled account."""
    country = _pick(("DE", "NL", "GB"), s.variant)
    people = [s.person(country) for _ in range(3)]
    iban = s.reg.iban(country)
    for person, form in zip(people, (spaced_iban(iban), iban.lower(), iban), strict=True):
        person.payout = {"method": "bank", "iban": form, "bank_country": country}
    refs = [ref for p in people for ref in (_payroll(p), _account(p))]
    return Group(pattern="PAY-SHARED-ACCOUNT", note=f"3 identities share IBAN {iban[:4]}…", records=refs)


def name_mismatch(s: Planting) -> Group:
    """Payout account held in an unrelated person's name."""
    p = s.person("US", ("Daniel", "Park")) if s.variant == 0 else s.person()
    p.holder_name = "Li Wei" if s.variant == 0 else s.other_name(p)
    note = f"worker {p.name!r}, account holder {p.holder_name!r}"
    return Group(pattern="PAY-NAME-MISMATCH", note=note, records=[_payroll(p), _account(p)])


def crypto(s: Planting) -> Group:
    """Paid to a crypto wallet while the engagement is in USD."""
    p = s.person()
    p.payout = {"method": "crypto", "wallet_address": s.reg.wallet(), "bank_country": None}
    return Group(pattern="PAY-CRYPTO", note="wallet payout, USD engagement", records=[_payroll(p), _account(p)])


def shared_phone(s: Planting) -> Group:
    """Two unrelated HR identities list one US number, formatted differently."""
    a, b = s.person("US"), s.person("US")
    b.phone = a.phone
    a.phone_hr, b.phone_hr = us_phone_forms(a.phone)[:2]
    note = f"{a.phone_hr!r} and {b.phone_hr!r} (also in payroll as E.164)"
    return Group(pattern="NET-SHARED-PHONE", note=note, records=[_hr(a), _hr(b), _payroll(a), _payroll(b)])


def shared_email(s: Planting) -> Group:
    """Two unrelated identities, no agency, give one personal mailbox."""
    a, b = (s.person(s.reg.rng.choice(_NOT_PAID_TO_EMAIL)) for _ in range(2))
    a.personal_email = b.personal_email = s.reg.handle_email()
    note = f"{a.name!r} and {b.name!r} share {a.personal_email} (HR and payroll)"
    return Group(pattern="NET-SHARED-EMAIL", note=note, records=[_hr(a), _hr(b), _payroll(a), _payroll(b)])


def ship_not_home(s: Planting) -> Group:
    """Laptop shipped to an address in another state than the worker's home."""
    p = s.person("US")
    p.ship_to = s.reg.address("US", exclude_region=p.home["region"])
    note = f"home in {p.home['region']}, laptop shipped to {p.ship_to['city']}, {p.ship_to['region']}"
    device = RecordRef(source="hr", remote_id=pop.hr_device_id(p.idx))
    return Group(pattern="SHIP-ADDR-NOT-HOME", note=note, records=[_hr(p), device])


def _vpn_group(s: Planting, pattern: str, provider: str, hosting: bool, note: str) -> Group:
    p = s.person()
    p.vpn, p.vpn_events = provider, 2 + s.variant % 2
    p.vpn_egress = s.reg.egress(None) if hosting else None
    p.events = max(p.events, p.vpn_events + 1)
    events = [RecordRef(source="idp", remote_id=pop.access_event_id(p.idx, n)) for n in range(p.vpn_events)]
    return Group(pattern=pattern, note=note, records=[_idp(p), *events])


def vpn_proxy(s: Planting) -> Group:
    """Sign-ins through Astrill VPN exits on hosting infrastructure."""
    return _vpn_group(s, "NET-VPN-PROXY", "Astrill VPN", True, "sign-ins through Astrill VPN")


def rmm(s: Planting) -> Group:
    """Unapproved remote-access tools on the company laptop."""
    p = s.person()
    p.rmm = ["AnyDesk", "TeamViewer"]
    device = RecordRef(source="idp", remote_id=pop.idp_device_id(p.idx))
    return Group(pattern="DEV-RMM", note="AnyDesk and TeamViewer on the laptop", records=[_idp(p), device])


def xsrc_mismatch(s: Planting) -> Group:
    """Payroll carries HR's tax id under an unrelated name and another date of birth."""
    p = s.person("US")
    p.payroll_name = s.other_name(p)
    while p.payroll_dob is None or abs(int(p.payroll_dob[:4]) - int(p.dob[:4])) < 2:
        dob = pop.draw_dob(s.reg.rng)
        if s.reg.claim("name_dob", (name_key(p.payroll_name), dob)):
            p.payroll_dob = dob
    p.holder_name = p.payroll_name
    note = f"HR {p.name!r} {p.dob} vs payroll {p.payroll_name!r} {p.payroll_dob}, same tax id"
    return Group(pattern="ID-XSRC-MISMATCH", note=note, records=[_hr(p), _payroll(p)])


def laptop_farm(s: Planting) -> Group:
    """Three identities' laptops shipped to one address, online behind one router, one with Splashtop."""
    people = [s.person("US") for _ in range(3)]
    farm = s.reg.address("US", exclude_region=people[0].home["region"])
    for p in people:
        p.ship_to = dict(farm)
        p.asn, p.net = people[0].asn, people[0].net
    people[0].rmm = ["Splashtop Streamer"]
    note = f"3 laptops shipped to {farm['city']}, {farm['region']}; one router; Splashtop on one"
    devices = [RecordRef(source="hr", remote_id=pop.hr_device_id(p.idx)) for p in people]
    refs = [*(_hr(p) for p in people), *devices, *(_idp(p) for p in people)]
    return Group(pattern="NET-LAPTOP-FARM", note=note, records=refs)


# --- benign look-alikes --------------------------------------------------------------------------


def pooled_account(s: Planting) -> Group:
    """Four workers paid through their EOR's declared pooled client account."""
    holder = _pick(("Globex EOR Ltd client account", "Initech Global Payroll client funds"), s.variant)
    people = [s.person("GB") for _ in range(4)]
    iban = s.reg.iban("GB")
    for p in people:
        p.payout = {"method": "bank", "iban": iban, "bank_country": "GB", "pooled": True}
        p.holder_name = holder
    refs = [ref for p in people for ref in (_payroll(p), _account(p))]
    return Group(pattern="PAY-SHARED-ACCOUNT", note=f"declared pooled account of {holder!r}", records=refs)


def _holder_variant(s: Planting, options: Sequence[tuple[str, str, str, str]], kind: str) -> Group:
    given, family, holder, country = _pick(options, s.variant)
    p = s.person(country, (given, family))
    p.holder_name = holder
    note = f"{kind}: worker {p.name!r}, holder {holder!r}"
    return Group(pattern="PAY-NAME-MISMATCH", note=note, records=[_payroll(p), _account(p)])


def holder_initials(s: Planting) -> Group:
    """Bank writes the formal given name, surname first, with the middle initial."""
    options = (("Bill J.", "Smith", "SMITH, WILLIAM J", "US"), ("Bob T.", "Miller", "MILLER, ROBERT T", "US"))
    return _holder_variant(s, options, "nickname and initial")


def holder_joint(s: Planting) -> Group:
    """Joint account with a family member."""
    options = (
        ("Maria", "Garcia", "Maria Garcia & Jose Garcia", "US"),
        ("Anna", "Kowalski", "Anna Kowalski & Piotr Kowalski", "PL"),
    )
    return _holder_variant(s, options, "joint account")


def holder_transliteration(s: Planting) -> Group:
    """Another romanisation of the same name."""
    options = (
        ("Muhammad", "Alrashid", "Mohammed Al-Rashid", "US"),
        ("Aleksandr", "Petrov", "Alexander Petrov", "DE"),
    )
    return _holder_variant(s, options, "transliteration")


def crypto_native(s: Planting) -> Group:
    """Wallet payout where the engagement itself is paid in USDC."""
    p = s.person()
    p.payout = {"method": "crypto", "wallet_address": s.reg.wallet(), "bank_country": None}
    p.currency = "USDC"
    return Group(pattern="PAY-CRYPTO", note="crypto-native engagement in USDC", records=[_payroll(p), _account(p)])


def same_person_phone(s: Planting) -> Group:
    """One person's phone in HR (national format) and payroll (E.164): the same identity, not a link."""
    p = s.person("US")
    p.phone_hr = us_phone_forms(p.phone)[2]
    note = f"HR {p.phone_hr!r} vs payroll {p.phone!r}, same tax id, name and DOB"
    return Group(pattern="NET-SHARED-PHONE", note=note, records=[_hr(p), _payroll(p)])


def agency_mailbox(s: Planting) -> Group:
    """Three candidates submitted by one agency, all giving the agency's mailbox."""
    agency, mailbox = _pick(
        (("TalentBridge Staffing", "submissions@talentbridge.example"),
         ("Apex Tech Recruiters", "candidates@apextech.example")),
        s.variant,
    )  # fmt: skip
    people = [s.person() for _ in range(3)]
    for p in people:
        p.agency, p.hr_emails = agency, [mailbox, p.work_email]
    return Group(pattern="NET-SHARED-EMAIL", note=f"agency {agency!r} mailbox", records=[_hr(p) for p in people])


def reformatted_ship_to(s: Planting) -> Group:
    """Ship-to is the home address in USPS abbreviations, with ZIP+4."""
    p = s.person("US")
    home = p.home
    while home["line2"] is None:  # add a unit to show "Apt 4" vs "#4", keeping the address unique
        unit = f"Apt {s.reg.rng.randrange(1, 40)}"
        if s.reg.claim("address", (home["line1"].upper(), unit, home["postal_code"], home["city"])):
            home["line2"] = unit
    number, *street, suffix = p.home["line1"].split()
    p.ship_to = {
        "line1": " ".join([number, *street, US_SUFFIXES[suffix]]).upper(),
        "line2": "#" + p.home["line2"].split()[-1],
        "city": p.home["city"].upper(),
        "region": p.home["region"],
        "postal_code": f"{p.home['postal_code']}-{s.reg.rng.randrange(1000, 10000)}",
        "country": "US",
    }
    note = f"{p.home['line1']} {p.home['line2']} vs {p.ship_to['line1']} {p.ship_to['line2']}"
    device = RecordRef(source="hr", remote_id=pop.hr_device_id(p.idx))
    return Group(pattern="SHIP-ADDR-NOT-HOME", note=note, records=[_hr(p), device])


def corporate_vpn(s: Planting) -> Group:
    """Sign-ins through the company's own GlobalProtect gateways."""
    return _vpn_group(s, "NET-VPN-PROXY", pop.CORPORATE_VPN_NAME, False, "corporate VPN GlobalProtect")


def approved_rmm(s: Planting) -> Group:
    """Only the company's approved IT support tool."""
    p = s.person()
    p.rmm = [pop.APPROVED_RMM]
    device = RecordRef(source="idp", remote_id=pop.idp_device_id(p.idx))
    return Group(pattern="DEV-RMM", note="approved ScreenConnect only", records=[_idp(p), device])


def household(s: Planting) -> Group:
    """A declared couple: one home, one router (households share an address and an IP)."""
    a = s.person("US")
    given = pop.draw_name(s.reg.rng, "US")[0]
    b = s.person("US", (given, a.family))
    b.home, b.asn, b.net = dict(a.home), a.asn, a.net
    a.signals.append({"signal": "household_declared", "related_worker_remote_id": pop.hr_worker_id(b.idx)})
    note = f"{a.name!r} and {b.name!r} declared one household at one address"
    refs = [_hr(a), _hr(b), _payroll(a), _payroll(b), _idp(a), _idp(b)]
    return Group(pattern="NET-LAPTOP-FARM", note=note, records=refs)


def relocation(s: Planting) -> Group:
    """Same tax id and DOB, nickname in payroll, payroll already shows the announced move to Canada."""
    given, family, nickname = _pick((("William", "Smith", "Bill"), ("Robert", "Jones", "Bob")), s.variant)
    p = s.person("US", (given, family))
    p.payroll_name, p.payroll_country = f"{nickname} {family}", "CA"
    note = f"HR {p.name!r} US vs payroll {p.payroll_name!r} CA, same DOB and tax id"
    return Group(pattern="ID-XSRC-MISMATCH", note=note, records=[_hr(p), _payroll(p)])


PLANTED: tuple[Planter, ...] = (
    shared_account, name_mismatch, crypto, shared_phone, shared_email, ship_not_home, vpn_proxy, rmm,
    xsrc_mismatch, laptop_farm,
)  # fmt: skip
BENIGN: tuple[Planter, ...] = (
    pooled_account, holder_initials, holder_joint, holder_transliteration, crypto_native,
    same_person_phone, agency_mailbox, reformatted_ship_to, corporate_vpn, approved_rmm, relocation,
    household,
)  # fmt: skip
SLOTS_PER_ROUND = 16 + 18  # participants of one round of PLANTED (16) plus one of BENIGN (18)
