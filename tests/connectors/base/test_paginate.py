"""Paginators, checkpoints and the REST stream base (with a scripted in-memory client)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from hiresentry.connectors.base import RecordProblem
from hiresentry.connectors.base.http import JsonResponse
from hiresentry.connectors.base.paginate import (
    BodyCursorPaginator,
    Checkpoint,
    OffsetPaginator,
    PageNumberPaginator,
    RestStream,
    dig,
    plan_pass,
)
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record, Worker

# -- paginators ----------------------------------------------------------------------------------


def test_offset_params_and_progress() -> None:
    pager = OffsetPaginator()
    assert pager.params(None, 2) == {"limit": 2, "offset": 0}
    assert pager.params("4", 2) == {"limit": 2, "offset": 4}
    assert pager.next_position("4", 2, {"page": {"total_rows": 10}}, [1, 2]) == "6"


def test_offset_stops_on_a_short_page() -> None:
    assert OffsetPaginator().next_position("4", 3, {"page": {"total_rows": 100}}, [1, 2]) is None


def test_offset_stops_at_total_rows_even_on_a_full_page() -> None:
    assert OffsetPaginator().next_position("8", 2, {"page": {"total_rows": 10}}, [1, 2]) is None


def test_offset_tolerates_odd_totals() -> None:
    # Deel's own example sends page.offset as a string and total_rows as a float.
    pager = OffsetPaginator()
    assert pager.next_position(None, 2, {"page": {"total_rows": "6.0E2"}}, [1, 2]) == "2"
    assert pager.next_position(None, 2, {"page": {"total_rows": "n/a"}}, [1, 2]) == "2"
    assert pager.next_position(None, 2, {}, [1, 2]) == "2"


def test_page_numbers() -> None:
    pager = PageNumberPaginator()
    assert pager.params(None, 50) == {"per_page": 50, "page": 1}
    assert pager.next_position(None, 2, {}, [1, 2]) == "2"
    assert pager.next_position("2", 2, {}, [1]) is None


def test_cursor_in_body() -> None:
    pager = BodyCursorPaginator(cursor_param="after_cursor", cursor_path=("page", "cursor"))
    assert pager.params(None, 2) == {"limit": 2}
    assert pager.params("abc", 2) == {"limit": 2, "after_cursor": "abc"}
    assert pager.next_position(None, 2, {"page": {"cursor": "abc"}}, [1, 2]) == "abc"


@pytest.mark.parametrize(
    ("position", "body", "items"),
    [
        (None, {"page": {"cursor": ""}}, [1, 2]),  # no cursor
        (None, {"page": {}}, [1, 2]),
        (None, {"page": {"cursor": "abc"}}, []),  # empty page
        (None, {"page": {"cursor": "abc"}}, [1]),  # short page
        ("abc", {"page": {"cursor": "abc"}}, [1, 2]),  # the same cursor again: a loop
    ],
)
def test_cursor_stops(position: str | None, body: dict[str, Any], items: list[int]) -> None:
    pager = BodyCursorPaginator(cursor_param="after_cursor", cursor_path=("page", "cursor"))
    assert pager.next_position(position, 2, body, items) is None


def test_cursor_with_has_more() -> None:
    pager = BodyCursorPaginator(cursor_path=("next_cursor",), has_more_path=("has_more",), stop_on_short_page=False)
    assert pager.next_position(None, 5, {"next_cursor": "n1", "has_more": True}, [1]) == "n1"
    assert pager.next_position(None, 5, {"next_cursor": "n1", "has_more": False}, [1]) is None


def test_dig() -> None:
    assert dig({"a": {"b": [1]}}, ("a", "b")) == [1]
    assert dig({"a": [1]}, ("a", "b")) is None
    assert dig(None, ("a",)) is None


# -- checkpoints and passes ----------------------------------------------------------------------


def test_checkpoint_round_trip() -> None:
    cp = Checkpoint(3, "eyJjIjoxfQ==", False)
    assert Checkpoint.decode(cp.encode()) == cp
    assert Checkpoint.decode(Checkpoint(2, None, True).encode()) == Checkpoint(2, None, True)


@pytest.mark.parametrize("value", [None, "", "not json", '{"pass": "x"}', "[1]", '{"next": "3"}'])
def test_unreadable_checkpoints_restart_the_stream(value: str | None) -> None:
    assert Checkpoint.decode(value) is None


def test_first_read_starts_pass_one_everywhere() -> None:
    assert plan_pass({}, ["a", "b"]) == {"a": Checkpoint(1), "b": Checkpoint(1)}


def test_an_interrupted_pass_resumes() -> None:
    state = {"a": Checkpoint(4, None, True).encode(), "b": Checkpoint(4, "200", False).encode()}
    plan = plan_pass(state, ["a", "b", "c"])
    assert plan == {"a": Checkpoint(4, None, True), "b": Checkpoint(4, "200", False), "c": Checkpoint(4)}


def test_a_finished_pass_starts_the_next_one() -> None:
    state = {"a": Checkpoint(4, None, True).encode(), "b": Checkpoint(4, None, True).encode()}
    assert plan_pass(state, ["a", "b"]) == {"a": Checkpoint(5), "b": Checkpoint(5)}


def test_leftovers_of_an_older_pass_restart() -> None:
    state = {"a": Checkpoint(5, "100", False).encode(), "b": Checkpoint(4, None, True).encode()}
    assert plan_pass(state, ["a", "b"])["b"] == Checkpoint(5)


# -- the stream base ------------------------------------------------------------------------------


class ScriptedClient:
    """Answers ``get_json`` from a list of bodies and records the parameters it was called with."""

    def __init__(self, bodies: list[Any]) -> None:
        self.bodies = list(bodies)
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def get_json(self, path: str, *, params: Mapping[str, Any] | None = None, allow: Any = ()) -> Any:
        self.calls.append((path, dict(params or {})))
        return self.bodies.pop(0)

    def request_json(self, method: str, path: str, *, params: Mapping[str, Any] | None = None, **_: Any) -> Any:
        return JsonResponse(self.get_json(path, params=params), {}, 200)


class NamesStream(RestStream):
    name = "names"
    path = "/names"
    paginator = OffsetPaginator(total_path=None)
    records_path = ("data", "rows")

    def params(self) -> dict[str, Any]:
        return {"sort": "id"}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        if item.get("bad_child"):
            yield RecordProblem(f"{self.source}:/names/{item['id']}/child", "child is broken")
        yield Worker(source=self.source, remote_id=str(item["id"]), legal_name=item["name"])


def test_stream_pages_map_and_checkpoint() -> None:
    client = ScriptedClient(
        [
            {"data": {"rows": [{"id": 1, "name": "Ann"}, {"id": 2, "name": "Bo"}]}},
            {"data": {"rows": [{"id": 3, "name": "Cy"}]}},
        ]
    )
    stream = NamesStream(client, "src", page_size=2)  # type: ignore[arg-type]
    batches = list(stream.batches(Checkpoint(7, None)))
    assert [c[1] for c in client.calls] == [
        {"sort": "id", "limit": 2, "offset": 0},
        {"sort": "id", "limit": 2, "offset": 2},
    ]
    assert [[r.remote_id for r in b.records] for b in batches] == [["1", "2"], ["3"]]
    assert [Checkpoint.decode(b.cursors[0].value) for b in batches] == [
        Checkpoint(7, "2"),
        Checkpoint(7, None, True),
    ]
    assert {(c.connector, c.stream) for b in batches for c in b.cursors} == {("src", "names")}


def test_a_malformed_item_is_a_problem_and_the_rest_loads() -> None:
    rows = [
        {"id": 1, "name": "Ann"},
        {"id": 2},
        {"id": 3, "name": ""},
        "junk",
        {"id": 4, "name": "Di", "bad_child": 1},
    ]
    stream = NamesStream(ScriptedClient([{"data": {"rows": rows}}]), "src", page_size=10)  # type: ignore[arg-type]
    (batch,) = stream.batches(Checkpoint())
    assert [r.remote_id for r in batch.records] == ["1", "4"]
    assert [str(p) for p in batch.problems] == [
        "src:/names item id=2: missing field 'name'",
        "src:/names item id=3: legal_name: String should have at least 1 character",
        "src:/names item id=?: item is not a JSON object",
        "src:/names/4/child: child is broken",
    ]


def test_duplicates_in_a_page_keep_the_last_copy() -> None:
    rows = [{"id": 1, "name": "Ann"}, {"id": 1, "name": "Ann B"}]
    stream = NamesStream(ScriptedClient([{"data": {"rows": rows}}]), "src", page_size=10)  # type: ignore[arg-type]
    (batch,) = stream.batches(Checkpoint())
    assert [r.legal_name for r in batch.records] == ["Ann B"]  # type: ignore[attr-defined]


def test_a_body_without_the_records_list_is_a_vendor_error() -> None:
    stream = NamesStream(ScriptedClient([{"data": {"rows": None}}]), "src")  # type: ignore[arg-type]
    with pytest.raises(VendorResponseError, match=r"no list at 'data\.rows'"):
        list(stream.batches(Checkpoint()))


def test_resuming_starts_at_the_checkpoint_position() -> None:
    client = ScriptedClient([{"data": {"rows": []}}])
    stream = NamesStream(client, "src", page_size=2)  # type: ignore[arg-type]
    (batch,) = stream.batches(Checkpoint(2, "40"))
    assert client.calls[0][1]["offset"] == 40
    assert batch.records == []
    assert Checkpoint.decode(batch.cursors[0].value) == Checkpoint(2, None, True)


def test_max_page_size_caps_the_configured_size() -> None:
    class Small(NamesStream):
        max_page_size = 99

    assert Small(ScriptedClient([]), "src", page_size=200).page_size == 99  # type: ignore[arg-type]
