"""The one HTTP layer every client uses.

Per service: a base URL, auth, timeouts, retries and error mapping.

- Retries: 429 for any method (the request was refused, not processed), honouring `Retry-After`
  and backing off on Trello's rate-limit headers when there is none; 5xx and dropped
  connections only for idempotent requests; a refused connection for any request (nothing was
  sent). Never a blind retry of a POST or of a PUT that adds a note. A bounded total wait.
- Errors: every non-2xx becomes a one-line `GovPressError` with the exit code of the README;
  JSON, plain-text and HTML bodies are all read.
- `--debug`: each request and response on stderr, with every secret redacted.
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from govpress_support import __version__
from govpress_support.core.errors import (
    ApiError,
    AuthError,
    ConflictError,
    GovPressError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
)
from govpress_support.core.redact import SECRETS, Redactor

USER_AGENT = f"govpress-support/{__version__}"
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
# Trello sends no Retry-After; its windows are 10 s long.
TRELLO_REMAINING_HEADERS = ("x-rate-limit-api-token-remaining", "x-rate-limit-api-key-remaining")
TRELLO_WINDOW_SECONDS = 10.0


# --- retry decisions (pure) -----------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 6
    max_total_wait: float = 120.0
    backoff: float = 0.5
    max_backoff: float = 30.0

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


def retry_delay(
    policy: RetryPolicy,
    outcome: Attempt,
    *,
    retry: int,
    idempotent: bool,
    waited: float,
    rng: random.Random,
) -> float | None:
    """Seconds to wait before retrying, or None when this outcome must not be retried.

    `retry` counts retries already made; `waited` is the total already spent waiting.
    """
    if retry >= policy.max_retries:
        return None
    delay: float | None = None
    if outcome.error is not None:
        if isinstance(outcome.error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
            delay = policy.backoff_for(retry, rng)  # nothing reached the server
        elif idempotent and isinstance(outcome.error, httpx.TransportError):
            delay = policy.backoff_for(retry, rng)
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
    if waited + delay > policy.max_total_wait:
        return None
    return delay


def retry_after(headers: Mapping[str, str]) -> float | None:
    """`Retry-After` as seconds (a number or an HTTP date), or None when absent or unreadable."""
    value = _header(headers, "retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
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


# --- error bodies -------------------------------------------------------------------------------


def describe_body(response: httpx.Response) -> tuple[str | None, str]:
    """(error code, readable text) from a JSON, plain-text or HTML error body."""
    content_type = response.headers.get("content-type", "")
    text = response.text.strip() if response.content else ""
    if "json" in content_type or text.startswith(("{", "[")):
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            return _describe_json(data)
    if "html" in content_type or text[:15].lower().startswith(("<!doctype", "<html")):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        name = " ".join(title.group(1).split()) if title else ""
        return None, f"an HTML page{f' titled {name!r}' if name else ''} instead of an API answer"
    first = " ".join(text.split())[:200]
    return None, first


def _describe_json(data: dict[str, Any]) -> tuple[str | None, str]:
    error = data.get("error")
    code: str | None = None
    parts: list[str] = []
    if isinstance(error, dict):  # {"error": {"title": ..., "message": ...}}
        code = str(error.get("title") or "") or None
        if error.get("message"):
            parts.append(str(error["message"]))
    elif isinstance(error, str):
        code = error
    for key in ("description", "message"):
        if isinstance(data.get(key), str) and data[key]:
            parts.append(data[key])
    details = data.get("details")
    if isinstance(details, dict):
        for name, problems in details.items():
            if isinstance(problems, list):
                for problem in problems:
                    if isinstance(problem, dict) and problem.get("description"):
                        parts.append(f"{name}: {problem['description']}")
    if not parts and code:
        parts.append(code)
    return code, "; ".join(dict.fromkeys(parts))


# --- the client -------------------------------------------------------------------------------


@dataclass
class HttpStats:
    """Counts shared by every client of one command run: for `--debug` and the benchmarks."""

    requests: int = 0
    retries: int = 0
    waited: float = 0.0
    by_service: dict[str, int] = field(default_factory=dict)


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
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        offline_hint: str | None = None,
        classify: Callable[[httpx.Response, str | None], GovPressError | None] | None = None,
        rate_wait: Callable[[int, Mapping[str, str]], float | None] | None = None,
    ):
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.log = log
        self.redact = redactor or SECRETS
        self.stats = stats or HttpStats()
        self.sleep = sleep
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self.offline_hint = offline_hint
        self.classify = classify  # a service's own reading of its error bodies, tried first
        # A service's own reading of a refusal (403/429): seconds until its rate limit lets the
        # request through (not processed, so safe to send again), or None when it is no limit.
        self.rate_wait = rate_wait
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
    ) -> httpx.Response:
        """Send with retries; return the response, or raise a mapped `GovPressError`.

        `what` names the thing asked for ("ticket 123") for 404 messages. Statuses in `allow`
        are returned instead of raised.
        """
        method = method.upper()
        safe = idempotent if idempotent is not None else method in IDEMPOTENT_METHODS
        allowed = set(allow)
        retries = 0
        waited = 0.0
        while True:
            started = time.monotonic()
            self.stats.requests += 1
            self.stats.by_service[self.service.name] = self.stats.by_service.get(self.service.name, 0) + 1
            response: httpx.Response | None = None
            try:
                request = self._client.build_request(method, self.url(path), params=_params(params), json=json)
                self._log_request(request)
                response = self._client.send(request)
                response.read()
                outcome = Attempt(status=response.status_code, headers=response.headers)
                self._log_response(response, time.monotonic() - started)
            except httpx.TransportError as exc:
                outcome = Attempt(error=exc)
                self._debug(f"! {type(exc).__name__}: {exc}")
            if response is not None and (response.is_success or response.status_code in allowed):
                return response
            delay = retry_delay(self.retry, outcome, retry=retries, idempotent=safe, waited=waited, rng=self.rng)
            if self.rate_wait is not None and outcome.status in (403, 429):
                wait = self.rate_wait(outcome.status, outcome.headers)
                if wait is not None:
                    fits = retries < self.retry.max_retries and waited + wait <= self.retry.max_total_wait
                    delay = wait if fits else None
            if delay is None:
                raise self._failure(outcome, response, method, path, what, retries, waited)
            reason = f"{outcome.status}" if outcome.status else type(outcome.error).__name__
            self._debug(f"  retrying in {delay:.2f}s after {reason} (retry {retries + 1} of {self.retry.max_retries})")
            self.sleep(delay)
            retries += 1
            waited += delay
            self.stats.retries += 1
            self.stats.waited += delay

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
        retries: int,
        waited: float,
    ) -> GovPressError:
        name = self.service.name
        if outcome.error is not None or response is None:
            error = outcome.error
            host = _host(httpx.URL(self.url(path)))
            tried = f" after {retries + 1} tries" if retries else ""
            if isinstance(error, httpx.TimeoutException):
                reason = "timed out"
            elif isinstance(error, httpx.ConnectError):
                reason = _connect_reason(error)
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
                f"{name} is still rate limiting after {retries} retries over {waited:.0f}s (429{detail_text})",
                "wait a minute and try again",
                status=429,
                code=code,
            )
        if status >= 500:
            tried = f" after {retries + 1} tries" if retries else ""
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


def _connect_reason(error: Exception) -> str:
    text = str(error).lower()
    if "refused" in text:
        return "connection refused"
    if (
        "name or service not known" in text
        or "nodename nor servname" in text
        or "getaddrinfo" in text
        or "name resolution" in text
    ):
        return "host not found"
    if "ssl" in text or "certificate" in text:
        return "TLS failed"
    return "could not connect"
