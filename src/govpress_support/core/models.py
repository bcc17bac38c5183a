"""Typed records that cross the client boundary. No raw API dicts past the clients.

Frozen dataclasses, built by the clients from the API's JSON and read by the workflows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

# --- Zendesk ---------------------------------------------------------------------------------

PRIORITIES: tuple[str, ...] = ("urgent", "high", "normal", "low")
TICKET_TYPES: tuple[str, ...] = ("problem", "incident", "question", "task")
UNSOLVED_STATUSES: tuple[str, ...] = ("new", "open", "pending", "hold")


@dataclass(frozen=True)
class SlaMetric:
    """One SLA policy metric on a ticket. `breach_at` may be absent on a paused metric."""

    metric: str
    stage: str  # active | paused | achieved | breached | anything newer, kept as sent
    breach_at: datetime | None


@dataclass(frozen=True)
class Ticket:
    id: int
    subject: str
    status: str
    priority: str | None
    type: str | None
    group_id: int | None
    assignee_id: int | None
    requester_id: int | None
    organization_id: int | None
    created_at: datetime | None
    updated_at: datetime | None
    updated_stamp: str | None  # `updated_at` exactly as sent, for Zendesk's collision guard
    agent_url: str
    custom_status_id: int | None = None
    due_at: datetime | None = None
    tags: tuple[str, ...] = ()
    custom_fields: tuple[tuple[int, object], ...] = ()
    description: str = ""
    # None: the response had no `slas` key (not sideloaded); (): sideloaded, no policy metrics.
    sla_metrics: tuple[SlaMetric, ...] | None = None
    email_cc_ids: tuple[int, ...] = ()  # who a public reply is copied to, besides the requester

    @property
    def unsolved(self) -> bool:
        return self.status in UNSOLVED_STATUSES

    def custom_field(self, field_id: int) -> object:
        for fid, value in self.custom_fields:
            if fid == field_id:
                return value
        return None


@dataclass(frozen=True)
class User:
    id: int
    name: str
    email: str | None
    role: str  # end-user | agent | admin
    default_group_id: int | None = None
    time_zone: str | None = None
    active: bool = True

    @property
    def is_agent(self) -> bool:
        return self.role in ("agent", "admin")


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    description: str = ""
    default: bool = False
    deleted: bool = False


@dataclass(frozen=True)
class GroupMembership:
    id: int
    user_id: int
    group_id: int
    default: bool = False


@dataclass(frozen=True)
class Organization:
    id: int
    name: str


@dataclass(frozen=True)
class CustomStatus:
    id: int
    status_category: str  # new | open | pending | hold | solved
    agent_label: str
    end_user_label: str = ""
    active: bool = True
    default: bool = False


@dataclass(frozen=True)
class Comment:
    id: int
    author_id: int | None
    body: str
    public: bool
    created_at: datetime | None
    emailed_to: str | None = None  # a public reply Zendesk emailed: the requester it went to
    emailed_ccs: int = 0  # ... and how many CCs


@dataclass(frozen=True)
class SuspendedTicket:
    id: int
    subject: str
    cause: str
    author_name: str | None
    author_email: str | None
    ticket_id: int | None
    created_at: datetime | None


@dataclass(frozen=True)
class MacroAction:
    field: str  # status, priority, type, group_id, assignee_id, custom_status_id, comment_value, ...
    value: object


@dataclass(frozen=True)
class Macro:
    id: int
    title: str
    active: bool = True
    description: str = ""
    actions: tuple[MacroAction, ...] = ()
    restriction: str | None = None  # None: everyone; "Group" or "User" (a personal macro)
    position: int | None = None


@dataclass(frozen=True)
class MacroComment:
    body: str
    public: bool


@dataclass(frozen=True)
class MacroResult:
    """What applying a macro to a ticket would do (Zendesk writes nothing): the ticket's fields
    as they would be, and the comment it would add."""

    ticket: Mapping[str, object]
    comment: MacroComment | None


@dataclass(frozen=True)
class Recovery:
    """The answer to recovering suspended tickets: the tickets they became, in the order of the
    ids sent, and the suspended tickets that could not be recovered."""

    tickets: tuple[Ticket, ...]
    failed: tuple[SuspendedTicket, ...]


@dataclass(frozen=True)
class JobResult:
    id: int | None
    success: bool
    action: str | None = None
    status: str | None = None
    error: str | None = None
    details: str | None = None


@dataclass(frozen=True)
class JobStatus:
    id: str
    status: str  # queued | working | completed | failed | killed
    total: int | None = None
    progress: int | None = None
    message: str | None = None
    results: tuple[JobResult, ...] = ()

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "killed")


@dataclass(frozen=True)
class MetricEvent:
    """One of Zendesk's ticket metric events (the incremental export). `deleted`: Zendesk withdrew
    it (a breach written ahead that did not happen, an SLA no longer applied); `policy` and
    `target_seconds` come with `apply_sla` and `apply_group_sla`."""

    id: int
    ticket_id: int
    metric: str  # reply_time, agent_work_time, ... as the events name the clock
    instance_id: int  # reply_time: 1 the first reply, 2+ the next replies; 0 on `measure`
    type: str  # measure | activate | pause | fulfill | apply_sla | apply_group_sla | breach | update_status
    time: datetime
    deleted: bool = False
    policy: str | None = None
    target_seconds: int | None = None


@dataclass(frozen=True)
class MetricSet:
    """A ticket's metrics (`include=metric_sets`, `tickets/{id}/metrics`): what agents can read."""

    ticket_id: int
    created_at: datetime | None = None
    solved_at: datetime | None = None  # the last time it was solved
    group_stations: int = 0  # groups it has been in, counting the first
    reopens: int = 0
    replies: int = 0
    reply_minutes: int | None = None  # first reply time, calendar minutes
    full_resolution_minutes: int | None = None


