"""Where the text of a note or a reply comes from, the one way both read it: the last argument
(or `-m`), stdin with `-` (or when it is omitted and stdin is not a terminal), or the editor when
it is omitted on a terminal. A reply's editor opens on a template of `#` lines (who gets it, the
latest messages) that are left out of what is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from govpress_support.cli.editor import edit_text
from govpress_support.cli.output import Output
from govpress_support.core.refs import ticket_id_in

COMMENT = "#"


def split_text(args: Sequence[str], message: str | None) -> tuple[list[str], str | None]:
    """The ticket ids and the text: `-m`'s, else the last argument when it is `-` or names no
    ticket; None when there is none (read it from stdin or the editor)."""
    values = list(args)
    if message is None and values and (values[-1] == "-" or ticket_id_in(values[-1]) is None):
        return values, values.pop()
    return values, message


def without_comments(text: str) -> str:
    """What was written in the editor, without the template's `#` lines."""
    return "\n".join(line for line in text.splitlines() if not line.startswith(COMMENT)).strip()


def read_text(
    out: Output,
    environ: Mapping[str, str],
    text: str | None,
    *,
    what: str,
    name: str,
    template: Callable[[], str] | None = None,
    optional: bool = False,
) -> str:
    """The text: as given, from stdin for `-` (or omitted off a terminal), else from the editor
    (on `template()` when there is one, its `#` lines then left out). `optional`: an omitted text
    is empty, with neither stdin nor the editor read (a macro's reply needs none)."""
    if text is not None and text != "-":
        return text
    if text == "-" or (not optional and not out.stdin_tty):
        return out.stdin.read()
    if optional:
        return ""
    hint = f"set VISUAL or EDITOR, or pass the {what} as an argument"
    if template is None:
        return edit_text(environ, terminal=out.interactive, hint=hint, name=name)
    written = edit_text(environ, terminal=out.interactive, hint=hint, name=name, initial=template())
    return without_comments(written)
