"""Secret references in configuration: ``env:NAME`` (and, later, ``vault:PATH#KEY``).

Secrets never appear inline in a config file: a file gets copied, committed and pasted into
tickets. A config field typed :data:`SecretValue` accepts only a reference, resolves it when the
config is loaded, and holds the result as ``SecretStr`` so it cannot leak through ``repr`` or logs.
Code that builds configs programmatically (tests, wiring) may pass a ``SecretStr`` directly.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator, SecretStr

from hiresentry.core.errors import SecretResolutionError

Resolver = Callable[[str], str]
_RESOLVERS: dict[str, Resolver] = {}


def register_resolver(scheme: str, resolver: Resolver) -> None:
    """Install the resolver for ``scheme:`` references (``vault`` is installed by the wiring)."""
    _RESOLVERS[scheme] = resolver


def _resolve_env(name: str) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        raise SecretResolutionError(f"environment variable {name} is not set (referenced as env:{name})")
    return value


register_resolver("env", _resolve_env)


def resolve_reference(reference: str) -> SecretStr:
    """Resolve one ``scheme:rest`` reference to its secret value."""
    scheme, sep, rest = reference.partition(":")
    if not sep or scheme not in ("env", "vault") or not rest:
        raise SecretResolutionError(
            "secrets must be given as references (env:NAME or vault:PATH#KEY), never inline in config"
        )
    resolver = _RESOLVERS.get(scheme)
    if resolver is None:
        raise SecretResolutionError(f"no resolver is configured for {scheme}: references (set up the {scheme} section)")
    return SecretStr(resolver(rest))


def _to_secret(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return value
    if isinstance(value, str):
        return resolve_reference(value.strip())
    return value


SecretValue = Annotated[SecretStr, BeforeValidator(_to_secret)]
"""A config field holding a secret: given as ``env:NAME``/``vault:PATH#KEY``, held as ``SecretStr``."""
