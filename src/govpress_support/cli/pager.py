"""The pager for output taller than the terminal, as gh does: `GOVPRESS_SUPPORT_PAGER`, else
`PAGER`, else `less -FRX`; an empty one or `cat` means none. `Output.paged()` decides when (the
table on a real terminal only, never piped) and hands it the redacted text.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

ENV_PAGER = "GOVPRESS_SUPPORT_PAGER"
DEFAULT_PAGER = "less -FRX"


def command(environ: Mapping[str, str]) -> list[str] | None:
    """The pager the environment asks for, as a command line; None for none."""
    raw = environ.get(ENV_PAGER)
    if raw is None:
        raw = environ.get("PAGER", DEFAULT_PAGER)
    try:
        words = shlex.split(raw)
    except ValueError:
        return None
    return words if words and words != ["cat"] else None


def page(command: list[str], text: str, environ: Mapping[str, str]) -> bool:
    """Show `text` in the pager; False when the pager cannot be started (then print it)."""
    import subprocess

    try:
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, text=True, encoding="utf-8", env=dict(environ))
    except OSError:
        return False
    try:
        assert pager.stdin is not None
        pager.stdin.write(text)
        pager.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # quit before reading it all: nothing more to show
    while True:
        try:
            pager.wait()
            return True
        except KeyboardInterrupt:
            continue  # Ctrl-C is the pager's to handle (less clears its prompt)
