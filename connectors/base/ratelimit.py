"""Client-side rate budgets: a token bucket per scope (organization, app, IP).

Some vendors throttle without telling us how much budget is left (Deel: 5 requests per second per
organization, rolling one-second window, no rate headers, no ``Retry-After``). Waiting for the 429
and backing off wastes whole seconds and counts against the shared organization budget that other
tools of the customer also use, so we pace ourselves below the documented limit instead.

The bucket only does the accounting: :meth:`TokenBucket.reserve` says how long the caller must wait
for its slot, and the caller sleeps with its own (injectable) sleep. Tests therefore drive the bucket
with a fake clock and never wait on wall-clock time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from hiresentry.core.errors import ConfigError

Clock = Callable[[], float]


class TokenBucket:
    """A token bucket refilled at ``rate`` tokens per second, holding at most ``capacity`` tokens.

    ``capacity`` defaults to 1: requests are spread evenly (one every ``1/rate`` seconds) instead of
    bursting. A burst of ``rate`` requests followed by steady pacing would put ``rate + 1`` requests
    into some one-second window, which a rolling-window limiter such as Deel's counts as overflow.

    Reservations may drive the balance below zero: each caller is told to wait for *its own* slot,
    so concurrent callers queue up fairly instead of all waking at the same moment.
    """

    def __init__(self, rate: float, capacity: float = 1.0, *, clock: Clock = time.monotonic) -> None:
        if rate <= 0:
            raise ConfigError(f"rate budget must be positive, got {rate} requests/second")
        self.rate = float(rate)
        self.capacity = max(float(capacity), 1.0)
        self._clock = clock
        self._tokens = self.capacity
        self._stamp = clock()
        self._lock = threading.Lock()

    def reserve(self, tokens: float = 1.0) -> float:
        """Take ``tokens`` and return the seconds the caller must wait before using them."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= tokens
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self, sleep: Callable[[float], None] = time.sleep) -> float:
        """Reserve one token and sleep until it is ours; returns the time slept."""
        wait = self.reserve()
        if wait > 0:
            sleep(wait)
        return wait


_SHARED: dict[tuple[str, float, float], TokenBucket] = {}
_SHARED_LOCK = threading.Lock()


def shared_bucket(scope: str, rate: float, capacity: float = 1.0) -> TokenBucket:
    """The process-wide bucket of ``scope`` (e.g. ``"deel:acme-org"``), created on first use.

    Connector instances that hit the same vendor budget (two Deel sources of one organization) name
    the same scope and so share one bucket. Buckets are keyed by scope *and* rate so that two
    configurations never silently inherit each other's rate.
    """
    key = (scope, float(rate), float(capacity))
    with _SHARED_LOCK:
        bucket = _SHARED.get(key)
        if bucket is None:
            bucket = _SHARED[key] = TokenBucket(rate, capacity)
        return bucket
