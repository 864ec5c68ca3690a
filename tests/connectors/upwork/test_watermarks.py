"""Watermarks across passes (``connectors/base/incremental.py``, written for Upwork and Freelancer.com).

Pure unit tests of the planning rules: what a new pass asks for, what an interrupted one resumes
with. The wire tests of both connectors show the same rules against their fakes.
"""

from __future__ import annotations

from hiresentry.connectors.base import Checkpoint
from hiresentry.connectors.base.incremental import Watermark, later, plan_incremental


def test_the_first_read_starts_pass_one_with_no_lower_bound() -> None:
    plan = plan_incremental({}, ["a", "b"])
    assert plan == {"a": Watermark(1), "b": Watermark(1)}


def test_a_finished_pass_hands_its_high_and_memo_to_the_next() -> None:
    done = Watermark(1, None, True, since=None, high="2025-10-01", memo={"open": ["7"]}).encode()
    plan = plan_incremental({"a": done}, ["a"])
    assert plan["a"] == Watermark(2, since="2025-10-01", carried={"open": ["7"]})


def test_a_pass_without_news_keeps_its_lower_bound() -> None:
    done = Watermark(3, None, True, since="2025-09-01", high=None).encode()
    assert plan_incremental({"a": done}, ["a"])["a"].since == "2025-09-01"


def test_an_interrupted_pass_resumes_with_the_same_bound_page_and_memo() -> None:
    running = Watermark(2, "new:4", False, since="2025-09-01", high="2025-09-20", memo={"open": ["1"]})
    finished_other = Watermark(2, None, True, since="x", high="y").encode()
    plan = plan_incremental({"a": running.encode(), "b": finished_other}, ["a", "b"])
    assert plan["a"] == running
    assert plan["b"].done  # skipped until every stream of pass 2 is done


def test_a_stream_that_missed_a_pass_restarts_with_what_it_had() -> None:
    stale = Watermark(1, "p", False, since="2025-08-01", carried={"open": ["3"]}).encode()
    current = Watermark(2, "q", False, since="2025-09-01").encode()
    plan = plan_incremental({"a": stale, "b": current}, ["a", "b"])
    assert plan["a"] == Watermark(2, since="2025-08-01", carried={"open": ["3"]})


def test_unreadable_values_start_over_and_checkpoints_read_watermarks() -> None:
    assert plan_incremental({"a": "{not json"}, ["a"])["a"] == Watermark(1)
    assert Watermark.decode('{"pass": 1, "next": null, "done": true, "memo": ["x"]}') is None
    checkpoint = Checkpoint.decode(Watermark(4, "x", False, since="s").encode())
    assert checkpoint == Checkpoint(4, "x", False)


def test_later_treats_none_as_earliest() -> None:
    assert later(None, "b") == "b" and later("a", None) == "a" and later("a", "b") == "b" and later(None, None) is None
