"""Paginators that follow a next-page URL the vendor hands out: ``Link`` header or a body field.

Okta's System Log answers with ``Link: <…/api/v1/logs?after=…>; rel="next"``; Microsoft Graph
puts ``@odata.nextLink`` in the body, Personio v2 ``_meta.links.next.href``, Rippling ``next_link``.
The URL carries every parameter of the next page, so the position *is* the URL: the first request
sends the stream's own parameters (filters, page size), every later one only the URL.

A next URL is only followed on the API's own origin (:meth:`RestStream.fetch` refuses others, since
the request would carry our credentials there); an absolute-path link (``/v2/persons?…``) is taken
relative to that origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from hiresentry.connectors.base.paginate import Page, PageRequest, Paginator, Path, dig


def link_header_targets(value: str | None) -> dict[str, str]:
    """``rel`` → URL of an RFC 8288 ``Link`` header (``{"next": "https://…", "self": "https://…"}``)."""
    if not value:
        return {}
    targets: dict[str, str] = {}
    for link in requests.utils.parse_header_links(value):
        url = link.get("url")
        for rel in (link.get("rel") or "").split():
            if url and rel not in targets:
                targets[rel] = url
    return targets


@dataclass(frozen=True)
class _NextUrlBase(Paginator):
    """Shared request logic: the stream's parameters on the first page, only the URL afterwards."""

    limit_param: str | None = "limit"

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        if position is None and self.limit_param:
            return {self.limit_param: page_size}
        return {}

    def request(self, path: str, position: str | None, page_size: int, fixed: Mapping[str, Any]) -> PageRequest:
        if position is None:
            return PageRequest("GET", path, {**fixed, **self.params(None, page_size)})
        return PageRequest("GET", position, {}, link=True)

    @staticmethod
    def _follow(position: str | None, page: Page, link: Any) -> str | None:
        if not page.items or not isinstance(link, str) or not link.strip():
            return None
        return None if link == position else link.strip()


@dataclass(frozen=True)
class LinkHeaderPaginator(_NextUrlBase):
    """``Link: <url>; rel="next"`` (Okta, GitHub-style APIs); stops on an empty page or no next link.

    Okta keeps handing out a next link while polling a live log: an empty page ends this pass, and
    the committed link is where the next pass would resume.
    """

    rel: str = "next"

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        return self._follow(position, page, link_header_targets(page.headers.get("Link")).get(self.rel))


@dataclass(frozen=True)
class NextUrlPaginator(_NextUrlBase):
    """A next-page URL in the body: ``@odata.nextLink`` (Microsoft Graph) by default.

    Other shapes by ``url_path``: ``("_meta", "links", "next", "href")`` (Personio v2),
    ``("next_link",)`` (Rippling). Graph wants ``$top`` on the first request only.
    """

    url_path: Path = ("@odata.nextLink",)
    limit_param: str | None = "$top"

    def next_page(self, position: str | None, page_size: int, page: Page) -> str | None:
        return self._follow(position, page, dig(page.body, self.url_path))
