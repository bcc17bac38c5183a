"""Whole-process start-up cost of the CLI, against a bare interpreter in the same run.

    python bench/startup.py [--runs 15]

Measures `govpress-support --version`, `--help`, `--sandbox queue` and `--sandbox queue --json` (a warm sandbox in a
temporary state dir) against `python -c pass`, each the median of N runs, interleaved so load on
the machine hits every command alike. Prints a Markdown table of medians and ratios.
Bytecode is written (PYTHONDONTWRITEBYTECODE unset), as it is for any pip-installed tool.
Aims: --version within 3x of the bare interpreter, --help within 6x, --sandbox queue --json within 12x.
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

# Installed tools run from bytecode (pip compiles it at install), so the commands measured here do
# too; this machine's PYTHONDONTWRITEBYTECODE would make every run compile every module again.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def command_path() -> str:
    candidate = Path(sys.executable).parent / "govpress-support"
    if not candidate.exists():
        sys.exit(f"{candidate} not found: install the project in this environment first (pip install -e .)")
    return str(candidate)


def time_once(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    tool = command_path()
    with tempfile.TemporaryDirectory() as state:
        env = {
            **os.environ,
            "GOVPRESS_SUPPORT_STATE_DIR": state,
            "GOVPRESS_SUPPORT_CONFIG": str(Path(state) / "none.toml"),
        }
        (Path(state) / "none.toml").touch()  # a named config file must exist: empty, every setting its default
        # pip writes bytecode when it installs, so a user's start-up never compiles source; an
        # editable install under PYTHONDONTWRITEBYTECODE would compile every module every run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "govpress-support --version": [tool, "--version"],
            "govpress-support --help": [tool, "--help"],
            "govpress-support --sandbox queue": [tool, "--sandbox", "queue"],
            "govpress-support --sandbox queue --json": [tool, "--sandbox", "queue", "--json"],
        }
        for argv in cases.values():  # warm caches, seed the sandbox
            time_once(argv, env)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, argv in cases.items():
                samples[name].append(time_once(argv, env))

    base = statistics.median(samples["python -c pass"])
    print(f"Start-up, median of {args.runs} runs (Python {sys.version.split()[0]}, {os.cpu_count()} cores)\n")
    print("| command | median | × bare interpreter |")
    print("|---|---:|---:|")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"| `{name}` | {median * 1000:.0f} ms | {median / base:.1f}× |")


if __name__ == "__main__":
    main()
