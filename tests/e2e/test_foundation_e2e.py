"""The installed command as a script runs it: errors, exit codes, secrets, Ctrl-C."""

from __future__ import annotations

import base64
import os
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
from tests.e2e.conftest import COMMAND, RunCli, Serve


def test_version_and_help(run_cli: RunCli) -> None:
    assert run_cli(None, "--version").stdout == f"govpress-support {__version__}\n"
    result = run_cli(None, "--help")
    assert result.code == 0
    assert "start-rotation" in result.stdout


def test_auth_status_with_environment_credentials(serve: Serve, run_cli: RunCli) -> None:
    server = serve()
    result = run_cli(server, "auth", "status", "--json")
    assert result.code == 0, result.stderr
    zendesk, trello = result.json()
    assert zendesk["ok"]
    assert "Sam Okafor" in zendesk["who"]
    assert zendesk["source"] == "env ZENDESK_API_TOKEN"
    assert zendesk["token"] == "****oken"  # only the last four characters
    assert trello["ok"]
    assert "@samokafor" in trello["who"]
    assert "sandbox-token" not in result.stdout + result.stderr


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
    assert server.stats()["faults"]["rate_limit"] == 4


def test_ctrl_c_mid_request_exits_130(serve: Serve, tmp_path: Path) -> None:
    server = serve("--latency", "5000")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "TRELLO_", "GOVPRESS_SUPPORT_"))},
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
