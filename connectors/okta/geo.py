"""Okta's country *names* → ISO alpha-2, tolerant of the geo-IP spellings the System Log uses.

Okta's ``geographicalContext.country`` is a full English name from its geo-IP database ("United
States", "Russia", "South Korea"). The core's ``country_code`` knows ISO names and codes, but not
several short forms such databases use, and failing on "Russia" would turn exactly the sign-ins
that matter into refused records. Names neither ISO nor this table know (Kosovo has no ISO code)
give None: the event is kept without a country and the raw name stays in ``remote_data``.
"""

from __future__ import annotations

from functools import lru_cache

from hiresentry.core.model.records import country_code

ALIASES: dict[str, str] = {
    "russia": "RU",
    "turkey": "TR",
    "brunei": "BN",
    "ivory coast": "CI",
    "cape verde": "CV",
    "palestine": "PS",
    "micronesia": "FM",
    "republic of korea": "KR",
    "the netherlands": "NL",
    "netherlands": "NL",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "congo republic": "CG",
    "burma": "MM",
    "vatican city": "VA",
    "macedonia": "MK",
    "swaziland": "SZ",
    "east timor": "TL",
    "reunion": "RE",
    "réunion": "RE",
    "saint martin": "MF",
    "st kitts and nevis": "KN",
    "st lucia": "LC",
    "st vincent and grenadines": "VC",
    "são tomé and príncipe": "ST",
    "sao tome and principe": "ST",
    "hashemite kingdom of jordan": "JO",
    "republic of lithuania": "LT",
    "republic of moldova": "MD",
    "bonaire, sint eustatius, and saba": "BQ",
    "åland": "AX",
    "falkland islands": "FK",
    "u.s. virgin islands": "VI",
    "british virgin islands": "VG",
    "uk": "GB",
    "great britain": "GB",
    "usa": "US",
    "north korea": "KP",
    "south korea": "KR",
    "laos": "LA",
    "syria": "SY",
    "iran": "IR",
    "vietnam": "VN",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "taiwan": "TW",
    "czech republic": "CZ",
}


@lru_cache(maxsize=512)
def country_from_name(name: str | None) -> str | None:
    """ISO alpha-2 for an Okta country name (or code); None when it is absent or unknown."""
    if name is None or not name.strip():
        return None
    text = name.strip()
    alias = ALIASES.get(text.lower())
    if alias is not None:
        return alias
    try:
        return country_code(text)
    except ValueError:
        return None
