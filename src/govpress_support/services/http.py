"""The one HTTP layer every client uses.

Per service: a base URL, auth, timeouts, retries and error mapping.

- Retries: when and after how long is decided in `retry.py` (pure). Never a blind retry of a
  POST or of a PUT that adds a note.
- Time: one deadline per request (`RetryPolicy.deadline`, config `http.deadline`) covers
  connecting, reading, every retry and every wait; each attempt's timeouts are cut to what is
  left. A host that cannot be reached at all (DNS failure, TLS or protocol mismatch, a refused
  connection before it ever answered) gets one quick retry, not the back-off a 503 gets. Waits
  over `LONG_WAIT` are told to `on_wait` (the CLI says them); this layer never prints.
- Rate limits: a 429 everywhere, and a refusal a service's `rate_wait=` hook reads as its limit
  (GitHub's 403s), wait as `retry.py` decides; a budget a service saw spent (`hold`) makes the
  next request wait first. The wait is shared: a rate limit one request meets holds back every
  request of the client (they may go side by side, `parallel.py`) until it is over, so it is
  not met again by each. All of these are waits like any other: under each request's one
  deadline and retry budget, and said through `on_wait`. A request may bring its own `policy`:
  one whose `past_deadline` lets a documented rate limit's waits (its own or the client's hold)
  run past the deadline (Zendesk's incremental exports, a minute's window); a dead server still
  stops at the deadline.
- `cancel()` ends any wait at once (a run stopped while other threads wait): no further try is
  made.
- Errors: every non-2xx becomes a one-line `GovPressError` with the exit code of the README;
  JSON, plain-text and HTML bodies are all read.
- `--debug`: each request and response on stderr, with every secret redacted.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from govpress_support import __version__
from govpress_support.core.errors import (
    ApiError,
    AuthError,
    ConflictError,
    GovPressError,
    Interrupted,
    NetworkError,
    NotFoundError,
    RateLimitedError,
)
from govpress_support.core.redact import SECRETS, Redactor
from govpress_support.services.http_bodies import describe_body
from govpress_support.services.retry import (
    CAUSES,
    IDEMPOTENT_METHODS,
    LONG_WAIT,
    MIN_ATTEMPT,
    Attempt,
    RateWait,
    RetryPolicy,
    Tries,
    Wait,
    answered,
    hold_delay,
    outcome_kind,
    retry_after,
    retry_delay,
    unreachable,
)

# Named here too: the clients and their tests know them as the HTTP layer's.
__all__ = [
    "IDEMPOTENT_METHODS",
    "LONG_WAIT",
    "Attempt",
    "HttpClient",
    "HttpStats",
    "Redactor",
    "RetryPolicy",
    "ServiceInfo",
    "Wait",
    "describe_body",
    "retry_after",
    "retry_delay",
    "unreachable",
]

USER_AGENT = f"govpress-support/{__version__}"
# --- the client -------------------------------------------------------------------------------


@dataclass
class HttpStats:
    """Counts shared by every client of one command run: for `--debug` and the benchmarks.
    Counted under a lock: requests may go side by side (`parallel.py`)."""

    requests: int = 0
    retries: int = 0
    waited: float = 0.0
    by_service: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def sent(self, service: str) -> None:
        with self._lock:
            self.requests += 1
            self.by_service[service] = self.by_service.get(service, 0) + 1

    def retried(self, seconds: float) -> None:
        with self._lock:
            self.retries += 1
            self.waited += seconds

    def held(self, seconds: float) -> None:
        with self._lock:
            self.waited += seconds


@dataclass(frozen=True)
class ServiceInfo:
    """How to talk about a service in messages."""

    name: str  # "Zendesk"
    login_hint: str  # "run `govpress-support auth login zendesk`"


class HttpClient:
    def __init__(
        self,
        service: ServiceInfo,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        log: Callable[[str], None] | None = None,
        redactor: Redactor | None = None,
        stats: HttpStats | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        offline_hint: str | None = None,
        classify: Callable[[httpx.Response, str | None], GovPressError | None] | None = None,
        on_wait: Callable[[Wait | None], None] | None = None,
        rate_wait: RateWait | None = None,
    ):
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.log = log
        self.redact = redactor or SECRETS
        self.stats = stats or HttpStats()
        self._cancelled = threading.Event()
        self.sleep: Callable[[float], object] = sleep or self._cancelled.wait  # a wait `cancel()` can end
        self.clock = clock
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self.offline_hint = offline_hint
        self.classify = classify  # a service's own reading of its error bodies, tried first
        self.on_wait = on_wait  # told of each wait over LONG_WAIT, then None when the next try starts
        # A service's own reading of a refusal (403/429) as its rate limit (retry.py decides on it).
        self.rate_wait = rate_wait
        self.timeout, self.connect_timeout = timeout, connect_timeout
        self._answered = False  # the host has answered this client at least once
        # Per rate limit (`scope`), no request of this client before this moment (self.clock()): a
        # budget the service said is spent (`hold`), or a rate limit one of its requests met.
        # Requests may go side by side (`parallel.py`): one rate limit holds back all of them that
        # count against it, rather than drawing a refusal each.
        self._not_before: dict[str, float] = {}
        self._hold_lock = threading.Lock()
        self._client = httpx.Client(
            base_url=self.base_url + "/",
            auth=auth,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def cancel(self) -> None:
        """The run is stopped: end any wait now; every request still going raises `Interrupted`
        instead of trying again."""
        self._cancelled.set()

    def url(self, path: str) -> str:
        """The absolute URL for a path relative to the base (or an absolute URL, unchanged)."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    # The one place requests are sent.
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        what: str | None = None,
        allow: Iterable[int] = (),
        policy: RetryPolicy | None = None,
        scope: str = "",
    ) -> httpx.Response:
        """Send with retries; return the response, or raise a mapped `GovPressError`.

        `what` names the thing asked for ("ticket 123") for 404 messages. Statuses in `allow`
        are returned instead of raised. `policy`: this request's own (default: the client's).
        `scope`: the rate limit it counts against, when an endpoint has one of its own (Zendesk's
        incremental exports, GitHub's search): a rate limit holds back the requests of its scope.
        """
        method = method.upper()
        safe = idempotent if idempotent is not None else method in IDEMPOTENT_METHODS
        allowed = set(allow)
        policy = policy or self.retry
        outcomes: list[Attempt] = []
        limit_left = policy.past_deadline  # rate-limit waits that may still run past the deadline
        started = self.clock()
        give_up_at = started + policy.deadline
        waited = 0.0
        slept_out = 0.0  # the end of the hold this request sleeps through itself (its own rate limit)
        while True:
            held = self._held(policy, scope, give_up_at + limit_left, slept_out, outcomes, waited)
            if held:  # a rate-limit wait: it may use what `past_deadline` leaves
                extra = min(held, limit_left)
                give_up_at, limit_left, waited = give_up_at + extra, limit_left - extra, waited + held
            self._check_cancelled()
            attempt_started = time.monotonic()
            self.stats.sent(self.service.name)
            response: httpx.Response | None = None
            try:
                request = self._client.build_request(
                    method,
                    self.url(path),
                    params=_params(params),
                    json=json,
                    timeout=self._timeout(give_up_at - self.clock()),
                )
                self._log_request(request)
                response = self._client.send(request)
                response.read()
                self._answered = True
                outcome = answered(response.status_code, response.headers, self.rate_wait)
                self._log_response(response, time.monotonic() - attempt_started)
            except httpx.TransportError as exc:
                outcome = Attempt(error=exc)
                self._debug(f"! {type(exc).__name__}: {exc}")
            outcomes.append(outcome)
            if response is not None and (response.is_success or response.status_code in allowed):
                return response
            retries = len(outcomes) - 1
            delay = retry_delay(
                policy,
                outcome,
                retry=retries,
                idempotent=safe,
                waited=waited,
                rng=self.rng,
                answered=self._answered,
            )
            if outcome.rate_limited:  # the service's wait holds every request of this client, retried or not
                pause = delay if delay is not None else outcome.limit_wait or retry_after(outcome.headers)
                if pause:
                    slept_out = self.hold(pause, scope)
            if delay is not None and outcome.rate_limited and limit_left > 0:
                extra = min(delay, limit_left)  # this wait does not eat the deadline
                give_up_at, limit_left = give_up_at + extra, limit_left - extra
            late = delay is not None and self.clock() + delay + MIN_ATTEMPT > give_up_at
            if delay is None or late:
                tries = Tries(outcomes, self.clock() - started, policy.deadline if late else None)
                raise self._failure(outcome, response, method, path, what, tries)
            of = f"retry {retries + 1} of {policy.max_retries}"
            self._debug(f"  retrying in {delay:.2f}s after {outcome_kind(outcome)} ({of})")
            self._wait(delay, outcome, next_try=retries + 2, tries=policy.max_retries + 1)
            waited += delay
            self.stats.retried(delay)

    def _timeout(self, remaining: float) -> httpx.Timeout:
        """This attempt's timeouts: the configured ones, cut to what the deadline leaves."""
        left = max(remaining, 0.001)
        return httpx.Timeout(min(self.timeout, left), connect=min(self.connect_timeout, left))

    def hold(self, seconds: float, scope: str = "") -> float:
        """Send nothing of `scope` for `seconds` (its budget is spent, or a request met its rate
        limit): every request of it waits first, within its deadline, said as any other wait. A
        longer hold is never shortened. Returns this hold's end (which a request that sleeps it
        out itself need not wait again)."""
        until = self.clock() + max(0.0, seconds)
        with self._hold_lock:
            self._not_before[scope] = max(self._not_before.get(scope, 0.0), until)
        return until

    def _held(
        self,
        policy: RetryPolicy,
        scope: str,
        give_up_at: float,
        slept_out: float,
        outcomes: list[Attempt],
        waited: float,
    ) -> float:
        """Wait out a hold (one this request has not slept through itself) before an attempt;
        the seconds waited. A hold that does not fit the retry budget or the deadline (`give_up_at`,
        with what `past_deadline` leaves) ends the request there: nothing more is sent."""
        with self._hold_lock:
            until = self._not_before.get(scope, 0.0)
        now = self.clock()
        if until <= max(now, slept_out):
            return 0.0
        held = until - now
        if hold_delay(policy, held, left=give_up_at - now, waited=waited) is None:
            moment = (datetime.now(UTC) + timedelta(seconds=held)).strftime("%H:%M")
            sent = "not tried again" if outcomes else "nothing was sent"
            raise RateLimitedError(
                f"{self.service.name}'s rate limit is spent until {moment} UTC: {sent}",
                "wait until then and run it again",
                status=429,
            )
        self._debug(f"  holding {held:.2f}s: {self.service.name} asked to slow down")
        self._wait(held, Attempt(status=429), next_try=len(outcomes) + 1, tries=policy.max_retries + 1)
        self.stats.held(held)
        return held

    def _wait(self, seconds: float, outcome: Attempt, *, next_try: int, tries: int) -> None:
        """Sleep before the next try; a long wait is told to `on_wait` first (and its end after)."""
        said = self.on_wait is not None and seconds > LONG_WAIT
        if said and self.on_wait is not None:
            reason = "rate limit" if outcome.rate_limited else outcome_kind(outcome)
            self.on_wait(Wait(self.service.name, reason, seconds, next_try, tries))
        try:
            self.sleep(seconds)
        finally:
            if said and self.on_wait is not None:
                self.on_wait(None)
        self._check_cancelled()

    def _check_cancelled(self) -> None:
        if self._cancelled.is_set():
            raise Interrupted(f"stopped before {self.service.name} answered", None)

    def get_json(
        self, path: str, params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None, *, what: str | None = None
    ) -> Any:
        return self.json_of(self.request("GET", path, params=params, what=what))

    def json_of(self, response: httpx.Response) -> Any:
        """The JSON body, or a clear error when the server answered something else."""
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            _, text = describe_body(response)
            where = f"HTTP {response.status_code} from {_host(response.request.url)}"
            raise ApiError(
                f"{self.service.name} answered {text or 'something that is not JSON'} ({where})",
                "check the configured URL",
                status=response.status_code,
            ) from None

    # --- errors ---

    def _failure(
        self,
        outcome: Attempt,
        response: httpx.Response | None,
        method: str,
        path: str,
        what: str | None,
        tries: Tries,
    ) -> GovPressError:
        name = self.service.name
        tried = f" {tries.said()}" if tries.said() else ""
        if outcome.error is not None or response is None:
            error = outcome.error
            host = _host(httpx.URL(self.url(path)))
            cause = unreachable(error, answered=self._answered)
            if cause is not None:
                reason, likely = CAUSES[cause]
                hint = self.offline_hint if cause == "refused" and self.offline_hint else likely
                return NetworkError(f"cannot reach {name} at {host}: {reason}{tried}", hint)
            if isinstance(error, httpx.TimeoutException):
                reason = "no answer in time" if tries.deadline is not None else "timed out"
            elif isinstance(error, httpx.ConnectError):
                reason = outcome_kind(outcome)
            else:
                reason = f"the connection failed ({type(error).__name__})"
            hint = (
                self.offline_hint
                if isinstance(error, httpx.ConnectError) and self.offline_hint
                else "check your network and try again"
            )
            if method not in IDEMPOTENT_METHODS and not isinstance(error, httpx.ConnectError):
                hint = "the change may or may not have been made: check before running it again"
            return NetworkError(f"cannot reach {name} at {host}: {reason}{tried}", hint)

        if self.classify is not None and (special := self.classify(response, what)) is not None:
            return special
        status = response.status_code
        code, detail = describe_body(response)
        detail_text = f": {detail}" if detail else ""
        if status == 401:
            return AuthError(f"{name} rejected the credentials (401{detail_text})", self.service.login_hint, status=401)
        if status == 403:
            return AuthError(
                f"{name} does not allow {_action(what, who='you')} (403{detail_text})",
                "your account's role may not do this: ask an admin",
                status=403,
            )
        if status == 404:
            if what:
                return NotFoundError(f"{what} not found", status=404, code=code)
            return NotFoundError(f"{name} has no {response.request.url.path} (404{detail_text})", status=404, code=code)
        if status == 409:
            return ConflictError(
                f"{what or 'the record'} changed since it was read (409{detail_text})",
                "nothing was written: look at it again and retry",
                status=409,
                code=code,
            )
        if status == 429:
            return RateLimitedError(
                f"{name} is still rate limiting{tried} (429{detail_text})",
                "wait a minute and try again",
                status=429,
                code=code,
            )
        if status >= 500:
            hint = (
                "try again in a moment"
                if method in IDEMPOTENT_METHODS
                else "the change may or may not have been made: check before running it again"
            )
            return ApiError(f"{name} failed with HTTP {status}{tried}{detail_text}", hint, status=status, code=code)
        return ApiError(
            f"{name} refused {_action(what, who='the request')} (HTTP {status}{detail_text})",
            None,
            status=status,
            code=code,
        )

    # --- debug log ---

    def _debug(self, line: str) -> None:
        if self.log is not None:
            self.log(self.redact(line))

    def _log_request(self, request: httpx.Request) -> None:
        if self.log is None:
            return
        self._debug(f"> {request.method} {request.url}")
        for key, value in request.headers.items():
            if key.lower() in ("authorization",):
                value = "***"
            self._debug(f">   {key}: {value}")
        if request.content:
            self._debug(f">   {_clip(request.content.decode('utf-8', 'replace'))}")

    def _log_response(self, response: httpx.Response, seconds: float) -> None:
        if self.log is None:
            return
        self._debug(f"< {response.status_code} {response.reason_phrase} ({seconds * 1000:.0f} ms)")
        for key, value in response.headers.items():
            if key.lower().startswith(("x-rate-limit", "ratelimit", "retry-after", "content-type")):
                self._debug(f"<   {key}: {value}")
        if response.content:
            self._debug(f"<   {_clip(response.text)}")


def _action(what: str | None, *, who: str) -> str:
    """`what` after "does not allow" (who="you") or "refused" (who="the request"): "you to change
    group memberships", "the request to add cards", "the request for ticket 123"."""
    if not what:
        return "the request" if who != "you" else "this"
    return f"{who} {what}" if what.startswith("to ") else f"the request for {what}"


def _params(params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> list[tuple[str, Any]] | None:
    if params is None:
        return None
    items = params.items() if isinstance(params, Mapping) else params
    return [(k, v) for k, v in items if v is not None]


def _clip(text: str, limit: int = 600) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + f"… ({len(flat)} chars)"


def _host(url: httpx.URL) -> str:
    port = f":{url.port}" if url.port else ""
    return f"{url.host}{port}"
