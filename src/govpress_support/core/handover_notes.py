"""Handover notes: how `handover` heads one, and how one is recognised in a ticket's thread. Pure.

A handover note is an internal note whose first line is `Handover from <name> to <name>:`; the
rest is what was written for the ticket (and the general line given with `--note`). `ticket show`
marks such notes, and `start-rotation` shows each ticket's latest one and, at the top, the
handover they came from, read from the notes themselves so it works on any machine.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from govpress_support.core.models import Comment

_HEADING = re.compile(r"^Handover from (?P<giver>.+?) to (?P<taker>.+?):[ \t]*$")
# The notes of one handover are written within minutes of each other; a week apart is two.
SAME_HANDOVER = timedelta(hours=12)


def heading(giver: str, taker: str) -> str:
    """The first line of every note a handover writes."""
    return f"Handover from {giver} to {taker}:"


@dataclass(frozen=True)
class HandoverNote:
    comment_id: int
    author_id: int | None
    giver: str  # from the heading: who handed over
    taker: str  # to whom
    at: datetime | None
    text: str  # the note without its heading

    def to_record(self) -> dict[str, object]:
        return {"from": self.giver, "to": self.taker, "author_id": self.author_id, "at": self.at, "text": self.text}


def read(comment: Comment) -> HandoverNote | None:
    """The handover note this comment is, or None: internal, and headed as a handover writes it."""
    if comment.public:
        return None
    first, _, rest = comment.body.replace("\r\n", "\n").strip().partition("\n")
    match = _HEADING.match(first.strip())
    if match is None:
        return None
    return HandoverNote(
        comment_id=comment.id,
        author_id=comment.author_id,
        giver=match.group("giver").strip(),
        taker=match.group("taker").strip(),
        at=comment.created_at,
        text=rest.strip(),
    )


def is_handover_note(comment: Comment) -> bool:
    return read(comment) is not None


def latest(comments: Iterable[Comment]) -> HandoverNote | None:
    """The most recent handover note of a thread (comments come oldest first)."""
    found: HandoverNote | None = None
    for comment in comments:
        note = read(comment)
        if note is not None:
            found = note
    return found


@dataclass(frozen=True)
class PreviousHandover:
    """The latest handover seen in a group's notes: who, to whom, when, on which tickets."""

    giver: str
    taker: str
    at: datetime | None
    tickets: tuple[int, ...]
    general: str | None  # the line every one of its notes ends with (`handover --note`)

    def to_record(self) -> dict[str, object]:
        return {
            "from": self.giver,
            "to": self.taker,
            "at": self.at,
            "tickets": list(self.tickets),
            "general": self.general,
        }


def previous_handover(notes: Mapping[int, HandoverNote]) -> PreviousHandover | None:
    """The most recent handover among the tickets' latest notes, and every ticket whose latest
    note came from it (same giver and taker, written within `SAME_HANDOVER` of it)."""
    dated = [(ticket_id, note) for ticket_id, note in notes.items() if note.at is not None]
    if not dated:
        return None
    _, newest = max(dated, key=lambda item: (item[1].at, item[1].comment_id))
    assert newest.at is not None
    batch = sorted(
        (ticket_id, note)
        for ticket_id, note in dated
        if (note.giver, note.taker) == (newest.giver, newest.taker)
        and note.at is not None
        and abs(note.at - newest.at) <= SAME_HANDOVER
    )
    return PreviousHandover(
        giver=newest.giver,
        taker=newest.taker,
        at=newest.at,
        tickets=tuple(ticket_id for ticket_id, _ in batch),
        general=_common_last_paragraph([note.text for _, note in batch]),
    )


def _common_last_paragraph(texts: Sequence[str]) -> str | None:
    """The general line (`handover --note`): the last paragraph most of the notes end with (it
    goes on every ticket handed over, not on notes left on others' tickets)."""
    lasts = [" ".join(text.strip().split("\n\n")[-1].split()) for text in texts]
    if not lasts:
        return None
    counts = Counter(lasts)
    last, count = counts.most_common(1)[0]
    return last if last and count >= 2 and count * 2 > len(texts) else None
