"""Client-side rate budgets, vendors' rate-limit headers, and error-rate penalties.

**Budgets.** Some vendors throttle without telling us how much budget is left (Deel: 5 requests per
second per organization, rolling one-second window, no rate headers, no ``Retry-After``). Waiting
for the 429 and backing off wastes whole seconds and counts against the shared organization budget
that other tools of the customer also use, so we pace ourselves below the documented limit instead:
a :class:`TokenBucket` per scope (organization, app, IP; :func:`shared_bucket`), several at once
when a vendor has several limits (:class:`Budgets`: Finch limits per product *and* per IP).

The bucket only does the accounting: :meth:`TokenBucket.reserve` says how long the caller must wait
for its slot, and the caller sleeps with its own (injectable) sleep. Tests therefore drive the bucket
with a fake clock and never wait on wall-clock time.

**Headers.** Vendors that do announce their limits disagree on how: ``Retry-After`` (delta-seconds
or an HTTP-date), ``X-RateLimit-Reset`` as seconds-from-now (Gusto) or epoch seconds (GitHub-style),
in milliseconds (Remote), Okta's ``X-Rate-Limit-Reset`` (epoch seconds). :class:`RateLimitPolicy`
names a connector's headers and units once; :func:`wait_from_headers` turns them into seconds.

**Penalties.** Some vendors punish error *rates*, not request rates: Finch puts an IP in a 60-minute
penalty box (429 with ``finch_code: finch_api_ip_rl``), Merge blocks an IP after 20 failing requests
in 10 s. Retrying into those only lengthens the penalty, so a :class:`PenaltyRule` recognises the
vendor's answer and an :class:`ErrorRateGuard` stops us *before* we reach a documented threshold;
both raise :class:`~hiresentry.core.errors.RateLimitPenaltyError`, which is never retried.
"""

from __future__ import annotations

import collections
import datetime as dt
import email.utils
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from hiresentry.core.errors import ConfigError, RateLimitPenaltyError

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


class Budgets:
    """Several buckets that must all grant a slot (e.g. per product *and* per IP); waits for the slowest."""

    def __init__(self, buckets: Iterable[TokenBucket]) -> None:
        self.buckets = list(buckets)

    def reserve(self, tokens: float = 1.0) -> float:
        """Take ``tokens`` from every bucket; the wait is the longest any of them asks for."""
        return max((b.reserve(tokens) for b in self.buckets), default=0.0)

    def acquire(self, sleep: Callable[[float], None] = time.sleep) -> float:
        """Reserve a slot in every bucket and sleep until all of them allow it."""
        wait = self.reserve()
        if wait > 0:
            sleep(wait)
        return wait


def per_minute(requests: float) -> float:
    """A per-minute limit as the per-second rate buckets take (``per_minute(20)`` for Finch directory)."""
    return requests / 60.0


# -- rate-limit headers --------------------------------------------------------------------------

ResetUnit = Literal["auto", "delta_seconds", "epoch_seconds", "delta_ms", "epoch_ms"]
_EPOCH_MS = 1e12  # 2001-09-09 in milliseconds; no delta is ever that long
_EPOCH_S = 1e9  # 2001-09-09 in seconds; no vendor asks for a 31-year wait


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date), or None.

    A date in the past means "now" (0 s); an unreadable value is ignored so backoff applies.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def parse_reset(value: str | None, unit: ResetUnit, now: dt.datetime) -> float | None:
    """Seconds to wait from a reset header, or None when absent or unreadable.

    ``auto`` tells the encodings apart by size: at least 10¹² is epoch milliseconds, at least 10⁹
    epoch seconds, anything smaller a delta in seconds. A reset in the past means "now" (0 s).
    Remote sends milliseconds *until* the reset: give its connector ``delta_ms`` explicitly.
    """
    if value is None or not value.strip():
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):  # NaN, infinities
        return None
    if unit == "auto":
        unit = "epoch_ms" if number >= _EPOCH_MS else "epoch_seconds" if number >= _EPOCH_S else "delta_seconds"
    if unit == "delta_seconds":
        seconds = number
    elif unit == "delta_ms":
        seconds = number / 1000.0
    else:
        epoch = number / 1000.0 if unit == "epoch_ms" else number
        seconds = epoch - now.timestamp()
    return max(0.0, seconds)


@dataclass(frozen=True)
class ResetHeader:
    """A header that says when the budget refills, and how it encodes that moment."""

    name: str
    unit: ResetUnit = "auto"


