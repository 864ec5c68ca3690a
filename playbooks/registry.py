"""Actions and playbooks by name: entry points for actions, files for playbooks."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from hiresentry.core.errors import PlaybookError, PlaybookValidationError
from hiresentry.playbooks.actions.base import Action, ActionParams
from hiresentry.playbooks.schema import Playbook, load_playbook_file, parse_playbook

GROUP = "hiresentry.actions"
BUILTIN = "builtin"


def action_classes() -> dict[str, type[Action[Any]]]:
    """Every installed action class by name (built-in ones register like third-party ones)."""
    classes: dict[str, type[Action[Any]]] = {}
    for ep in entry_points(group=GROUP):
        cls = ep.load()
        if not (isinstance(cls, type) and issubclass(cls, Action)):
            raise PlaybookError(f"entry point {GROUP}:{ep.name} does not name an Action class")
        classes[ep.name] = cls
    return classes


def params_models() -> dict[str, type[ActionParams]]:
    """Action name → its parameter model, for validating playbook files."""
    return {name: cls.params_model for name, cls in action_classes().items()}


def _builtin() -> list[Playbook]:
    import yaml

    models = params_models()
    folder = resources.files("hiresentry.playbooks.library")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            out.append(
                parse_playbook(yaml.safe_load(entry.read_text(encoding="utf-8")), f"builtin:{entry.name}", models)
            )
    return out


def load_playbooks(paths: Iterable[str]) -> list[Playbook]:
    """Playbooks from files/folders (``builtin`` = the shipped library); ids must be unique."""
    models = params_models()
    found: list[Playbook] = []
    for spec in paths:
        if spec == BUILTIN:
            found.extend(_builtin())
            continue
        path = Path(spec)
        if path.is_dir():
            files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        elif path.is_file():
            files = [path]
        else:
            raise PlaybookValidationError(f"playbook path {path} does not exist")
        found.extend(load_playbook_file(f, models) for f in files)
    seen: set[str] = set()
    for playbook in found:
        if playbook.id in seen:
            raise PlaybookValidationError(f"two playbooks have the id {playbook.id!r}")
        seen.add(playbook.id)
    return found
