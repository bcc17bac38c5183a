"""Is this note (or reply) already there? The one test every change that adds a comment makes
before (and, after a lost answer, instead of) sending it again, so a comment is never added twice.

A note and a reply are told apart by `public`: an internal note never counts as a reply, nor a
reply as a note."""

from __future__ import annotations

from collections.abc import Sequence

from govpress_support.core.models import Comment


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
