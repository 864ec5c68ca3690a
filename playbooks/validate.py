"""``hiresentry playbooks validate FILE``: every problem of a playbook file, with its line number."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import yaml

from hiresentry.playbooks.actions.base import ActionParams
from hiresentry.playbooks.schema import Playbook, check_playbook
from hiresentry.playbooks.yaml_lines import line_of, load_with_lines


def validate_text(
    text: str,
    origin: str,
    params_models: Mapping[str, type[ActionParams]],
    known_indicators: Collection[str] | None = None,
) -> tuple[Playbook | None, list[str]]:
    """The playbook (if valid) and one ``origin:LINE: where: what`` line per problem."""
    try:
        data, lines = load_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [f"{where}: not valid YAML: {problem}"]
    playbook, problems = check_playbook(data, params_models, known_indicators)
    return playbook, [f"{origin}:{line_of(p.path, lines) or 1}: {p}" for p in problems]
