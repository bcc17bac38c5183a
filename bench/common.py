"""Shared by the benchmarks: a served sandbox in a subprocess, and measured command runs.

Every figure is taken in the same run as its baseline, against the same server, so the ratios
hold on a noisy machine even when the absolute times do not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOOL = Path(sys.executable).parent / "govpress-support"

# Runs a command and reports its wall time and peak memory (the child's max RSS).
_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
elapsed = time.perf_counter() - started
sys.stderr.write(done.stderr)
print(done.returncode, elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(done.stdout, end="")
"""


@dataclass
class Measured:
    code: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str = ""


def measure(argv: Sequence[str], env: dict[str, str], *, check: bool = True) -> Measured:
    done = subprocess.run([sys.executable, "-c", _MEASURE, *argv], env=env, capture_output=True, text=True, check=False)
    first, _, rest = done.stdout.partition("\n")
    code, seconds, rss_kb = first.split()
    if check and int(code) != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {code}: {done.stderr[-2000:]}")
    return Measured(int(code), float(seconds), int(rss_kb) / 1024, rest, done.stderr)


@dataclass
class Server:
    url: str
    env: dict[str, str]

    def control(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/_sandbox/{path}", data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback only
            raw = response.read()
        return json.loads(raw) if raw else None

    def requests(self) -> int:
        return int(self.control("GET", "stats")["total"])

    def reset_stats(self) -> None:
        self.control("POST", "stats/reset")

    def stats(self) -> dict[str, Any]:
        data = self.control("GET", "stats")
        assert isinstance(data, dict)
        return data


def base_env(state: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZENDESK_", "TRELLO_", "ROTA_", "GOVPRESS_SUPPORT_", "GITHUB_", "GH_", "SLACK_"))
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # installed tools run from bytecode; so do we
    env["GOVPRESS_SUPPORT_STATE_DIR"] = str(state)
    env["GOVPRESS_SUPPORT_CONFIG"] = str(empty_config(state))
    return env


def empty_config(state: Path) -> Path:
    """An empty config file in `state` (a named config file must exist): every setting its default."""
    state.mkdir(parents=True, exist_ok=True)
    path = state / "none.toml"
    path.touch()
    return path


@contextmanager
def served(*options: str, bulk: int = 0, rate_limits: bool = False) -> Iterator[Server]:
    """`sandbox serve --port 0` in a subprocess, reseeded with `bulk` extra 2nd line tickets.

    The sandbox's real rate limits are off unless a benchmark measures them on purpose."""
    from govpress_support import sandbox

    with tempfile.TemporaryDirectory() as tmp:
        env = base_env(Path(tmp))
        subprocess.run(
            [str(TOOL), "sandbox", "reset", "--yes", "--bulk", str(bulk)], env=env, check=True, capture_output=True
        )
        process = subprocess.Popen(
            [str(TOOL), "sandbox", "serve", "--port", "0", *options],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            if not url.startswith("http://127.0.0.1:"):
                raise RuntimeError(f"sandbox serve did not start: {url!r}")
            server = Server(url, sandbox.environment(url))
            server.control("PUT", "settings", {"rate_limits": rate_limits})
            yield server
        finally:
            process.terminate()
            process.wait(timeout=10)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---:" if i else "---" for i in range(len(headers))) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
