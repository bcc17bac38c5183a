"""The HTTP layer against real sockets on 127.0.0.1 that fail as dead servers do: one that
accepts and never answers, a closed port, a plain-HTTP port spoken to in TLS, one that answers an
HTML 500. Short configured deadlines keep it quick; the assertions are on the attempts made and
the message, never on timings (each test is only bounded, generously, so a hang fails)."""

from __future__ import annotations

import http.server
import random
import re
import socket
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from govpress_support.core.errors import ApiError, GovPressError, NetworkError
from govpress_support.services.http import HttpClient, RetryPolicy, ServiceInfo
from tests.support import FakeSleep

T = TypeVar("T")
SERVICE = ServiceInfo("Zendesk", "run `govpress-support auth login zendesk`")
BOUND = 60.0  # seconds: a hung request fails the test instead of hanging the suite


def bounded(call: Callable[[], T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result(timeout=BOUND)


def failure(call: Callable[[], Any]) -> GovPressError:
    def attempt() -> GovPressError:
        try:
            call()
        except GovPressError as error:
            return error
        raise AssertionError("the request did not fail")

    return bounded(attempt)


class Listener:
    """A TCP socket on a free loopback port that counts the connections it accepts and keeps
    them open without a word."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.socket.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent() -> Iterator[Listener]:
    listener = Listener()
    yield listener
    listener.close()


class Html500(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.hits += 1  # type: ignore[attr-defined]
        body = b"<!DOCTYPE html><html><head><title>Internal Server Error</title></head><body>oops</body></html>"
        self.send_response(500)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def html500() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Html500)
    server.hits = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def client(url: str, policy: RetryPolicy, **kwargs: Any) -> HttpClient:
    return HttpClient(SERVICE, url, retry=policy, rng=random.Random(1), **kwargs)


def test_a_server_that_accepts_and_never_answers_fails_at_the_deadline(silent: Listener) -> None:
    policy = RetryPolicy(max_retries=6, backoff=0.05, deadline=2.0)
    http = client(f"http://127.0.0.1:{silent.port}", policy, timeout=0.6, connect_timeout=0.6)
    error = failure(lambda: http.get_json("api/v2/users/me"))
    assert isinstance(error, NetworkError)
    tries = len(silent.accepted)
    assert 2 <= tries <= policy.max_retries, "retried, and stopped by the deadline before the retry count"
    assert re.fullmatch(
        rf"cannot reach Zendesk at 127\.0\.0\.1:{silent.port}: no answer in time after {tries} tries over "
        r"[0-9]+ s, stopped at the 2 s deadline",
        error.message,
    ), error.message
    assert error.hint == "check your network and try again"


def test_a_closed_port_fails_after_one_quick_retry() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    sleep = FakeSleep()
    http = client(f"http://127.0.0.1:{port}", RetryPolicy(max_retries=6, deadline=60.0), sleep=sleep)
    error = failure(lambda: http.get_json("api/v2/users/me"))
    assert isinstance(error, NetworkError)
    assert sleep.calls == [0.5], "two attempts, one short wait"
    assert error.message.startswith(f"cannot reach Zendesk at 127.0.0.1:{port}: connection refused after 2 tries")
    assert error.hint == "nothing is listening there: check the URL and port"


def test_tls_spoken_to_a_plain_http_port_fails_after_one_quick_retry(
    html500: http.server.ThreadingHTTPServer,
) -> None:
    port = html500.server_address[1]
    sleep = FakeSleep()
    http = client(f"https://127.0.0.1:{port}", RetryPolicy(max_retries=6, deadline=60.0), sleep=sleep)
    error = failure(lambda: http.get_json("api/v2/users/me"))
    assert isinstance(error, NetworkError)
    assert sleep.calls == [0.5]
    assert error.message.startswith(f"cannot reach Zendesk at 127.0.0.1:{port}: TLS handshake failed after 2 tries")
    assert error.hint is not None and "plain HTTP" in error.hint
    assert html500.hits == 0  # type: ignore[attr-defined]  # no request ever got through


def test_an_html_500_is_retried_then_said_with_the_pages_title(html500: http.server.ThreadingHTTPServer) -> None:
    port = html500.server_address[1]
    policy = RetryPolicy(max_retries=3, backoff=0.01, deadline=60.0)
    http = client(f"http://127.0.0.1:{port}", policy, sleep=FakeSleep())
    error = failure(lambda: http.get_json("api/v2/groups"))
    assert isinstance(error, ApiError)
    assert html500.hits == policy.max_retries + 1  # type: ignore[attr-defined]
    assert error.message.startswith("Zendesk failed with HTTP 500 after 4 tries over ")
    assert error.message.endswith(": an HTML page titled 'Internal Server Error' instead of an API answer")
    assert error.hint == "try again in a moment"
