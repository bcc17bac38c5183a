"""Opening the user's editor, the one way every command does it: `$VISUAL`, else `$EDITOR`,
else a sensible default (click's: sensible-editor, vim, nano, vi).

Off a terminal only an editor the user chose runs: a default one would wait for keys that never
come. An editor that cannot run, or exits non-zero (vi's `:cq`), is one error, exit 1: nothing
is sent.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from govpress_support.core.errors import GovPressError, UsageError


def chosen_editor(environ: Mapping[str, str]) -> str | None:
    """The editor the user chose: `$VISUAL`, else `$EDITOR`; None when neither is set."""
    for name in ("VISUAL", "EDITOR"):
        value = environ.get(name, "").strip()
        if value:
            return value
    return None


def edit_file(path: Path, environ: Mapping[str, str], *, terminal: bool, hint: str) -> str:
    """Open the editor on `path` and return what was saved. `hint` ends every error (how to go
    on without the editor)."""
    import click

    editor = chosen_editor(environ)
    if editor is None and not terminal:
        raise UsageError("not on a terminal, and neither VISUAL nor EDITOR is set, so no editor can be opened", hint)
    try:
        click.edit(filename=str(path), editor=editor, env=dict(environ))
    except click.ClickException as exc:
        raise GovPressError(f"the editor failed ({exc.format_message()}): nothing was sent", hint) from None
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GovPressError(f"cannot read back what was written in {path}: {exc.strerror or exc}", hint) from None
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"what was saved in {path} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x}): nothing was sent",
            "save it as UTF-8",
        ) from None


def edit_text(environ: Mapping[str, str], *, terminal: bool, hint: str, name: str, initial: str = "") -> str:
    """Open the editor on a new file (`name` in its file name) holding `initial`, and return what
    was saved; the file is removed afterwards."""
    fd, temp = tempfile.mkstemp(prefix=f"govpress-{name}-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(initial)
    path = Path(temp)
    try:
        return edit_file(path, environ, terminal=terminal, hint=hint)
    finally:
        path.unlink(missing_ok=True)
