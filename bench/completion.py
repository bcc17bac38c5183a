"""What a Tab costs: whole-process time of the shell asking `govpress-support` for completions,
against a bare interpreter in the same run.

    python bench/completion.py [--runs 15]

Fills the caches completion reads the way a user's would be (a `--sandbox queue` and a `ticket
show` in a temporary state dir), then times bash's completion request for a command name, a
group, a ticket id (from the last queue), an agent's email and a status, each the median of N
interleaved runs. Completion reads only local files: no request is sent (tests/cli/test_completion.py
checks that). Aim: well under 200 ms each. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import TOOL

CASES = {
    "command (`ticket re<Tab>`)": "ticket re",
    "group (`queue --group <Tab>`)": "queue --group ",
    "ticket id (`ticket show 40<Tab>`)": "ticket show 40",
    "agent (`queue --assignee <Tab>`)": "queue --assignee ",
    "status (`reply 4021 --status <Tab>`)": "reply 4021 --status ",
}


def completion_env(base: dict[str, str], line: str) -> dict[str, str]:
    words = ["govpress-support", *line.split()] + ([""] if line.endswith(" ") else [])
    return {
        **base,
        "_GOVPRESS_SUPPORT_COMPLETE": "complete_bash",
        "COMP_WORDS": " ".join(words),
        "COMP_CWORD": str(len(words) - 1),
    }


def time_once(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    tool = str(TOOL)
    with tempfile.TemporaryDirectory() as state:
        config = Path(state) / "empty.toml"  # a config the environment names must exist: all defaults
        config.write_text("", encoding="utf-8")
        base = {**os.environ, "GOVPRESS_SUPPORT_STATE_DIR": state, "GOVPRESS_SUPPORT_CONFIG": str(config)}
        base.pop("PYTHONDONTWRITEBYTECODE", None)  # as a pip-installed tool runs
        for warm in (["--sandbox", "queue"], ["--sandbox", "ticket", "show", "4021"]):
            subprocess.run([tool, *warm], env=base, capture_output=True, check=True)
        runs: dict[str, tuple[list[str], dict[str, str]]] = {"python -c pass": ([sys.executable, "-c", "pass"], base)}
        runs.update({name: ([tool], completion_env(base, line)) for name, line in CASES.items()})
        offered: dict[str, int] = {}
        for name, (argv, env) in runs.items():  # warm, and count what is offered
            offered[name] = len(time_once(argv, env)[1].splitlines())
        samples: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.runs):
            for name, (argv, env) in runs.items():
                samples[name].append(time_once(argv, env)[0])

    base_time = statistics.median(samples["python -c pass"])
    print(f"Completion, median of {args.runs} runs (Python {sys.version.split()[0]}, {os.cpu_count()} cores)\n")
    print("| asked | median | × bare interpreter | values offered |")
    print("|---|---:|---:|---:|")
    for name, values in samples.items():
        median = statistics.median(values)
        shown = "" if name == "python -c pass" else str(offered[name])
        print(f"| {name} | {median * 1000:.0f} ms | {median / base_time:.1f}× | {shown} |")


if __name__ == "__main__":
    main()
