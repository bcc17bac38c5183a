"""The end of a rotation: your 2nd line tickets, with your notes, to the next engineer.

`prepare` builds the plan (who next, which tickets in SLA order, the membership changes, the
unpushed git work, the suspended tickets); the CLI adds the notes and asks; `start` journals
the plan and carries it out (see `apply.py` for the order and the exactly-once rule);
`resume` finishes an interrupted run from its journal (`state.py`). Nothing here prints.

Journals live in `<state dir>/handover/`, one JSON-lines file per run. A run is "yours" when
its plan names the same Zendesk and the same agent, so one state dir can serve the sandbox and
the real desk without mixing them up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from govpress_support.core.config import Settings
from govpress_support.core.errors import UsageError
from govpress_support.core.groups import resolve_group
from govpress_support.core.models import Group, GroupMembership, User
from govpress_support.core.records import card_state
from govpress_support.core.timeutil import iso
from govpress_support.services.rota import RotaClient, next_engineer
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import SHOW_MANY_LIMIT, ZendeskClient
from govpress_support.workflows.handover.apply import Listener, PollPolicy, Runner
from govpress_support.workflows.handover.gitwork import GitReport, unpushed_work
from govpress_support.workflows.handover.journal import Journal, JournalError, journals, new_run_id
from govpress_support.workflows.handover.models import (
    HandoverPlan,
    HandoverResult,
    MembershipChange,
    Person,
    PlannedTicket,
    Suspended,
)
from govpress_support.workflows.handover.state import RunState, membership_outcomes, replay
from govpress_support.workflows.queue import QueueOptions, fetch_queue
from govpress_support.workflows.suspended import peek_suspended

JOURNAL_DIR = "handover"
PLAN_WORKERS = 5


@dataclass(frozen=True)
class HandoverOptions:
    to: str | None = None  # an email; None: the rota's next engineer
    keep_membership: bool = False
    repos: Sequence[Path] | None = None  # None: the configured handover.repos


@dataclass(frozen=True)
class PastRun:
    """A journaled run of yours, for "nothing to do" and "unfinished" messages."""

    journal: Journal
    plan: HandoverPlan
    finished_at: datetime | None

    def describe(self) -> str:
        when = iso(self.finished_at or self.plan.created_at)
        count = len(self.plan.tickets)
        verb = "finished" if self.finished_at else "started"
        return f"the handover to {self.plan.target.label()} ({count} tickets) {verb} at {when}"


def journal_dir(state_dir: Path) -> Path:
    return state_dir / JOURNAL_DIR


# --- past runs -----------------------------------------------------------------------------------


def past_runs(state_dir: Path, zendesk_url: str, me_id: int) -> list[PastRun]:
    """Your journaled runs on this Zendesk, oldest first."""
    runs: list[PastRun] = []
    for journal in journals(journal_dir(state_dir)):
        records = journal.records()
        if not records or records[0].get("type") != "plan":
            continue
        try:
            state = replay(records)
        except (KeyError, TypeError, ValueError) as exc:
            # Never skip it: it may be an unfinished run that a new one would repeat.
            raise JournalError(
                f"cannot read the handover journal {journal.path} ({type(exc).__name__}: {exc})",
                "look at it, or move it aside if that handover is settled",
            ) from None
        if state.plan.zendesk_url != zendesk_url or state.plan.me.id != me_id:
            continue
        runs.append(PastRun(journal, state.plan, state.finished_at))
    return runs


def unfinished_run(state_dir: Path, zendesk_url: str, me_id: int) -> PastRun | None:
    unfinished = [r for r in past_runs(state_dir, zendesk_url, me_id) if r.finished_at is None]
    return unfinished[-1] if unfinished else None


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
) -> HandoverPlan:
    """Everything the handover will do, read from Zendesk, the rota, Trello and git. Changes nothing.

    Raises `UsageError` when there is an unfinished run (resume it first), when the target is
    unknown, not an agent or you, or when `--keep-membership` would leave the target outside
    the group (Zendesk would refuse every reassignment).
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
    # Independent reads, side by side: the plan costs the longest chain, not the sum.
    with ThreadPoolExecutor(max_workers=PLAN_WORKERS, thread_name_prefix="plan") as pool:
        asked_target = pool.submit(_target, zendesk, rota, settings, options.to, me, now)
        asked_tickets = pool.submit(_tickets, zendesk, trello, settings, me, group, now)
        asked_members = pool.submit(zendesk.group_memberships, group.id)
        asked_suspended = pool.submit(_suspended, zendesk)
        asked_git = pool.submit(unpushed_work, [Path(p).expanduser() for p in roots]) if roots else None
        target, source = asked_target.result()  # a bad target is the first thing to say
        tickets, queue_rows, trello_reason = asked_tickets.result()
        members = asked_members.result()
        suspended, more = asked_suspended.result()
        git = asked_git.result() if asked_git is not None else GitReport()

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
    )


