"""The shared HTTP layer: retry decisions, error mapping, redaction. No real sleeping."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from govpress_support.core.errors import (
    ApiError,
    AuthError,
    ConflictError,
    ExitCode,
    Interrupted,
    NetworkError,
    NotFoundError,
    RateLimitedError,
)
from govpress_support.services.http import (
    Attempt,
    HttpClient,
    Redactor,
    RetryPolicy,
    ServiceInfo,
    retry_after,
    retry_delay,
)
from tests.support import FakeClock, FakeSleep

SERVICE = ServiceInfo("Zendesk", "run `govpress-support auth login zendesk`")
POLICY = RetryPolicy(max_retries=4, max_total_wait=30.0, backoff=0.5, max_backoff=8.0)


def delay(outcome: Attempt, *, retry: int = 0, idempotent: bool = True, waited: float = 0.0) -> float | None:
    return retry_delay(POLICY, outcome, retry=retry, idempotent=idempotent, waited=waited, rng=random.Random(1))


class TestRetryDecisions:
    def test_429_honours_retry_after_even_for_post(self) -> None:
        assert delay(Attempt(429, {"Retry-After": "7"}), idempotent=False) == 7.0

    def test_429_retry_after_as_http_date_in_the_past_is_zero(self) -> None:
        assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0

    @pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e3", "٣", "²", "7 s", ""])
    def test_retry_after_is_ascii_seconds_or_a_date(self, value: str) -> None:
        """Only ASCII digits (a fraction allowed) are seconds: `float()` would take nan, inf, 1e3
        and other scripts' digits."""
        assert retry_after({"retry-after": value}) is None
        assert retry_after({"retry-after": " 0.5 "}) == 0.5
        assert retry_after({"retry-after": "9" * 400}) == float("inf")  # fits no budget: not retried
        assert delay(Attempt(429, {"Retry-After": "9" * 400})) is None

    def test_429_without_retry_after_backs_off_exponentially(self) -> None:
        first = delay(Attempt(429, {}), retry=0)
        third = delay(Attempt(429, {}), retry=2)
        assert first is not None and third is not None
        assert 0.25 <= first <= 0.5
        assert 1.0 <= third <= 2.0

    def test_trello_spent_window_waits_for_the_window(self) -> None:
        assert delay(Attempt(429, {"x-rate-limit-api-token-remaining": "0"})) == 5.0

    def test_5xx_retried_only_when_idempotent(self) -> None:
        assert delay(Attempt(503, {}), idempotent=True) is not None
        assert delay(Attempt(503, {}), idempotent=False) is None

    def test_refused_connection_is_retried_even_for_post(self) -> None:
        assert delay(Attempt(error=httpx.ConnectError("refused")), idempotent=False) is not None

    def test_dropped_response_is_not_retried_for_post(self) -> None:
        assert delay(Attempt(error=httpx.RemoteProtocolError("dropped")), idempotent=False) is None
        assert delay(Attempt(error=httpx.RemoteProtocolError("dropped")), idempotent=True) is not None

    def test_client_errors_are_never_retried(self) -> None:
        for status in (400, 401, 403, 404, 409, 422):
            assert delay(Attempt(status, {})) is None

    def test_retry_count_is_bounded(self) -> None:
        assert delay(Attempt(429, {"Retry-After": "0"}), retry=4) is None

    def test_total_wait_is_bounded(self) -> None:
        assert delay(Attempt(429, {"Retry-After": "10"}), waited=25.0) is None
        assert delay(Attempt(429, {"Retry-After": "5"}), waited=25.0) == 5.0


def client(handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any) -> tuple[HttpClient, FakeSleep]:
    sleep = FakeSleep()
    options: dict[str, Any] = {"retry": POLICY, "sleep": sleep, **kwargs}
    http = HttpClient(
        SERVICE,
        "https://govpress.zendesk.com",
        transport=httpx.MockTransport(handler),
        rng=random.Random(3),
        redactor=Redactor(),
        **options,
    )
    return http, sleep


