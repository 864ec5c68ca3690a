"""The token bucket, driven by a fake clock: no test waits."""

from __future__ import annotations

import pytest

from hiresentry.connectors.base.ratelimit import TokenBucket, shared_bucket
from hiresentry.core.errors import ConfigError


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_requests_are_spread_at_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(5.0, clock=clock)
    waits = [bucket.acquire(clock.sleep) for _ in range(6)]
    assert waits == pytest.approx([0.0, 0.2, 0.2, 0.2, 0.2, 0.2])
    assert clock.now == pytest.approx(1.0)  # 6 requests take 1 s: never more than 5 in any 1 s window


def test_reservations_queue_concurrent_callers() -> None:
    bucket = TokenBucket(5.0, clock=lambda: 0.0)
    assert [bucket.reserve() for _ in range(4)] == pytest.approx([0.0, 0.2, 0.4, 0.6])


def test_idle_time_refills_up_to_capacity_only() -> None:
    clock = FakeClock()
    bucket = TokenBucket(5.0, capacity=2, clock=clock)
    bucket.reserve()
    bucket.reserve()
    clock.now = 100.0  # a long pause earns at most `capacity` tokens
    assert [bucket.reserve() for _ in range(3)] == pytest.approx([0.0, 0.0, 0.2])


def test_rate_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="positive"):
        TokenBucket(0)


def test_shared_buckets_are_per_scope_and_rate() -> None:
    a = shared_bucket("test:org-a", 5)
    assert shared_bucket("test:org-a", 5) is a
    assert shared_bucket("test:org-b", 5) is not a
    assert shared_bucket("test:org-a", 10) is not a
