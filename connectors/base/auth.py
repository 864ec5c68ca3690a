"""Static credentials and fixed headers, attached per request by ``requests`` auth objects.

Vendors put credentials in different places: ``Authorization: Bearer`` (Deel, Finch, Merge),
HTTP Basic (BambooHR: API key + any password; HiBob: service-user id + token), a header of their
own (Freelancer.com ``Freelancer-OAuth-V1: <token>``, Okta ``Authorization: SSWS <token>``). Many also
want a per-tenant context header (Merge ``X-Account-Token``, Upwork ``X-Upwork-API-TenantId``, Oyster
``X-Oyster-Customer-Id``) and a version pin (``X-Gusto-API-Version``, ``Finch-API-Version``).

Each adapter is a small :class:`requests.auth.AuthBase` that writes its header when a request is
sent, so a credential lives in one object, never in a shared header dict that might be logged, and
every ``repr`` is masked. :class:`AuthChain` combines them (credential + tenant + version). OAuth2
adapters live in :mod:`hiresentry.connectors.base.oauth`; they also implement :class:`Refreshable`
so the HTTP client can ask for a fresh token once when a request comes back 401.
"""

from __future__ import annotations

import base64
from typing import Protocol, runtime_checkable

import requests
from pydantic import SecretStr

_MASK = "**********"


@runtime_checkable
class Refreshable(Protocol):
    """An auth whose credential can go stale before its announced expiry (revoked, rotated)."""

    def invalidate(self) -> bool:
        """Forget the current credential; True if a new one can be obtained for a retry."""
        ...


class BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer <token>``, attached per request; ``repr`` never shows the token."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        return request

    def __repr__(self) -> str:
        return f"BearerAuth(token={_MASK})"


class BasicAuth(requests.auth.AuthBase):
    """HTTP Basic: BambooHR (API key as user, any password), HiBob (service-user id and token)."""

    def __init__(self, username: str | SecretStr, password: SecretStr | str = "x") -> None:  # noqa: S107 - BambooHR ignores it
        self._username = username if isinstance(username, SecretStr) else SecretStr(username)
        self._password = password if isinstance(password, SecretStr) else SecretStr(password)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        pair = f"{self._username.get_secret_value()}:{self._password.get_secret_value()}".encode()
        request.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return request

    def __repr__(self) -> str:
        return f"BasicAuth(username={_MASK}, password={_MASK})"


class HeaderAuth(requests.auth.AuthBase):
    """One header carrying a value, optionally after a scheme word.

    ``HeaderAuth("Freelancer-OAuth-V1", token)``, ``HeaderAuth("Authorization", token, scheme="SSWS")``,
    and, for tenant context that is itself a secret, ``HeaderAuth("X-Account-Token", account_token)``.
    Plain (non-secret) values are accepted too, for version and tenant-id headers.
    """

    def __init__(self, name: str, value: SecretStr | str, *, scheme: str | None = None) -> None:
        if not name or any(c in name for c in ":\r\n "):
            raise ValueError(f"not a header name: {name!r}")
        self.name = name
        self._value = value
        self._scheme = scheme

    @property
    def secret(self) -> bool:
        """Whether the value is a secret (masked in ``repr`` and registered for log masking)."""
        return isinstance(self._value, SecretStr)

    def value(self) -> str:
        """The header value as sent."""
        raw = self._value.get_secret_value() if isinstance(self._value, SecretStr) else self._value
        if "\r" in raw or "\n" in raw:
            raise ValueError(f"header {self.name} value contains a line break")
        return f"{self._scheme} {raw}" if self._scheme else raw

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[self.name] = self.value()
        return request

    def __repr__(self) -> str:
        shown = _MASK if self.secret else repr(self._value)
        return f"HeaderAuth({self.name}={shown})"


def tenant_header(name: str, value: SecretStr | str) -> HeaderAuth:
    """The per-tenant context header (``X-Account-Token``, ``X-Upwork-API-TenantId``, …)."""
    return HeaderAuth(name, value)


def version_header(name: str, version: str) -> HeaderAuth:
    """The API version pin (``X-Gusto-API-Version: 2025-06-15``, ``Finch-API-Version: 2020-09-17``)."""
    return HeaderAuth(name, version)


class AuthChain(requests.auth.AuthBase):
    """Several adapters applied in order: a credential, then context and version headers."""

    def __init__(self, *parts: requests.auth.AuthBase | None) -> None:
        self.parts = [p for p in parts if p is not None]

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        for part in self.parts:
            request = part(request)
        return request

    def invalidate(self) -> bool:
        """Invalidate every refreshable part; True if any of them can fetch a new credential."""
        results = [p.invalidate() for p in self.parts if isinstance(p, Refreshable)]
        return any(results)

    def __repr__(self) -> str:
        return f"AuthChain({', '.join(repr(p) for p in self.parts)})"


def secret_values(auth: requests.auth.AuthBase | None) -> list[SecretStr]:
    """The static secrets an adapter holds, for the HTTP client's message masking.

    Values shorter than 6 characters are left out (BambooHR's dummy password "x"): masking them
    would garble every message without protecting anything.
    """
    found: list[SecretStr] = []
    if isinstance(auth, AuthChain):
        found = [s for part in auth.parts for s in secret_values(part)]
    elif isinstance(auth, BearerAuth):
        found = [auth._token]
    elif isinstance(auth, BasicAuth):
        found = [auth._username, auth._password]
    elif isinstance(auth, HeaderAuth) and isinstance(auth._value, SecretStr):
        found = [auth._value]
    return [s for s in found if len(s.get_secret_value()) >= 6]
