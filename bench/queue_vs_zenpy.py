"""`queue` against a served sandbox with added latency, beside the zenpy script a user would
otherwise write, in the same run.

    python bench/queue_vs_zenpy.py [--sizes 20,500,1000,5000] [--latency 50,200] [--runs 3]

For each added latency and group size: requests (counted by the server), wall time (median of
--runs) and peak memory of `govpress-support queue --json`, with a cold metadata cache and a warm
one, and of bench/zenpy_queue.py fetching the same tickets with their SLAs, assignees and
organisations. "Round trips in a row" is the warm run's time less the same run's with no added
latency, in units of the latency: how many requests it waited for one after another.
Needs zenpy in this environment (`pip install zenpy`); it is never a dependency of the tool.
Aims: requests <= ceil(N/100) + 3; at 200 ms, warm, about 2.5 round trips in a row up to 1,000
tickets and <= ceil(N/1000) + 3 past it, and at most 0.25x zenpy's time at 500; peak memory
under 120 MB at 5,000.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from common import TOOL, Measured, Server, base_env, measure, served, table

# Installed tools run from bytecode (pip compiles it at install), so the commands measured here do
# too; this machine's PYTHONDONTWRITEBYTECODE would make every run compile every module again.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

SEEDED_SECOND_LINE = 20  # unsolved 2nd line tickets in the seed before --bulk
GROUP = "GovPress 2nd line support"


def run_ours(server: Server, state: Path, *, cold: bool) -> tuple[Measured, int]:
    if cold and state.exists():
        shutil.rmtree(state)
    env = {**base_env(state), **server.env}
    server.reset_stats()
    result = measure([str(TOOL), "queue", "--json"], env)
    return result, server.requests()


def run_zenpy(server: Server, state: Path) -> tuple[Measured, int]:
    env = base_env(state)
    script = Path(__file__).with_name("zenpy_queue.py")
    server.reset_stats()
    argv = [
        sys.executable,
        str(script),
        server.url,
        server.env["ZENDESK_EMAIL"],
        server.env["ZENDESK_API_TOKEN"],
        GROUP,
    ]
    result = measure(argv, env)
    return result, server.requests()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20,500,1000,5000")
    parser.add_argument("--latency", default="50,200", help="added latencies per request, ms")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    try:
        import zenpy  # noqa: F401
    except ImportError:
        sys.exit("zenpy is not installed here: pip install zenpy (benchmark only)")

    for latency in (int(ms) for ms in args.latency.split(",")):
        print(f"queue vs zenpy, {latency} ms added latency per request, median of {args.runs} runs\n")
        print(table(HEADERS, [measure_size(size, latency, args.runs) for size in map(int, args.sizes.split(","))]))
        print()


HEADERS = [
    "tickets",
    "queue requests cold / warm",
    "zenpy requests",
    "queue time cold / warm",
    "round trips in a row (warm)",
    "zenpy time",
    "queue ÷ zenpy (warm)",
    "queue peak memory",
    "zenpy peak memory",
]


def measure_size(size: int, latency: int, runs: int) -> list[object]:
    with (
        served("--latency", str(latency), bulk=max(0, size - SEEDED_SECOND_LINE)) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        state = Path(tmp) / "cli"
        cold, cold_requests, warm, warm_requests, theirs, their_requests = [], 0, [], 0, [], 0
        bare: list[Measured] = []
        for _ in range(runs):
            result, cold_requests = run_ours(server, state, cold=True)
            cold.append(result)
            result, warm_requests = run_ours(server, state, cold=False)
            warm.append(result)
            result, their_requests = run_zenpy(server, Path(tmp) / "zenpy")
            theirs.append(result)
            server.control("PUT", "faults", {"latency_ms": 0})
            bare.append(run_ours(server, state, cold=False)[0])
            server.control("PUT", "faults", {"latency_ms": latency})
        n = len(json.loads(cold[0].stdout))
        budget = math.ceil(n / 100) + 3
        t_cold = statistics.median(r.seconds for r in cold)
        t_warm = statistics.median(r.seconds for r in warm)
        t_bare = statistics.median(r.seconds for r in bare)
        t_zenpy = statistics.median(r.seconds for r in theirs)
        got = int(theirs[0].stdout.strip().splitlines()[-1])
        zenpy_failed = got < n
        trips = (t_warm - t_bare) / (latency / 1000) if latency else 0.0
        sequential = f" (export: one page after another, aim ≤ {math.ceil(n / 1000) + 3})" if n > 1000 else ""
        return [
            n,
            f"{cold_requests} / {warm_requests} (budget {budget})",
            f"{their_requests}" + (f" (got {got:,} of {n:,}: cut at the search limit)" if zenpy_failed else ""),
            f"{t_cold:.2f} s / {t_warm:.2f} s",
            f"{trips:.1f}{sequential}",
            "—" if zenpy_failed else f"{t_zenpy:.2f} s",
            "—" if zenpy_failed else f"{t_warm / t_zenpy:.2f}×",
            f"{max(r.peak_mb for r in cold + warm):.0f} MB",
            f"{max(r.peak_mb for r in theirs):.0f} MB",
        ]


if __name__ == "__main__":
    main()
