"""The installed command as a script runs it: errors, exit codes, secrets, Ctrl-C."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from govpress_support import __version__
from tests.e2e.conftest import COMMAND, FILTERED, MakeProxy, RunCli, Serve
from tests.e2e.proxy import Seen


def test_version_and_help(run_cli: RunCli) -> None:
    assert run_cli(None, "--version").stdout == f"govpress-support {__version__}\n"
    result = run_cli(None, "--help")
    assert result.code == 0
    assert "start-rotation" in result.stdout


def test_auth_status_with_environment_credentials(serve: Serve, run_cli: RunCli) -> None:
    server = serve()
    result = run_cli(server, "auth", "status", "--json")
    assert result.code == 0, result.stderr
    zendesk, trello, github, slack = result.json()
    assert zendesk["ok"]
    assert "Sam Okafor" in zendesk["who"]
    assert zendesk["source"] == "env ZENDESK_API_TOKEN"
    assert zendesk["token"] == "****oken"  # only the last four characters
    assert trello["ok"]
    assert "@samokafor" in trello["who"]
    assert (github["ok"], github["who"], github["source"]) == (True, "@sam-okafor (Sam Okafor)", "env GITHUB_TOKEN")
    assert (slack["ok"], slack["source"]) == (True, "env SLACK_WEBHOOK_URL")
    secret = server.env["SLACK_WEBHOOK_URL"].rsplit("/", 1)[-1]
    assert server.control("GET", "slack")["posts"] == []  # checked, not posted to
    for shown in ("sandbox-token", "sandbox-github-token", secret):
        assert shown not in result.stdout + result.stderr


def test_wrong_credentials_exit_4_with_the_fix(serve: Serve, run_cli: RunCli) -> None:
    server = serve()
    result = run_cli(server, "queue", env={"ZENDESK_API_TOKEN": "wrong-token-123456"})
    assert result.code == 4
    assert result.stderr.strip() == (
        "error: Zendesk rejected the credentials (401: Couldn't authenticate you) "
        "(run `govpress-support auth login zendesk`, or set ZENDESK_EMAIL and ZENDESK_API_TOKEN)"
    )
    status = run_cli(server, "auth", "status", env={"TRELLO_TOKEN": "wrong-trello-token"})
    assert status.code == 4
    assert "✗ Trello: Trello rejected the credentials (401: invalid token)" in status.stdout
    assert "wrong-trello-token" not in status.stdout + status.stderr


def test_login_without_a_keyring_names_the_environment(serve: Serve, run_cli: RunCli) -> None:
    server = serve()
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "ZENDESK_URL": server.url}
    no_secrets = {k: v for k, v in server.env.items() if k in ("ZENDESK_URL",)}
    server.env = no_secrets
    result = run_cli(
        server,
        "auth",
        "login",
        "zendesk",
        "--with-token",
        "--email",
        "sam.okafor@govpress.example",
        input="sandbox-token\n",
        env=env,
    )
    assert result.code == 4
    assert "cannot use the keyring: no usable keyring backend is installed" in result.stderr
    assert "set ZENDESK_EMAIL and ZENDESK_API_TOKEN in the environment instead" in result.stderr


def test_login_with_a_rejected_token_stores_nothing(serve: Serve, run_cli: RunCli) -> None:
    server = serve()
    server.env = {"ZENDESK_URL": server.url}
    result = run_cli(
        server,
        "auth",
        "login",
        "zendesk",
        "--with-token",
        "--email",
        "sam.okafor@govpress.example",
        input="not-the-token\n",
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.code == 4
    assert "Zendesk rejected the credentials" in result.stderr


def test_debug_log_redacts_every_secret(serve: Serve, run_cli: RunCli) -> None:
    server = serve()
    token = "zz-secret-zendesk-token-zz"
    trello = "tt-secret-trello-token-tt"
    env = {"ZENDESK_API_TOKEN": token, "TRELLO_TOKEN": trello}
    result = run_cli(server, "--debug", "queue", "--limit", "1", env=env)
    assert result.code == 4  # the sandbox refuses these tokens, after they were sent
    assert "> GET http://127.0.0.1" in result.stderr
    basic = base64.b64encode(f"sam.okafor@govpress.example/token:{token}".encode()).decode()
    for secret in (token, basic, trello):
        assert secret not in result.stderr
        assert secret not in result.stdout


def _echo_credentials(seen: Seen) -> tuple[int, str, bytes] | None:
    """A gateway that refuses every API request and quotes the credentials it saw: the Basic
    value, what it decodes to, and Trello's key and token, each bare (no header names around them
    for a pattern to catch)."""
    auth = seen.headers.get("Authorization", "")
    echoed: list[str] = []
    if auth.startswith("Basic "):
        value = auth.removeprefix("Basic ")
        echoed += [value, base64.b64decode(value).decode()]
    echoed += re.findall(r'oauth_(?:consumer_key|token)="([^"]*)"', auth)
    if not echoed:
        return None
    body = json.dumps({"error": "BadGateway", "description": "upstream refused " + " ".join(echoed)})
    return 502, "application/json", body.encode()


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
def test_an_error_body_that_echoes_the_credentials_never_prints_them(
    serve: Serve, run_cli: RunCli, proxy: MakeProxy, debug: bool
) -> None:
    server = serve()
    gateway = proxy(server, _echo_credentials)
    token, key, trello = "zz-secret-zendesk-token-zz", "kk-secret-trello-key-kk", "tt-secret-trello-token-tt"
    env = {**gateway.environment(server.env), "ZENDESK_API_TOKEN": token, "TRELLO_API_KEY": key, "TRELLO_TOKEN": trello}
    basic = base64.b64encode(f"sam.okafor@govpress.example/token:{token}".encode()).decode()
    flags = ["--debug"] if debug else []
    zendesk = run_cli(None, *flags, "queue", env=env, max_retries=0)
    board = run_cli(None, *flags, "weekly-tasks", env=env, max_retries=0)
    assert gateway.answered, "the gateway never echoed anything"
    assert zendesk.code == 1 and "error: Zendesk failed with HTTP 502: upstream refused ***" in zendesk.stderr
    assert board.code == 1 and "error: Trello failed with HTTP 502: upstream refused ***" in board.stderr
    for result in (zendesk, board):
        for secret in (token, basic, key, trello):
            assert secret not in result.stdout + result.stderr


def test_an_error_body_with_escape_sequences_is_shown_not_obeyed(
    serve: Serve, run_cli: RunCli, proxy: MakeProxy
) -> None:
    hostile = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e gateway down"
    body = json.dumps({"error": "BadGateway", "description": hostile}).encode()
    server = serve()
    gateway = proxy(server, lambda seen: (502, "application/json", body))
    result = run_cli(None, "queue", env=gateway.environment(server.env), max_retries=0)
    assert result.code == 1
    line = result.stderr.strip().splitlines()[-1]
    shown = "␛]0;pwned␇␛[2J\ufffd31m\ufffd gateway down"
    assert line == f"error: Zendesk failed with HTTP 502: {shown} (try again in a moment)"


def test_unreachable_host_exit_1_names_the_host(run_cli: RunCli) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        "ZENDESK_URL": f"http://127.0.0.1:{port}",
        "ZENDESK_EMAIL": "a@b.example",
        "ZENDESK_API_TOKEN": "t0ken-123456",
    }
    result = run_cli(None, "queue", env=env, max_retries=1)  # one retry shows a refusal is retried
    assert result.code == 1
    assert f"cannot reach Zendesk at 127.0.0.1:{port}: connection refused after 2 tries" in result.stderr
    assert "sandbox serve" in result.stderr
    assert "Traceback" not in result.stderr


class _HtmlHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!DOCTYPE html><html><head><title>Corporate proxy login</title></head><body>sign in</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def html_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_server_answering_html(html_server: str, run_cli: RunCli) -> None:
    env = {"ZENDESK_URL": html_server, "ZENDESK_EMAIL": "a@b.example", "ZENDESK_API_TOKEN": "t0ken-123456"}
    result = run_cli(None, "queue", env=env)
    assert result.code == 1
    assert "Zendesk answered an HTML page titled 'Corporate proxy login'" in result.stderr
    assert "<html" not in result.stderr


def test_a_429_that_never_ends(serve: Serve, run_cli: RunCli, tmp_path: Path) -> None:
    server = serve("--rate-limit-share", "1.0", "--retry-after", "0")
    config = tmp_path / "short.toml"
    config.write_text("[http]\nmax_retries = 3\nbackoff = 0.01\n")
    result = run_cli(server, "queue", env={"GOVPRESS_SUPPORT_CONFIG": str(config)})
    assert result.code == 1
    assert "Zendesk is still rate limiting after 4 tries over " in result.stderr
    assert "wait a minute and try again" in result.stderr
    stats = server.stats()
    assert stats["requests"]["GET /api/v2/search"] == 4  # one try and three retries, then it gave up
    # The queue's other reads went side by side: none was tried past its retries either.
    assert all(n <= 4 for n in stats["requests"].values()), stats["requests"]
    assert stats["faults"]["rate_limit"] == stats["total"]


def test_ctrl_c_mid_request_exits_130(serve: Serve, tmp_path: Path) -> None:
    server = serve("--latency", "5000")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(FILTERED)},
        **server.env,
        "GOVPRESS_SUPPORT_STATE_DIR": str(tmp_path / "cli"),
    }
    process = subprocess.Popen(
        [str(COMMAND), "queue"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(1.5)  # well inside the first request
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "error: interrupted"  # queue has no --resume: no hint of one
    assert out == ""
    assert "Traceback" not in err


def test_one_person_per_run_against_a_served_sandbox(serve: Serve, run_cli: RunCli) -> None:
    """The environment `sandbox serve` prints is Sam's; with ZENDESK_EMAIL set to Tom, Trello and
    "you" on the rota are Tom too, as with --sandbox."""
    server = serve()
    as_tom = {"ZENDESK_EMAIL": "tom.hughes@govpress.example"}
    doctor = run_cli(server, "doctor", "--json", env=as_tom)
    checks = {c["name"]: c for c in doctor.json()}
    assert checks["Zendesk login"]["detail"].startswith("Tom Hughes <tom.hughes@govpress.example>")
    assert (checks["Trello login"]["ok"], checks["Trello login"]["detail"]) == (True, "Tom Hughes (@tomhughes)")

    start = run_cli(server, "start-rotation", "--dry-run", "--json", env=as_tom)
    data = start.json()
    assert data["me"]["email"] == "tom.hughes@govpress.example"
    assert data["previous"] == {"name": "Sam Okafor", "email": "sam.okafor@govpress.example", "source": "rota"}
    [copy] = [p["description"] for p in data["planned"] if p["kind"] == "copy_template"]
    assert "as 'Add Tom Hughes to the support rota', assigned to you" in copy
