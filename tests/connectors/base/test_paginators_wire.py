"""Every paginator walking ≥3 pages of a local server (pytest-httpserver) that speaks its vendor style.

The fake directory holds 7 people; with 3 per page every style needs 3 pages (Okta's Link style
a 4th, empty one, because Okta keeps handing out a next link). Each handler slices the list from
the request's own parameters and builds the next cursor/link the way the vendor does, so a
paginator that sends the wrong parameter, reads the wrong field or stops early fails here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from hiresentry.connectors.base import (
    BodyCursorPaginator,
    Checkpoint,
    HttpClient,
    OffsetPaginator,
    PageNumberPaginator,
    PageTokenPaginator,
    Paginator,
    RecordProblem,
    RestStream,
    RetryPolicy,
)
from hiresentry.connectors.base.graphql import GraphQLRelayPaginator, GraphQLStream
from hiresentry.connectors.base.next_link import LinkHeaderPaginator, NextUrlPaginator, link_header_targets
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record, Worker

PEOPLE = [{"id": f"p{n}", "name": f"Person {n}"} for n in range(1, 8)]
ALL_IDS = [p["id"] for p in PEOPLE]
SIZE = 3


def token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def offset_of(cursor: str | None) -> int:
    return int(json.loads(base64.urlsafe_b64decode(cursor))["o"]) if cursor else 0


def as_json(body: Any, headers: Mapping[str, str] | None = None) -> Response:
    return Response(json.dumps(body), content_type="application/json", headers=dict(headers or {}))


class PeopleStream(RestStream):
    name = "people"
    path = "/people"
    records_path = ("data",)

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [Worker(source=self.source, remote_id=item["id"], legal_name=item["name"])]


def stream_for(
    server: HTTPServer, paginator: Paginator, records_path: tuple[str, ...], path: str = "/people"
) -> RestStream:
    cls = type("S", (PeopleStream,), {"paginator": paginator, "records_path": records_path, "path": path})
    client = HttpClient("acme", server.url_for("/api"), retry=RetryPolicy(attempts=1), sleep=lambda _s: None)
    return cls(client, "acme", page_size=SIZE)  # type: ignore[abstract]


def walk(stream: RestStream, checkpoint: Checkpoint | None = None) -> tuple[list[str], list[Checkpoint]]:
    ids: list[str] = []
    checkpoints: list[Checkpoint] = []
    for batch in stream.batches(checkpoint or Checkpoint(1)):
        ids += [r.remote_id for r in batch.records]
        decoded = Checkpoint.decode(batch.cursors[0].value)
        assert decoded is not None
        checkpoints.append(decoded)
    return ids, checkpoints


def serve(server: HTTPServer, path: str, handler: Callable[[Request], Response], method: str = "GET") -> list[Request]:
    seen: list[Request] = []

    def recording(request: Request) -> Response:
        seen.append(request)
        return handler(request)

    server.expect_request(path, method=method).respond_with_handler(recording)
    return seen


# -- query-parameter styles -----------------------------------------------------------------------


def test_offset_limit(httpserver: HTTPServer) -> None:
    def handler(r: Request) -> Response:
        offset, limit = int(r.args["offset"]), int(r.args["limit"])
        return as_json({"data": PEOPLE[offset : offset + limit], "page": {"total_rows": len(PEOPLE)}})

    seen = serve(httpserver, "/api/people", handler)
    ids, cps = walk(stream_for(httpserver, OffsetPaginator(), ("data",)))
    assert ids == ALL_IDS and len(seen) == 3
    assert [c.position for c in cps] == ["3", "6", None] and cps[-1].done


def test_page_per_page(httpserver: HTTPServer) -> None:
    def handler(r: Request) -> Response:
        page, per = int(r.args["page"]), int(r.args["per_page"])
        return as_json({"data": PEOPLE[(page - 1) * per : page * per]})

    seen = serve(httpserver, "/api/people", handler)
    ids, _ = walk(stream_for(httpserver, PageNumberPaginator(), ("data",)))
    assert ids == ALL_IDS and [r.args["page"] for r in seen] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("paginator", "cursor_param", "shape"),
    [
        # Deel /payments: cursor + next_cursor
        (BodyCursorPaginator(cursor_param="cursor", cursor_path=("next_cursor",)), "cursor", "next_cursor"),
        # Deel /contracts: after_cursor + page.cursor
        (BodyCursorPaginator(cursor_param="after_cursor", cursor_path=("page", "cursor")), "after_cursor", "page"),
        # Merge: cursor + next (null on the last page)
        (BodyCursorPaginator(cursor_param="cursor", cursor_path=("next",), limit_param="page_size"), "cursor", "next"),
    ],
)
def test_body_cursors(httpserver: HTTPServer, paginator: BodyCursorPaginator, cursor_param: str, shape: str) -> None:
    def handler(r: Request) -> Response:
        start = offset_of(r.args.get(cursor_param))
        following = token(start + SIZE) if start + SIZE < len(PEOPLE) else None
        body: dict[str, Any] = {"data": PEOPLE[start : start + SIZE]}
        if shape == "page":
            body["page"] = {"cursor": following or ""}
        else:
            body[shape] = following
        return as_json(body)

    seen = serve(httpserver, "/api/people", handler)
    ids, _ = walk(stream_for(httpserver, paginator, ("data",)))
    assert ids == ALL_IDS and len(seen) == 3
    assert cursor_param not in seen[0].args and offset_of(seen[2].args[cursor_param]) == 6


def test_page_token_keeps_going_after_a_short_page(httpserver: HTTPServer) -> None:
    # Google may return fewer items than maxResults and still a nextPageToken.
    pages = [PEOPLE[0:2], PEOPLE[2:5], PEOPLE[5:7]]

    def handler(r: Request) -> Response:
        n = int(r.args.get("pageToken", "0"))
        body: dict[str, Any] = {"items": pages[n]}
        if n + 1 < len(pages):
            body["nextPageToken"] = str(n + 1)
        return as_json(body)

    seen = serve(httpserver, "/api/people", handler)
    ids, _ = walk(stream_for(httpserver, PageTokenPaginator(), ("items",)))
    assert ids == ALL_IDS and [r.args.get("pageToken") for r in seen] == [None, "1", "2"]
    assert {r.args["maxResults"] for r in seen} == {"3"}


# -- next links ----------------------------------------------------------------------------------------


def okta_logs(server: HTTPServer) -> list[Request]:
    def handler(r: Request) -> Response:
        start = offset_of(r.args.get("after"))
        limit = int(r.args.get("limit", SIZE)) if "limit" in r.args else SIZE
        nxt = server.url_for(f"/api/logs?limit={limit}&after={token(min(start + limit, len(PEOPLE)))}")
        link = f'<{server.url_for("/api/logs")}>; rel="self", <{nxt}>; rel="next"'
        return as_json(PEOPLE[start : start + limit], {"Link": link})

    return serve(server, "/api/logs", handler)


def test_link_header_follows_rel_next_until_an_empty_page(httpserver: HTTPServer) -> None:
    seen = okta_logs(httpserver)
    stream = stream_for(httpserver, LinkHeaderPaginator(), (), path="/logs")  # Okta answers a bare JSON array
    ids, cps = walk(stream)
    assert ids == ALL_IDS
    assert len(seen) == 4 and seen[0].args["limit"] == "3"  # the 4th page is empty: the pass ends
    assert cps[-1].done and cps[0].position is not None and cps[0].position.startswith("http://")

    # Resuming from a committed link starts exactly there.
    seen.clear()
    again, _ = walk(stream, cps[0])
    assert again == ALL_IDS[3:] and offset_of(seen[0].args["after"]) == 3


def test_link_header_parsing() -> None:
    value = '<https://o.okta.com/api/v1/logs?after=1>; rel="next", <https://o.okta.com/api/v1/logs>; rel="self"'
    assert link_header_targets(value) == {
        "next": "https://o.okta.com/api/v1/logs?after=1",
        "self": "https://o.okta.com/api/v1/logs",
    }
    assert link_header_targets(None) == {}


def test_odata_next_link(httpserver: HTTPServer) -> None:
    def handler(r: Request) -> Response:
        start = int(r.args.get("$skiptoken", "0"))
        top = SIZE if "$top" in r.args or "$skiptoken" in r.args else 100
        body: dict[str, Any] = {"value": PEOPLE[start : start + top]}
        if start + top < len(PEOPLE):
            body["@odata.nextLink"] = httpserver.url_for(f"/api/people?$top={SIZE}&$skiptoken={start + top}")
        return as_json(body)

    seen = serve(httpserver, "/api/people", handler)
    ids, _ = walk(stream_for(httpserver, NextUrlPaginator(), ("value",)))
    assert ids == ALL_IDS and len(seen) == 3 and seen[0].args["$top"] == "3"


def test_relative_next_href_is_taken_on_the_api_origin(httpserver: HTTPServer) -> None:
    # Personio v2: _meta.links.next.href, here as an absolute path.
    def handler(r: Request) -> Response:
        start = offset_of(r.args.get("cursor"))
        body: dict[str, Any] = {"_data": PEOPLE[start : start + SIZE], "_meta": {"links": {}}}
        if start + SIZE < len(PEOPLE):
            body["_meta"]["links"]["next"] = {"href": f"/api/people?limit=3&cursor={token(start + SIZE)}"}
        return as_json(body)

    serve(httpserver, "/api/people", handler)
    paginator = NextUrlPaginator(url_path=("_meta", "links", "next", "href"), limit_param="limit")
    ids, _ = walk(stream_for(httpserver, paginator, ("_data",)))
    assert ids == ALL_IDS


def test_a_next_link_to_another_host_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/people").respond_with_json(
        {"value": PEOPLE[:3], "@odata.nextLink": "https://attacker.example/steal?$skiptoken=3"}
    )
    with pytest.raises(VendorResponseError, match="leaves the API origin"):
        walk(stream_for(httpserver, NextUrlPaginator(), ("value",)))


# -- GraphQL Relay ---------------------------------------------------------------------------------------

QUERY = (
    "query($first: Int, $after: String, $filter: F) { contractList(first: $first, after: $after) "
    "{ edges { node { id name } } pageInfo { hasNextPage endCursor } } }"
)


class Contracts(GraphQLStream):
    name = "contracts"
    paginator: ClassVar[GraphQLRelayPaginator] = GraphQLRelayPaginator(
        query=QUERY, connection_path=("data", "contractList"), variables={"filter": {"status": "ACTIVE"}}
    )

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [Worker(source=self.source, remote_id=item["id"], legal_name=item["name"])]


def test_graphql_relay_first_after(httpserver: HTTPServer) -> None:
    def handler(r: Request) -> Response:
        body = json.loads(r.get_data())
        assert body["query"] == QUERY
        variables = body["variables"]
        assert variables["filter"] == {"status": "ACTIVE"}
        start = offset_of(variables.get("after"))
        page = PEOPLE[start : start + variables["first"]]
        end = start + len(page)
        edges = [{"cursor": token(start + i + 1), "node": p} for i, p in enumerate(page)]
        info = {"hasNextPage": end < len(PEOPLE), "endCursor": token(end)}
        return as_json({"data": {"contractList": {"edges": edges, "pageInfo": info}}})

    seen = serve(httpserver, "/api/graphql", handler, method="POST")
    client = HttpClient("acme", httpserver.url_for("/api"), retry=RetryPolicy(attempts=1), sleep=lambda _s: None)
    ids, cps = walk(Contracts(client, "acme", page_size=SIZE))
    assert ids == ALL_IDS and len(seen) == 3 and cps[-1].done
    assert "after" not in json.loads(seen[0].get_data())["variables"]


def test_graphql_errors_without_data_stop_the_stream(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/graphql", method="POST").respond_with_json(
        {"data": None, "errors": [{"message": "Not authorized to access contractList"}]}
    )
    client = HttpClient("acme", httpserver.url_for("/api"), retry=RetryPolicy(attempts=1), sleep=lambda _s: None)
    with pytest.raises(VendorResponseError, match="Not authorized to access contractList"):
        walk(Contracts(client, "acme", page_size=SIZE))


def test_nested_pagination_input_for_upwork() -> None:
    pager = GraphQLRelayPaginator(query="q", connection_path=("data", "x"), pagination_var="pagination")
    assert pager.variables_for("c1", 10) == {"pagination": {"first": 10, "after": "c1"}}
    assert pager.variables_for(None, 10) == {"pagination": {"first": 10}}
