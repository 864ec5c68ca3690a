"""Finch over HTTP: one client per product (each with its own rate budget), and Finch's error codes.

Finch limits requests **per application and product** (directory, individual and employment 20 a
minute; payment and pay-statement 12) and **per IP** (1,000 per 5 minutes, then a 60-minute penalty).
So each product gets its own :class:`HttpClient` whose budget is that product's bucket *and* the
shared IP bucket; every client of a Finch application in this process shares the same buckets.

A 429 carries ``finch_code``: ``finch_application_rl`` is ordinary throttling (retried, honouring
``Retry-After``), ``finch_api_ip_rl`` is the IP penalty box (a
:class:`~hiresentry.core.errors.RateLimitPenaltyError` at once: retrying would only prolong it).
A 401 carries ``finch_code`` too; ``reauthenticate_user`` and ``account_setup_required`` mean a person
at the employer must act in Finch Connect, which the error message says in those words. A 202 means
Finch is still pulling the employer's data from the provider (assisted connections): nothing to read yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from hiresentry.connectors.base import PenaltyRule, RateLimitPolicy
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.finch.config import Product
from hiresentry.core.errors import ConnectorAuthError, ConnectorUnavailableError, VendorResponseError

IP_PENALTY = PenaltyRule(
    "Finch's per-IP limit was hit (finch_api_ip_rl: a 60-minute penalty)",
    status=429,
    body_path=("finch_code",),
    values=frozenset({"finch_api_ip_rl"}),
)
RATE_LIMITS = RateLimitPolicy(penalties=(IP_PENALTY,))

REAUTHENTICATE = "reauthenticate_user"
_AUTH_HINTS = {
    REAUTHENTICATE: "the employer must re-authenticate this connection through Finch Connect "
    "(Finch lost access to their payroll system)",
    "account_setup_required": "the employer has not finished connecting their payroll system in Finch Connect",
}


def finch_code(body: Any) -> str | None:
    """The ``finch_code`` (else ``name``) of a Finch error body."""
    if isinstance(body, Mapping):
        code = body.get("finch_code") or body.get("name")
        return str(code) if code else None
    return None


def auth_error(connector: str, what: str, body: Any) -> ConnectorAuthError:
    """The error for a 401, naming what the employer must do when Finch says so."""
    code = finch_code(body)
    hint = _AUTH_HINTS.get(code or "", "the access token was refused")
    return ConnectorAuthError(connector, f"{what} → 401: {hint} (finch_code {code or 'none'})")


class FinchApi:
    """Calls to Finch through the client of the product they count against."""

    def __init__(self, connector: str, clients: Mapping[Product | None, HttpClient]) -> None:
        self.connector = connector
        self.clients = clients

    def call(
        self,
        product: Product | None,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """One request; ``product`` None is the management API (``/introspect``). Returns the JSON body."""
        response = self.clients[product].request(method, path, params=params, json=json, allow=(401,))
        what = f"{method} {path}"
        body = _json(response)
        if response.status_code == 401:
            raise auth_error(self.connector, what, body)
        if response.status_code == 202:
            raise ConnectorUnavailableError(
                self.connector,
                f"{what} → 202: Finch is still pulling this employer's data from the provider; try later",
            )
        if body is None:
            raise VendorResponseError(self.connector, f"{what} → {response.status_code}: the body is not JSON")
        return body


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
