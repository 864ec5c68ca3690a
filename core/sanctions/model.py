"""Typed SDN entries and the load report: what the parser produces and the screener reads.

The OFAC legacy CSV spreads one listed party over four files and keeps most identifiers as free text
in ``Remarks``. These models are the parsed, joined form: one :class:`SdnEntry` per ``ent_num`` with
its aliases, addresses and typed identifiers, so that nothing downstream reads CSV columns or
remark strings again. They serialise to JSON unchanged (the bundled extract is a dump of them).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

EntryType = Literal["individual", "entity", "vessel", "aircraft"]
AliasType = Literal["aka", "fka", "nka"]
AliasStrength = Literal["strong", "weak"]
IdentifierKind = Literal[
    "dob",
    "pob",
    "nationality",
    "citizenship",
    "gender",
    "email",
    "website",
    "wallet",
    "phone",
    "passport",
    "national_id",
    "tax_id",
    "registration_id",
    "vessel_id",
    "swift_bic",
    "linked_to",
    "other",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Alias(_Frozen):
    """Another name of a listed party.

    ``strength`` is ``strong`` for rows of ``alt.csv`` and ``weak`` for the a.k.a.s that OFAC keeps
    in ``Remarks`` (its "low quality" aliases: nicknames, acronyms, handles). Weak aliases are
    screened by exact normalised equality only, as OFAC's own guidance suggests.
    """

    name: str
    type: AliasType = "aka"
    strength: AliasStrength = "strong"
    alt_num: int | None = None


class SdnAddress(_Frozen):
    """One ``add.csv`` row: free-text street, city/state/postal line, country, remarks."""

    add_num: int
    address: str | None = None
    city: str | None = None
    country: str | None = None
    remarks: str | None = None


class Identifier(_Frozen):
    """One typed item of ``Remarks``.

    ``value`` is the identifier as written (a wallet address, an email, ``05 Feb 1970``);
    ``qualifier`` is the currency of a wallet or the issuing country of a document; ``raw`` is the
    whole remark item, so an investigator can always see what the list says.
    """

    kind: IdentifierKind
    value: str
    qualifier: str | None = None
    raw: str


class SdnEntry(_Frozen):
    """One listed party (``ent_num``) with everything the four files say about it."""

    ent_num: int
    name: str
    type: EntryType
    programs: tuple[str, ...]
    title: str | None = None
    call_sign: str | None = None
    vessel_type: str | None = None
    tonnage: str | None = None
    grt: str | None = None
    vessel_flag: str | None = None
    vessel_owner: str | None = None
    remarks: str | None = None
    aliases: tuple[Alias, ...] = ()
    addresses: tuple[SdnAddress, ...] = ()
    identifiers: tuple[Identifier, ...] = ()

    def identifiers_of(self, kind: IdentifierKind) -> list[Identifier]:
        """The identifiers of one kind, in list order."""
        return [i for i in self.identifiers if i.kind == kind]


class FileReport(_Frozen):
    """What was read from one input file and what became of its rows."""

    file: str
    sha256: str
    rows: int
    joined: int = 0
    ignored_unknown_entry: int = Field(default=0, description="ent_num absent from sdn.csv")
    superseded: int = Field(default=0, description="same key already given by a preferred file")
    ignored_not_truncated: int = Field(default=0, description="overflow for a remark that was not cut off")


class LoadReport(_Frozen):
    """The whole load: inputs, the program filter and the counts a reviewer checks."""

    sdn_file: FileReport
    aux_files: tuple[FileReport, ...] = ()
    entries_read: int
    entries_kept: int
    programs: tuple[str, ...]
    remarks_markers: tuple[str, ...]
    kept_by_program: dict[str, int]
    kept_by_marker_only: int
    remarks_completed: int = Field(description="truncated Remarks completed from sdn_comments.csv")
