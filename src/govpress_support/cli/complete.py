"""Shell completion of option values: groups, statuses, priorities, types, ticket ids (the last
queue's) and agent emails (the agents met so far).

Local caches only (`services.completions`): no request, no credentials, no clients, and nothing
heavy imported, so a Tab answers in about the time the command takes to start. Each function
takes what was typed so far and returns `(value, help)` pairs that start with it (Typer keeps
only those that start with it exactly).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from govpress_support.core.groups import ALIASES
from govpress_support.core.models import PRIORITIES, TICKET_TYPES
from govpress_support.core.statuses import SETTABLE_WORDS, UNSOLVED_WORDS
from govpress_support.services import completions

Choices = list[tuple[str, str]]


def _state_dir() -> Path:
    from govpress_support.core.config import state_dir

    return state_dir(os.environ)


def _starting(pairs: Iterable[tuple[str, str]], incomplete: str) -> Choices:
    """The pairs whose value starts with `incomplete`. The help beside a value (a subject, a name:
    service text, which zsh and fish show) has its control characters shown, never obeyed, and a
    value that holds one is not offered: it would be typed into the command line."""
    from govpress_support.cli.shown import visible

    wanted = incomplete.casefold()
    seen: dict[str, str] = {}
    for value, help_text in pairs:
        if value.casefold().startswith(wanted) and value not in seen and visible(value) == value:
            seen[value] = " ".join(visible(help_text).split())
    return list(seen.items())


def groups(incomplete: str) -> Choices:
    """triage, 1st, 2nd, scoping, and the group names in the metadata cache."""
    pairs = [(alias, "support group") for alias in ALIASES]
    for value in completions.cached_metadata(_state_dir(), "groups "):
        for item in value if isinstance(value, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and not item.get("deleted"):
                pairs.append((item["name"], f"group {item.get('id')}"))
    return _starting(pairs, incomplete)


def _custom_labels() -> list[str]:
    labels: list[str] = []
    for value in completions.cached_metadata(_state_dir(), "custom_statuses "):
        statuses = value.get("statuses") if isinstance(value, dict) else None
        for item in statuses if isinstance(statuses, list) else []:
            if isinstance(item, dict) and isinstance(item.get("agent_label"), str) and item.get("active", True):
                labels.append(item["agent_label"])
    return labels


def queue_statuses(incomplete: str) -> Choices:
    """What `queue --status` filters on: the unsolved statuses and the custom status labels."""
    pairs = [(word, "status") for word in UNSOLVED_WORDS] + [(label, "custom status") for label in _custom_labels()]
    return _starting(pairs, incomplete)


def settable_statuses(incomplete: str) -> Choices:
    return _starting(((word, "status") for word in SETTABLE_WORDS), incomplete)


def priorities(incomplete: str) -> Choices:
    return _starting(((p, "priority") for p in PRIORITIES), incomplete)


def types(incomplete: str) -> Choices:
    return _starting(((t, "ticket type") for t in TICKET_TYPES), incomplete)


def tickets(incomplete: str) -> Choices:
    """The ticket ids the last `queue` listed, in its order, each with its subject (`#4012` once
    a `#` is typed)."""
    mark = "#" if incomplete.startswith("#") else ""
    found = [(f"{mark}{i}", subject) for i, subject in completions.cached_tickets(_state_dir())]
    return _starting(found, incomplete)


def agents(incomplete: str) -> Choices:
    """me, none, and the agents' emails met so far (group members, assignees)."""
    pairs = [("me", "you"), ("none", "nobody")]
    pairs += sorted(completions.cached_agents(_state_dir()).items())
    return _starting(pairs, incomplete)


KINDS = {
    "group": groups,
    "queue_status": queue_statuses,
    "status": settable_statuses,
    "priority": priorities,
    "type": types,
    "ticket": tickets,
    "agent": agents,
}


def values(kind: str, incomplete: str) -> Choices:
    """The completions of one kind; none at all rather than an error."""
    try:
        return KINDS[kind](incomplete or "")
    except Exception:  # completion must never print a traceback into the shell
        return []
