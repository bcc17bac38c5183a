"""The seeded desk by name: tickets named for why a test picks them, the seeded people, groups and
boards.

Everything here is looked up in the sandbox's own seed data (`sandbox/seed_data.py`) by a stable
key, so a renumbered seed renumbers these. `PROMISES` says what each ticket name claims about its
ticket; tests/sandbox/test_seed_names.py checks every claim against the seed and against a running
sandbox, so a name cannot quietly stop saying what its ticket is.
"""

from __future__ import annotations

from collections.abc import Callable

from govpress_support.sandbox import seed_data as data
from govpress_support.sandbox.seed_data import Agent, SeedTicket
from govpress_support.sandbox.seed_history import CASCADED, FIRST_HISTORY_ID

# --- groups, boards ---------------------------------------------------------------------------------

TRIAGE, FIRST_LINE, SECOND_LINE, SCOPING = data.TRIAGE, data.FIRST_LINE, data.SECOND_LINE, data.SCOPING
GROUP_NAMES = {group_id: name for group_id, name, _ in data.GROUPS}
SECOND_LINE_NAME = GROUP_NAMES[SECOND_LINE]  # "GovPress 2nd line support"
TRIAGE_NAME = GROUP_NAMES[TRIAGE]

CUSTOM_STATUSES = {label: status_id for status_id, _, label, _, _ in data.CUSTOM_STATUSES}  # agent label -> id

BACKLOG = data.BACKLOG_SHORT  # the Backlog board: a card per 2nd line or scoping ticket
WEEK = data.WIP_SHORT  # the Week in Progress board, with the weekly tasks
TEMPLATE = data.TEMPLATE_SHORT  # the card copied when someone joins the rota

# --- people -------------------------------------------------------------------------------------------

_AGENTS = {agent.id: agent for agent in data.AGENTS}
SAM, PRIYA, TOM, MORGAN, ADE, CHRIS, JO = (
    _AGENTS[i] for i in (data.SAM, data.PRIYA, data.TOM, data.MORGAN, data.ADE, data.CHRIS, data.JO)
)
ME = SAM  # the sandbox's default identity: 2nd line, admin, this week's engineer on the rota

# --- tickets ------------------------------------------------------------------------------------------


def _numbered() -> dict[str, int]:
    """Seed key -> ticket id: the seed numbers its tickets from FIRST_TICKET_ID, oldest first."""
    ordered = sorted(data.TICKETS, key=lambda t: -t.days_ago)
    return {t.key: data.FIRST_TICKET_ID + n for n, t in enumerate(ordered)}


TICKET_IDS = _numbered()
BY_KEY = {t.key: t for t in data.TICKETS}


def _id(key: str) -> int:
    return TICKET_IDS[key]


class Seed:
    """Seeded ticket ids by what makes a test pick them ("mine" is Sam's, the default identity)."""

    # 2nd line, Sam's
    mine_open = _id("events-timezone")  # open, high, no Trello card
    mine_open_with_card = _id("search-drafts")  # open, high, its card In progress
    mine_on_hold = _id("basic-auth")  # on-hold, next reply paused, no card, one internal note by Sam
    mine_pending = _id("broken-images")  # pending, next reply paused
    mine_low_priority = _id("brand-colours")  # open, low, its card in Backlog
    believed_solved = _id("a11y-404")  # the "Pending believed solved" custom status
    breached_urgent = _id("contact-form")  # urgent, next reply breached, its card In progress
    breaching_soon_no_card = _id("cookie-banner")  # next reply due within the hour, no card
    mine_task_with_due = _id("yoast-update")  # a task with a due date
    # 2nd line, others'
    breached_with_card = _id("php-warnings")  # Priya's, next reply breached, its card In progress
    priyas_not_breached = _id("news-categories")  # Priya's, open, next reply due in hours, its card In progress
    cascaded_with_group_sla = _id("wpml-conflict")  # came through 1st line; the plugin group SLA runs
    unassigned_2nd_line = _id("survey-embed")  # open, normal, nobody's, no card
    breached_listed_after_active = _id("wpml-conflict")  # an active metric sent first, a breached one after it
    closed_in_2nd_line = _id("twitter-embed")
    # other groups
    untriaged = _id("site-down")  # triage, new, no priority or type
    untriaged_no_sla = _id("annual-report")  # triage, new, no priority or type, no SLA
    triage_pending = _id("invoice-query")
    first_line_assignee_in_2nd = _id("acf-update")  # 1st line, Ade's (Ade is in 2nd line too)
    first_line_assignee_not_in_2nd = _id("media-upload")  # 1st line, Tom's (Tom is not in 2nd line)
    first_line_high_priority = _id("reset-2fa")  # 1st line, Chris's, high
    scoping_high_priority = _id("a11y-audit")  # scoping, open, high
    scoping_normal_priority = _id("news-redesign")  # scoping, open, normal
    closed_in_scoping = _id("archive-2019")

    # every unsolved seeded ticket, oldest (lowest id) first
    unsolved = tuple(sorted(TICKET_IDS[t.key] for t in data.TICKETS if t.status not in ("solved", "closed")))


SEED = Seed()

# The month before the moment of seeding: its solved and closed tickets are numbered from here,
# oldest first (how many depends on the day the desk is seeded).
FIRST_OF_MONTH = FIRST_HISTORY_ID


# --- suspended tickets, weekly tasks ------------------------------------------------------------------

