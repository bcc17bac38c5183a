"""The text of a note or a reply, read one way by every command that sends one (`note`, `ticket
reply`): `split_text` for the ids and the text on the command line, then `comment_text`.

- the text given on the command line (the last argument, or -m/--message);
- `-`, or no text while stdin is not a terminal: stdin, strictly UTF-8, and never more than the
  limit read (a 70 MB log piped by mistake is refused without being read whole);
- no text on a terminal: the editor ($VISUAL, else $EDITOR), on a `template` of `#` lines when
  the command gives one (a reply's: who gets it, the latest messages), left out of what is sent.

Then `core.comments.clean_note`: not empty, at most `COMMENT_LIMIT` bytes. All before anything
is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING

from govpress_support.core.comments import ATTACH_HINT, COMMENT_LIMIT, clean_note, size_text
from govpress_support.core.errors import UsageError

if TYPE_CHECKING:
    from govpress_support.cli.runtime import Runtime
    from govpress_support.workflows.tickets.reply import ReplyContext

COMMENT = "#"  # a template line starting with it is left out of what is sent


def split_text(args: Sequence[str], message: str | None) -> tuple[list[str], str | None]:
    """The ticket ids and the text: `-m`'s, else the last argument when it is `-` or names no
    ticket; None when there is none (read it from stdin or the editor)."""
    from govpress_support.core.refs import ticket_id_in

    values = list(args)
    if message is None and values and (values[-1] == "-" or ticket_id_in(values[-1]) is None):
        return values, values.pop()
    return values, message


def comment_text(
    rt: Runtime,
    given: str | None,
    *,
    what: str = "note",
    name: str = "note",
    template: Callable[[], str] | None = None,
    optional: bool = False,
) -> str:
    """The checked text of a note or reply: `given`, or stdin, or the editor (see the module);
    `name` goes in the editor's file name. `template()`: what the editor opens on (its `#` lines
    are then left out). `optional`: no text given is an empty text, with neither stdin nor the
    editor read (a macro's reply needs none); one that is given is checked as any other."""
    from govpress_support.cli.editor import edit_text

    out = rt.out
    if given is None and optional:
        return ""
    if given == "-" or (given is None and not out.stdin_tty):
        text = read_stdin(out.stdin, what)
    elif given is None:
        hint = f"set VISUAL or EDITOR, or pass the {what} as an argument"
        initial = template() if template is not None else ""
        text = edit_text(rt.environ, terminal=out.interactive, hint=hint, name=name, initial=initial)
        if template is not None:
            text = without_comments(text)
    else:
        text = given
    return clean_note(text, what)


def without_comments(text: str) -> str:
    """What was written in the editor, without the template's `#` lines."""
    lines = text.replace("\r\n", "\n").split("\n")  # the editor's lines: not str.splitlines's (U+2028...)
    return "\n".join(line for line in lines if not line.startswith(COMMENT)).strip()


def reply_template(context: ReplyContext | None) -> str:
    """A reply's editor file: room for the reply, then `#` lines saying who gets it and quoting
    the latest public messages (`context`; None for several tickets). The quoted service text is
    shown, never obeyed (`visible`): the editor runs in the user's terminal."""
    from govpress_support.cli.shown import visible
    from govpress_support.core.timeutil import now, relative
    from govpress_support.workflows.tickets.reply import person

    lines = [f"Write your PUBLIC reply above. Lines starting with '{COMMENT}' are left out;"]
    lines.append("an empty reply sends nothing.")
    if context is None:
        lines.append("It is emailed to each ticket's requester and CCs.")
    else:
        ccs = ", ".join(person(u) for u in context.ccs)
        lines.append(f"It is emailed to {person(context.to)}" + (f", CC {ccs}." if ccs else "."))
        lines += ["", f"#{context.ticket.id} {context.ticket.subject}"]
        if not context.messages:
            lines.append("(no public messages yet)")
        for author, comment in context.messages:
            when = relative(comment.created_at, now()) if comment.created_at else ""
            lines += ["", f"{author}, {when}:", *(f"  {line}" for line in comment.body.splitlines())]
    # Every line a `#` line, whatever a subject, a name or a message holds (a newline included).
    quoted = visible("\n".join(lines)).split("\n")
    return "\n\n" + "".join(f"{COMMENT} {line}".rstrip() + "\n" for line in quoted)


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
