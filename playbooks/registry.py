"""Actions and playbooks by name: entry points for actions, files for playbooks."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable
from importlib import resources
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import yaml

from hiresentry.core.errors import PlaybookError, PlaybookValidationError
from hiresentry.playbooks.actions.base import Action, ActionParams
from hiresentry.playbooks.schema import Playbook, load_playbook_file, parse_playbook

GROUP = "hiresentry.actions"
BUILTIN = "builtin"
BUILTIN_ACTIONS = {
    "jira.ensure_ticket": "hiresentry.playbooks.actions.jira:EnsureTicket",
    "slack.escalate": "hiresentry.playbooks.actions.slack:Escalate",
    "payout.hold": "hiresentry.playbooks.actions.payout:PayoutHold",
    "account.suspend": "hiresentry.playbooks.actions.suspend:AccountSuspend",
}
"""The shipped actions, also declared as entry points; used for any the installed metadata lacks
(an editable install made before an action was added), so the shipped library always validates."""


def _load(spec: str, name: str) -> type[Action[Any]]:
    module, _, attr = spec.partition(":")
    cls = getattr(importlib.import_module(module), attr)
    if not (isinstance(cls, type) and issubclass(cls, Action)):
        raise PlaybookError(f"entry point {GROUP}:{name} does not name an Action class")
    return cls


def action_classes() -> dict[str, type[Action[Any]]]:
    """Every installed action class by name (built-in ones register like third-party ones)."""
    classes: dict[str, type[Action[Any]]] = {}
    for ep in entry_points(group=GROUP):
        classes[ep.name] = _load(ep.value, ep.name)
    for name, spec in BUILTIN_ACTIONS.items():
        if name not in classes:
            classes[name] = _load(spec, name)
    return classes


def params_models() -> dict[str, type[ActionParams]]:
    """Action name → its parameter model, for validating playbook files."""
    return {name: cls.params_model for name, cls in action_classes().items()}


@functools.cache
def known_indicators() -> frozenset[str]:
    """Indicator ids of the catalogue, so a condition naming a misspelt one is refused."""
    from hiresentry.core.cases.network_cases import LINK_INDICATORS
    from hiresentry.core.indicators.catalogue import load_specs

    network = {indicator for indicator, _ in LINK_INDICATORS.values()} | {"NET-LINK"}
    return frozenset(spec.id for spec in load_specs()) | network


def builtin_files() -> list[tuple[str, str]]:
    """(name, text) of every shipped playbook."""
    folder = resources.files("hiresentry.playbooks.library")
    return [
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith((".yaml", ".yml"))
    ]


def _builtin() -> list[Playbook]:
    models = params_models()
    return [
        parse_playbook(yaml.safe_load(text), f"builtin:{name}", models, known_indicators())
        for name, text in builtin_files()
    ]


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
        found.extend(load_playbook_file(f, models, known_indicators()) for f in files)
    seen: set[str] = set()
    for playbook in found:
        if playbook.id in seen:
            raise PlaybookValidationError(f"two playbooks have the id {playbook.id!r}")
        seen.add(playbook.id)
    return found
