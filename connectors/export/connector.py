"""Manual-export connector: a folder of JSON Lines / CSV files, one file per record kind.

For vendors without an API (Fiverr, Toptal) and for systems a user can only export from, this is
how their data enters hiresentry. Field names are the canonical model's (docs/export-format.md).

Loading is forgiving per line and strict per record: a malformed line is reported with file, line
number and reason, and every other line still loads. Each file's content hash is its cursor, so an
unchanged file is skipped on the next sync and a changed one is re-read (upserts make that safe).
The cursor is committed with the file's last batch: a crash mid-file re-reads the whole file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, ValidationError

from hiresentry.connectors.base import Batch, CheckResult, Connector, ConnectorConfig, Manifest, RecordProblem
from hiresentry.connectors.export.files import Line, read_csv, read_jsonl
from hiresentry.core.model import KIND_MODELS, Record, RecordKind
from hiresentry.core.store import CursorUpdate

EXTENSIONS = (".jsonl", ".csv")


class ExportConfig(ConnectorConfig):
    """Where the export files are."""

    path: Path = Field(description="folder holding <kind>.jsonl / <kind>.csv files")
    batch_size: int = Field(default=10_000, ge=1, description="records per committed batch")


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "record"
        message = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ExportConnector(Connector[ExportConfig]):
    """Loads canonical records from export files."""

    manifest: ClassVar[Manifest] = Manifest(
        name="export",
        title="Manual export (JSON Lines / CSV)",
        record_kinds=list(KIND_MODELS),
        auth="none",
    )
    config_model: ClassVar[type[ConnectorConfig]] = ExportConfig

    def files(self) -> list[tuple[RecordKind, Path]]:
        """The export files present, in canonical kind order (workers first)."""
        found: list[tuple[RecordKind, Path]] = []
        for kind in KIND_MODELS:
            for ext in EXTENSIONS:
                path = self.config.path / f"{kind}{ext}"
                if path.is_file():
                    found.append((kind, path))
        return found

    def check(self) -> CheckResult:
        """The folder exists and holds at least one export file."""
        if not self.config.path.is_dir():
            return CheckResult(False, "cannot_connect", f"export folder {self.config.path} does not exist")
        if not self.files():
            names = ", ".join(f"{k}.jsonl|.csv" for k in KIND_MODELS)
            return CheckResult(False, "unknown", f"no export files in {self.config.path} (expected {names})")
        return CheckResult(True)

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """One or more batches per changed file; the file's hash is committed with its last batch."""
        for kind, path in self.files():
            stream = f"file:{path.name}"
            content_hash = _file_hash(path)
            if state.get(stream) == content_hash:
                continue
            yield from self._read_file(kind, path, stream, content_hash)

    def _lines(self, kind: RecordKind, path: Path) -> Iterator[Line]:
        if path.suffix == ".csv":
            return read_csv(path, KIND_MODELS[kind])
        return read_jsonl(path)

    def _record(self, model: type[Record], data: dict[str, Any]) -> Record:
        given = data.get("source")
        if given not in (None, self.instance):
            raise ValueError(f"source: the file says {given!r}, but it is loaded as source {self.instance!r}")
        data["source"] = self.instance
        return model.model_validate(data)

    def _read_file(self, kind: RecordKind, path: Path, stream: str, content_hash: str) -> Iterator[Batch]:
        model = KIND_MODELS[kind]
        batch = Batch()
        for line in self._lines(kind, path):
            location = f"{path}:{line.number}"
            if line.data is None:
                batch.problems.append(RecordProblem(location, line.error or "unreadable line"))
                continue
            try:
                batch.records.append(self._record(model, line.data))
            except ValidationError as exc:
                batch.problems.append(RecordProblem(location, _describe(exc)))
            except ValueError as exc:
                batch.problems.append(RecordProblem(location, str(exc)))
            if len(batch.records) >= self.config.batch_size:
                yield batch
                batch = Batch()
        batch.cursors.append(CursorUpdate(self.instance, stream, content_hash))
        yield batch
