"""What a handover is made of: the plan, and what became of each of its steps.

The plan is written whole to the journal before anything is sent, so `--resume` can finish a
run from the journal alone (the notes came from an editor and cannot be asked for again).
`to_dict`/`from_dict` are that journal form; `to_record` is the documented `--json` form.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any, ClassVar

from govpress_support.core.handover_notes import heading
from govpress_support.core.timeutil import iso, parse_iso
from govpress_support.workflows.handover.gitpush import PlannedPush, PushOutcome
from govpress_support.workflows.handover.gitwork import GitReport, RepoWork
from govpress_support.workflows.handover.pulls import GitHubPlan, PlannedPull

HANDED_OVER = "handed_over"
NOTED = "noted"  # a note on someone else's ticket, which stays theirs
FAILED = "failed"


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str

    def label(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "email": self.email}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Person:
        return cls(id=int(data["id"]), name=str(data.get("name") or ""), email=str(data.get("email") or ""))


@dataclass(frozen=True)
class PlannedTicket:
    id: int
    url: str
    subject: str
    status: str
    status_label: str
    priority: str | None
    sla_metric: str | None
    sla_urgency: str  # breached | active | paused | none
    sla_breach_at: datetime | None
    due_at: datetime | None
    trello_card: str  # linked | missing | unknown
    trello_card_url: str | None
    stamp: str | None  # updated_at as read, for Zendesk's collision guard
    note_text: str | None = None  # what was written for this ticket
    note: str | None = None  # the internal note exactly as sent (heading, text, general line)
    reassign: bool = True  # False: someone else's ticket, which only gets the note
    assignee_name: str | None = None  # whose it is, for a ticket that only gets a note

    _TIMES: ClassVar[tuple[str, ...]] = ("sla_breach_at", "due_at")

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for key in self._TIMES:
            data[key] = iso(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlannedTicket:
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls) if f.name in data}
        for key in cls._TIMES:
            values[key] = parse_iso(values.get(key))
        values["id"] = int(data["id"])
        return cls(**values)


@dataclass(frozen=True)
class MembershipChange:
    action: str  # add | remove
    user: Person
    group_id: int
    group_name: str
    membership_id: int | None = None  # the membership to remove

    def describe(self) -> str:
        if self.action == "add":
            return f"add {self.user.name or self.user.email} to {self.group_name}"
        return f"remove {self.user.name or self.user.email} from {self.group_name}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "user": self.user.to_dict(),
            "group_id": self.group_id,
            "group_name": self.group_name,
            "membership_id": self.membership_id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MembershipChange:
        mid = data.get("membership_id")
        return cls(
            action=str(data["action"]),
            user=Person.from_dict(data["user"]),
            group_id=int(data["group_id"]),
            group_name=str(data.get("group_name") or ""),
            membership_id=int(mid) if mid is not None else None,
        )


@dataclass(frozen=True)
class Suspended:
    id: int
    subject: str
    cause: str
    author: str | None
    created_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "subject": self.subject,
            "cause": self.cause,
            "author": self.author,
            "created_at": iso(self.created_at),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Suspended:
        return cls(
            id=int(data["id"]),
            subject=str(data.get("subject") or ""),
            cause=str(data.get("cause") or ""),
            author=data.get("author"),
            created_at=parse_iso(data.get("created_at")),
        )


@dataclass(frozen=True)
class HandoverPlan:
    zendesk_url: str
    me: Person
    target: Person
    target_source: str  # "--to" | "rota"
    group_id: int
    group_name: str
    tickets: tuple[PlannedTicket, ...]
    created_at: datetime
    general_note: str | None = None
    add_member: MembershipChange | None = None
    remove_member: MembershipChange | None = None
    membership_notes: tuple[str, ...] = ()  # why a membership change is not planned
    git: GitReport = field(default_factory=GitReport)
    suspended: tuple[Suspended, ...] | None = None  # None: not allowed to see them
    suspended_more: bool = False
    trello_reason: str | None = None  # why the Trello column could not be filled
    left_out: int = 0  # tickets the search listed that a fresh read showed are no longer yours
    run_id: str | None = None
    pushes: tuple[PlannedPush, ...] = ()  # with --push: the branches to push (first)
    github: GitHubPlan = field(default_factory=GitHubPlan)
    slack: bool = False  # post a summary to Slack when done
    slack_mention: str | None = None  # the next engineer's Slack member id, from [people.slack]
    # Others' unsolved 2nd line tickets, offered for a note (not journaled: those with a note
    # become tickets of the plan that are not reassigned).
    candidates: tuple[PlannedTicket, ...] = ()

    @property
    def nothing_to_do(self) -> bool:
        return (
            not self.tickets
            and self.add_member is None
            and self.remove_member is None
            and not any(p.skip is None for p in self.pushes)
            and not self.github.to_do
        )

    @property
    def mine(self) -> list[PlannedTicket]:
        """The tickets handed over (reassigned), in queue order."""
        return [t for t in self.tickets if t.reassign]

    @property
    def note_only(self) -> list[PlannedTicket]:
        """Others' tickets that get a note and stay theirs."""
        return [t for t in self.tickets if not t.reassign]

    @property
    def with_notes(self) -> int:
        return sum(1 for t in self.tickets if t.note and t.reassign)

    def ticket(self, ticket_id: int) -> PlannedTicket | None:
        for t in self.tickets:
            if t.id == ticket_id:
                return t
        return None

    def note_heading(self) -> str:
        return heading(self.me.name or self.me.email, self.target.name or self.target.email)

    def with_notes_from(self, texts: dict[int, str], general: str | None) -> HandoverPlan:
        """The plan with each ticket's note composed from its text and the general line; others'
        tickets (`candidates`) with a text join it after yours, to get their note only."""
        from govpress_support.core.comments import check_size
        from govpress_support.workflows.handover.notes import compose

        top = self.note_heading()
        mine = tuple(
            replace(t, note_text=texts.get(t.id), note=compose(texts.get(t.id), general, top))
            for t in self.tickets
            if t.reassign
        )
        others = tuple(
            replace(t, reassign=False, note_text=texts[t.id], note=compose(texts[t.id], None, top))
            for t in self.candidates
            if texts.get(t.id)
        )
        for ticket in mine + others:
            if ticket.note is not None:
                check_size(ticket.note, f"note for #{ticket.id}")
        general_note = general.strip() if general and general.strip() else None
        return replace(self, tickets=mine + others, general_note=general_note)

    # --- the journal form ---

    def to_dict(self) -> dict[str, Any]:
        return {
            "zendesk_url": self.zendesk_url,
            "me": self.me.to_dict(),
            "target": self.target.to_dict(),
            "target_source": self.target_source,
            "group_id": self.group_id,
            "group_name": self.group_name,
            "tickets": [t.to_dict() for t in self.tickets],
            "created_at": iso(self.created_at),
            "general_note": self.general_note,
            "add_member": self.add_member.to_dict() if self.add_member else None,
            "remove_member": self.remove_member.to_dict() if self.remove_member else None,
            "membership_notes": list(self.membership_notes),
            "git": {
                "repos": [r.to_record() for r in self.git.repos],
                "checked": self.git.checked,
                "warnings": list(self.git.warnings),
            },
            "suspended": None if self.suspended is None else [s.to_dict() for s in self.suspended],
            "suspended_more": self.suspended_more,
            "trello_reason": self.trello_reason,
            "left_out": self.left_out,
            "run_id": self.run_id,
            "pushes": [p.to_dict() for p in self.pushes],
            "github": self.github.to_dict(),
            "slack": self.slack,
            "slack_mention": self.slack_mention,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HandoverPlan:
        git = data.get("git") or {}
        suspended = data.get("suspended")
        created = parse_iso(data.get("created_at"))
        if created is None:
            raise ValueError("plan has no created_at")
        return cls(
            zendesk_url=str(data["zendesk_url"]),
            me=Person.from_dict(data["me"]),
            target=Person.from_dict(data["target"]),
            target_source=str(data.get("target_source") or "--to"),
            group_id=int(data["group_id"]),
            group_name=str(data.get("group_name") or ""),
            tickets=tuple(PlannedTicket.from_dict(t) for t in data.get("tickets") or []),
            created_at=created,
            general_note=data.get("general_note"),
            add_member=MembershipChange.from_dict(data["add_member"]) if data.get("add_member") else None,
            remove_member=MembershipChange.from_dict(data["remove_member"]) if data.get("remove_member") else None,
            membership_notes=tuple(str(n) for n in data.get("membership_notes") or []),
            git=GitReport(
                repos=tuple(RepoWork.from_record(r) for r in git.get("repos") or [] if isinstance(r, dict)),
                checked=int(git.get("checked") or 0),
                warnings=tuple(str(w) for w in git.get("warnings") or []),
            ),
            suspended=None if suspended is None else tuple(Suspended.from_dict(s) for s in suspended),
            suspended_more=bool(data.get("suspended_more")),
            trello_reason=data.get("trello_reason"),
            left_out=int(data.get("left_out") or 0),
            run_id=data.get("run_id"),
            pushes=tuple(PlannedPush.from_dict(p) for p in data.get("pushes") or [] if isinstance(p, dict)),
            github=GitHubPlan.from_dict(data.get("github")),
            slack=bool(data.get("slack")),
            slack_mention=data.get("slack_mention"),
        )


@dataclass(frozen=True)
class TicketOutcome:
    id: int
    state: str  # handed_over | noted | failed
    reason: str | None = None
    still_yours: bool = False  # failed, and still assigned to you in the group

    @property
    def ok(self) -> bool:
        return self.state in (HANDED_OVER, NOTED)


@dataclass(frozen=True)
class StepOutcome:
    """What became of one step outside Zendesk (a pull request's assignment or comment, the
    Slack post): done, failed, or planned (not reached, or sent without an answer heard)."""

    state: str  # done | failed | planned | sending (sent, answer not heard)
    reason: str | None = None


@dataclass(frozen=True)
class MembershipOutcome:
    change: MembershipChange
    state: str  # done | skipped | failed
    reason: str | None = None


@dataclass(frozen=True)
class HandoverResult:
    plan: HandoverPlan
    run_id: str
    outcomes: dict[int, TicketOutcome]
    memberships: tuple[MembershipOutcome, ...]
    finished_at: datetime
    resumed: bool = False
    pushes: dict[str, PushOutcome] = field(default_factory=dict)  # PlannedPush.key -> outcome
    pulls: dict[tuple[str, str], StepOutcome] = field(default_factory=dict)  # (pull ref, step) -> outcome
    slack: StepOutcome | None = None  # None: no post asked for

    @property
    def handed_over(self) -> list[PlannedTicket]:
        return [t for t in self.plan.mine if (o := self.outcomes.get(t.id)) is not None and o.ok]

    @property
    def noted(self) -> list[PlannedTicket]:
        return [t for t in self.plan.note_only if (o := self.outcomes.get(t.id)) is not None and o.ok]

    @property
    def push_failures(self) -> list[tuple[PlannedPush, PushOutcome]]:
        return [(p, o) for p in self.plan.pushes if (o := self.pushes.get(p.key)) is not None and not o.ok]

    @property
    def pull_failures(self) -> list[tuple[PlannedPull, str, StepOutcome]]:
        return [
            (p, step, o)
            for p in self.plan.github.pulls
            for step in p.steps
            if (o := self.pulls.get((p.ref, step))) is not None and o.state == "failed"
        ]

    def pull_done(self, pull: PlannedPull) -> bool:
        """Every planned step of the pull request done."""
        return bool(pull.steps) and all(
            (o := self.pulls.get((pull.ref, s))) is not None and o.state == "done" for s in pull.steps
        )

    @property
    def failed(self) -> list[tuple[PlannedTicket, TicketOutcome]]:
        return [(t, o) for t in self.plan.tickets if (o := self.outcomes.get(t.id)) is not None and not o.ok]

    @property
    def membership_failures(self) -> list[MembershipOutcome]:
        return [m for m in self.memberships if m.state == "failed"]

    @property
    def complete(self) -> bool:
        return not self.failed and not self.membership_failures and not self.push_failures and not self.pull_failures


def to_record(
    plan: HandoverPlan,
    *,
    status: str,
    outcomes: dict[int, TicketOutcome] | None = None,
    memberships: tuple[MembershipOutcome, ...] | None = None,
    report_file: str | None = None,
    result: HandoverResult | None = None,
) -> dict[str, Any]:
    """The documented `--json` object of `handover` (fields in the README)."""
    outcomes = outcomes or {}
    tickets = []
    for t in plan.tickets:
        outcome = outcomes.get(t.id)
        tickets.append(
            {
                "id": t.id,
                "url": t.url,
                "subject": t.subject,
                "status": t.status,
                "status_label": t.status_label,
                "priority": t.priority,
                "sla_metric": t.sla_metric,
                "sla_urgency": t.sla_urgency,
                "sla_breach_at": t.sla_breach_at,
                "due_at": t.due_at,
                "trello_card": t.trello_card,
                "trello_card_url": t.trello_card_url,
                "note": t.note,
                "reassign": t.reassign,
                "assignee": plan.target.name if t.reassign else t.assignee_name,
                "outcome": outcome.state if outcome else "planned",
                "reason": outcome.reason if outcome else None,
            }
        )
    if memberships is None:
        changes = [c for c in (plan.add_member, plan.remove_member) if c is not None]
        memberships = tuple(MembershipOutcome(c, "planned") for c in changes)
    return {
        "status": status,
        "run_id": plan.run_id,
        "from": plan.me.to_dict(),
        "to": {**plan.target.to_dict(), "source": plan.target_source},
        "group": plan.group_name,
        "tickets": tickets,
        "memberships": [
            {
                "action": m.change.action,
                "user_id": m.change.user.id,
                "user_email": m.change.user.email,
                "group": m.change.group_name,
                "state": m.state,
                "reason": m.reason,
            }
            for m in memberships
        ],
        "unpushed_work": [r.to_record() for r in plan.git.repos],
        "pushes": [_push_record(p, result) for p in plan.pushes],
        "pull_requests": [_pull_record(p, plan.github, result) for p in plan.github.pulls],
        "github_notes": list(plan.github.notes),
        "slack": _slack_record(plan, result),
        "suspended_tickets": None if plan.suspended is None else [s.to_dict() for s in plan.suspended],
        "report_file": report_file,
    }


def _push_record(push: PlannedPush, result: HandoverResult | None) -> dict[str, Any]:
    outcome = result.pushes.get(push.key) if result is not None else None
    state = "skipped" if push.skip else (outcome.state if outcome else "planned")
    return {
        "repo": str(push.repo),
        "branch": push.branch,
        "commits": push.commits,
        "new_branch": push.upstream is None,
        "github_repo": push.github_repo,
        "state": state,
        "reason": push.skip or (outcome.reason if outcome else push.warning),
    }


def _pull_record(pull: PlannedPull, github: GitHubPlan, result: HandoverResult | None) -> dict[str, Any]:
    def step(name: str, wanted: bool) -> str:
        if not wanted:
            return "skipped"
        outcome = result.pulls.get((pull.ref, name)) if result is not None else None
        return outcome.state if outcome and outcome.state in ("done", "failed") else "planned"

    reasons = [o.reason for s in pull.steps if result and (o := result.pulls.get((pull.ref, s))) and o.reason]
    return {
        "repo": pull.repo,
        "number": pull.number,
        "url": pull.url,
        "title": pull.title,
        "draft": pull.draft,
        "assignee": github.login,
        "assign": step("assign", pull.assign),
        "comment": step("comment", pull.comment is not None),
        "reason": pull.skip or ("; ".join(r for r in reasons if r) or None),
    }


def _slack_record(plan: HandoverPlan, result: HandoverResult | None) -> dict[str, Any] | None:
    if not plan.slack and (result is None or result.slack is None):
        return None
    outcome = result.slack if result is not None else None
    state = {"done": "posted", "sending": "unknown"}.get(outcome.state, outcome.state) if outcome else "planned"
    return {"state": state, "reason": outcome.reason if outcome else None}
