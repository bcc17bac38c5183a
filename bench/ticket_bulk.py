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
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

# Installed tools run from bytecode (pip compiles it at install), so the commands measured here do
# too; this machine's PYTHONDONTWRITEBYTECODE would make every run compile every module again.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def command() -> str:
    path = Path(sys.executable).parent / "govpress-support"
    if not path.exists():
        sys.exit(f"{path} not found: install the project in this environment first (pip install -e .)")
    return str(path)


def control(base: str, method: str, path: str) -> dict[str, object]:
    request = urllib.request.Request(f"{base}/_sandbox/{path}", method=method)  # noqa: S310 - loopback http
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        data: dict[str, object] = json.loads(response.read() or b"{}")
        return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=50)
    parser.add_argument("--latency", type=int, default=30, help="milliseconds added to every request")
    args = parser.parse_args()
    exe = command()

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GOVPRESS_SUPPORT_STATE_DIR": f"{tmp}/server", "GOVPRESS_SUPPORT_CONFIG": f"{tmp}/none"}
        subprocess.run([exe, "sandbox", "reset", "--yes", "--bulk", str(args.tickets * 2)], env=env, check=True)
        server = subprocess.Popen(
            [exe, "sandbox", "serve", "--port", "0", "--latency", str(args.latency)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert server.stdout is not None
            base = server.stdout.readline().strip()
            from govpress_support import sandbox

            cli_env = {
                **{k: v for k, v in os.environ.items() if not k.startswith(("ZENDESK_", "TRELLO_", "GOVPRESS_"))},
                **sandbox.environment(base),
                "GOVPRESS_SUPPORT_STATE_DIR": f"{tmp}/cli",
                "GOVPRESS_SUPPORT_CONFIG": f"{tmp}/none",
            }
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

            control(base, "POST", "stats/reset")
            started = time.perf_counter()
            run(["note", *bulk_ids, "-m", "Bench: bulk", "--yes"])
            bulk_time = time.perf_counter() - started
            bulk_requests = control(base, "GET", "stats")["total"]

            control(base, "POST", "stats/reset")
            started = time.perf_counter()
            for ticket_id in single_ids:
                run(["note", ticket_id, "-m", "Bench: single", "--yes"])
            single_time = time.perf_counter() - started
            single_requests = control(base, "GET", "stats")["total"]

            control(base, "POST", "stats/reset")
            started = time.perf_counter()
            run(["note", *bulk_ids, "-m", "Bench: bulk", "--yes"])  # nothing to do: every note is there
            again_time = time.perf_counter() - started
            again_requests = control(base, "GET", "stats")["total"]
        finally:
            server.terminate()
            server.wait(timeout=10)

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
