"""The queue: a group's unsolved tickets in SLA order (see `sla.py` for the rule).

Cost: one search page per 100 tickets (the export endpoint past 1,000), with users,
organisations and SLAs sideloaded; custom statuses (cached); one Trello request for the whole
board's cards, only with Trello credentials; one for the suspended-ticket count. Never a
request per ticket.

Time: the reads are independent, so they go side by side in one small pool (`parallel.py`): the
board, the suspended count, the metadata (when not cached) and who `--assignee` names go out
with the first search page, and the remaining pages as soon as it says how many there are (with
it, when the query's size is cached). Up to 1,000 tickets that is about two round trips; past
that the export's cursor pages come one after another.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from govpress_support.core.config import Settings
from govpress_support.core.errors import UsageError
from govpress_support.core.groups import group_id_in, group_name, needs_card
from govpress_support.core.models import Card, CustomStatus, Organization, Ticket, User
from govpress_support.core.records import QUEUE_FIELDS, TicketFacts, record
from govpress_support.core.sla import TicketSla, Urgency, breaching_within, in_queue_order
from govpress_support.core.statuses import UNSOLVED_WORDS, api_status, status_label, status_word
from govpress_support.core.timeutil import parse_duration
from govpress_support.services.parallel import SideBySide
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.agents import assignee_filter
from govpress_support.workflows.cards.find import board_cards
from govpress_support.workflows.suspended import peek_suspended


@dataclass(frozen=True)
class QueueOptions:
    group: str = "2nd"
    assignee: str | None = None  # me | none | an email
    statuses: tuple[str, ...] = ()  # plain statuses or custom status labels
    breaching_within: timedelta | None = None
    limit: int | None = None
    # Search only your own tickets (`assignee:me`), for a caller that needs no counts of the whole
    # group (the handover's own tickets): fewer pages. `in_group` then counts yours alone.
    search_mine: bool = False

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 1:
            raise UsageError(f"--limit must be 1 or more, got {self.limit}")


@dataclass(frozen=True)
class TrelloState:
    """Whether the Trello column could be filled, and if not, why (said once)."""

    checked: bool
    reason: str | None = None


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    sla: TicketSla
    status_label: str
    assignee: User | None
    organization: Organization | None
    card: Card | None
    warning: bool  # an active SLA inside the warning threshold

    def facts(self, group: str, trello_checked: bool) -> TicketFacts:
        return TicketFacts(
            self.ticket,
            self.status_label,
            self.sla,
            group=group,
            assignee=self.assignee,
            organization=self.organization,
            card=self.card,
            trello_checked=trello_checked,
        )

    def to_record(self, group: str, trello_checked: bool) -> dict[str, Any]:
        return record(self.facts(group, trello_checked), QUEUE_FIELDS)


@dataclass(frozen=True)
class Counts:
    """How many tickets are breached, and how many breach within the warning threshold."""

    breached: int = 0
    warnings: int = 0

    @classmethod
    def of(cls, ordered: Sequence[tuple[Ticket, TicketSla]], now: datetime, threshold: timedelta) -> Counts:
        return cls(
            breached=sum(1 for _, sla in ordered if sla.urgency is Urgency.BREACHED),
            warnings=sum(1 for _, sla in ordered if _warning(sla, now, threshold)),
        )


def _warning(sla: TicketSla, now: datetime, threshold: timedelta) -> bool:
    """An active SLA inside the warning threshold."""
    return sla.urgency is Urgency.ACTIVE and sla.breach_at is not None and sla.breach_at - now < threshold


@dataclass(frozen=True)
class QueueResult:
    group: str
    rows: list[QueueRow]
    total: int  # unsolved tickets in the group before --assignee/--status/--breaching-within/--limit
    now: datetime
    warning_threshold: timedelta
    trello: TrelloState
    suspended: int | None = None  # None: not allowed to see them
    suspended_more: bool = False  # at least this many (the count stops at one page)
    used_export: bool = False
    in_group: Counts = Counts()  # over all `total` tickets, whatever the filters list
    cards_needed: bool = True  # the process gives this group's tickets a Trello card (2nd line, scoping)

    @property
    def breached(self) -> int:
        return sum(1 for r in self.rows if r.sla.urgency is Urgency.BREACHED)

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.rows if r.warning)

    def records(self) -> list[dict[str, Any]]:
        return [r.to_record(self.group, self.trello.checked) for r in self.rows]


def search_query(settings: Settings, group: str, *, mine: bool = False) -> str:
    """The Zendesk search for a group's unsolved tickets (all of them: the footer counts the
    group's breaches whatever is listed), or only yours with `mine`."""
    name = group_name(settings.groups, group)
    terms = [f"group:{name}" if group_id_in(name) is not None else f'group:"{name}"', "status<solved"]
    return " ".join([*terms, "assignee:me"] if mine else terms)


