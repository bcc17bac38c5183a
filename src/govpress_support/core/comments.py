"""Is this note already there? The one test every change that adds a note makes before (and,
after a lost answer, instead of) sending it again, so a note is never added twice."""

from __future__ import annotations

from govpress_support.core.models import Comment


def flat(text: str) -> str:
    """Whitespace-insensitive form: Zendesk may rewrap or re-space a note it stores."""
    return " ".join(text.split())


def is_note(comment: Comment, note: str, author_id: int) -> bool:
    """The comment is this internal note by this author: internal, theirs, and the same text
    (whitespace aside). Equal, not merely contained: a short note ("Deployed") must not count as
    written because an older one ("Deployed to staging") holds its words."""
    return not comment.public and comment.author_id == author_id and flat(note) == flat(comment.body)