@dataclass(frozen=True)
class PenaltyRule:
    """A vendor answer that means "you are in a penalty box": stop at once instead of retrying.

    Matches on status and, optionally, a body field (``("finch_code",)`` in ``values``) or a header.
    """

    description: str
    status: int = 429
    body_path: tuple[str, ...] | None = None
    values: frozenset[str] = frozenset()
    header: str | None = None

    def matches(self, status: int, headers: Mapping[str, str], body: Any) -> bool:
        """True if an answer with this status, these headers and this (decoded) body is the penalty."""
        if status != self.status:
            return False
        if self.header is not None and self.header not in headers:
            return False
        if self.body_path is not None:
            found: Any = body
            for key in self.body_path:
                found = found.get(key) if isinstance(found, Mapping) else None
            return found is not None and (not self.values or str(found) in self.values)
        return True


@dataclass(frozen=True)
class RateLimitPolicy:
    """How one vendor signals throttling: which statuses, which headers, which penalties.

    ``throttle_statuses`` are the answers that mean "slow down" (BambooHR throttles with 503);
    ``pause_when_exhausted`` waits for the reset *before* the next request when a successful
    answer says no budget is left, so the 429 never happens.
    """

    reset_headers: tuple[ResetHeader, ...] = (
        ResetHeader("X-RateLimit-Reset"),
        ResetHeader("X-Rate-Limit-Reset", "epoch_seconds"),
    )
    remaining_headers: tuple[str, ...] = ("X-RateLimit-Remaining", "X-Rate-Limit-Remaining")
    throttle_statuses: frozenset[int] = frozenset({429})
    penalties: tuple[PenaltyRule, ...] = ()
    pause_when_exhausted: bool = True
    throttle_when: Callable[[int, Mapping[str, str], Any], bool] | None = None
    """Answers that mean "slow down" by their body rather than their status (Google's 403
    ``rateLimitExceeded``): called with status, headers and decoded body; True retries like a 429."""

    def throttled(self, status: int, headers: Mapping[str, str], body: Any) -> bool:
        """True if this answer asks us to slow down (retried with the vendor's wait or backoff)."""
        if status in self.throttle_statuses:
            return True
        return self.throttle_when is not None and bool(self.throttle_when(status, headers, body))

    def penalty(self, status: int, headers: Mapping[str, str], body: Any) -> PenaltyRule | None:
        """The penalty rule this answer matches, if any."""
        return next((rule for rule in self.penalties if rule.matches(status, headers, body)), None)

    def exhausted(self, headers: Mapping[str, str]) -> bool:
        """True if the answer says no request is left in the current window."""
        for name in self.remaining_headers:
            value = headers.get(name)
            if value is not None:
                try:
                    return float(value.strip()) <= 0
                except ValueError:
                    return False
        return False


OKTA = RateLimitPolicy(reset_headers=(ResetHeader("X-Rate-Limit-Reset", "epoch_seconds"),))
"""Okta: ``X-Rate-Limit-Remaining`` / ``X-Rate-Limit-Reset`` (epoch seconds)."""


def wait_from_headers(
    headers: Mapping[str, str], policy: RateLimitPolicy, now: dt.datetime, *, throttled: bool = True
) -> float | None:
    """Seconds the vendor asks us to wait: ``Retry-After`` first, then the policy's reset headers.

    Reset headers only mean "wait" on a throttled answer (or an exhausted window): Gusto sends them
    on every response, and a 500 must not wait for the next rate window.
    """
    asked = parse_retry_after(headers.get("Retry-After"), now)
    if asked is not None or not throttled:
        return asked
    for header in policy.reset_headers:
        asked = parse_reset(headers.get(header.name), header.unit, now)
        if asked is not None:
            return asked
    return None


# -- error-rate guard ----------------------------------------------------------------------------


@dataclass
class ErrorRateGuard:
    """Stops a client before its failing requests reach a vendor's documented error-rate threshold.

    Merge blocks an IP that sends more than 20 failing requests in 10 s; a guard with
    ``stop_at=15, window=10`` refuses the 16th request that would follow 15 failures in 10 s, with a
    :class:`RateLimitPenaltyError` naming the rule. Share one guard per scope (IP or app).
    """

    stop_at: int
    window: float
    rule: str
    clock: Callable[[], float] = time.monotonic
    _failures: collections.deque[float] = field(default_factory=collections.deque, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, failed: bool) -> None:
        """Count one answer; only failures matter."""
        if failed:
            with self._lock:
                self._failures.append(self.clock())

    def check(self, connector: str) -> None:
        """Raise if another request could push us over the vendor's error-rate threshold."""
        with self._lock:
            horizon = self.clock() - self.window
            while self._failures and self._failures[0] <= horizon:
                self._failures.popleft()
            count = len(self._failures)
        if count >= self.stop_at:
            raise RateLimitPenaltyError(
                connector,
                f"stopped after {count} failing requests in {self.window:g} s, before the vendor's "
                f"error-rate penalty ({self.rule}); try again later",
            )
