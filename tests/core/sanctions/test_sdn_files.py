"""The parser on the real OFAC snapshot (``../shared/data/ofac``; skipped when absent).

Counts are those of the stored files (SOURCE.txt there); the entries are checked field by field
against the lines of ``sdn.csv``/``alt.csv``/``add.csv``. The bundled extract must be exactly what
the parser makes of these files, so it can always be regenerated and audited.
"""

from __future__ import annotations

import datetime as dt

from hiresentry.core.sanctions import SdnEntry, SdnList, bundled_path, read_extract
from hiresentry.core.sanctions.remarks import dob_range


def _entry(sdn: SdnList, ent_num: int) -> SdnEntry:
    return next(e for e in sdn.entries if e.ent_num == ent_num)


def test_counts_and_join_report(real_sdn: SdnList) -> None:
    report = real_sdn.report
    assert report.entries_read == 14965
    assert report.entries_kept == len(real_sdn.entries) == 593
    assert report.kept_by_program == {"DPRK": 57, "DPRK-NKSPEA": 2, "DPRK2": 111, "DPRK3": 147, "DPRK4": 174}
    assert report.kept_by_marker_only == 109  # DPRK entries listed under NPWMD only
    assert report.remarks_completed == 18  # every Remarks cut at 1,000 characters
    files = {f.file: f for f in report.aux_files}
    assert [f.file for f in report.aux_files] == [
        "aux_2024-01-08/alt.csv",
        "aux_2024-01-08/add.csv",
        "aux_2024-01-08/sdn_comments.csv",
        "aux_2025-12-24/alt.csv",
        "aux_2025-12-24/add.csv",
        "aux_2025-12-24/sdn_comments.csv",
    ]
    alt_2024, alt_2025 = files["aux_2024-01-08/alt.csv"], files["aux_2025-12-24/alt.csv"]
    assert (alt_2024.rows, alt_2024.joined, alt_2024.ignored_unknown_entry) == (17091, 17047, 44)
    assert (alt_2025.rows, alt_2025.joined, alt_2025.superseded, alt_2025.ignored_unknown_entry) == (
        20107,
        1058,
        16589,
        2460,
    )
    comments_2025 = files["aux_2025-12-24/sdn_comments.csv"]
    assert comments_2025.ignored_not_truncated == 5  # overflow of remarks edited after May 2024
    for f in report.aux_files:
        assert f.joined + f.ignored_unknown_entry + f.superseded + f.ignored_not_truncated == f.rows
    assert report.sdn_file.sha256 == "210ca6b4a8187a34e0850be69ecc6e918f23ad7778b8b5b2f9c9d5fbbaf4e0cb"


def test_every_kept_entry_is_dprk_related(real_sdn: SdnList) -> None:
    dprk = {"DPRK", "DPRK2", "DPRK3", "DPRK4", "DPRK-NKSPEA"}
    for entry in real_sdn.entries:
        assert dprk & set(entry.programs) or "North Korea Sanctions Regulations" in (entry.remarks or "")


def test_yanbian_silverstar(real_sdn: SdnList) -> None:
    entry = _entry(real_sdn, 24977)
    assert entry.name == "YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD."
    assert entry.type == "entity"
    assert entry.programs == ("DPRK3", "DPRK4")
    assert [(a.name, a.type, a.strength) for a in entry.aliases[:3]] == [
        ("YANBIAN SILVERSTAR", "aka", "strong"),
        ("YANBIAN SILVER STAR", "aka", "strong"),
        ("SILVER STAR INTERNET TECHNOLOGY CORPORATION", "aka", "strong"),
    ]
    assert "CHINA SILVER STAR INTERNET TECHNOLOGY COMPANY" in {a.name for a in entry.aliases}
    first = entry.addresses[0]
    assert (first.add_num, first.address, first.city, first.country) == (
        37796,
        "20998B-26 Changbaishan East Road",
        "Yanji, Jilin",
        "China",
    )
    (uscc,) = entry.identifiers_of("registration_id")
    assert (uscc.value, uscc.qualifier) == ("91222401MA0Y31E659", "China")
    assert _entry(real_sdn, 24978).name == "VOLASYS SILVER STAR"


def test_chinyong_and_kim_sang_man(real_sdn: SdnList) -> None:
    chinyong = _entry(real_sdn, 43379)
    assert (chinyong.name, chinyong.type, chinyong.programs) == (
        "CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY",
        "entity",
        ("DPRK2",),
    )
    assert [a.name for a in chinyong.aliases] == ["JINYONG IT COOPERATION COMPANY"]
    kim = _entry(real_sdn, 43377)
    assert (kim.name, kim.type, kim.programs) == ("KIM, Sang Man", "individual", ("DPRK4",))
    wallets = [(w.qualifier, w.value) for w in kim.identifiers_of("wallet")]
    assert wallets == [
        ("XBT", "1D6gG9iKEhPitTcWRJiniuj1jYM2hNeAfJ"),
        ("XBT", "1FCNgfZWpYMeYhy9t18AAkTBu8AsdoAc1Z"),
        ("ETH", "0x97b1043abd9e6fc31681635166d430a458d14f9c"),
        ("ETH", "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40"),
        ("USDT", "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40"),
        ("USDC", "0xb6f5ec1a0a9cd1526536d3f0426c429529471f40"),
    ]
    (dob,) = kim.identifiers_of("dob")
    assert dob_range(dob.value) == (dt.date(1965, 4, 25), dt.date(1965, 4, 25))
    assert [p.value for p in kim.identifiers_of("passport")] == ["109420132", "827220538", "563220082"]
    assert [a.name for a in kim.aliases] == ["KIM, Sangman"]


def test_truncated_remarks_are_completed_from_the_closest_overflow(real_sdn: SdnList) -> None:
    kimsuky = _entry(real_sdn, 45430)
    assert kimsuky.remarks is not None and len(kimsuky.remarks) > 1000
    assert "510.210; Transactions Prohibited" in kimsuky.remarks  # the cut fell inside "510.2|10"
    assert {"APT43", "THALLIUM", "EMERALD SLEET"} <= {a.name for a in kimsuky.aliases if a.strength == "weak"}
    assert len(kimsuky.identifiers_of("website")) == 9
    assert "syshim10@mofa.lat" in {e.value for e in kimsuky.identifiers_of("email")}
    tian = _entry(real_sdn, 28263)  # cut inside a weak alias: 'snowsjo' + 'hn'
    assert "snowsjohn" in {a.name for a in tian.aliases}
    # an overflow for a remark that was not cut off in this sdn.csv is not appended
    cheil = _entry(real_sdn, 22985)
    assert cheil.remarks is not None and len(cheil.remarks) == 281
    assert cheil.identifiers_of("wallet") == []


def test_dprk_entries_listed_only_under_npwmd_are_kept(real_sdn: SdnList) -> None:
    sim = _entry(real_sdn, 42498)
    assert sim.programs == ("NPWMD",)
    assert {w.qualifier for w in sim.identifiers_of("wallet")} == {"ETH", "ARB", "BSC"}
    assert "KOREA KWANGSON BANKING CORP" in {e.name for e in real_sdn.entries}


def test_bundled_extract_is_exactly_the_parsed_snapshot(real_sdn: SdnList) -> None:
    extract = read_extract(bundled_path())
    assert extract.report == real_sdn.report
    assert extract.entries == real_sdn.entries
