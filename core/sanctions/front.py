"""Published front companies, seized domains, facilitator companies and persona emails, as data.

The list is ``data/front_entities.yaml`` (each entry cites its public source; analyst findings are
marked as such). It is indexed like the SDN list (:mod:`.index`), so names match with the same
transliteration-aware fuzzy matcher and domains/emails exactly.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hiresentry.core.errors import InputError
from hiresentry.core.sanctions.index import ListedIdentifier, ListIndex, identifier_keys
from hiresentry.core.sanctions.model import EntryType
from hiresentry.core.sanctions.names_index import ListedName, NameIndex

FrontKind = Literal[
    "front_company",
    "seized_domain",
    "facilitator_company",
    "persona_email",
    "analyst_finding",
    "reported_designation",
]


class FrontEntity(BaseModel):
    """One published identifier set: a name and/or domains and emails, with its sources."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str | None = None
    name_type: EntryType = "entity"
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    kind: FrontKind
    analyst_finding: bool = False
    cites: tuple[str, ...] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _has_identifier(self) -> FrontEntity:
        if not (self.name or self.domains or self.emails):
            raise ValueError("an entry needs a name, a domain or an email")
        return self


class FrontList(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entries: tuple[FrontEntity, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> FrontList:
        ids = [e.id for e in self.entries]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate ids: {', '.join(duplicates)}")
        return self


def default_path() -> Path:
    """The shipped list."""
    return Path(str(resources.files("hiresentry.core.sanctions.data").joinpath("front_entities.yaml")))


def load_front(path: Path | None = None) -> FrontList:
    """Read and validate a front-entity list (the shipped one by default)."""
    where = path or default_path()
    try:
        data = yaml.safe_load(where.read_text(encoding="utf-8"))
        return FrontList.model_validate(data)
    except OSError as exc:
        raise InputError(f"{where}: cannot read the front-entity list ({exc.strerror or exc})") from None
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError(f"{where}: the front-entity list is invalid: {exc}") from None


def front_index(front: FrontList) -> ListIndex:
    """The screening index of a front list; owners are positions in ``front.entries``."""
    names: list[ListedName] = []
    identifiers: list[ListedIdentifier] = []
    for owner, entry in enumerate(front.entries):
        for text in (entry.name, *entry.aliases):
            if text:
                names.append(ListedName(owner, text, entry.name_type))
        for kind, values in (("website", entry.domains), ("email", entry.emails)):
            for value in values:
                identifiers += [ListedIdentifier(owner, k, key, value) for k, key in identifier_keys(kind, value)]
    return ListIndex(NameIndex(names), identifiers)


@lru_cache(maxsize=4)
def _cached(path: str | None, _mtime: int) -> tuple[FrontList, ListIndex]:
    front = load_front(Path(path) if path else None)
    return front, front_index(front)


def front_list(path: str | None = None) -> tuple[FrontList, ListIndex]:
    """The front list and its index, built once per process (reloaded when the file changes)."""
    where = Path(path) if path else default_path()
    try:
        mtime = where.stat().st_mtime_ns
    except OSError:
        mtime = -1
    return _cached(path, mtime)
