"""When a request is tried again, how long it waits first, and how that is said: pure decisions
for the one HTTP layer (`http.py`), which sends, sleeps and raises.

- 429 for any method (the request was refused, not processed), after `Retry-After` (Trello sends
  none: its 10 s window); 5xx and dropped connections only for idempotent requests; a refused
  connection for any request (nothing was sent).
- A host that cannot be reached at all (`unreachable`: DNS failure, TLS or protocol mismatch, a
  refused connection before it ever answered) gets one quick retry, not a 503's back-off.
- A refusal a service reads as its rate limit (GitHub's 403 or 429 with `retry-after` or a spent
  `x-ratelimit-remaining`: the client's `rate_wait` hook, read into `Attempt.limit_wait`) waits
  what the service says, for any method (refused, not processed), within the same budget,
  deadline and said waits as every other retry; so does a budget a service said is spent, or a
  rate limit another request of the same client met (`hold_delay`, before the next attempt).
- `Tries` says in the error what a request went through; `Wait` is a long wait, told while it lasts.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from govpress_support.core.numbers import decimal_number

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
# Trello sends no Retry-After; its windows are 10 s long.
TRELLO_REMAINING_HEADERS = ("x-rate-limit-api-token-remaining", "x-rate-limit-api-key-remaining")
TRELLO_WINDOW_SECONDS = 10.0
LONG_WAIT = 2.0  # a wait longer than this is said (`on_wait`)
QUICK_RETRY_WAIT = 0.5  # the one retry after a host that cannot be reached at all
MIN_ATTEMPT = 0.5  # an attempt needs at least this long before the deadline to be worth making
RATE_LIMIT_STATUSES = frozenset({403, 429})  # what a service's `rate_wait` is asked about

# A service's own reading of a refusal (403/429): seconds until its rate limit lets the request
# through, or None when the refusal is no rate limit (a plain 403 is a permission).
RateWait = Callable[[int, Mapping[str, str]], "float | None"]


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 6
    max_total_wait: float = 120.0  # seconds of sleeps between tries
    backoff: float = 0.5
    max_backoff: float = 30.0
    deadline: float = 60.0  # seconds for the whole request: every attempt and every wait
    # Seconds of waiting a rate limit may add to the deadline (and to `max_total_wait`): a refusal
    # whose wait is the service's documented window, longer than a deadline allows (Zendesk's
    # incremental exports: 10 requests a minute). 0: rate-limit waits count like any other.
    past_deadline: float = 0.0

    def backoff_for(self, retry: int, rng: random.Random) -> float:
        """Exponential backoff with jitter: retry 0 waits about `backoff`, then doubles."""
        base: float = min(self.max_backoff, self.backoff * (2.0**retry))
        return base * (0.5 + rng.random() / 2)


@dataclass(frozen=True)
class Attempt:
    """What happened to one attempt: a status and headers, or a transport error."""

    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    error: Exception | None = None
    limit_wait: float | None = None  # the service read a rate limit: seconds until it lets this through

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or self.limit_wait is not None


def answered(status: int, headers: Mapping[str, str], rate_wait: RateWait | None = None) -> Attempt:
    """An attempt the server answered; a 403 or 429 the service's `rate_wait` reads as its rate
    limit carries the wait it asks for."""
    wait = rate_wait(status, headers) if rate_wait is not None and status in RATE_LIMIT_STATUSES else None
    return Attempt(status=status, headers=headers, limit_wait=None if wait is None else max(0.0, wait))


def unreachable(error: Exception | None, *, answered: bool) -> str | None:
    """Why the host cannot be reached at all, when the error says so, else None: `dns`, `tls`,
    `protocol` (it does not speak HTTP), or `refused` before it ever `answered`. Not transient
    as a 503 is: one quick retry at most."""
    text = str(error).lower()
    if isinstance(error, httpx.ConnectError):
        if any(
            s in text for s in ("name or service not known", "nodename nor servname", "getaddrinfo", "name resolution")
        ):
            return "dns"
        if "ssl" in text or "tls" in text or "certificate" in text:
            return "tls"
        if "refused" in text and not answered:
            return "refused"
    if isinstance(error, httpx.RemoteProtocolError) and "illegal" in text:
        return "protocol"
    return None


def retry_delay(
    policy: RetryPolicy,
    outcome: Attempt,
    *,
    retry: int,
    idempotent: bool,
    waited: float,
    rng: random.Random,
    answered: bool = True,
) -> float | None:
    """Seconds to wait before retrying, or None when this outcome must not be retried.

    `retry` counts retries already made; `waited` is the total already spent waiting;
    `answered` whether the host has answered this client before (a refused connection then is a
    restart, worth the usual retries).
    """
    if retry >= policy.max_retries:
        return None
    if unreachable(outcome.error, answered=answered) is not None:
        return QUICK_RETRY_WAIT if retry == 0 else None
    delay: float | None = None
    if outcome.error is not None:
        if isinstance(outcome.error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
            delay = policy.backoff_for(retry, rng)  # nothing reached the server
        elif idempotent and isinstance(outcome.error, httpx.TransportError):
            delay = policy.backoff_for(retry, rng)
    elif outcome.limit_wait is not None:
        delay = outcome.limit_wait  # the service said how long; refused, not processed: any method
    elif outcome.status == 429:
        delay = retry_after(outcome.headers)
        if delay is None:
            delay = _trello_wait(outcome.headers, retry, policy, rng)
    elif outcome.status in RETRYABLE_STATUSES and idempotent:
        delay = retry_after(outcome.headers)
        if delay is None:
            delay = policy.backoff_for(retry, rng)
    if delay is None:
        return None
    allowed = policy.max_total_wait + (policy.past_deadline if outcome.rate_limited else 0.0)
    if waited + delay > allowed:
        return None
    return delay


def hold_delay(policy: RetryPolicy, held: float, *, left: float, waited: float = 0.0) -> float | None:
    """Seconds to wait before a request a service asked to hold back (it said its budget is
    spent until then, or another request met its rate limit), or None when that wait fits
    neither what is left of the retry budget (`waited` already spent) nor the `left` of the
    request's deadline (then the request fails at once, as a late retry does). A hold is a rate
    limit's wait: `past_deadline` adds to its budget as to a refusal's own wait."""
    if waited + held > policy.max_total_wait + policy.past_deadline or held + MIN_ATTEMPT > left:
        return None
    return held


def retry_after(headers: Mapping[str, str]) -> float | None:
    """`Retry-After` as seconds (ASCII digits, a fraction allowed, or an HTTP date), or None when
    absent or unreadable (`nan`, `inf`, other scripts' digits are no number of seconds)."""
    value = _header(headers, "retry-after")
    if value is None:
        return None
    value = value.strip()
    seconds = decimal_number(value)
    if seconds is not None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _trello_wait(headers: Mapping[str, str], retry: int, policy: RetryPolicy, rng: random.Random) -> float:
    for name in TRELLO_REMAINING_HEADERS:
        remaining = _header(headers, name)
        if remaining is not None and remaining.strip() == "0":
            # The window is spent: wait for a good part of it, growing if it happens again.
            return min(policy.max_backoff, TRELLO_WINDOW_SECONDS / 2 * (retry + 1))
    return policy.backoff_for(retry, rng)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    if isinstance(headers, httpx.Headers):
        found: str | None = headers.get(name)
        return found
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


@dataclass(frozen=True)
class Wait:
    """A wait before the next try, long enough to be said: "Trello rate limit: waiting 10 s
    (try 2 of 7)"."""

    service: str
    reason: str  # "rate limit", "HTTP 503", "timed out", "connection dropped"
    seconds: float
    next_try: int
    tries: int

    def __str__(self) -> str:
        what = f"{self.service} rate limit" if self.reason == "rate limit" else f"{self.service}: {self.reason}"
        return f"{what}: waiting {self.seconds:.0f} s (try {self.next_try} of {self.tries})"


@dataclass(frozen=True)
class Tries:
    """What one request went through: each attempt's outcome, the time it took, and whether the
    deadline ended it (its seconds, else None). Said in the error when it fails."""

    outcomes: list[Attempt]
    elapsed: float
    deadline: float | None = None

    def said(self) -> str:
        """`after 3 tries over 58 s (timed out ×2, HTTP 503), stopped at the 60 s deadline`; ``
        for one try."""
        if len(self.outcomes) < 2 and self.deadline is None:
            return ""
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome_kind(outcome)] = counts.get(outcome_kind(outcome), 0) + 1
        kinds = ", ".join(k if n == 1 else f"{k} ×{n}" for k, n in counts.items())
        tries = f"{len(self.outcomes)} tries" if len(self.outcomes) > 1 else "1 try"
        text = f"after {tries} over {self.elapsed:.0f} s" + (f" ({kinds})" if len(counts) > 1 else "")
        if self.deadline is not None:
            text += f", stopped at the {self.deadline:g} s deadline"
        return text


def outcome_kind(outcome: Attempt) -> str:
    """One attempt's outcome in a few words: `HTTP 503`, `timed out`, `connection refused`."""
    if outcome.error is None:
        return "rate limited" if outcome.rate_limited else f"HTTP {outcome.status}"
    if isinstance(outcome.error, httpx.TimeoutException):
        return "timed out"
    cause = unreachable(outcome.error, answered=False)
    if cause is not None:
        return CAUSES[cause][0]
    if isinstance(outcome.error, httpx.ConnectError):
        return "could not connect"
    return "connection dropped"


# Why a host cannot be reached at all: (in a few words, what probably causes it).
CAUSES = {
    "dns": ("host not found", "the DNS lookup failed: check the URL and your network"),
    "refused": ("connection refused", "nothing is listening there: check the URL and port"),
    "tls": ("TLS handshake failed", "the port may speak plain HTTP, or a proxy intercepts TLS: check the URL"),
    "protocol": ("not an HTTP answer", "the port speaks something else, or TLS: check the URL's scheme and port"),
}
