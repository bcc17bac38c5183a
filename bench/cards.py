"""Cost of `card create --missing` over a large 2nd line queue, against `queue` in the same run.

    python bench/cards.py [--bulk 200] [--latency 10] [--search-lag 3600] [--cli PATH]

Serves the sandbox over loopback (`sandbox serve`, reseeded with --bulk extra 2nd line tickets,
each request delayed by --latency ms), then times, as a script would run them: `queue --json`
(the baseline: one search page per 100 tickets and one board read), `card create --missing
--dry-run`, the real `card create --missing --join --yes`, and the re-run that finds nothing to
do. Requests come from the sandbox's own counters, 429s from its (real) rate limits: Trello
allows 100 requests per 10 s per token, so a few hundred card POSTs must wait for the window.
With --search-lag the sandbox's search index lags writes by that many seconds (its
`search_lag` setting), as Zendesk's does: the re-run then sees the tickets it just linked as
unlinked in the search. Aim: that re-run makes at most ceil(N/100) + 6 Zendesk requests.
--cli runs another installed govpress-support (the code before a change) against this one's
sandbox. Prints a Markdown table.
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

from common import TOOL, base_env, served

# Installed tools run from bytecode (pip compiles it at install), so the commands measured here do
# too; this machine's PYTHONDONTWRITEBYTECODE would make every run compile every module again.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bulk", type=int, default=200, help="extra 2nd line tickets (all without a card)")
    parser.add_argument("--latency", type=int, default=10, help="added latency per request, ms")
    parser.add_argument("--search-lag", type=int, default=0, help="seconds the search index lags writes")
    parser.add_argument("--cli", default=str(TOOL), help="the govpress-support to measure")
    args = parser.parse_args()
    tool = args.cli

    # Trello's real rate limit stays on: it is what sets the time of a big run.
    with (
        served("--latency", str(args.latency), bulk=args.bulk, rate_limits=True) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        cli_env = {**base_env(Path(tmp)), **server.env}
        if args.search_lag:
            server.control("PUT", "settings", {"search_lag": args.search_lag})
        rows: list[tuple[str, float, int, int, int, Any]] = []
        cases = [
            ("queue --json", ["queue", "--json"]),
            ("card create --missing --dry-run", ["card", "create", "--missing", "--dry-run", "--json"]),
            ("card create --missing --join --yes", ["card", "create", "--missing", "--join", "--yes", "--json"]),
            ("card create --missing --yes (again)", ["card", "create", "--missing", "--yes", "--json"]),
        ]
        for name, argv in cases:
            server.reset_stats()
            started = time.perf_counter()
            done = subprocess.run([tool, *argv], env=cli_env, capture_output=True, text=True, check=True)
            seconds = time.perf_counter() - started
            stats = server.stats()
            zendesk = sum(n for key, n in stats["requests"].items() if "/api/v2/" in key)
            limited = sum(stats["rate_limited"].values())
            rows.append((name, seconds, stats["total"], zendesk, limited, json.loads(done.stdout)))

    queue_rows = rows[0][5]
    missing = sum(1 for r in queue_rows if r["trello_card"] == "missing")
    created = sum(1 for r in rows[2][5] if r["action"] == "created")
    baseline = rows[0][1]
    print(
        f"`card create --missing` over loopback: {len(queue_rows)} tickets in 2nd line, {missing} without a card, "
        f"{args.latency} ms added per request, search index lag {args.search_lag} s "
        f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores)\n"
    )
    print("| run | wall time | × `queue` | requests | of which Zendesk | of which 429 | result |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, seconds, requests, zendesk, limited, data in rows:
        result = f"{len(data)} rows" if name.startswith("queue") else f"{len(data)} tickets listed"
        if "--join --yes" in name:
            result = f"{created} cards made, {(requests - rows[1][2]) / max(created, 1):.1f} extra requests per card"
        if name.endswith("(again)"):
            result += f"; Zendesk budget ceil({len(queue_rows)}/100) + 6 = {-(-len(queue_rows) // 100) + 6}"
        ratio = seconds / baseline
        print(f"| `{name}` | {seconds:.2f} s | {ratio:.1f}× | {requests} | {zendesk} | {limited} | {result} |")


if __name__ == "__main__":
    main()