FieldValue = int | str | tuple[str, ...] | None


@dataclass(frozen=True)
class TicketChange:
    """A field of a ticket set when it was created or changed by an update (from its audits or
    the ticket events). `previous`: the value a change replaced (None when the field was unset,
    and on creation)."""

    at: datetime
    field: str  # group_id | status | custom_status_id | assignee_id | tags
    value: FieldValue
    created: bool = False  # set on creation rather than changed
    previous: FieldValue = None


@dataclass(frozen=True)
class TicketEvent:
    """One update of a ticket as the incremental ticket event export gives it (admins only): when,
    by whom, and the fields it set or changed that `stats` follows."""

    id: int
    ticket_id: int
    time: datetime
    updater_id: int | None
    changes: tuple[TicketChange, ...] = ()


# --- Trello ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Board:
    id: str
    short_link: str
    name: str
    url: str
    closed: bool = False


@dataclass(frozen=True)
class TrelloList:
    id: str
    name: str
    board_id: str
    closed: bool = False
    pos: float = 0.0


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    color: str | None = None


@dataclass(frozen=True)
class Attachment:
    id: str
    name: str
    url: str


@dataclass(frozen=True)
class Card:
    id: str
    short_link: str
    short_url: str
    url: str
    name: str
    desc: str
    list_id: str
    board_id: str
    due: datetime | None = None
    closed: bool = False
    member_ids: tuple[str, ...] = ()
    label_ids: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    labels: tuple[Label, ...] = ()  # as the card listing sends them (id, name, colour)
    due_complete: bool = False


@dataclass(frozen=True)
class Member:
    id: str
    username: str
    full_name: str
    email: str | None = None


@dataclass(frozen=True)
class BoardMember:
    member_id: str
    member_type: str  # normal | admin | observer


# --- Rota ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RotaEntry:
    day: date
    role: str
    name: str
    email: str
    github: str | None = None  # the person's GitHub login, when the rota carries one
    slack_id: str | None = None  # their Slack member id, when the rota carries one


@dataclass(frozen=True)
class Rota:
    entries: tuple[RotaEntry, ...] = field(default_factory=tuple)


# --- GitHub ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GitHubUser:
    id: int
    login: str
    name: str | None = None


@dataclass(frozen=True)
class GitHubRepo:
    full_name: str  # owner/name
    default_branch: str
    can_push: bool = False


@dataclass(frozen=True)
class PullRequest:
    repo: str  # owner/name
    number: int
    title: str
    url: str  # the web page (html_url)
    author: str  # login
    state: str  # open | closed
    draft: bool = False
    assignees: tuple[str, ...] = ()  # logins
    branch: str | None = None  # the head branch (not in search results)

    @property
    def ref(self) -> str:
        """`govpress/govpress-theme#42`."""
        return f"{self.repo}#{self.number}"


@dataclass(frozen=True)
class IssueComment:
    id: int
    author: str  # login
    body: str
    url: str
    created_at: datetime | None = None
