"""A dead or slow server, as the user sees it: one line naming the host and the likely cause,
exit 1, in seconds; long waits said on stderr while they last."""

from __future__ import annotations

import http.server
import io
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from govpress_support.cli.output import Output
from govpress_support.sandbox.faults import Faults
from govpress_support.services import http as http_layer
from tests.cli.conftest import Invoke

CREDENTIALS = {"ZENDESK_EMAIL": "sam.okafor@govpress.example", "ZENDESK_API_TOKEN": "not-a-real-token"}


class Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def plain_http_port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_tls_to_a_plain_http_port_is_one_line_naming_the_host_and_cause(cli: Invoke, plain_http_port: int) -> None:
    result = cli("queue", env={**CREDENTIALS, "ZENDESK_URL": f"https://127.0.0.1:{plain_http_port}"})
    assert result.code == 1
    assert result.stderr.startswith(
        f"error: cannot reach Zendesk at 127.0.0.1:{plain_http_port}: TLS handshake failed after 2 tries"
    )
    assert result.stderr.endswith("(the port may speak plain HTTP, or a proxy intercepts TLS: check the URL)\n")
    assert len(result.stderr.splitlines()) == 1


def test_a_closed_local_port_points_to_sandbox_serve(cli: Invoke) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli("queue", env={**CREDENTIALS, "ZENDESK_URL": f"http://127.0.0.1:{port}"})
    assert result.code == 1
    assert re.fullmatch(
        rf"error: cannot reach Zendesk at 127\.0\.0\.1:{port}: connection refused after 2 tries over [0-9]+ s "
        r"\(is `govpress-support sandbox serve` \(or your tunnel\) running on that port\?\)\n",
        result.stderr,
    ), result.stderr


def test_a_rate_limit_wait_is_one_line_on_stderr_when_piped(
    cli: Invoke, monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    from govpress_support import sandbox

    opened = sandbox.open_app
    monkeypatch.setattr(
        sandbox,
        "open_app",
        lambda state_dir: opened(state_dir, Faults(rate_limit_share=0.5, retry_after=0.01, seed=3)),
    )
    monkeypatch.setattr(http_layer, "LONG_WAIT", 0.0)  # every wait counts as long: no real sleeping
    result = cli("--sandbox", "queue")
    assert result.code == 0
    said = [line for line in result.stderr.splitlines() if "rate limit: waiting" in line]
    assert said, result.stderr
    assert said[0].startswith(("Zendesk rate limit: waiting 0 s (try 2 of 7)", "Trello rate limit: waiting"))


def test_on_a_terminal_a_wait_is_the_spinners_text_not_a_line() -> None:
    err = io.StringIO()
    out = Output(io.StringIO(), err, io.StringIO(), environ={"GOVPRESS_SUPPORT_FORCE_TTY": "1", "NO_COLOR": "1"})
    with out.status("reading the weekly tasks…"):
        out.waiting("Trello rate limit: waiting 10 s (try 2 of 7)")
    shown = err.getvalue()
    assert "reading the weekly tasks… · Trello rate limit: waiting 10 s (try 2 of 7)" in shown
    assert "\nTrello rate limit" not in shown  # not a line of its own

    out.waiting("Zendesk: HTTP 503: waiting 4 s (try 3 of 7)")  # no spinner: one line
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err.getvalue())
    assert plain.splitlines()[-1].strip("\r") == "Zendesk: HTTP 503: waiting 4 s (try 3 of 7)"
