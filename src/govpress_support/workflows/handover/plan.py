"""The end of a rotation: your 2nd line tickets, with your notes, to the next engineer.

`prepare` builds the plan (who next, which tickets in SLA order, the membership changes, the
branches to push and the pull requests to hand over, the unpushed git work, the suspended
tickets); `add_others` offers the group's other tickets for a note; the CLI adds the notes and
asks; `run.start` journals the plan and carries it out (see `apply.py` for the order and the
exactly-once rule, `outside.py` for pushes and pull requests); `run.resume` finishes an
interrupted run from its journal (`state.py`). Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from govpress_support.core.config import Settings
from govpress_support.core.errors import UsageError
from govpress_support.core.groups import resolve_group
from govpress_support.core.models import Group, GroupMembership, RotaEntry, User
from govpress_support.core.records import card_state
from govpress_support.services.github import GitHubClient
from govpress_support.services.parallel import SideBySide
from govpress_support.services.rota import RotaClient, next_engineer
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.handover.gitpush import PlannedPush, github_branches, plan_pushes
from govpress_support.workflows.handover.gitwork import GitReport, github_repo, unpushed_work
from govpress_support.workflows.handover.models import (
    HandoverPlan,
    MembershipChange,
    Person,
    PlannedTicket,
    Suspended,
)
from govpress_support.workflows.handover.pulls import GitHubPlan, Target, plan_github
from govpress_support.workflows.handover.run import (  # re-exported: the handover's one entry point
    JOURNAL_DIR,
    PastRun,
    journal_dir,
    past_runs,
    post_to_slack,
    result_of,
    resume,
    start,
    unfinished_run,
)
from govpress_support.workflows.queue import QueueOptions, QueueRow, fetch_queue
from govpress_support.workflows.suspended import peek_suspended

__all__ = [
    "JOURNAL_DIR",
    "HandoverOptions",
    "PastRun",
    "add_others",
    "journal_dir",
    "past_runs",
    "post_to_slack",
    "prepare",
    "result_of",
    "resume",
    "start",
    "unfinished_run",
]


@dataclass(frozen=True)
class HandoverOptions:
    to: str | None = None  # an email; None: the rota's next engineer
    keep_membership: bool = False
    repos: Sequence[Path] | None = None  # None: the configured handover.repos
    others: bool = False  # also read the group's other tickets, to offer them for a note
    push: bool = False  # push the branches with unpushed commits
    github: bool = True  # hand over your open pull requests (with a token)
    slack: bool = False  # post a summary to Slack when done


# --- the plan ------------------------------------------------------------------------------------


def prepare(
    zendesk: ZendeskClient,
    trello: TrelloClient | None,
    rota: RotaClient | None,
    settings: Settings,
    options: HandoverOptions,
    *,
    state_dir: Path,
    now: datetime,
    github: GitHubClient | None = None,
) -> HandoverPlan:
    """Everything the handover will do, read from Zendesk, the rota, Trello, git and GitHub.
    Changes nothing.

    Raises `UsageError` when there is an unfinished run (resume it first), when the target is
    unknown, not an agent or you, when `--keep-membership` would leave the target outside the
    group (Zendesk would refuse every reassignment), or for a GitHub login GitHub does not know;
    `AuthError` (exit 4) for a GitHub token GitHub refuses.
    """
    me = zendesk.me()
    pending = unfinished_run(state_dir, zendesk.base_url, me.id)
    if pending is not None:
        raise UsageError(
            f"{pending.describe()} and is not finished",
            "run `govpress-support handover --resume` to finish it first",
        )
    group = resolve_group(zendesk, settings.groups, "2nd")
    roots = options.repos if options.repos is not None else [Path(p) for p in settings.handover.repos]
    # Independent reads, side by side: the plan costs the longest chain, not the sum. The reads
    # inside them (the queue's, GitHub's) go side by side in pools of their own: a task that waits
    # for tasks queued behind it in the same bounded pool could wait for ever.
    with SideBySide(name="plan") as pool:
        asked_target = pool.start(_target, zendesk, rota, settings, options.to, me, now)
        asked_tickets = pool.start(_tickets, zendesk, trello, settings, me, group, now)
        asked_others = pool.start(_others, zendesk, trello, settings, me, now) if options.others else None
        asked_members = pool.start(zendesk.group_memberships, group.id)
        asked_suspended = pool.start(_suspended, zendesk)
        asked_outside = pool.start(_outside, github, settings, options, roots, asked_target, me, now)
        target, source, entry = asked_target.result()  # a bad target is the first thing to say
        tickets, queue_rows, trello_reason = asked_tickets.result()
        candidates = asked_others.result() if asked_others is not None else []
        members = asked_members.result()
        suspended, more = asked_suspended.result()
        git, pushes, github_plan = asked_outside.result()

    add, remove, membership_notes = _memberships(settings, members, me, target, group, options.keep_membership)
    return HandoverPlan(
        zendesk_url=zendesk.base_url,
        me=_person(me),
        target=_person(target),
        target_source=source,
        group_id=group.id,
        group_name=group.name,
        tickets=tuple(tickets),
        created_at=now,
        add_member=add,
        remove_member=remove,
        membership_notes=tuple(membership_notes),
        git=git,
        suspended=suspended,
        suspended_more=more,
        trello_reason=trello_reason,
        left_out=queue_rows - len(tickets),
        pushes=pushes,
        github=github_plan,
        slack=options.slack,
        slack_mention=settings.people.slack_id(target.email) or (entry.slack_id if entry else None),
        candidates=tuple(t for t in candidates if t.id not in {m.id for m in tickets}),
    )


def add_others(
    zendesk: ZendeskClient, trello: TrelloClient | None, settings: Settings, plan: HandoverPlan, *, now: datetime
) -> HandoverPlan:
    """The plan with the group's other unsolved tickets offered for a note (`candidates`), in
    queue order: for a notes file that names tickets that are not yours."""
    me = zendesk.me()
    mine = {t.id for t in plan.tickets}
    others = [t for t in _others(zendesk, trello, settings, me, now) if t.id not in mine]
    return replace(plan, candidates=tuple(others))


def _outside(
    github: GitHubClient | None,
    settings: Settings,
    options: HandoverOptions,
    roots: Sequence[Path],
    asked_target: Future[tuple[User, str, RotaEntry | None]],
    me: User,
    now: datetime,
) -> tuple[GitReport, tuple[PlannedPush, ...], GitHubPlan]:
    """The git and GitHub side of the plan: unpushed work, the pushes (with --push), and the pull
    requests (with a token) from the branches with unpushed commits and the organisations."""
    git = unpushed_work([Path(p).expanduser() for p in roots]) if roots else GitReport()
    github = github if options.github else None
    defaults: dict[str, str] = {}
    if github is not None:  # a clone that does not know its remote's default branch: ask GitHub
        unknown = {name for r in git.repos if not r.default_branch and (name := github_repo(r.origin))}
        for name in sorted(unknown):
            found = github.repo(name)
            if found is not None:
                defaults[name] = found.default_branch
    branches = plan_pushes(git, defaults)
    target, _, entry = asked_target.result()
    if not options.github:
        github_plan = GitHubPlan(notes=("pull requests left alone (--no-github)",))
    else:
        github_plan = plan_github(
            github,
            settings,
            Target(target.name, target.email or "", entry.github if entry else None),
            github_branches(branches),
            giver=me.name or me.email or "",
            day=now.date(),
        )
    return git, branches if options.push else (), github_plan


def _tickets(
    zendesk: ZendeskClient, trello: TrelloClient | None, settings: Settings, me: User, group: Group, now: datetime
) -> tuple[list[PlannedTicket], int, str | None]:
    """Your unsolved tickets in the group in SLA order (the queue's), confirmed by reading them:
    the search index lags behind writes. Returns them, how many the search listed, and why the
    Trello column could not be filled (if so)."""
    # Only yours are searched: the group's others are read apart, when they are offered (`_others`).
    # The suspended tickets are the plan's own read (`_suspended`): the queue does not count them again.
    mine = QueueOptions(group="2nd", assignee="me", search_mine=True)
    queue = fetch_queue(zendesk, trello, settings, mine, now=now, count_suspended=False)
    fresh = {t.id: t for t in zendesk.tickets([row.ticket.id for row in queue.rows], sideload=()).tickets}
    tickets: list[PlannedTicket] = []
    for row in queue.rows:
        current = fresh.get(row.ticket.id)
        if current is None or current.assignee_id != me.id or current.group_id != group.id or not current.unsolved:
            continue
        tickets.append(
            _planned(replace(row, ticket=current), queue.trello.checked, current.updated_stamp, reassign=True)
        )
    return tickets, len(queue.rows), queue.trello.reason


def _others(
    zendesk: ZendeskClient, trello: TrelloClient | None, settings: Settings, me: User, now: datetime
) -> list[PlannedTicket]:
    """The group's unsolved tickets that are not yours, in queue order: each may get a note."""
    queue = fetch_queue(zendesk, trello, settings, QueueOptions(group="2nd"), now=now, count_suspended=False)
    return [
        _planned(row, queue.trello.checked, row.ticket.updated_stamp, reassign=False)
        for row in queue.rows
        if row.ticket.assignee_id != me.id
    ]


def _planned(row: QueueRow, trello_checked: bool, stamp: str | None, *, reassign: bool) -> PlannedTicket:
    ticket = row.ticket
    return PlannedTicket(
        id=ticket.id,
        url=ticket.agent_url,
        subject=ticket.subject,
        status=ticket.status,
        status_label=row.status_label,
        priority=ticket.priority,
        sla_metric=row.sla.metric,
        sla_urgency=row.sla.urgency.name.lower(),
        sla_breach_at=row.sla.breach_at,
        due_at=ticket.due_at,
        trello_card=card_state(row.card, trello_checked),
        trello_card_url=row.card.short_url if row.card else None,
        stamp=stamp,
        reassign=reassign,
        assignee_name=None if reassign else (row.assignee.name if row.assignee else "nobody"),
    )


def _target(
    zendesk: ZendeskClient, rota: RotaClient | None, settings: Settings, to: str | None, me: User, now: datetime
) -> tuple[User, str, RotaEntry | None]:
    """The next engineer, where they came from, and their rota entry (for a GitHub login or a
    Slack member id the rota may carry)."""
    entry: RotaEntry | None = None
    if to is not None:
        email, source, where = to.strip(), "--to", f"--to {to.strip()}"
        if "@" not in email:
            raise UsageError(f"--to {to!r} is not an email address", "give the next engineer's Zendesk email")
        entry = _rota_entry(rota, settings, email)
    else:
        if rota is None:
            raise UsageError(
                "who is next? No --to, and no rota service is configured",
                "pass --to EMAIL, or set ROTA_URL (rota.url in the config file)",
            )
        entry = next_engineer(rota.entries(settings.rota.role), me.email or "", now.date())
        if entry is None:
            raise UsageError("the rota has nobody after you", "pass --to EMAIL")
        email, source, where = entry.email, "rota", f"the rota's next engineer ({entry.name}, {entry.email})"
    user = zendesk.user_by_email(email)
    if user is None:
        raise UsageError(f"{where}: no Zendesk user has that email", "check the address, or pass --to EMAIL")
    if not user.is_agent:
        raise UsageError(f"{where}: {user.name} is not a Zendesk agent (role {user.role})", "hand over to an agent")
    if not user.active:
        raise UsageError(f"{where}: {user.name}'s Zendesk account is not active", "hand over to an active agent")
    if user.id == me.id:
        raise UsageError(f"{where} is you", "hand over to the next engineer on the rota, with --to EMAIL")
    return user, source, entry


def _rota_entry(rota: RotaClient | None, settings: Settings, email: str) -> RotaEntry | None:
    """The rota's latest entry for this person, if the rota answers (it is optional here)."""
    from govpress_support.core.errors import GovPressError

    if rota is None:
        return None
    try:
        entries = rota.entries(settings.rota.role)
    except GovPressError:
        return None
    mine = [e for e in entries if e.email.strip().casefold() == email.casefold()]
    return mine[-1] if mine else None


def _memberships(
    settings: Settings, members: list[GroupMembership], me: User, target: User, group: Group, keep: bool
) -> tuple[MembershipChange | None, MembershipChange | None, list[str]]:
    group_id, group_name = group.id, group.name
    target_in = any(m.user_id == target.id for m in members)
    mine = next((m for m in members if m.user_id == me.id), None)
    notes: list[str] = []
    if keep:
        if not target_in:
            raise UsageError(
                f"{target.name} is not in {group_name}, and Zendesk assigns a ticket only to a member of its group",
                "drop --keep-membership so the handover adds them, or ask an admin to add them first",
            )
        notes.append("memberships unchanged (--keep-membership)")
        return None, None, notes
    add = None
    if target_in:
        notes.append(f"{target.name} is already in {group_name}")
    else:
        add = MembershipChange("add", _person(target), group_id, group_name)
    remove = None
    permanent = {e.strip().casefold() for e in settings.groups.permanent_members}
    if mine is None:
        notes.append(f"you are not in {group_name}")
    elif (me.email or "").casefold() in permanent:
        notes.append(f"you stay in {group_name} (a permanent member: groups.permanent_members)")
    else:
        remove = MembershipChange("remove", _person(me), group_id, group_name, membership_id=mine.id)
    return add, remove, notes


def _suspended(zendesk: ZendeskClient) -> tuple[tuple[Suspended, ...] | None, bool]:
    peek = peek_suspended(zendesk)
    if peek is None:
        return None, False  # restricted agents may not see them
    items = tuple(
        Suspended(
            id=s.id,
            subject=s.subject,
            cause=s.cause,
            author=s.author_email or s.author_name,
            created_at=s.created_at,
        )
        for s in peek.tickets
    )
    return items, peek.more


def _person(user: User) -> Person:
    return Person(id=user.id, name=user.name, email=user.email or "")
