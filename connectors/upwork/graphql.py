"""Upwork's GraphQL over the shared HTTP client: one POST per operation, errors classified.

Upwork answers permission problems inside a 200 (``errors[]`` with a message such as "User has no
access of any team(s) for [...] action(s)", see the Q&A thread cited in :mod:`.queries`), so the
HTTP status alone cannot give ``check()`` its ``forbidden_scope``. :func:`graphql_error` reads the
errors: an ``extensions.code`` of 401/UNAUTHENTICATED is ``invalid_auth``; 403/FORBIDDEN or a
message about access, permission or scopes is ``forbidden_scope``; anything else is ``unknown``.
A page whose wanted data is present is taken even when other fields carried errors (logged).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from hiresentry.connectors.base.graphql import graphql_errors
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.paginate import dig
from hiresentry.core.errors import ConnectorAuthError, ConnectorError, ConnectorForbiddenError, VendorResponseError

log = logging.getLogger(__name__)

ENDPOINT = "/graphql"
_AUTH_CODES = {"401", "UNAUTHENTICATED", "UNAUTHORIZED"}
_FORBIDDEN_CODES = {"403", "FORBIDDEN", "PERMISSION_DENIED", "ACCESS_DENIED"}
_FORBIDDEN_TEXT = re.compile(r"permission|scope|no access|access denied|not authori[sz]ed", re.IGNORECASE)


def _codes(body: Any) -> set[str]:
    errors = body.get("errors") if isinstance(body, Mapping) else None
    found: set[str] = set()
    for error in errors if isinstance(errors, list) else []:
        extensions = error.get("extensions") if isinstance(error, Mapping) else None
        if isinstance(extensions, Mapping):
            found |= {str(extensions[k]).upper() for k in ("code", "classification") if k in extensions}
    return found


def graphql_error(source: str, body: Any, what: str) -> ConnectorError:
    """The connector error a GraphQL ``errors[]`` answer means (auth, scope, or unknown)."""
    messages = graphql_errors(body)
    detail = "; ".join(messages) or "no data and no error message"
    codes = _codes(body)
    if codes & _AUTH_CODES:
        return ConnectorAuthError(source, f"{what}: credentials refused ({detail})")
    if codes & _FORBIDDEN_CODES or any(_FORBIDDEN_TEXT.search(m) for m in messages):
        return ConnectorForbiddenError(source, f"{what}: the token lacks a scope or permission ({detail})")
    return VendorResponseError(source, f"{what}: GraphQL error ({detail})")


def data_at(source: str, body: Any, path: Sequence[str], what: str) -> Any:
    """``body[path]``; raises the classified error if it is missing and the answer carries errors."""
    found = dig(body, path)
    if found is None and graphql_errors(body):
        raise graphql_error(source, body, what)
    if graphql_errors(body):
        log.warning("%s: %s answered with GraphQL errors: %s", source, what, "; ".join(graphql_errors(body)))
    return found


class UpworkGraphQL:
    """Runs one operation: POST ``{query, variables}`` and returns the object at ``data.<field>``."""

    def __init__(self, http: HttpClient, source: str) -> None:
        self.http = http
        self.source = source

    def run(self, document: str, variables: Mapping[str, Any], field: str) -> Any:
        """The ``data.<field>`` of the answer (None when Upwork says it is null without errors)."""
        response = self.http.request_json("POST", ENDPOINT, json={"query": document, "variables": dict(variables)})
        if not isinstance(response.body, Mapping):
            raise VendorResponseError(self.source, f"{field}: the answer is not a GraphQL response object")
        return data_at(self.source, response.body, ("data", field), field)
