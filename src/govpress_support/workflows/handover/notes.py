"""Handover notes: the template the editor opens, and the parser for it (and `--notes-file`).

The format, also in `handover --help` and the README:

    ## #123 Subject of the ticket
    # Open · high · SLA: next reply in 42m (2026-11-26 15:00 UTC) · due: -
    What you tried, what is left, who to ask. Any number of lines.

    ## #124 Another ticket

- A line starting `## #<id>` (or `## <id>`) opens the section of ticket <id>; the rest of that
  line (the subject) is ignored. Your tickets come first (they are reassigned), then the
  group's other unsolved tickets, marked "note only": a note there is added and the ticket
  stays with its assignee.
- Other lines starting with `#` are comments and are ignored, wherever they are (as in git).
- The text of a section, without its leading and trailing blank lines, becomes an internal
  note on that ticket; an empty section adds no note.
- Text before the first section, a `##` line naming no ticket, a ticket twice, or a ticket
  that is not unsolved in the group is an error naming the line: nothing is sent.

Pure: no I/O beyond what the caller passes in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from govpress_support.core.errors import UsageError
from govpress_support.core.numbers import clipped, whole_number

_SECTION = re.compile(r"^##(?!#)\s*(.*)$")
_TICKET_ID = re.compile(r"^#?([0-9]+)\b")


class NotesError(UsageError):
    """The notes file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class TemplateTicket:
    """What the template shows of one ticket."""

    id: int
    subject: str
    summary: str  # status, priority, SLA and due date on one line


OTHERS_DIVIDER = (
    "# ---- Other unsolved tickets in the group: note only (a note is added; the ticket stays with its assignee) ----"
)


def template(tickets: Sequence[TemplateTicket], header: Sequence[str], others: Sequence[TemplateTicket] = ()) -> str:
    """The file the editor opens: a comment header, one empty section per ticket of yours, then
    one per other ticket of the group, marked note only."""
    lines = [f"# {line}" if line else "#" for line in header]
    lines.append("")
    for ticket in tickets:
        lines += _section(ticket)
    if others:
        lines += [OTHERS_DIVIDER, ""]
        for ticket in others:
            lines += _section(ticket, "note only · ")
    return "\n".join(lines)


def _section(ticket: TemplateTicket, mark: str = "") -> list[str]:
    return [f"## #{ticket.id} {_one_line(ticket.subject)}", f"# {mark}{_one_line(ticket.summary)}", "", ""]


def named(text: str) -> set[int]:
    """The ticket ids a notes text has sections for (malformed lines are `parse`'s to report)."""
    found: set[int] = set()
    for raw in text.lstrip("\ufeff").splitlines():
        section = _SECTION.match(raw.rstrip())
        match = _TICKET_ID.match(section.group(1).strip()) if section else None
        number = whole_number(match.group(1)) if match else None
        if number is not None:
            found.add(number)
    return found


def parse(text: str, known_ids: Iterable[int], *, source: str = "notes") -> dict[int, str]:
    """Ticket id -> note text, for the sections that have text.

    `known_ids` are the tickets being handed over; a section for any other id is an error.
    """
    known = set(known_ids)
    sections: dict[int, list[str]] = {}
    first_line: dict[int, int] = {}
    current: int | None = None
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.rstrip()
        section = _SECTION.match(line)
        if section:
            match = _TICKET_ID.match(section.group(1).strip())
            found = whole_number(match.group(1)) if match else None
            if found is None:
                raise NotesError(
                    f"{source} line {number}: {clipped(line)!r} names no ticket",
                    "a section starts with '## #<ticket id>'; use a single '#' for a comment",
                )
            current = found
            if current in sections:
                raise NotesError(
                    f"{source} line {number}: ticket #{current} has a second section "
                    f"(the first is at line {first_line[current]})",
                    "write all of a ticket's notes in one section",
                )
            sections[current] = []
            first_line[current] = number
            continue
        if line.startswith("#"):
            continue
        if current is None:
            if line.strip():
                raise NotesError(
                    f"{source} line {number}: text before the first ticket section",
                    "put notes under a '## #<ticket id>' line, or start the line with '#' to make it a comment",
                )
            continue
        sections[current].append(line)
    unknown = sorted(set(sections) - known)
    if unknown:
        listed = ", ".join(f"#{i} (line {first_line[i]})" for i in unknown)
        raise NotesError(
            f"{source} has sections for tickets that are not unsolved in the group: {listed}",
            "notes go on the group's unsolved tickets (yours are handed over); remove those sections",
        )
    return {ticket_id: body for ticket_id, lines in sections.items() if (body := _body(lines))}


def compose(text: str | None, general: str | None, heading: str) -> str | None:
    """The internal note for one ticket: a heading, the ticket's text, then the general line."""
    parts = [p.strip() for p in (text, general) if p and p.strip()]
    if not parts:
        return None
    return "\n\n".join([heading, *parts])


def _body(lines: list[str]) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def _one_line(text: str) -> str:
    return " ".join(text.split())
