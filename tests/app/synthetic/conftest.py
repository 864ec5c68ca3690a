"""One generated population shared by the synthetic-data tests, read back with minimal readers."""

from __future__ import annotations

import csv
import json
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hiresentry.app.synthetic import Truth, generate
from hiresentry.app.synthetic.writer import SOURCE_KINDS
from hiresentry.core.model import KIND_MODELS

CONTRACTORS = 1500
SEED = 11


def read_csv_records(path: Path, kind: str) -> Iterator[dict[str, Any]]:
    """Minimal reader of the documented CSV conventions (dotted columns, ``|`` lists, empty = null)."""
    fields = KIND_MODELS[kind].model_fields  # type: ignore[index]
    lists = {n for n, f in fields.items() if typing.get_origin(f.annotation) is list}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            out: dict[str, Any] = {}
            for column, cell in row.items():
                head, _, tail = column.partition(".")
                value: Any = None if cell == "" else cell
                if head in lists:
                    value = cell.split("|") if cell else []
                elif cell in ("true", "false"):
                    value = cell == "true"
                if tail:
                    if value is not None:
                        out.setdefault(head, {})[tail] = value
                    else:
                        out.setdefault(head, {})
                else:
                    out[head] = value
            for head in [h for h, v in out.items() if v == {}]:
                out[head] = None
            yield out


@dataclass
class Population:
    """A generated population: its folder, truth and every record per (source, kind)."""

    root: Path
    truth: Truth
    records: dict[tuple[str, str], list[dict[str, Any]]]

    def by_id(self, source: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """remote_id → (kind, record) for one source."""
        return {r["remote_id"]: (kind, r) for (s, kind), rs in self.records.items() if s == source for r in rs}


def load(root: Path) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Every record of every export file under ``root``."""
    records: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for source, kinds in SOURCE_KINDS.items():
        for kind in kinds:
            csv_path = root / source / f"{kind}.csv"
            if csv_path.exists():
                records[(source, kind)] = list(read_csv_records(csv_path, kind))
            else:
                lines = (root / source / f"{kind}.jsonl").read_text(encoding="utf-8").splitlines()
                records[(source, kind)] = [json.loads(line) for line in lines]
    return records


@pytest.fixture(scope="session")
def population(tmp_path_factory: pytest.TempPathFactory) -> Population:
    root = tmp_path_factory.mktemp("population")
    truth = generate(CONTRACTORS, SEED, root)
    return Population(root, truth, load(root))
