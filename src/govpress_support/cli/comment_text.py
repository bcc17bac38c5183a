"""The text of a note or a reply, read one way by every command that sends one (`note` today,
`ticket reply` next): call `comment_text`.

- the text given on the command line (an argument, or -m/--message);
- `-`, or no text while stdin is not a terminal: stdin, strictly UTF-8, and never more than the
  limit read (a 70 MB log piped by mistake is refused without being read whole);
- no text on a terminal: the editor ($VISUAL, else $EDITOR).

Then `core.comments.clean_note`: not empty, at most `COMMENT_LIMIT` bytes. All before anything
is sent.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from govpress_support.core.comments import ATTACH_HINT, COMMENT_LIMIT, clean_note, size_text
from govpress_support.core.errors import UsageError

if TYPE_CHECKING:
    from govpress_support.cli.runtime import Runtime


def comment_text(rt: Runtime, given: str | None, *, what: str = "note", name: str = "note") -> str:
    """The checked text of a note or reply: `given`, or stdin, or the editor (see the module);
    `name` goes in the editor's file name."""
    from govpress_support.cli.editor import edit_text

    out = rt.out
    if given == "-" or (given is None and not out.stdin_tty):
        text = read_stdin(out.stdin, what)
    elif given is None:
        hint = f"set VISUAL or EDITOR, or pass the {what} as an argument"
        text = edit_text(rt.environ, terminal=out.interactive, hint=hint, name=name)
    else:
        text = given
    return clean_note(text, what)


def read_stdin(stream: IO[str], what: str = "note") -> str:
    """Stdin as UTF-8 text, reading at most one byte past the limit; a `UsageError` for more, or
    for bytes that are not UTF-8."""
    binary = getattr(stream, "buffer", None)
    data: bytes = binary.read(COMMENT_LIMIT + 1) if binary is not None else stream.read(COMMENT_LIMIT + 1).encode()
    if len(data) > COMMENT_LIMIT:
        raise UsageError(
            f"the {what} on stdin is over the {size_text(COMMENT_LIMIT)} Zendesk takes in one comment: "
            "nothing was sent",
            ATTACH_HINT,
        )
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"the {what} on stdin is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}): "
            "nothing was sent",
            "convert it first (for example `iconv -f latin1 -t utf-8`), or attach the file to the ticket in Zendesk",
        ) from None