def _tickets(
    zendesk: ZendeskClient, trello: TrelloClient | None, settings: Settings, me: User, group: Group, now: datetime
) -> tuple[list[PlannedTicket], int, str | None]:
    """Your unsolved tickets in the group in SLA order (the queue's), confirmed by reading them:
    the search index lags behind writes. Returns them, how many the search listed, and why the
    Trello column could not be filled (if so)."""
    queue = fetch_queue(zendesk, trello, settings, QueueOptions(group="2nd", assignee="me"), now=now)
    ids = [row.ticket.id for row in queue.rows]
    chunks = [ids[i : i + SHOW_MANY_LIMIT] for i in range(0, len(ids), SHOW_MANY_LIMIT)]
    with ThreadPoolExecutor(max_workers=PLAN_WORKERS, thread_name_prefix="read") as pool:
        read = pool.map(lambda chunk: zendesk.tickets(chunk, sideload=()).tickets, chunks)
        fresh = {t.id: t for found in read for t in found}
    tickets: list[PlannedTicket] = []
    for row in queue.rows:
        current = fresh.get(row.ticket.id)
        if current is None or current.assignee_id != me.id or current.group_id != group.id or not current.unsolved:
            continue
        tickets.append(
            PlannedTicket(
                id=current.id,
                url=current.agent_url,
                subject=current.subject,
                status=current.status,
                status_label=row.status_label,
                priority=current.priority,
                sla_metric=row.sla.metric,
                sla_urgency=row.sla.urgency.name.lower(),
                sla_breach_at=row.sla.breach_at,
                due_at=current.due_at,
                trello_card=card_state(row.card, queue.trello.checked),
                trello_card_url=row.card.short_url if row.card else None,
                stamp=current.updated_stamp,
            )
        )
    return tickets, len(queue.rows), queue.trello.reason


def _target(
    zendesk: ZendeskClient, rota: RotaClient | None, settings: Settings, to: str | None, me: User, now: datetime
) -> tuple[User, str]:
    if to is not None:
        email, source, where = to.strip(), "--to", f"--to {to.strip()}"
        if "@" not in email:
            raise UsageError(f"--to {to!r} is not an email address", "give the next engineer's Zendesk email")
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
    return user, source


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


# --- carrying it out --------------------------------------------------------------------------


def start(
    zendesk: ZendeskClient,
    plan: HandoverPlan,
    *,
    state_dir: Path,
    listener: Listener | None = None,
    poll: PollPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
) -> HandoverResult:
    """Journal the plan, then carry it out."""
    journal = Journal.create(journal_dir(state_dir), new_run_id(plan.created_at))
    plan = replace(plan, run_id=journal.run_id)
    journal.append({"type": "plan", "plan": plan.to_dict()})
    return _run(zendesk, journal, RunState(plan=plan), listener, poll, sleep, resumed=False)


def resume(
    zendesk: ZendeskClient,
    run: PastRun,
    *,
    listener: Listener | None = None,
    poll: PollPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
) -> HandoverResult:
    """Finish an interrupted run from its journal: nothing done twice."""
    state = replay(run.journal.records())
    return _run(zendesk, run.journal, state, listener, poll, sleep, resumed=True)


def result_of(run: PastRun) -> HandoverResult:
    """A past run's result, from its journal alone."""
    return _result(replay(run.journal.records()), run.journal, resumed=False)


def _run(
    zendesk: ZendeskClient,
    journal: Journal,
    state: RunState,
    listener: Listener | None,
    poll: PollPolicy | None,
    sleep: Callable[[float], None] | None,
    *,
    resumed: bool,
) -> HandoverResult:
    runner = Runner(
        zendesk,
        journal,
        state,
        listener=listener,
        poll=poll,
        **({"sleep": sleep} if sleep is not None else {}),
    )
    runner.run()
    return _result(state, journal, resumed=resumed)


def _result(state: RunState, journal: Journal, *, resumed: bool) -> HandoverResult:
    return HandoverResult(
        plan=state.plan,
        run_id=state.plan.run_id or journal.run_id,
        outcomes=dict(state.outcomes),
        memberships=tuple(membership_outcomes(state)),
        finished_at=state.finished_at or state.plan.created_at,
        resumed=resumed,
    )
