"""The console script: `govpress-support` and `python -m govpress_support`.

`--version` is answered before anything is imported (it runs in scripts and prompts, so it
must cost no more than an interpreter start). Everything else goes to the Typer app, and every
`GovPressError` that escapes a command becomes `error: <message> (<hint>)` and its exit code.

Ctrl-C is handled here first, before any import, so that it is one line and exit 130 at any
moment: during the imports (no traceback), inside a command, and where Python cannot raise it
(a `__del__`, a callback: "Exception ignored"), which would otherwise be swallowed.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import Any

INTERRUPTED = 130
_interrupted = False


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def _unraisable(args: Any) -> None:
    """A Ctrl-C raised where Python cannot raise it is remembered (exit 130), not printed."""
    if isinstance(args.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(args)


def main(argv: Sequence[str] | None = None) -> None:
    global _interrupted
    _interrupted = False
    previous = signal.signal(signal.SIGINT, _on_sigint), sys.unraisablehook
    sys.unraisablehook = _unraisable
    try:
        try:
            code = _run(list(sys.argv[1:] if argv is None else argv))
        except KeyboardInterrupt:
            code = _say_interrupted()
        if _interrupted and code != INTERRUPTED:  # a Ctrl-C that something swallowed
            code = _say_interrupted()
    finally:
        signal.signal(signal.SIGINT, previous[0])
        sys.unraisablehook = previous[1]
    sys.exit(code)


def _run(args: list[str]) -> int:
    if args in (["--version"], ["-V"]):
        from govpress_support import __version__

        sys.stdout.write(f"govpress-support {__version__}\n")
        return 0
    from govpress_support.cli.app import run

    return run(args)


def _say_interrupted() -> int:
    try:
        sys.stderr.write("error: interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError, KeyboardInterrupt):  # stderr closed, or a second Ctrl-C
        pass
    return INTERRUPTED
