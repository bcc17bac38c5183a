"""End-to-end: the installed `govpress-support` as a subprocess against `sandbox serve` on a
free loopback port, as a shell script would run it. The real socket, httpx transport and
retries all run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.proxy import Proxy, Rule
from tests.support import fake_gh

COMMAND = Path(sys.executable).parent / "govpress-support"
# The machine's own credentials and settings never reach a test run: a developer's real tokens
# and webhook stay out (the server's sandbox values are put in instead).
FILTERED = ("ZENDESK_", "TRELLO_", "ROTA_", "GOVPRESS_SUPPORT_", "GITHUB_", "GH_", "SLACK_")

# Short waits so fault tests stay fast; the defaults stay as real as the API. Ten retries are
# headroom for the fault tests (they use up to three); a test that needs fewer passes
# `max_retries` (a refused connection is retried too, and ten doubling waits cost seconds).
FAST_RETRIES = """\
[http]
backoff = 0.01
max_retries = {max_retries}
max_retry_wait = 20.0
timeout = 10.0
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    env: dict[str, str] = field(default_factory=dict)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(method, f"{self.url}/_sandbox/{path}", json=body, timeout=60)
        response.raise_for_status()
        return response.json() if response.content else None

    def stats(self) -> dict[str, Any]:
        data = self.control("GET", "stats")
        assert isinstance(data, dict)
        return data

    def reset_stats(self) -> None:
        self.control("POST", "stats/reset")

    def faults(self, **values: Any) -> None:
        self.control("PUT", "faults", values)

    def api(self) -> httpx.Client:
        """A plain client on the served Zendesk API as the default agent, to check results."""
        return httpx.Client(
            base_url=self.url,
            auth=(f"{self.env['ZENDESK_EMAIL']}/token", self.env["ZENDESK_API_TOKEN"]),
            timeout=30,
        )


Serve = Callable[..., Server]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """Start `sandbox serve --port 0` with the given options; stopped after the test."""
    started: list[Server] = []

    def start(*options: str, bulk: int = 0) -> Server:
        if not COMMAND.exists():
            pytest.fail(f"{COMMAND} is not installed: run `pip install -e .` in this environment")
        state = tmp_path / f"server-{len(started)}"
        env = {
            **os.environ,
            "GOVPRESS_SUPPORT_STATE_DIR": str(state),
            "GOVPRESS_SUPPORT_CONFIG": str(tmp_path / "none.toml"),
        }
        if bulk:
            subprocess.run(
                [str(COMMAND), "sandbox", "reset", "--yes", "--bulk", str(bulk)],
                env=env,
                check=True,
                capture_output=True,
            )
        process = subprocess.Popen(
            [str(COMMAND), "sandbox", "serve", "--port", "0", *options],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("http://127.0.0.1:"):
            process.kill()
            _, err = process.communicate(timeout=10)
            pytest.fail(f"sandbox serve did not start: {line!r} {err}")
        from govpress_support import sandbox

        server = Server(url=line, process=process, env=dict(sandbox.environment(line)))
        started.append(server)
        return server

    yield start
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


RunCli = Callable[..., Run]


@pytest.fixture
def run_cli(tmp_path: Path) -> RunCli:
    """Run the installed command against a server, with fast retries and its own state dir."""
    (tmp_path / "cli-config.toml").write_text(FAST_RETRIES.format(max_retries=10))

    def run(
        server: Server | None,
        *args: str,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 120,
        max_retries: int | None = None,
    ) -> Run:
        full = cli_environment(tmp_path, server, env, max_retries=max_retries)
        done = subprocess.run(
            [str(COMMAND), *args], env=full, input=input, capture_output=True, text=True, timeout=timeout
        )
        assert "unexpected failure" not in done.stderr, done.stderr  # only a bug gets there
        return Run(done.returncode, done.stdout, done.stderr)

    return run


def cli_environment(
    tmp_path: Path, server: Server | None, env: Mapping[str, str] | None = None, *, max_retries: int | None = None
) -> dict[str, str]:
    """The environment `run_cli` and `start_cli` run the command in: this test's CLI state dir and
    config (fast retries), the server's URLs and credentials, then `env`."""
    settings = tmp_path / "cli-config.toml"
    if max_retries is not None:
        settings = tmp_path / f"cli-config-{max_retries}.toml"
    if not settings.exists():
        settings.write_text(FAST_RETRIES.format(max_retries=10 if max_retries is None else max_retries))
    base = {k: v for k, v in os.environ.items() if not k.startswith(FILTERED)}
    return {
        **base,
        # the developer's real gh is never run: a stand-in first on PATH (tests/support.py)
        "PATH": f"{fake_gh(tmp_path / 'fake-bin')}{os.pathsep}{os.environ.get('PATH', '')}",
        "GOVPRESS_SUPPORT_STATE_DIR": str(tmp_path / "cli-state"),
        "GOVPRESS_SUPPORT_CONFIG": str(settings),
        **(server.env if server else {}),
        **(env or {}),
    }


StartCli = Callable[..., "subprocess.Popen[str]"]


@pytest.fixture
def start_cli(tmp_path: Path) -> Iterator[StartCli]:
    """Start the installed command in the background, as `run_cli` would run it (same state dir
    and config): `start_cli(server, *args)`, its stderr a pipe to read as it goes. Killed after the
    test if still running."""
    started: list[subprocess.Popen[str]] = []

    def start(server: Server | None, *args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [str(COMMAND), *args],
            env=cli_environment(tmp_path, server, env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def kill_when(
    server: Server, tmp_path: Path, args: list[str], wanted: str, env: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Run the command as `run_cli` would, SIGKILL it as soon as its handover journal holds a line
    containing `wanted`, and return the journal's records (the run must not have finished)."""
    journal_dir = tmp_path / "cli-state" / "handover"
    process = subprocess.Popen(
        [str(COMMAND), *args],
        env=cli_environment(tmp_path, server, env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if any(wanted in j.read_text() for j in journal_dir.glob("*.jsonl")):
                break
            time.sleep(0.002)
        assert process.poll() is None, "the handover finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=10)
    [journal] = journal_dir.glob("*.jsonl")
    return [json.loads(line) for line in journal.read_text().splitlines() if line.strip()]


MakeProxy = Callable[[Server, Rule], Proxy]


@pytest.fixture
def proxy() -> Iterator[MakeProxy]:
    """A proxy in front of a served sandbox: `proxy(server, rule)` (tests/e2e/proxy.py); stopped
    after the test. Point the CLI at it with `env=made.environment(server.env)`."""
    made: list[Proxy] = []

    def start(server: Server, rule: Rule) -> Proxy:
        made.append(Proxy(server.url, rule).start())
        return made[-1]

    yield start
    for item in made:
        item.stop()