class TestSharedRateLimit:
    """A 429 on one request holds back the client's others (requests go side by side): one
    rate limit slows them all, it does not draw a 429 each."""

    def test_a_429_holds_back_the_next_request_until_retry_after(self) -> None:
        clock = FakeClock()
        seen: list[tuple[str, float]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append((request.url.path, clock()))
            if request.url.path.endswith("/limited"):
                return httpx.Response(429, headers={"Retry-After": "3"}, json={"error": "slow down"})
            return httpx.Response(200, json={"ok": True})

        http, _ = client(handler, clock=clock, sleep=clock.sleep, retry=RetryPolicy(max_retries=0))
        with pytest.raises(RateLimitedError):
            http.get_json("api/v2/limited")  # no retries left: it gives up, the pause stays
        assert http.get_json("api/v2/other") == {"ok": True}
        assert seen == [("/api/v2/limited", 0.0), ("/api/v2/other", 3.0)]
        assert clock.sleeps == [3.0]
        assert http.get_json("api/v2/other") == {"ok": True}
        assert clock.sleeps == [3.0]  # the pause is over: nothing more to wait

    def test_the_request_that_drew_the_429_waits_once(self) -> None:
        clock = FakeClock()
        answers = iter([httpx.Response(429, headers={"Retry-After": "2"})])

        def handler(request: httpx.Request) -> httpx.Response:
            return next(answers, httpx.Response(200, json={"ok": True}))

        http, _ = client(handler, clock=clock, sleep=clock.sleep)
        assert http.get_json("api/v2/users/me") == {"ok": True}
        assert clock.sleeps == [2.0]
        assert http.stats.requests == 2 and http.stats.retries == 1

    def test_a_service_s_own_rate_limit_refusal_holds_back_the_others_too(self) -> None:
        """GitHub's rate limit is a 403 its `rate_wait` hook reads: the same shared hold."""
        clock = FakeClock()
        seen: list[tuple[str, float]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append((request.url.path, clock()))
            if request.url.path.endswith("/limited"):
                return httpx.Response(403, headers={"x-wait": "4"}, json={"message": "secondary rate limit"})
            return httpx.Response(200, json={"ok": True})

        def rate_wait(status: int, headers: Any) -> float | None:
            return float(headers["x-wait"]) if status == 403 and "x-wait" in headers else None

        told: list[str | None] = []
        http, _ = client(
            handler,
            clock=clock,
            sleep=clock.sleep,
            rate_wait=rate_wait,
            retry=RetryPolicy(max_retries=0),
            on_wait=lambda wait: told.append(None if wait is None else str(wait)),
        )
        with pytest.raises(AuthError):  # no `classify` here to call it a rate limit: a 403's error
            http.get_json("api/v2/limited")
        assert http.get_json("api/v2/other") == {"ok": True}
        assert seen == [("/api/v2/limited", 0.0), ("/api/v2/other", 4.0)]
        assert told == ["Zendesk rate limit: waiting 4 s (try 1 of 1)", None]  # said as any wait
        assert http.stats.waited == 4.0

    def test_a_hold_past_a_request_s_deadline_ends_it_sending_nothing_more(self) -> None:
        """Another request's rate limit outlasts what this request's deadline leaves: it is not
        tried again (a try inside the hold would only draw another refusal)."""
        clock = FakeClock()
        seen: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request.url.path)
            if request.url.path.endswith("/busy") and seen.count("/api/v2/busy") == 1:
                http.hold(50.0)  # meanwhile, a request beside it met a 50 s rate limit
                return httpx.Response(503)
            return httpx.Response(200, json={"ok": True})

        policy = RetryPolicy(max_retries=3, backoff=1.0, max_backoff=1.0, deadline=20.0)
        http, _ = client(handler, clock=clock, sleep=clock.sleep, retry=policy)
        with pytest.raises(RateLimitedError) as caught:
            http.get_json("api/v2/busy")
        assert "rate limit is spent until" in caught.value.message and "not tried again" in caught.value.message
        assert seen == ["/api/v2/busy"] and len(clock.sleeps) == 1  # its own back-off, then no second try


class TestRequests:
    def test_retries_then_succeeds_and_counts(self) -> None:
        answers = iter([httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(502, text="bad gateway")])

        def handler(request: httpx.Request) -> httpx.Response:
            return next(answers, httpx.Response(200, json={"ok": True}))

        http, sleep = client(handler)
        assert http.get_json("api/v2/users/me") == {"ok": True}
        assert sleep.calls[0] == 2.0
        assert len(sleep.calls) == 2
        assert http.stats.requests == 3
        assert http.stats.retries == 2

    def test_endless_429_gives_a_clear_error_after_bounded_tries(self) -> None:
        seen: list[int] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(1)
            return httpx.Response(429, headers={"Retry-After": "1"}, text="Too Many Requests")

        http, sleep = client(handler)
        with pytest.raises(RateLimitedError) as caught:
            http.get_json("api/v2/search")
        assert len(seen) == POLICY.max_retries + 1
        assert sleep.total == POLICY.max_retries * 1.0
        assert "still rate limiting" in caught.value.message
        assert caught.value.exit_code == ExitCode.ERROR

    def test_post_is_not_retried_after_a_5xx(self) -> None:
        calls: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request.method)
            return httpx.Response(500, json={"error": "boom"})

        http, _ = client(handler)
        with pytest.raises(ApiError) as caught:
            http.request("POST", "api/v2/group_memberships", json={})
        assert calls == ["POST"]
        assert "may or may not have been made" in (caught.value.hint or "")

    def test_401_is_an_auth_error_with_the_fix(self) -> None:
        http, _ = client(lambda r: httpx.Response(401, json={"error": "Couldn't authenticate you"}))
        with pytest.raises(AuthError) as caught:
            http.get_json("api/v2/users/me")
        assert caught.value.exit_code == ExitCode.AUTH
        assert "Couldn't authenticate you" in caught.value.message
        assert "auth login zendesk" in (caught.value.hint or "")

    def test_404_names_what_was_asked_for(self) -> None:
        http, _ = client(lambda r: httpx.Response(404, json={"error": "RecordNotFound", "description": "Not found"}))
        with pytest.raises(NotFoundError) as caught:
            http.get_json("api/v2/tickets/123", what="ticket 123")
        assert caught.value.one_line() == "ticket 123 not found"

    def test_409_is_a_conflict(self) -> None:
        http, _ = client(lambda r: httpx.Response(409, json={"error": "UpdateConflict", "description": "stale"}))
        with pytest.raises(ConflictError) as caught:
            http.request("PUT", "api/v2/tickets/1", json={}, what="ticket 1")
        assert caught.value.exit_code == ExitCode.CONFLICT

    def test_422_details_are_spelled_out(self) -> None:
        body = {
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": {"status": [{"description": "Status: closed prevents ticket update", "error": "Invalid"}]},
        }
        http, _ = client(lambda r: httpx.Response(422, json=body))
        with pytest.raises(ApiError) as caught:
            http.request("PUT", "api/v2/tickets/1", json={}, what="ticket 1")
        assert "Status: closed prevents ticket update" in caught.value.message

    def test_plain_text_and_html_bodies_are_read(self) -> None:
        http, _ = client(lambda r: httpx.Response(400, text="invalid id", headers={"content-type": "text/plain"}))
        with pytest.raises(ApiError) as caught:
            http.get_json("1/cards/xyz")
        assert "invalid id" in caught.value.message

        page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>x</body></html>"
        http, _ = client(lambda r: httpx.Response(502, text=page, headers={"content-type": "text/html"}))
        with pytest.raises(ApiError) as caught:
            http.get_json("api/v2/groups")
        assert "HTML page titled '502 Bad Gateway'" in caught.value.message
        assert "<html" not in caught.value.message

    def test_html_where_json_was_expected(self) -> None:
        http, _ = client(
            lambda r: httpx.Response(
                200, text="<html><title>Sign in</title></html>", headers={"content-type": "text/html"}
            )
        )
        with pytest.raises(ApiError) as caught:
            http.get_json("api/v2/users/me")
        assert "HTML page titled 'Sign in'" in caught.value.message

    def test_unreachable_host_is_named_with_its_likely_cause(self) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("[Errno 111] Connection refused")

        http, sleep = client(handler)
        with pytest.raises(NetworkError) as caught:
            http.get_json("api/v2/users/me")
        assert caught.value.one_line() == (
            "cannot reach Zendesk at govpress.zendesk.com: connection refused after 2 tries over 0 s "
            "(nothing is listening there: check the URL and port)"
        )
        assert sleep.calls == [0.5], "refused before the host ever answered: one quick retry"

    def test_a_refused_connection_after_the_host_answered_gets_the_usual_retries(self) -> None:
        answers = iter([httpx.Response(200, json={"ok": True})])

        def handler(request: httpx.Request) -> httpx.Response:
            found = next(answers, None)
            if found is None:
                raise httpx.ConnectError("[Errno 111] Connection refused")  # restarting
            return found

        http, sleep = client(handler)
        http.get_json("api/v2/users/me")
        with pytest.raises(NetworkError, match="connection refused"):
            http.get_json("api/v2/users/me")
        assert len(sleep.calls) == POLICY.max_retries

    @pytest.mark.parametrize(
        ("error", "said"),
        [
            (httpx.ConnectError("[Errno -2] Name or service not known"), "host not found"),
            (
                httpx.ConnectError("[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"),
                "TLS handshake failed",
            ),
            (httpx.RemoteProtocolError("illegal status line: bytearray(b'\\x15\\x03')"), "not an HTTP answer"),
        ],
    )
    def test_dns_tls_and_protocol_failures_get_one_quick_retry(self, error: Exception, said: str) -> None:
        calls: list[int] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(1)
            raise error

        http, sleep = client(handler)
        with pytest.raises(NetworkError) as caught:
            http.get_json("api/v2/users/me")
        assert len(calls) == 2 and sleep.calls == [0.5]
        assert caught.value.message.startswith(f"cannot reach Zendesk at govpress.zendesk.com: {said} after 2 tries")
        assert caught.value.hint

    def test_a_dropped_connection_is_still_transient(self) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

        http, sleep = client(handler)
        with pytest.raises(NetworkError, match="connection failed"):
            http.get_json("api/v2/users/me")
        assert len(sleep.calls) == POLICY.max_retries


