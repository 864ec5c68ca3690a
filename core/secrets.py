"""Secret references in configuration: ``env:NAME`` and ``vault:PATH#KEY``.

Secrets never appear inline in a config file: a file gets copied, committed and pasted into
tickets. A config field typed :data:`SecretValue` accepts only a reference, resolves it when the
config is loaded, and holds the result as ``SecretStr`` so it cannot leak through ``repr`` or logs.
Code that builds configs programmatically (tests, wiring) may pass a ``SecretStr`` directly.
The ``env`` resolver is built in; the ``vault`` one is installed by ``hiresentry.app.vault`` when the
config has a ``vault`` section (the core never talks to Vault itself).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any

from pydantic import BeforeValidator, SecretStr

from hiresentry.core.errors import SecretResolutionError

Resolver = Callable[[str], str]
_RESOLVERS: dict[str, Resolver] = {}
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("hiresentry_secret_environ", default=None)


@contextmanager
def secret_environment(environ: Mapping[str, str]) -> Iterator[None]:
    """Resolve ``env:`` references against ``environ`` instead of ``os.environ`` (config loading, tests)."""
    token = _ENVIRON.set(environ)
    try:
        yield
    finally:
        _ENVIRON.reset(token)


def register_resolver(scheme: str, resolver: Resolver) -> None:
    """Install the resolver for ``scheme:`` references (``vault`` is installed by the wiring)."""
    _RESOLVERS[scheme] = resolver


def unregister_resolver(scheme: str) -> None:
    """Remove the resolver for ``scheme:`` references, so they fail clearly (a config without ``vault``)."""
    if scheme != "env":  # env: is built in and always available
        _RESOLVERS.pop(scheme, None)


def _resolve_env(name: str) -> str:
    environ = _ENVIRON.get()
    value = (os.environ if environ is None else environ).get(name)
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
