"""The console script: `govpress-support` and `python -m govpress_support`.

`--version` is answered before anything is imported (it runs in scripts and prompts, so it
must cost no more than an interpreter start). Everything else goes to the Typer app, and every
`GovPressError` that escapes a command becomes `error: <message> (<hint>)` and its exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):
        from govpress_support import __version__

        sys.stdout.write(f"govpress-support {__version__}\n")
        return
    from govpress_support.cli.app import run

    sys.exit(run(args))
