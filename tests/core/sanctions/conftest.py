"""Fixtures for the sanctions tests: the real OFAC snapshot, the bundled list, a name corpus.

The real files live outside the repository (``../shared/data/ofac``, or ``HIRESENTRY_OFAC_DIR``);
tests that need them are skipped when they are absent. Everything else runs on the bundled
extract, which is derived from those files and committed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hiresentry.app.synthetic.names import FAMILY, GIVEN
from hiresentry.core.sanctions import SdnList, list_index, load_list, load_sdn
from hiresentry.core.sanctions.index import ListIndex
from tests.shared import shared_dir


def ofac_dir() -> Path:
    """The real OFAC snapshot (``HIRESENTRY_OFAC_DIR``, else ``<shared>/data/ofac``)."""
    env = os.environ.get("HIRESENTRY_OFAC_DIR")
    return Path(env) if env else shared_dir() / "data" / "ofac"


# Very common Korean given names (2000s-2020s birth-name rankings) in Revised Romanisation, and the
# Western spellings people use for them; with FAMILY["korean"] (Kim, Lee, Park, Choi, Jung…) they
# make the corpus harder than its share of Korean names in a real contractor base would.
KOREAN_GIVEN_EXTRA = (
    "Seo-jun, Ha-joon, Do-hyun, Ji-ho, Eun-woo, Si-woo, Yu-jun, Joo-won, Ye-jun, Ji-hu, Sung-hoon, Jae-hyun,"
    "Tae-yang, Woo-jin, Hyun-jun, Seung-min, Yu-jin, Ji-an, Su-a, Ha-yoon, Ji-yoo, Seo-ah, Chae-won, Ji-min,"
    "Eun-seo, Ye-eun, Su-jin, Hye-won, Min-ji, So-yeon, Jung-ho, Kyung-soo, Sang-woo, Young-soo, Myung-hee"
)


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def common_names(korean_extra: bool = False) -> list[str]:
    """A deterministic corpus of common names from many cultures (>10,000 distinct strings).

    Every given x family name within each culture of the synthetic generator's lists; Korean and
    Chinese names also family-name first and with unhyphenated given names. With ``korean_extra``,
    also :data:`KOREAN_GIVEN_EXTRA` with every common Korean family name, in both orders.
    """
    names: set[str] = set()
    for culture, given_names in GIVEN.items():
        for given in given_names:
            for family in FAMILY[culture]:
                names.add(f"{given} {family}")
                if culture in ("korean", "chinese"):
                    names.add(f"{family} {given}")
                    names.add(f"{given.replace('-', '')} {family}")
    for given in _split(KOREAN_GIVEN_EXTRA) if korean_extra else ():
        for family in FAMILY["korean"]:
            names.add(f"{given} {family}")
            names.add(f"{family} {given}")
    return sorted(names)


@pytest.fixture(scope="session")
def real_sdn() -> SdnList:
    """The real snapshot, joined and DPRK-filtered (skipped when the files are not here)."""
    ofac = ofac_dir()
    sdn_csv = ofac / "sdn_2024-05-03" / "sdn.csv"
    if not sdn_csv.is_file():
        pytest.fail(f"the OFAC snapshot is not at {ofac} (set HIRESENTRY_OFAC_DIR)", pytrace=False)
    return load_sdn(sdn_csv, [ofac / "aux_2024-01-08", ofac / "aux_2025-12-24"])


@pytest.fixture(scope="session")
def bundled() -> SdnList:
    """The shipped DPRK extract."""
    return load_list()


@pytest.fixture(scope="session")
def index(bundled: SdnList) -> ListIndex:
    """The screening index of the shipped extract."""
    return list_index(bundled)