class TestDeadline:
    """One deadline per request: every attempt and every wait inside it (a fake clock moved by
    the fake sleeps and by each attempt's pretended duration)."""

    def test_retries_stop_at_the_deadline_and_say_what_was_tried(self) -> None:
        clock = FakeClock()
        calls: list[float] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(clock())
            clock.advance(3.0)  # each attempt takes 3 s to fail
            return httpx.Response(503, text="Service Unavailable")

        policy = RetryPolicy(max_retries=10, max_total_wait=1000.0, backoff=2.0, max_backoff=4.0, deadline=20.0)
        http, _ = client(handler, retry=policy, sleep=clock.sleep, clock=clock)
        with pytest.raises(ApiError) as caught:
            http.get_json("api/v2/groups")
        assert clock() <= 20.0
        assert len(calls) < policy.max_retries + 1, "the deadline, not the retry count, ended it"
        assert caught.value.message == (
            f"Zendesk failed with HTTP 503 after {len(calls)} tries over {clock():.0f} s, stopped at the 20 s "
            "deadline: Service Unavailable"
        )

    def test_each_attempt_gets_at_most_what_the_deadline_leaves(self) -> None:
        clock = FakeClock()
        timeouts: list[dict[str, float]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            timeouts.append(request.extensions["timeout"])
            clock.advance(request.extensions["timeout"]["read"])
            raise httpx.ReadTimeout("timed out")

        policy = RetryPolicy(max_retries=6, backoff=0.5, deadline=12.0)
        http, _ = client(handler, retry=policy, sleep=clock.sleep, clock=clock, timeout=5.0, connect_timeout=2.0)
        with pytest.raises(NetworkError) as caught:
            http.get_json("api/v2/groups")
        assert timeouts[0] == {"connect": 2.0, "read": 5.0, "write": 5.0, "pool": 5.0}
        assert timeouts[-1]["read"] < 5.0, "the last attempt was cut to the time left"
        assert clock() <= 12.0
        assert caught.value.message.startswith(
            f"cannot reach Zendesk at govpress.zendesk.com: no answer in time after {len(timeouts)} tries"
        )
        assert caught.value.message.endswith("stopped at the 12 s deadline")

    def test_a_scoped_hold_waits_past_the_deadline_as_its_policy_allows_and_holds_its_scope_only(self) -> None:
        """An export's 429 holds back the next export page (its wait may run past the deadline as
        the refusal's own may), not the requests that count against the general limit."""
        clock = FakeClock()
        seen: list[tuple[str, float]] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append((request.url.path, clock()))
            if len(seen) == 1:
                return httpx.Response(429, headers={"Retry-After": "90"})
            return httpx.Response(200, json={"ok": True})

        policy = RetryPolicy(max_retries=0, max_total_wait=30.0, deadline=60.0)
        http, _ = client(handler, retry=policy, sleep=clock.sleep, clock=clock)
        exports = replace(policy, past_deadline=300.0)
        with pytest.raises(RateLimitedError):  # no retries: given up, and its 90 s hold the exports'
            http.request("GET", "api/v2/incremental/ticket_events", policy=exports, scope="exports")
        assert http.get_json("api/v2/search") == {"ok": True}  # the general limit: not held
        page = http.request("GET", "api/v2/incremental/ticket_events", policy=exports, scope="exports")
        assert page.status_code == 200
        assert seen == [
            ("/api/v2/incremental/ticket_events", 0.0),
            ("/api/v2/search", 0.0),
            ("/api/v2/incremental/ticket_events", 90.0),  # past the 60 s deadline: the policy allows it
        ]
        http.hold(90.0, "exports")
        with pytest.raises(RateLimitedError, match="nothing was sent"):  # the client's own policy: 60 s
            http.request("GET", "api/v2/incremental/ticket_events", scope="exports")
        assert len(seen) == 3

    def test_a_rate_limit_waits_past_the_deadline_only_as_far_as_the_requests_policy_allows(self) -> None:
        """A documented limit whose window is longer than the deadline leaves (Zendesk's incremental
        exports: a minute) may wait beyond it by the policy's `past_deadline`, said as every long
        wait is; a request without it stops at the deadline."""
        clock = FakeClock()
        answers: list[httpx.Response] = []

        def handler(request: httpx.Request) -> httpx.Response:
            answers.append(httpx.Response(429, headers={"Retry-After": "50"}))
            return answers[-1] if len(answers) < 4 else httpx.Response(200, json={"ok": True})

        told: list[str | None] = []
        policy = RetryPolicy(max_retries=6, max_total_wait=30.0, deadline=60.0)
        http, _ = client(
            handler, retry=policy, sleep=clock.sleep, clock=clock, on_wait=lambda w: told.append(w and str(w))
        )
        with pytest.raises(RateLimitedError) as caught:
            http.get_json("api/v2/incremental/ticket_events")
        assert clock.sleeps == [] and len(answers) == 1  # 50 s is past max_total_wait: given up at once
        assert caught.value.exit_code is ExitCode.ERROR

        answers.clear()
        patient = replace(policy, past_deadline=200.0)
        http, _ = client(  # a fresh client: the refusal above holds this one's requests for 50 s
            handler, retry=policy, sleep=clock.sleep, clock=clock, on_wait=lambda w: told.append(w and str(w))
        )
        response = http.request("GET", "api/v2/incremental/ticket_events", policy=patient)
        assert response.status_code == 200 and clock.sleeps == [50.0, 50.0, 50.0]
        assert clock() == 150.0, "well past the 60 s deadline, within the 200 s the limit may add"
        assert told == ["Zendesk rate limit: waiting 50 s (try 2 of 7)", None] + [
            f"Zendesk rate limit: waiting 50 s (try {n} of 7)" if i == 0 else None for n in (3, 4) for i in (0, 1)
        ]

    def test_past_deadline_never_stretches_the_deadline_for_a_server_that_does_not_answer(self) -> None:
        clock = FakeClock()

        def handler(request: httpx.Request) -> httpx.Response:
            clock.advance(request.extensions["timeout"]["read"])
            raise httpx.ReadTimeout("timed out")

        policy = RetryPolicy(max_retries=6, backoff=0.5, deadline=12.0, past_deadline=300.0)
        http, _ = client(handler, retry=policy, sleep=clock.sleep, clock=clock, timeout=5.0)
        with pytest.raises(NetworkError) as caught:
            http.get_json("api/v2/incremental/ticket_events")
        assert clock() <= 12.0 and caught.value.message.endswith("stopped at the 12 s deadline")

    def test_cancel_ends_a_wait_at_once_and_no_try_follows(self) -> None:
        calls: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request.url.path)
            return httpx.Response(429, headers={"Retry-After": "50"})

        http = HttpClient(SERVICE, "https://govpress.zendesk.com", transport=httpx.MockTransport(handler))
        threading.Timer(0.05, http.cancel).start()  # its own wait: 50 s, unless cancelled (the test would hang)
        with pytest.raises(Interrupted) as caught:
            http.get_json("api/v2/incremental/ticket_events")
        assert calls == ["/api/v2/incremental/ticket_events"] and caught.value.exit_code is ExitCode.INTERRUPTED
        with pytest.raises(Interrupted):
            http.get_json("api/v2/groups")
        assert len(calls) == 1, "nothing more is sent once the run is stopped"


