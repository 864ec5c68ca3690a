"""Sanctions screening: the OFAC SDN list (DPRK programs) and published front entities.

``sdn`` parses and joins the OFAC legacy CSV files; ``source`` loads the configured list (the
bundled DPRK extract by default) once per process; ``index``/``names_index`` make it searchable
(blocked, transliteration-aware fuzzy names; exact identifiers, clear or hashed); ``match`` holds
the evidence types and the escalation rule; ``screen`` screens a whole population; ``front`` is the
list of front companies, seized domains and persona emails. See ``docs/sanctions.md``.
"""

from hiresentry.core.sanctions.front import FrontEntity, FrontList, front_list, load_front
from hiresentry.core.sanctions.index import ListIndex, sdn_index
from hiresentry.core.sanctions.match import DEFAULT_THRESHOLD, Evidence, PartyHit, check, describe, escalates
from hiresentry.core.sanctions.model import Alias, Identifier, LoadReport, SdnAddress, SdnEntry
from hiresentry.core.sanctions.screen import PersonHit, hasher_for, screen_population
from hiresentry.core.sanctions.sdn import DPRK_PROGRAMS, DPRK_REMARKS_MARKERS, SdnList, load_sdn
from hiresentry.core.sanctions.source import bundled_path, list_index, load_list, read_extract, write_extract

__all__ = [
    "DEFAULT_THRESHOLD",
    "DPRK_PROGRAMS",
    "DPRK_REMARKS_MARKERS",
    "Alias",
    "Evidence",
    "FrontEntity",
    "FrontList",
    "Identifier",
    "ListIndex",
    "LoadReport",
    "PartyHit",
    "PersonHit",
    "SdnAddress",
    "SdnEntry",
    "SdnList",
    "bundled_path",
    "check",
    "describe",
    "escalates",
    "front_list",
    "hasher_for",
    "list_index",
    "load_front",
    "load_list",
    "load_sdn",
    "read_extract",
    "screen_population",
    "sdn_index",
    "write_extract",
]