# The seed numbers suspended tickets from 70001 in the order of `SUSPENDED` (sandbox/seed.py).
_SUSPENDED = {cause: 70001 + n for n, (_, cause, *_) in enumerate(data.SUSPENDED)}
SPAM = _SUSPENDED["Detected as spam"]  # recoverable: a new ticket
OUT_OF_OFFICE = _SUSPENDED["Automated response mail"]  # answers a ticket: recovered as a comment on it
FROM_SUPPORT = _SUSPENDED["Received from support address"]  # Zendesk will not recover it
OUT_OF_OFFICE_TICKET = TICKET_IDS[next(s[5] for s in data.SUSPENDED if s[1] == "Automated response mail") or ""]

FREE_WEEKLY_TASK = "Check backups completed"  # in Weekly tasks, nobody on it
TAKEN_WEEK_CARD = "Move Papertrail alerts to incident.io"  # in Doing, Morgan on it


# --- what each name promises ---------------------------------------------------------------------------


def _breach_minutes(t: SeedTicket) -> list[float]:
    return [m.minutes for m in t.sla or () if m.minutes is not None and m.stage is None]


def _breached(t: SeedTicket) -> bool:
    return any(m < 0 for m in _breach_minutes(t)) or any(m.stage == "breached" for m in t.sla or ())


def _paused(t: SeedTicket) -> bool:
    return t.status in ("pending", "hold") and bool(t.sla)


def _mine(t: SeedTicket, status: str) -> bool:
    return t.group == SECOND_LINE and t.assignee == ME.id and t.status == status


def _in(t: SeedTicket, group: int, status: str = "open") -> bool:
    return t.group == group and t.status == status


def _member_of_2nd(agent_id: int | None) -> bool:
    return agent_id is not None and SECOND_LINE in _AGENTS[agent_id].groups


PROMISES: dict[str, Callable[[SeedTicket], bool]] = {
    "mine_open": lambda t: _mine(t, "open") and t.card is None and t.custom_status is None,
    "mine_open_with_card": lambda t: _mine(t, "open") and t.card is not None,
    "mine_on_hold": lambda t: _mine(t, "hold") and _paused(t) and t.card is None and len(t.notes) == 1,
    "mine_pending": lambda t: _mine(t, "pending") and _paused(t) and t.custom_status is None,
    "mine_low_priority": lambda t: _mine(t, "open") and t.priority == "low" and t.card == "Backlog",
    "believed_solved": lambda t: t.group == SECOND_LINE and t.custom_status == "Pending believed solved",
    "breached_urgent": lambda t: _mine(t, "open") and t.priority == "urgent" and _breached(t) and t.card is not None,
    "breaching_soon_no_card": lambda t: (
        _mine(t, "open") and any(0 < m <= 60 for m in _breach_minutes(t)) and t.card is None
    ),
    "mine_task_with_due": lambda t: _mine(t, "open") and t.type == "task" and t.due_hours is not None,
    "breached_with_card": lambda t: (
        _in(t, SECOND_LINE) and t.assignee == PRIYA.id and _breached(t) and t.card is not None
    ),
    "priyas_not_breached": lambda t: (
        _in(t, SECOND_LINE) and t.assignee == PRIYA.id and not _breached(t) and t.card is not None
    ),
    "breached_listed_after_active": lambda t: (
        len(t.sla or ()) >= 2 and t.sla[0].stage is None and (t.sla[0].minutes or 0) > 0 and _breached(t)
    ),
    "unassigned_2nd_line": lambda t: (
        _in(t, SECOND_LINE) and t.assignee is None and t.priority == "normal" and t.card is None
    ),
    "cascaded_with_group_sla": lambda t: (
        _in(t, SECOND_LINE)
        and t.key in CASCADED
        and "plugin" in t.tags
        and any(m.metric == "group_ownership_time" for m in t.sla or ())
    ),
    "closed_in_2nd_line": lambda t: _in(t, SECOND_LINE, "closed"),
    "untriaged": lambda t: _in(t, TRIAGE, "new") and t.priority is None and t.type is None,
    "untriaged_no_sla": lambda t: _in(t, TRIAGE, "new") and t.priority is None and t.type is None and t.sla == (),
    "triage_pending": lambda t: _in(t, TRIAGE, "pending"),
    "first_line_assignee_in_2nd": lambda t: _in(t, FIRST_LINE) and _member_of_2nd(t.assignee),
    "first_line_assignee_not_in_2nd": lambda t: (
        _in(t, FIRST_LINE) and t.assignee is not None and not _member_of_2nd(t.assignee)
    ),
    "first_line_high_priority": lambda t: _in(t, FIRST_LINE) and t.priority == "high",
    "scoping_high_priority": lambda t: _in(t, SCOPING) and t.priority == "high",
    "scoping_normal_priority": lambda t: _in(t, SCOPING) and t.priority == "normal",
    "closed_in_scoping": lambda t: _in(t, SCOPING, "closed"),
}


def seed_key(ticket_id: int) -> str:
    """The seed's key of a seeded ticket id."""
    return next(key for key, found in TICKET_IDS.items() if found == ticket_id)


def named() -> dict[str, int]:
    """Every ticket name on SEED and its id."""
    return {name: value for name, value in vars(Seed).items() if isinstance(value, int) and not name.startswith("_")}


__all__ = [
    "ADE",
    "BACKLOG",
    "BY_KEY",
    "CHRIS",
    "CUSTOM_STATUSES",
    "FIRST_LINE",
    "FIRST_OF_MONTH",
    "JO",
    "ME",
    "MORGAN",
    "PRIYA",
    "PROMISES",
    "SAM",
    "SCOPING",
    "SECOND_LINE",
    "SECOND_LINE_NAME",
    "SEED",
    "TEMPLATE",
    "TICKET_IDS",
    "TOM",
    "TRIAGE",
    "TRIAGE_NAME",
    "WEEK",
    "Agent",
    "named",
    "seed_key",
]
