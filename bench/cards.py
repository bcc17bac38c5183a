"""Cost of `card create --missing` over a large 2nd line queue, against `queue` in the same run.

    python bench/cards.py [--bulk 200] [--latency 10]

Serves the sandbox over loopback (`sandbox serve`, reseeded with --bulk extra 2nd line tickets,
each request delayed by --latency ms), then times, as a script would run them: `queue --json`
(the baseline: one search page per 100 tickets and one board read), `card create --missing
--dry-run`, the real `card create --missing --join --yes`, and the re-run that finds nothing to
do. Requests come from the sandbox's own counters, 429s from its (real) rate limits: Trello
allows 100 requests per 10 s per token, so a few hundred card POSTs must wait for the window.
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

# Installed tools run from bytecode (pip compiles it at install), so the commands measured here do
# too; this machine's PYTHONDONTWRITEBYTECODE would make every run compile every module again.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def command_path() -> str:
    candidate = Path(sys.executable).parent / "govpress-support"
    if not candidate.exists():
        sys.exit(f"{candidate} not found: install the project in this environment first (pip install -e .)")
    return str(candidate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bulk", type=int, default=200, help="extra 2nd line tickets (all without a card)")
    parser.add_argument("--latency", type=int, default=10, help="added latency per request, ms")
    args = parser.parse_args()
    tool = command_path()

    from govpress_support import sandbox

    with tempfile.TemporaryDirectory() as tmp:
        server_env = {
            **os.environ,
            "GOVPRESS_SUPPORT_STATE_DIR": str(Path(tmp) / "server"),
            "GOVPRESS_SUPPORT_CONFIG": str(Path(tmp) / "none.toml"),
        }
        subprocess.run([tool, "sandbox", "reset", "--yes", "--bulk", str(args.bulk)], env=server_env, check=True)
        server = subprocess.Popen(
            [tool, "sandbox", "serve", "--port", "0", "--latency", str(args.latency)],
            env=server_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert server.stdout is not None
            base = server.stdout.readline().strip()
            cli_env = {
                **{k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "TRELLO_", "GOVPRESS_"))},
                "GOVPRESS_SUPPORT_STATE_DIR": str(Path(tmp) / "cli"),
                "GOVPRESS_SUPPORT_CONFIG": str(Path(tmp) / "none.toml"),
                **sandbox.environment(base),
            }
            rows: list[tuple[str, float, int, int, Any]] = []
            cases = [
                ("queue --json", ["queue", "--json"]),
                ("card create --missing --dry-run", ["card", "create", "--missing", "--dry-run", "--json"]),
                ("card create --missing --join --yes", ["card", "create", "--missing", "--join", "--yes", "--json"]),
                ("card create --missing --yes (again)", ["card", "create", "--missing", "--yes", "--json"]),
            ]
            for name, argv in cases:
                httpx.post(f"{base}/_sandbox/stats/reset", timeout=30).raise_for_status()
                started = time.perf_counter()
                done = subprocess.run([tool, *argv], env=cli_env, capture_output=True, text=True, check=True)
                seconds = time.perf_counter() - started
                stats = httpx.get(f"{base}/_sandbox/stats", timeout=30).json()
                limited = sum(stats["rate_limited"].values())
                rows.append((name, seconds, stats["total"], limited, json.loads(done.stdout)))
        finally:
            server.terminate()
            server.wait(timeout=10)

    queue_rows = rows[0][4]
    missing = sum(1 for r in queue_rows if r["trello_card"] == "missing")
    created = sum(1 for r in rows[2][4] if r["action"] == "created")
    baseline = rows[0][1]
    print(
        f"`card create --missing` over loopback: {len(queue_rows)} tickets in 2nd line, {missing} without a card, "
        f"{args.latency} ms added per request (Python {sys.version.split()[0]}, {os.cpu_count()} cores)\n"
    )
    print("| run | wall time | × `queue` | requests | of which 429 | result |")
    print("|---|---:|---:|---:|---:|---|")
    for name, seconds, requests, limited, data in rows:
        result = f"{len(data)} rows" if name.startswith("queue") else f"{len(data)} tickets listed"
        if "--join --yes" in name:
            result = f"{created} cards made, {(requests - rows[1][2]) / max(created, 1):.1f} extra requests per card"
        print(f"| `{name}` | {seconds:.2f} s | {seconds / baseline:.1f}× | {requests} | {limited} | {result} |")


if __name__ == "__main__":
    main()
