"""Cost of `stats` over a month of a big desk's history, against `queue` in the same run.

    python bench/stats.py [--bulk 5000] [--days 30] [--latency 20] [--rate-limits]

Serves the sandbox over loopback (`sandbox serve`, reseeded with --bulk extra 2nd line tickets,
each with the history that brought it there: about 20 metric events and a few audits a ticket
over six months; each request delayed by --latency ms), then times, as a user would run them,
each a subprocess of the installed command:

- `queue --json` (the baseline: the 2nd line queue, one search page per 100 tickets);
- `stats --since {days}d --group all --json` with an empty cache (every metric event and every
  ticket update of the days, side by side, and the searches), then again with the cache that run
  left (only today's events and updates);
- `stats --json` (the last 7 days, 2nd line) with an empty cache: the stand-up's run;
- the same as an agent (403 on both exports): the ticket metrics, and the audits of the changed
  tickets in the group, bounded;
- with --rate-limits, the cold month again with the sandbox's real limits on (Zendesk's 10
  incremental export requests a minute): the waits the command says, and their cost.

Requests come from the sandbox's own counters, by endpoint. Prints a Markdown table for
bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import TOOL, Server, base_env, served, table

# Installed tools run from bytecode (pip compiles it at install), so the commands measured here do
# too; this machine's PYTHONDONTWRITEBYTECODE would make every run compile every module again.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

KINDS = (  # (column, what in the route names it)
    ("events", "/incremental/ticket_metric_events"),
    ("ticket events", "/incremental/ticket_events"),
    ("search", "/search"),
    ("audits", "/audits"),
)
SAID = ("metric events:", "ticket events:", "Zendesk rate limit:")  # the lines of stderr worth keeping


def by_kind(stats: dict[str, Any]) -> Counter[str]:
    found: Counter[str] = Counter()
    for route, count in stats["requests"].items():
        kind = next((name for name, part in KINDS if part in route), "other")
        found[kind] += count
    return found


def measure(
    server: Server, state: Path, argv: list[str], env: dict[str, str] | None = None
) -> tuple[float, Counter[str], int, str, Any]:
    server.reset_stats()
    env = {**base_env(state), **server.env, **(env or {})}
    started = time.perf_counter()
    done = subprocess.run([str(TOOL), *argv], env=env, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    stats = server.stats()
    return seconds, by_kind(stats), sum(stats["rate_limited"].values()), done.stderr, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bulk", type=int, default=5000, help="extra 2nd line tickets, each with its history")
    parser.add_argument("--days", type=int, default=30, help="the window of the big run")
    parser.add_argument("--latency", type=int, default=20, help="added latency per request, ms")
    parser.add_argument("--rate-limits", action="store_true", help="also the cold month with the real limits on")
    args = parser.parse_args()
    month = ["stats", "--since", f"{args.days}d", "--group", "all", "--json"]

    rows: list[list[object]] = []
    notes: list[str] = []
    with served("--latency", str(args.latency), bulk=args.bulk) as server, tempfile.TemporaryDirectory() as tmp:
        agent = {"ZENDESK_EMAIL": "priya.shah@govpress.example"}
        cases = [
            ("`queue --json` (baseline)", "queue", ["queue", "--json"], None),
            (f"`stats --since {args.days}d --group all`, empty cache", "month", month, None),
            (f"`stats --since {args.days}d --group all`, again", "month", month, None),
            ("`stats` (7 days, 2nd line), empty cache", "week", ["stats", "--json"], None),
            ("`stats` (7 days, 2nd line), empty cache, as an agent", "agent", ["stats", "--json"], agent),
        ]
        baseline = 0.0
        for name, state, argv, env in cases:
            seconds, kinds, limited, stderr, data = measure(server, Path(tmp) / state, argv, env)
            baseline = baseline or seconds
            rows.append(_row(name, seconds, kinds, limited, baseline, data))
            notes += [f"{name}: {line}" for line in stderr.splitlines() if line.startswith(SAID)]
            gaps = data.get("cannot_count", []) if isinstance(data, dict) and data["flow_source"] == "audits" else []
            notes += [f"{name}: the flow leaves out {gap}" for gap in gaps if gap.startswith("moves and solves")]
        if args.rate_limits:
            server.control("PUT", "settings", {"rate_limits": True})
            name = f"`stats --since {args.days}d --group all`, empty cache, real rate limits"
            seconds, kinds, limited, stderr, data = measure(server, Path(tmp) / "limited", month)
            rows.append(_row(name, seconds, kinds, limited, baseline, data))
            notes += [f"{name}: {line}" for line in stderr.splitlines() if line.startswith(SAID)]

    print(f"`sandbox serve --latency {args.latency}`, {args.bulk} bulk tickets with their history:\n")
    headers = ["run", "requests", "metric events", "ticket events", "search", "audits", "other", "429s", "wall time"]
    headers += ["× queue", "result"]
    print(table(headers, rows))
    print()
    for note in notes:
        print(f"- {note}")


def _row(name: str, seconds: float, kinds: Counter[str], limited: int, baseline: float, data: Any) -> list[object]:
    if isinstance(data, dict):
        sla = data["sla"]
        result = f"{sla['fulfilled']} met, {sla['breached']} breached, {len(data['days'])} days"
    else:
        result = f"{len(data)} tickets"
    return [
        name,
        sum(kinds.values()),
        kinds["events"],
        kinds["ticket events"],
        kinds["search"],
        kinds["audits"],
        kinds["other"],
        limited,
        f"{seconds:.2f} s",
        f"{seconds / baseline:.1f}×",
        result,
    ]


if __name__ == "__main__":
    main()
