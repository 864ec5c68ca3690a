"""``hiresentry sanctions``: check one subject against the SDN list, inspect and extract the list.

``check`` is for investigators and for other tools (``--json`` prints one document with a stable
shape: ``{"hits": [...], "front_hits": [...], "list": {...}}``). The list is the bundled DPRK
extract unless ``--sdn`` points at OFAC files or another extract.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from hiresentry.core.errors import HiresentryError
from hiresentry.core.sanctions import (
    DEFAULT_THRESHOLD,
    DPRK_PROGRAMS,
    DPRK_REMARKS_MARKERS,
    SdnList,
    check,
    describe,
    front_list,
    list_index,
    load_list,
    load_sdn,
    write_extract,
)
from hiresentry.core.sanctions.match import PartyHit

sanctions_app = typer.Typer(
    no_args_is_help=True, pretty_exceptions_show_locals=False, help="Screen against the OFAC SDN list (DPRK)."
)
out = Console()
err = Console(stderr=True)

SdnOption = Annotated[
    str | None,
    typer.Option(
        "--sdn", help="OFAC sdn.csv, a folder holding one, or an extract .json (default: bundled DPRK extract)"
    ),
]
AuxOption = Annotated[
    list[Path] | None, typer.Option("--aux", help="folder with alt/add/sdn_comments.csv, most preferred first")
]
ProgramOption = Annotated[list[str] | None, typer.Option("--program", help="keep these SDN programs (repeatable)")]


@contextmanager
def _clean_errors() -> Iterator[None]:
    try:
        yield
    except HiresentryError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None


def _load(sdn: str | None, aux: list[Path] | None, programs: list[str] | None) -> SdnList:
    return load_list(sdn, [str(p) for p in aux or []], programs or DPRK_PROGRAMS, DPRK_REMARKS_MARKERS)


def _dob(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--dob") from None


def _front_document(hit: PartyHit) -> dict[str, Any]:
    front, _ = front_list()
    entry = front.entries[hit.owner]
    names = [e for e in hit.evidence if e.kind == "name"]
    return {
        "list": "front-entities",
        "id": entry.id,
        "name": entry.name,
        "kind": entry.kind,
        "analyst_finding": entry.analyst_finding,
        "cites": list(entry.cites),
        "matched_name": max(names, key=lambda e: e.score).listed if names else None,
        "score": round(hit.score, 1),
        "matched_identifiers": [
            {"kind": e.kind, "screened": e.screened, "listed": e.listed} for e in hit.evidence if e.kind != "name"
        ],
    }


@sanctions_app.command("check")
def check_command(
    name: Annotated[str | None, typer.Option("--name", help="person or company name")] = None,
    dob: Annotated[str | None, typer.Option("--dob", help="date of birth, YYYY-MM-DD (a second identifier)")] = None,
    wallet: Annotated[list[str] | None, typer.Option("--wallet", help="crypto wallet address")] = None,
    domain: Annotated[list[str] | None, typer.Option("--domain", help="domain or URL")] = None,
    email: Annotated[list[str] | None, typer.Option("--email", help="email address")] = None,
    threshold: Annotated[float, typer.Option(help="name score threshold (0-100)")] = DEFAULT_THRESHOLD,
    sdn: SdnOption = None,
    aux: AuxOption = None,
    program: ProgramOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")] = False,
) -> None:
    """Hits for one subject: entry number, matched name or alias, score, identifiers, programs, escalate."""
    if not (name or wallet or domain or email):
        raise typer.BadParameter("give at least one of --name, --wallet, --domain, --email")
    birth = _dob(dob)
    with _clean_errors():
        listed = _load(sdn, aux, program)
        hits = check(
            list_index(listed), name=name, dob=birth, wallets=wallet or (), domains=domain or (),
            emails=email or (), threshold=threshold,
        )  # fmt: skip
        _, front_index = front_list()
        front_hits = check(
            front_index, name=name, wallets=wallet or (), domains=domain or (), emails=email or (), threshold=threshold
        )
    documents = [describe(hit, listed.entries[hit.owner]) for hit in hits]
    fronts = [_front_document(hit) for hit in front_hits]
    if as_json:
        report = listed.report
        source = {"file": report.sdn_file.file, "sha256": report.sdn_file.sha256, "entries": len(listed.entries)}
        print(json.dumps({"hits": documents, "front_hits": fronts, "list": source}, ensure_ascii=False, indent=2))
        return
    _print_hits(documents, fronts)


def _print_hits(documents: list[dict[str, Any]], fronts: list[dict[str, Any]]) -> None:
    if not documents and not fronts:
        out.print("no hits")
        return
    if documents:
        table = Table(title="OFAC SDN hits")
        for column in ("ent_num", "name", "programs", "matched name/alias", "score", "identifiers", "escalate"):
            table.add_column(column)
        for d in documents:
            identifiers = "; ".join(f"{i['kind']}: {i['listed']}" for i in d["matched_identifiers"])
            matched = f"{d['matched_name']} ({d['matched_as']})" if d["matched_name"] else "-"
            escalate = "[red]yes[/]" if d["escalate"] else "no (name only: needs a second identifier)"
            table.add_row(
                str(d["ent_num"]),
                d["name"],
                ", ".join(d["programs"]),
                matched,
                f"{d['score']:g}",
                identifiers,
                escalate,
            )
        out.print(table)
    for f in fronts:
        finding = " (analyst finding, not a designation)" if f["analyst_finding"] else ""
        out.print(
            f"front entity {f['id']}: {f['name']} [{f['kind']}]{finding}, score {f['score']:g}, cites {f['cites']}"
        )


@sanctions_app.command("report")
def report_command(
    sdn: SdnOption = None,
    aux: AuxOption = None,
    program: ProgramOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")] = False,
) -> None:
    """How the list was loaded: files and hashes, rows joined/ignored, entries kept per program."""
    with _clean_errors():
        listed = _load(sdn, aux, program)
    report = listed.report.model_dump(mode="json")
    if as_json:
        print(json.dumps(report, indent=2))
        return
    out.print(f"{report['sdn_file']['file']}: {report['entries_read']} entries, kept {report['entries_kept']}")
    out.print(f"  by program: {report['kept_by_program']}; by remarks marker only: {report['kept_by_marker_only']}")
    out.print(f"  truncated remarks completed: {report['remarks_completed']}")
    for f in report["aux_files"]:
        out.print(
            f"  {f['file']}: {f['rows']} rows, joined {f['joined']}, ignored (ent_num not in sdn.csv) "
            f"{f['ignored_unknown_entry']}, superseded {f['superseded']}, not truncated {f['ignored_not_truncated']}"
        )


@sanctions_app.command("extract")
def extract_command(
    sdn_csv: Annotated[Path, typer.Option("--sdn", help="OFAC sdn.csv (legacy CSV)")],
    output: Annotated[Path, typer.Option("--out", help="extract file to write (.json)")],
    source: Annotated[str, typer.Option(help="where the input files came from, in words")],
    aux: AuxOption = None,
    program: ProgramOption = None,
) -> None:
    """Write the filtered entries as an extract (how the bundled ``sdn_dprk.json`` is made)."""
    with _clean_errors():
        listed = load_sdn(sdn_csv, aux or [], program or DPRK_PROGRAMS, DPRK_REMARKS_MARKERS)
        write_extract(listed, output, source)
    out.print(f"wrote {len(listed.entries)} entries to {output}")
