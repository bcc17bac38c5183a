"""Ticket statuses: the label a ticket shows, and the words people type for a status.

A ticket shows its custom status's agent label when it has one ("Pending believed solved"),
else the plain status ("On-hold"). Where an account has no such custom status, `ticket status
believed-solved` sets Pending plus a tag; such a ticket reads "Pending (believed solved)".

People type `on-hold`, `hold`, `on hold`, `believed_solved`...: `status_word` turns each into
one word, and `api_status` into what the API calls it (`on-hold` is `hold`).
"""

from __future__ import annotations

from collections.abc import Sequence

from govpress_support.core.errors import UsageError
from govpress_support.core.models import CustomStatus, Ticket

LABELS: dict[str, str] = {
    "new": "New",
    "open": "Open",
    "pending": "Pending",
    "hold": "On-hold",
    "solved": "Solved",
    "closed": "Closed",
}

# What `queue --status` filters on (besides custom status labels), and what `ticket status` sets.
UNSOLVED_WORDS: tuple[str, ...] = ("new", "open", "pending", "on-hold")
SETTABLE_WORDS: tuple[str, ...] = ("open", "pending", "on-hold", "believed-solved", "solved")

_SYNONYMS = {
    "hold": "on-hold",
    "onhold": "on-hold",
    "on_hold": "on-hold",
    "believed_solved": "believed-solved",
    "pending-believed-solved": "believed-solved",
}
_API = {"on-hold": "hold"}


def status_word(text: str) -> str:
    """The one word for what was typed: `On hold` -> `on-hold`. Unknown words come back as typed
    (lower case, spaces as hyphens); callers check them against the words they accept."""
    key = "-".join(text.strip().lower().split())
    return _SYNONYMS.get(key, key)


def api_status(word: str) -> str:
    """The API's status for a word: `on-hold` -> `hold`."""
    return _API.get(word, word)


def parse_settable(text: str) -> str:
    """A status `ticket status` can set, or a usage error listing them."""
    word = status_word(text)
    if word not in SETTABLE_WORDS:
        raise UsageError(f"unknown status {text!r}", f"use one of: {', '.join(SETTABLE_WORDS)}")
    return word


def status_label(ticket: Ticket, custom: Sequence[CustomStatus] | None, *, fallback_tag: str | None = None) -> str:
    """What a ticket's status reads as: its custom status's agent label, else the plain status;
    a pending ticket with the believed-solved fallback tag says so."""
    label = next((s.agent_label for s in custom or () if s.id == ticket.custom_status_id and s.agent_label), None)
    label = label or LABELS.get(ticket.status, ticket.status.capitalize())
    if fallback_tag and ticket.status == "pending" and fallback_tag in ticket.tags:
        return f"{label} (believed solved)"
    return label


def believed_solved(ticket: Ticket, label: str, *, status_name: str, fallback_tag: str) -> bool:
    """The ticket is "Pending believed solved": its status reads `status_name` (the custom
    status), or it is pending with the fallback tag. Such a ticket is about to solve itself."""
    if label.casefold() == status_name.casefold():
        return True
    return bool(fallback_tag) and ticket.status == "pending" and fallback_tag in ticket.tags
