"""The OFAC legacy CSV parser on small files written in the real format (CRLF, ``-0- ``, Ctrl-Z).

Malformed files are refused with an error naming the file and line; the join of files of
different dates follows the documented rules (preference order, unknown ent_nums ignored and
counted, overflow only for cut-off remarks). Real files: see ``test_sdn_files.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hiresentry.core.errors import InputError, RecordValidationError
from hiresentry.core.sanctions import load_sdn
from hiresentry.core.sanctions.sdn import split_programs

KIM = '43377,"KIM, Sang Man","individual","DPRK4",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 25 Apr 1965; Gender Male."'
BANK = '9346,"TANCHON COMMERCIAL BANK",-0- ,"NPWMD",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210."'  # noqa: E501
CUBA = '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '


def write(path: Path, *lines: str) -> Path:
    """An OFAC-style file: CRLF line ends and the trailing Ctrl-Z."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode() + b"\x1a")
    return path


@pytest.fixture
def sdn(tmp_path: Path) -> Path:
    return write(tmp_path / "sdn" / "sdn.csv", CUBA, KIM, BANK)


def test_a_small_list_parses_with_nulls_and_program_filter(sdn: Path) -> None:
    listed = load_sdn(sdn)
    assert [e.ent_num for e in listed.entries] == [43377, 9346]
    kim, bank = listed.entries
    assert (kim.type, kim.title, kim.programs) == ("individual", None, ("DPRK4",))
    assert bank.type == "entity"  # SDN_Type "-0- " means an entity
    assert listed.report.kept_by_program == {"DPRK4": 1}
    assert listed.report.kept_by_marker_only == 1
    only_dprk = load_sdn(sdn, remarks_markers=())
    assert [e.ent_num for e in only_dprk.entries] == [43377]
    assert [e.ent_num for e in load_sdn(sdn, programs=["CUBA"], remarks_markers=()).entries] == [36]


def test_split_programs() -> None:
    assert split_programs("DPRK3] [DPRK4") == ("DPRK3", "DPRK4")
    assert split_programs("DPRK-NKSPEA") == ("DPRK-NKSPEA",)
    assert split_programs(None) == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"43377,KIM,individual\r\n\x1a", r"sdn\.csv:1: 3 columns, a sdn\.csv row has 12"),
        (("\r\n".join([CUBA, "x" + KIM]) + "\r\n").encode(), r"sdn\.csv:2: ent_num 'x43377' is not a number"),
        ((CUBA + "\r\n").encode() + b'99,"CAF\xe9"' + b",-0- " * 10 + b"\r\n", r"sdn\.csv:2: not UTF-8/ASCII"),
        ((CUBA + "\r\n" + KIM[:-5]).encode(), r"sdn\.csv:2: not valid CSV"),
        ((CUBA + "\r\n" + CUBA + "\r\n").encode(), r"sdn\.csv:2: ent_num 36 appears twice"),
        (KIM.replace('"individual"', '"submarine"').encode(), r"sdn\.csv:1: SDN_Type 'submarine' is not known"),
        (b"", r"sdn\.csv: the sdn\.csv file has no rows"),
        (b"\x00\x01\x02", r"sdn\.csv:1: contains a NUL byte"),
    ],
    ids=["columns", "ent_num", "encoding", "quote", "duplicate", "type", "empty", "binary"],
)
def test_malformed_sdn_file_is_refused_naming_file_and_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_sdn(path)


def test_unreadable_inputs_are_refused(tmp_path: Path, sdn: Path) -> None:
    with pytest.raises(InputError, match=r"cannot read the sdn\.csv file"):
        load_sdn(tmp_path / "missing" / "sdn.csv")
    with pytest.raises(InputError, match="auxiliary SDN folder does not exist"):
        load_sdn(sdn, [tmp_path / "nowhere"])


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("alt.csv", "43377,67286,aka", "3 columns, a alt.csv row has 5"),
        ("alt.csv", '43377,67286,"alias","KIM, Sangman",-0- ', "alt_type 'alias' is not aka, fka or nka"),
        ("alt.csv", '43377,x1,"aka","KIM, Sangman",-0- ', "alt_num 'x1' is not a number"),
        ("add.csv", '43377,64806,-0- ,-0- ,"Russia"', "5 columns, a add.csv row has 6"),
        ("sdn_comments.csv", '43377,"more",-0- ', "3 columns, a sdn_comments.csv row has 2"),
    ],
)
def test_malformed_aux_file_is_refused(tmp_path: Path, sdn: Path, name: str, line: str, message: str) -> None:
    bad = write(tmp_path / "aux" / name, line)
    with pytest.raises(RecordValidationError, match=f"{bad}:1: {message}"):
        load_sdn(sdn, [bad.parent])


def test_join_prefers_earlier_folders_ignores_unknown_entries_and_counts(tmp_path: Path, sdn: Path) -> None:
    near = tmp_path / "aux_near"
    far = tmp_path / "aux_far"
    write(near / "alt.csv", '43377,67286,"aka","KIM, Sangman",-0- ', '55555,1,"aka","SOMEONE LATER",-0- ')
    write(
        far / "alt.csv",
        '43377,67286,"aka","KIM, Sang-man (corrected)",-0- ',
        '43377,70000,"fka","KIM, Sang Mann",-0- ',
    )
    write(far / "add.csv", '43377,64806,-0- ,"Vladivostok","Russia",-0- ')
    listed = load_sdn(sdn, [near, far])
    kim = listed.entries[0]
    assert [(a.alt_num, a.name, a.type) for a in kim.aliases] == [
        (67286, "KIM, Sangman", "aka"),
        (70000, "KIM, Sang Mann", "fka"),
    ]
    assert [(a.city, a.country) for a in kim.addresses] == [("Vladivostok", "Russia")]
    near_alt, far_alt, far_add = listed.report.aux_files
    assert (near_alt.joined, near_alt.ignored_unknown_entry, near_alt.superseded) == (1, 1, 0)
    assert (far_alt.joined, far_alt.ignored_unknown_entry, far_alt.superseded) == (1, 0, 1)
    assert far_add.joined == 1


def test_overflow_is_appended_only_to_remarks_cut_at_1000_characters(tmp_path: Path) -> None:
    cut = "DOB 25 Apr 1965; " + "Secondary sanctions risk: North Korea Sanctions Regulations; " * 20
    cut = cut[:989] + "; Passport "  # OFAC cut here, after the space: the overflow must keep it
    assert len(cut) == 1000
    long_row = f'43377,"KIM, Sang Man","individual","DPRK4",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"{cut}"'
    sdn = write(tmp_path / "sdn" / "sdn.csv", long_row, BANK)
    write(
        tmp_path / "aux" / "sdn_comments.csv",
        '43377,"109420132 (Korea, North)."',
        '9346,"this bank remark was not cut off."',
    )
    listed = load_sdn(sdn, [tmp_path / "aux"])
    kim, bank = listed.entries
    assert kim.remarks is not None and kim.remarks.endswith("Passport 109420132 (Korea, North).")
    assert [p.value for p in kim.identifiers_of("passport")] == ["109420132"]
    assert "not cut off" not in (bank.remarks or "")
    (comments,) = listed.report.aux_files
    assert (comments.joined, comments.ignored_not_truncated) == (1, 1)
    assert listed.report.remarks_completed == 1