class TestLongWaits:
    def test_a_long_wait_is_told_while_it_lasts_and_a_short_one_is_not(self) -> None:
        answers = iter(
            [
                httpx.Response(429, headers={"Retry-After": "1"}),
                httpx.Response(429, headers={"Retry-After": "10"}),
            ]
        )
        told: list[str | None] = []

        def handler(request: httpx.Request) -> httpx.Response:
            return next(answers, httpx.Response(200, json={}))

        http, sleep = client(handler, on_wait=lambda wait: told.append(None if wait is None else str(wait)))
        http.get_json("1/boards/x/cards")
        assert sleep.calls == [1.0, 10.0]
        assert told == ["Zendesk rate limit: waiting 10 s (try 3 of 5)", None]

    def test_a_5xx_wait_names_the_status(self) -> None:
        answers = iter([httpx.Response(503, headers={"Retry-After": "5"})])
        told: list[str | None] = []
        http, _ = client(
            lambda r: next(answers, httpx.Response(200, json={})),
            on_wait=lambda wait: told.append(None if wait is None else str(wait)),
        )
        http.get_json("api/v2/groups")
        assert told == ["Zendesk: HTTP 503: waiting 5 s (try 2 of 5)", None]

    def test_debug_log_never_shows_secrets(self) -> None:
        lines: list[str] = []
        redactor = Redactor()
        redactor.add_basic_auth("me@example.org/token", "s3cret-token-value")
        http = HttpClient(
            SERVICE,
            "https://govpress.zendesk.com",
            auth=httpx.BasicAuth("me@example.org/token", "s3cret-token-value"),
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"echo": r.headers["authorization"]})),
            log=lines.append,
            redactor=redactor,
        )
        http.get_json("api/v2/users/me", {"token": "s3cret-token-value"})
        text = "\n".join(lines)
        assert "GET https://govpress.zendesk.com/api/v2/users/me" in text
        assert "s3cret-token-value" not in text
        encoded = httpx.BasicAuth("me@example.org/token", "s3cret-token-value")._auth_header.split()[1]
        assert encoded not in text


class TestRedactor:
    def test_redacts_registered_and_unregistered_credentials(self) -> None:
        redact = Redactor()
        redact.add("abcdef123456")
        text = redact('key=abcdef123456 Authorization: Bearer zzz oauth_token="tok" ?token=xyz&x=1')
        assert "abcdef123456" not in text
        assert "zzz" not in text
        assert 'oauth_token="***"' in text
        assert "token=***&x=1" in text