def _status_filter(
    statuses: Sequence[str], custom: Sequence[CustomStatus] | None, group: str
) -> Callable[[Ticket], bool] | None:
    if not statuses:
        return None
    plain: set[str] = set()
    chosen: set[int] = set()
    everything = {s.agent_label.casefold(): s for s in custom or []}
    known = {label: s for label, s in everything.items() if s.status_category != "solved"}
    for raw in statuses:
        word = status_word(raw)
        if word in UNSOLVED_WORDS:
            plain.add(api_status(word))
        elif raw.strip().casefold() in known:
            chosen.add(known[raw.strip().casefold()].id)
        elif word in ("solved", "closed") or raw.strip().casefold() in everything:
            raise UsageError(
                f"the queue lists unsolved tickets only, so none is {raw.strip()!r}",
                f'Zendesk\'s search finds them: status:{"closed" if word == "closed" else "solved"} group:"{group}"',
            )
        else:
            valid = ", ".join(dict.fromkeys([*UNSOLVED_WORDS, *sorted(s.agent_label for s in known.values())]))
            raise UsageError(f"unknown status {raw!r}", f"use one of: {valid}")
    return lambda t: t.status in plain or t.custom_status_id in chosen


def fetch_queue(
    zendesk: ZendeskClient,
    trello: TrelloClient | None,
    settings: Settings,
    options: QueueOptions,
    *,
    now: datetime,
    on_progress: Callable[[int, int | None], None] | None = None,
    count_suspended: bool = True,
) -> QueueResult:
    """The group's queue. `count_suspended=False` leaves out the suspended count (for callers
    that do not show it)."""
    name = group_name(settings.groups, options.group)
    with SideBySide(name="queue") as pool:
        asked_assignee = pool.start(assignee_filter, zendesk, options.assignee)
        asked_group = pool.start(zendesk.group, name) if group_id_in(name) is not None else None
        asked_statuses = pool.start(zendesk.custom_statuses)  # cached: no request
        asked_cards = pool.start(board_cards, trello, settings.trello.backlog_board)
        asked_suspended = pool.start(peek_suspended, zendesk) if count_suspended else None
        query = search_query(settings, options.group, mine=options.search_mine)
        found = zendesk.search_tickets(query, on_page=on_progress, pool=pool)
        assigned = asked_assignee.result()  # a bad --assignee is the first thing to say
        if asked_group is not None:
            name = asked_group.result().name  # an id needs its name
        elif not found.tickets:
            name = zendesk.group(name).name  # an empty result may be a misspelt group
        needed = any(t.custom_status_id for t in found.tickets) or options.statuses
        custom = asked_statuses.result() if needed else None
        cards = asked_cards.result()
        suspended = asked_suspended.result() if asked_suspended is not None else None

    keep = _status_filter(options.statuses, custom, name)
    threshold = parse_duration(settings.queue.sla_warning)
    fallback_tag = settings.zendesk.believed_solved_tag

    rows: list[QueueRow] = []
    ordered = in_queue_order((t for t in found.tickets if t.unsolved), now)
    total = len(ordered)
    in_group = Counts.of(ordered, now, threshold)
    for ticket, sla in ordered:
        if assigned is not None and not assigned(ticket):
            continue
        if keep is not None and not keep(ticket):
            continue
        if options.breaching_within is not None and not breaching_within(sla, now, options.breaching_within):
            continue
        rows.append(
            QueueRow(
                ticket=ticket,
                sla=sla,
                status_label=status_label(ticket, custom, fallback_tag=fallback_tag),
                assignee=found.users.get(ticket.assignee_id) if ticket.assignee_id else None,
                organization=found.organizations.get(ticket.organization_id) if ticket.organization_id else None,
                card=cards.get(ticket.id),
                warning=_warning(sla, now, threshold),
            )
        )
    if options.limit is not None:
        rows = rows[: options.limit]

    return QueueResult(
        group=name,
        rows=rows,
        total=total,
        now=now,
        warning_threshold=threshold,
        trello=TrelloState(cards.checked, cards.reason),
        in_group=in_group,
        cards_needed=needs_card(settings.groups, name),
        suspended=suspended.count if suspended is not None else None,
        suspended_more=suspended is not None and suspended.more,
        used_export=found.used_export,
    )
