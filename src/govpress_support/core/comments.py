"""The text of a comment (an internal note, a reason, a public reply) and whether it is already
there.

- `clean_note`: what may be sent: not empty, and at most `COMMENT_LIMIT` bytes of UTF-8, Zendesk's
  own limit on one comment (about 64 KB; a note is a few KB). Larger is refused before anything
  is sent, with the way to attach a file instead. `cli/comment_text.py` reads the text the same
  way for every command that takes one (an argument, stdin or the editor).
- `is_note` / `is_reply`: the one test every change that adds a comment makes before (and, after a
  lost answer, instead of) sending it again, so a comment is never added twice. A note and a reply
  are told apart by `public`: an internal note never counts as a reply, nor a reply as a note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from govpress_support.core.errors import UsageError
from govpress_support.core.models import Comment

COMMENT_LIMIT = 64 * 1024  # bytes of UTF-8 in one comment: Zendesk keeps about this much
ATTACH_HINT = "attach it as a file to the ticket in Zendesk instead, and say in the note what it is"
FULL_HINT = "Zendesk takes no more comments on it: add a follow-up ticket in Zendesk and write there"
_FULL = re.compile(r"maximum number of comments \(([0-9][0-9,]*)\)", re.IGNORECASE)


def full_ticket(text: str) -> int | None:
    """The comment limit (5,000 on Zendesk) when an error says a ticket has reached it, else None.

    Zendesk answers 422 with `details.base` "Ticket has reached the maximum number of comments
    (5000)"; an update that adds no comment still goes through."""
    found = _FULL.search(text)
    return int(found.group(1).replace(",", "")) if found else None


def full_ticket_said(limit: int) -> str:
    """`it already holds 5,000 comments, the most Zendesk allows on one ticket`."""
    return f"it already holds {limit:,} comments, the most Zendesk allows on one ticket"


def size_text(size: int) -> str:
    """`900 bytes`, `120 KB`, `70.0 MB`."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def check_size(text: str, what: str = "note") -> str:
    """`text` when it fits in one comment; a `UsageError` saying the limit otherwise."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > COMMENT_LIMIT:
        raise UsageError(
            f"the {what} is {size_text(size)}, over the {size_text(COMMENT_LIMIT)} Zendesk takes in one comment: "
            "nothing was sent",
            ATTACH_HINT,
        )
    return text


def clean_note(text: str | None, what: str = "note") -> str:
    """The text of a note (or reason, or reply) to send, stripped; a `UsageError` when there is
    none or it is over the limit: nothing is sent."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise UsageError(f"empty {what}: nothing was sent", "write some text, or pass it as an argument")
    return check_size(cleaned, what)


def flat(text: str) -> str:
    """Whitespace-insensitive form: Zendesk may rewrap or re-space a note it stores."""
    return " ".join(text.split())


def is_note(comment: Comment, note: str, author_id: int) -> bool:
    """The comment is this internal note by this author: internal, theirs, and the same text
    (whitespace aside). Equal, not merely contained: a short note ("Deployed") must not count as
    written because an older one ("Deployed to staging") holds its words."""
    return not comment.public and comment.author_id == author_id and flat(note) == flat(comment.body)


def is_reply(comment: Comment, text: str, author_id: int) -> bool:
    """The comment is this public reply by this author (whitespace aside, the same text)."""
    return comment.public and comment.author_id == author_id and flat(text) == flat(comment.body)


def latest_public(comments: Sequence[Comment]) -> Comment | None:
    """The thread's latest public comment (what the client last saw), or None."""
    return next((c for c in reversed(comments) if c.public), None)
