"""Round trips and wall time of a note on N tickets: one bulk call against N single calls.

    python bench/ticket_bulk.py [--tickets 50] [--latency 30]

Starts `sandbox serve` (with `--bulk` extra 2nd line tickets and the given added latency per
request, as a stand-in for the network), then times, in the same run:

- `note ID1 ... IDn -m TEXT --yes` (show_many, the comments of each ticket to look before writing,
  one update_many job, its polls), and
- the same note as n separate `note ID -m TEXT --yes` commands,

counting requests with the sandbox's own stats. Prints a Markdown table.

Results and how to read them: bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from common import TOOL, base_env, served

# Installed tools run from bytecode (pip compiles it at install), so the commands measured here do
# too; this machine's PYTHONDONTWRITEBYTECODE would make every run compile every module again.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=50)
    parser.add_argument("--latency", type=int, default=30, help="milliseconds added to every request")
    args = parser.parse_args()
    exe = str(TOOL)

    with (
        served("--latency", str(args.latency), bulk=args.tickets * 2, rate_limits=True) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        cli_env = {**base_env(Path(tmp)), **server.env}
        found = subprocess.run(
            [exe, "queue", "--json", "--limit", str(args.tickets * 2)],
            env=cli_env,
            capture_output=True,
            text=True,
            check=True,
        )
        ids = [str(t["id"]) for t in json.loads(found.stdout)]
        bulk_ids, single_ids = ids[: args.tickets], ids[args.tickets : args.tickets * 2]

        def run(argv: list[str]) -> None:
            subprocess.run([exe, *argv], env=cli_env, check=True, capture_output=True)

        def timed(*commands: list[str]) -> tuple[int, float]:
            server.reset_stats()
            started = time.perf_counter()
            for argv in commands:
                run(argv)
            return server.requests(), time.perf_counter() - started

        bulk_requests, bulk_time = timed(["note", *bulk_ids, "-m", "Bench: bulk", "--yes"])
        single_requests, single_time = timed(*(["note", i, "-m", "Bench: single", "--yes"] for i in single_ids))
        # nothing to do the second time: every note is there
        again_requests, again_time = timed(["note", *bulk_ids, "-m", "Bench: bulk", "--yes"])

    n = args.tickets
    rows = [
        (f"one `note` with {n} ids (update_many)", bulk_requests, bulk_time),
        (f"{n} `note` commands, one id each", single_requests, single_time),
        ("the bulk `note` again (nothing to do)", again_requests, again_time),
    ]
    print(f"Note on {n} tickets, sandbox serve with {args.latency} ms added per request:\n")
    print("| how | requests | wall time | vs bulk |")
    print("|---|---|---|---|")
    for how, requests, seconds in rows:
        print(f"| {how} | {requests} | {seconds:.2f} s | {seconds / bulk_time:.1f}x |")


if __name__ == "__main__":
    main()
