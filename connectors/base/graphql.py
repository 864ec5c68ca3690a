"""GraphQL Relay connections as streams: ``first``/``after`` in, ``edges``/``pageInfo`` out.

Upwork's API is GraphQL: a page is a ``POST`` of ``{query, variables}`` to one endpoint, the items
sit in a connection's ``edges[].node`` (or ``nodes``), and ``pageInfo{hasNextPage, endCursor}``
says where the next page starts. The position is the ``endCursor``, so paging, checkpoints and
problems work exactly as for REST streams.

GraphQL reports errors inside a 200 answer (``errors[]``). A page whose connection is missing
and that carries errors is a vendor failure (the stream stops before the page commits); partial
data with errors is taken, and the errors are logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hiresentry.connectors.base.paginate import Page, PageRequest, Paginator, Path, RestStream, dig
from hiresentry.core.errors import VendorResponseError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GraphQLRelayPaginator(Paginator):
    """Relay paging of the connection at ``connection_path`` (e.g. ``("data", "contractList")``).

    ``pagination_var`` nests ``first``/``after`` in one input object, as Upwork's
    ``pagination: {first, after}``; without it they are top-level variables.
    """

    query: str
    connection_path: Path
    variables: Mapping[str, Any] = field(default_factory=dict)
    first_var: str = "first"
    after_var: str = "after"
    pagination_var: str | None = None

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return {}

    def variables_for(self, position: str | None, page_size: int) -> dict[str, Any]:
        """The query variables of the page at ``position``."""
        paging: dict[str, Any] = {self.first_var: page_size}
        if position:
            paging[self.after_var] = position
        if self.pagination_var:
            return {**self.variables, self.pagination_var: paging}
        return {**self.variables, **paging}

    def request(self, path: str, position: str | None, page_size: int, fixed: Mapping[str, Any]) -> PageRequest:
        body = {"query": self.query, "variables": self.variables_for(position, page_size)}
        return PageRequest("POST", path, dict(fixed), json=body)

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        info = dig(page.body, (*self.connection_path, "pageInfo"))
        if not page.items or not isinstance(info, Mapping) or info.get("hasNextPage") is not True:
            return None
        cursor = info.get("endCursor")
        if cursor in (None, "") or str(cursor) == position:
            return None
        return str(cursor)


def graphql_errors(body: Any) -> list[str]:
    """The ``message`` of each entry of a GraphQL ``errors`` array (at most 200 characters each)."""
    errors = body.get("errors") if isinstance(body, Mapping) else None
    if not isinstance(errors, list):
        return []
    return [str(e.get("message", "error"))[:200] if isinstance(e, Mapping) else "error" for e in errors]


class GraphQLStream(RestStream):
    """A Relay connection read page by page; subclasses set ``paginator`` and implement ``map_record``.

    ``path`` is the GraphQL endpoint (``/graphql``); the connection's place in the answer is the
    paginator's ``connection_path``. Items are the ``node`` of each edge (or the ``nodes`` list).
    """

    paginator: ClassVar[GraphQLRelayPaginator]
    path: ClassVar[str] = "/graphql"

    def items(self, body: Any) -> list[Any]:
        connection = dig(body, self.paginator.connection_path)
        errors = graphql_errors(body)
        where = ".".join(self.paginator.connection_path)
        if not isinstance(connection, Mapping):
            detail = f": {'; '.join(errors)}" if errors else ""
            raise VendorResponseError(self.source, f"{self.name}: no GraphQL connection at {where!r}{detail}")
        if errors:
            log.warning("%s: %s page came with GraphQL errors: %s", self.source, self.name, "; ".join(errors))
        edges = connection.get("edges")
        if isinstance(edges, list):
            return [edge.get("node") if isinstance(edge, Mapping) else edge for edge in edges]
        nodes = connection.get("nodes")
        if isinstance(nodes, list):
            return nodes
        raise VendorResponseError(self.source, f"{self.name}: the connection at {where!r} has no edges or nodes")
