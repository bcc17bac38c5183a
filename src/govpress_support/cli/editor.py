"""Opening the user's editor on a file, as git does: `$EDITOR`, else nano, else vi."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from govpress_support.core.errors import GovPressError, UsageError

FALLBACKS = ("nano", "vi")


def editor_command(environ: Mapping[str, str]) -> tuple[list[str], bool] | None:
    """The editor to run and whether the user chose it (`$EDITOR`), or None when there is none."""
    chosen = environ.get("EDITOR", "").strip()
    if chosen:
        try:
            return shlex.split(chosen), True
        except ValueError:
            raise UsageError(f"cannot read EDITOR={chosen!r}", "fix its quoting") from None
    for name in FALLBACKS:
        if shutil.which(name):
            return [name], False
    return None


def edit(path: Path, environ: Mapping[str, str], *, terminal: bool, keep_hint: str) -> str:
    """Open the editor on `path` and return what was saved. Raises when there is no editor, when
    only a fallback editor exists and there is no terminal for it, or when the editor fails."""
    found = editor_command(environ)
    if found is None:
        raise UsageError("no editor found (EDITOR is not set, and neither nano nor vi is installed)", keep_hint)
    command, chosen = found
    if not chosen and not terminal:
        raise UsageError("not on a terminal, so no editor can be opened for the notes", keep_hint)
    try:
        status = subprocess.call([*command, str(path)], env=dict(environ))
    except OSError as exc:
        raise UsageError(f"cannot run the editor {command[0]!r}: {exc.strerror or exc}", keep_hint) from None
    if status != 0:
        raise GovPressError(f"the editor exited with status {status}: nothing was sent", keep_hint)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GovPressError(f"cannot read the notes back from {path}: {exc.strerror or exc}") from None
