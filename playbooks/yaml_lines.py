"""YAML that remembers where each value was written, so errors can name the line.

``yaml.safe_load`` forgets positions; composing the node tree first keeps each node's start mark.
:func:`load_with_lines` returns the data (as ``safe_load`` would) and a map from each value's path
(``("actions", 0, "jira.ensure_ticket", "project")``) to its 1-based line; :func:`line_of` finds the
line of the closest written ancestor of any path, because a *missing* field has no line of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

Path = tuple[str | int, ...]


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse ``text``; return the data and the line of every mapping key and sequence item."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[Path, int] = {}
    if node is not None:
        lines[()] = node.start_mark.line + 1
        _walk(node, (), lines)
    return yaml.safe_load(text), lines


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark.line)
            here = (*path, name)
            lines[here] = key.start_mark.line + 1
            _walk(value, here, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            here = (*path, index)
            lines[here] = item.start_mark.line + 1
            _walk(item, here, lines)


def line_of(path: Sequence[str | int], lines: Mapping[Path, int]) -> int | None:
    """The line of ``path``, or of its nearest ancestor that was written."""
    parts = tuple(path)
    while parts:
        if parts in lines:
            return lines[parts]
        parts = parts[:-1]
    return lines.get(())
