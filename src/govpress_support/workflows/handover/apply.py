"""Carrying out a handover plan, journaled so that it can be resumed from any point.

Order (Zendesk assigns a ticket only to a member of its group, and unassigns a removed
member's working tickets in that group):

1. add the next engineer to the group, if they are not in it;
2. reassign every ticket and add its note, in `update_many` batches of 100 with a body per
   ticket (someone else's ticket gets only its note); every batch is sent before any is polled,
   so the jobs run side by side;
3. remove you from the group, only once the desk shows no ticket there still assigned to you
   (`workflows/memberships.py`: one search, read back), whatever the journal says.

Beside these, in a thread of their own, the steps outside Zendesk (`outside.py`: pushes, pull
requests); once both sides are settled, the Slack post (`announce.py`) goes out while you leave
the group. The run is finished only when all of them are.

Exactly once. Every ticket update carries Zendesk's collision guard (`safe_update` with the
`updated_at` stamp of a read). When a batch's outcome is unknown (the request failed after it
may have reached Zendesk, its job vanished, or the process died before its job id was
journaled), the tickets are read again before anything is resent: a ticket already assigned to
the next engineer with the note on it is done; one still yours is resent with the stamp of that
read. An earlier request that is still queued carries an older stamp, so if it runs later
Zendesk refuses it (409) instead of adding the note twice. A ticket changed by someone else
(solved, closed, reassigned, moved, deleted) is reported with the reason and the rest go on.
A ticket Zendesk will not take after `MAX_SENDS` sends in one run is not given up on: the run
stops unfinished (exit 3, nothing removed), and `--resume` tries it again.

What is journaled, and how a run's state is read back from it, is in `state.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, wait
from dataclasses import dataclass
from typing import Any

from govpress_support.core.comments import is_note
from govpress_support.core.errors import (
    ApiError,
    AuthError,
    GovPressError,
    NetworkError,
    NotFoundError,
    PartialFailure,
    RateLimitedError,
)
from govpress_support.core.models import JobStatus, Ticket
from govpress_support.core.timeutil import now as clock_now
from govpress_support.services.parallel import beside
from govpress_support.services.zendesk import SHOW_MANY_LIMIT, ZendeskClient
from govpress_support.workflows.handover.journal import Journal
from govpress_support.workflows.handover.models import (
    FAILED,
    HANDED_OVER,
    NOTED,
    MembershipChange,
    MembershipOutcome,
    TicketOutcome,
)
from govpress_support.workflows.handover.parallel import side_by_side
from govpress_support.workflows.handover.state import BatchState, RunState, membership_outcomes
from govpress_support.workflows.memberships import Member, remove_member

MAX_SENDS = 5  # sends of one ticket in one run before the run stops unfinished (to be resumed)
RESUME_HINT = "the handover is journaled: run `govpress-support handover --resume` to finish it"


@dataclass(frozen=True)
class PollPolicy:
    """How job statuses are polled: all pending jobs each round, the wait growing each round."""

    first: float = 0.05
    growth: float = 2.0
    longest: float = 5.0
    timeout: float = 900.0


@dataclass
class Listener:
    """Where the runner reports: `progress(done, total)` tickets, and one-line `step` messages."""

    progress: Callable[[int, int], None] = lambda done, total: None
    step: Callable[[str], None] = lambda message: None


@dataclass(frozen=True)
class _Why:
    """Why a ticket must be read again: `retry` when resending may be right (a conflict, or an
    outcome not known); otherwise `error` is Zendesk's refusal, reported if the read shows
    nothing more telling."""

    retry: bool
    error: str


class Runner:
    def __init__(
        self,
        zendesk: ZendeskClient,
        journal: Journal,
        state: RunState,
        *,
        listener: Listener | None = None,
        poll: PollPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        side: Callable[[], None] | None = None,
        then: Callable[[], None] | None = None,
    ):
        self.side = side  # the steps outside Zendesk, run in a thread beside the tickets
        self.then = then  # once the tickets and those steps are settled (the Slack post)
        self.zendesk = zendesk
        self.journal = journal
        self.state = state
        self.plan = state.plan
        self.listener = listener or Listener()
        self.poll_policy = poll or PollPolicy()
        self.sleep = sleep
        self._working: dict[int, int] = {}  # batch -> tickets its job reports done so far
        self._sent: dict[int, int] = {}  # ticket -> sends in this run
        self._why: dict[int, str] = {}  # ticket -> why it was last sent again
        self._gave_up: dict[int, str] = {}  # ticket -> why Zendesk did not take it, this run

    def run(self) -> list[MembershipOutcome]:
        side = beside(self.side, name="outside") if self.side is not None else None
        telling: Future[None] | None = None
        try:
            self._add_member()
            self._tickets()
            if self._gave_up:
                raise self._not_taken()
            if side is not None:
                side.result()
            # What the channel is told is settled now: it goes out while you leave the group.
            telling = beside(self.then, name="slack") if self.then is not None else None
            memberships = self._remove_member()
            if telling is not None:
                telling.result()
        except GovPressError as exc:
            wait([thread for thread in (side, telling) if thread is not None])  # let them end; this error is said
            exc.hint = f"{exc.hint}; {RESUME_HINT}" if exc.hint else RESUME_HINT
            raise
        self.journal.append({"type": "finished"})
        self.state.finished_at = clock_now()
        return memberships

    # --- memberships ---

    def _add_member(self) -> None:
        change = self.plan.add_member
        previous = self.state.membership.get("add", {}).get("state")
        if change is None or previous in ("done", "skipped"):
            return
        # A fresh run read the memberships moments ago; a resumed one looks again first.
        if previous is not None and self._is_member(change) is not None:
            self._membership(change, "done", "already a member")
            return
        self._membership(change, "sending")
        last: GovPressError | None = None
        for _ in range(3):
            try:
                self.zendesk.add_membership(change.user.id, change.group_id)
            except AuthError as exc:
                exc.hint = f"ask a Zendesk admin to {change.describe()}, then resume"
                raise
            except GovPressError as exc:
                last = exc  # maybe made (a 5xx after the fact), maybe refused as a duplicate: look
            else:
                self._membership(change, "done")
                self.listener.step(f"added {change.user.name} to {change.group_name}")
                return
            if self._is_member(change) is not None:
                self._membership(change, "done")
                return
        assert last is not None
        raise last

    def _not_taken(self) -> PartialFailure:
        ids = sorted(self._gave_up)
        listed = ", ".join(f"#{i}" for i in ids[:10]) + (f" … ({len(ids)} tickets)" if len(ids) > 10 else "")
        why = self._gave_up[ids[0]]
        return PartialFailure(
            f"not handed over yet: {listed}: Zendesk did not take them in {MAX_SENDS} tries ({why}); "
            f"they are still yours and you stay in {self.plan.group_name}"
        )

    def _remove_member(self) -> list[MembershipOutcome]:
        """Take you out of the group, unless the desk shows a ticket there still assigned to you
        (`memberships.remove_member` asks the desk, not the journal)."""
        change = self.plan.remove_member
        if change is not None and self.state.membership.get("remove", {}).get("state") not in (
            "done",
            "skipped",
            "failed",
        ):
            self._membership(change, "sending")
            unsettled = [t.id for t in self.plan.mine if not (o := self.state.outcomes.get(t.id)) or not o.ok]
            member = Member(
                change.user.id,
                change.user.email,
                change.user.name,
                change.group_id,
                change.group_name,
                change.membership_id,
            )
            try:
                removal = remove_member(self.zendesk, member, also=unsettled)
            except GovPressError as exc:
                if isinstance(exc, NetworkError):
                    raise
                self._membership(change, "failed", exc.one_line())
            else:
                if removal.held:
                    self._membership(change, "skipped", removal.reason("you"))
                else:
                    self._membership(change, "done")
                    self.listener.step(f"removed {change.user.name} from {change.group_name}")
        return membership_outcomes(self.state)

    def _is_member(self, change: MembershipChange) -> int | None:
        for membership in self.zendesk.group_memberships(change.group_id):
            if membership.user_id == change.user.id:
                return membership.id
        return None

    def _membership(self, change: MembershipChange, state: str, reason: str | None = None) -> None:
        record: dict[str, Any] = {"type": "membership", "action": change.action, "state": state}
        if reason:
            record["reason"] = reason
        self.journal.append(record)
        self.state.membership[change.action] = record

    # --- tickets ---

    def _tickets(self) -> None:
        to_send: dict[int, str | None] = {}
        to_verify: dict[int, _Why] = {}
        to_poll: dict[int, str] = {}
        for ticket in self.plan.tickets:
            if ticket.id in self.state.outcomes:
                continue
            sent = self.state.sends.get(ticket.id)
            if not sent:
                to_send[ticket.id] = ticket.stamp
                continue
            batch = self.state.batches[sent[-1]]
            if batch.results is not None:
                to_verify[ticket.id] = _why(batch.results.get(ticket.id))
            elif batch.job_id is None or batch.unknown:
                to_verify[ticket.id] = _Why(True, batch.unknown or "the request may or may not have reached Zendesk")
            else:
                to_poll[batch.number] = batch.job_id
        if to_verify or to_poll:
            self.listener.step(f"resuming: {len(to_poll)} job(s) to check, {len(to_verify)} ticket(s) to verify")
        self._report()
        while to_send or to_verify or to_poll:
            if to_send:
                polled, unknown = self._submit(to_send)
                to_poll.update(polled)
                to_verify.update(unknown)
                to_send = {}
            if to_poll:
                to_verify.update(self._poll(to_poll))
                to_poll = {}
            if to_verify:
                to_send = self._verify(to_verify)
                to_verify = {}

    def _submit(self, items: Mapping[int, str | None]) -> tuple[dict[int, str], dict[int, _Why]]:
        """Journal every batch, then send them side by side (at most SEND_WORKERS at once),
        journaling each job id as it comes back."""
        to_poll: dict[int, str] = {}
        unknown: dict[int, _Why] = {}
        ready: list[tuple[int, str | None]] = []
        for ticket_id, stamp in items.items():
            if self._sent.get(ticket_id, 0) >= MAX_SENDS:
                # Not a final outcome: the ticket is still yours; the run stops unfinished.
                self._gave_up[ticket_id] = self._why.get(ticket_id, "no answer")
            else:
                self._sent[ticket_id] = self._sent.get(ticket_id, 0) + 1
                ready.append((ticket_id, stamp))
        batches: list[BatchState] = []
        for start in range(0, len(ready), SHOW_MANY_LIMIT):
            chunk = ready[start : start + SHOW_MANY_LIMIT]
            batch = BatchState(self.state.next_batch, list(chunk))
            self.journal.append(
                {"type": "batch", "batch": batch.number, "items": [{"id": i, "stamp": s} for i, s in chunk]}
            )
            self.state.batches[batch.number] = batch
            for ticket_id, _ in chunk:
                self.state.sends.setdefault(ticket_id, []).append(batch.number)
            batches.append(batch)
        fatal: GovPressError | None = None
        for batch, outcome in side_by_side(
            lambda b: self.zendesk.update_many([self._body(i, s) for i, s in b.items]), batches
        ):
            if isinstance(outcome, JobStatus):
                self.journal.append({"type": "job", "batch": batch.number, "job_id": outcome.id})
                batch.job_id = outcome.id
                to_poll[batch.number] = outcome.id
                continue
            if isinstance(outcome, NetworkError | RateLimitedError) or (
                isinstance(outcome, ApiError) and (outcome.status or 0) >= 500
            ):
                why = outcome.message
                self.journal.append({"type": "batch_unknown", "batch": batch.number, "reason": why})
                batch.unknown = why
                self.listener.step(f"batch {batch.number} ({len(batch.items)} tickets): {why}; checking them")
                unknown.update({i: _Why(True, why) for i, _ in batch.items})
            else:
                fatal = fatal or outcome  # refused outright (403, 400): stop once the others are journaled
        if fatal is not None:
            raise fatal
        return to_poll, unknown

    def _body(self, ticket_id: int, stamp: str | None) -> dict[str, Any]:
        planned = self.plan.ticket(ticket_id)
        body: dict[str, Any] = {"id": ticket_id}
        if planned is None or planned.reassign:
            body["assignee_id"] = self.plan.target.id
        if stamp:
            body["safe_update"] = True
            body["updated_stamp"] = stamp
        if planned is not None and planned.note:
            body["comment"] = {"body": planned.note, "public": False}
        return body

    def _poll(self, jobs: Mapping[int, str]) -> dict[int, _Why]:
        to_verify: dict[int, _Why] = {}
        pending = dict(jobs)
        policy = self.poll_policy
        interval, waited = policy.first, 0.0
        while pending:
            if waited >= policy.timeout:
                raise ApiError(
                    f"Zendesk's update jobs did not finish in {policy.timeout:.0f}s",
                    "Zendesk keeps job results for a day",
                )
            self.sleep(interval)
            waited += interval
            interval = min(policy.longest, interval * policy.growth)
            asked = [self.state.batches[number] for number in pending]
            for batch, outcome in side_by_side(lambda b: self.zendesk.job_status(pending[b.number]), asked):
                if isinstance(outcome, NotFoundError):
                    why = f"Zendesk no longer has job {pending[batch.number]}"
                    self.journal.append({"type": "batch_unknown", "batch": batch.number, "reason": why})
                    batch.unknown = why
                    to_verify.update({i: _Why(True, why) for i, _ in batch.items})
                    del pending[batch.number]
                elif isinstance(outcome, GovPressError):
                    raise outcome
                elif not outcome.finished:
                    self._working[batch.number] = min(outcome.progress or 0, len(batch.items))
                else:
                    to_verify.update(self._results(batch, outcome))
                    self._working.pop(batch.number, None)
                    del pending[batch.number]
            self._report()
        return to_verify

    def _results(self, batch: BatchState, job: JobStatus) -> dict[int, _Why]:
        ours = {i for i, _ in batch.items}
        results = {r.id: r for r in job.results if r.id is not None and r.id in ours}
        record: list[dict[str, Any]] = [
            {"id": i, "success": r.success, "error": r.error, "details": r.details} for i, r in results.items()
        ]
        self.journal.append({"type": "batch_result", "batch": batch.number, "status": job.status, "results": record})
        batch.results = {int(r["id"]): r for r in record}
        to_verify: dict[int, _Why] = {}
        for ticket_id, _ in batch.items:
            result = batch.results.get(ticket_id)
            if result is not None and result["success"]:
                self.state.outcomes[ticket_id] = self.state.succeeded(ticket_id)
            else:
                to_verify[ticket_id] = _why(result, job.status)
        return to_verify

    def _verify(self, tickets: Mapping[int, _Why]) -> dict[int, str | None]:
        """Read the tickets again; settle each, or return the ones to resend with a fresh stamp."""
        plan = self.plan
        found = {t.id: t for t in self.zendesk.tickets(list(tickets), sideload=()).tickets}
        others = {t.assignee_id for t in found.values() if t.assignee_id} - {plan.me.id, plan.target.id}
        names = {u.id: u.name for u in self.zendesk.users(others).values()} if others else {}
        resend: dict[int, str | None] = {}
        for ticket_id, why in tickets.items():
            ticket = found.get(ticket_id)
            planned = plan.ticket(ticket_id)
            note = planned.note if planned else None
            if ticket is None:
                self._final(ticket_id, FAILED, "deleted, or no longer visible to you")
            elif planned is not None and not planned.reassign:
                # Someone else's ticket: only its note matters, wherever the ticket is now.
                if note is not None and self._has_note(ticket_id, note):
                    self._final(ticket_id, NOTED)
                elif ticket.status == "closed":
                    self._final(ticket_id, FAILED, "closed meanwhile (Zendesk takes no notes on it)")
                elif why.retry:
                    resend[ticket_id] = ticket.updated_stamp
                    self._why[ticket_id] = why.error
                else:
                    self._final(ticket_id, FAILED, why.error)
            elif ticket.assignee_id == plan.target.id and (note is None or self._has_note(ticket_id, note)):
                self._final(ticket_id, HANDED_OVER)
            elif ticket.status in ("solved", "closed"):
                self._final(ticket_id, FAILED, f"{ticket.status} meanwhile{self._now_with(ticket, names)}")
            elif ticket.assignee_id not in (plan.me.id, plan.target.id):
                who = names.get(ticket.assignee_id or 0) if ticket.assignee_id else None
                self._final(ticket_id, FAILED, f"reassigned meanwhile to {who or 'nobody'}")
            elif ticket.group_id != plan.group_id:
                self._final(ticket_id, FAILED, f"moved meanwhile to {self._group_name(ticket.group_id)}")
            elif why.retry:
                resend[ticket_id] = ticket.updated_stamp
                self._why[ticket_id] = why.error
            else:
                self._final(ticket_id, FAILED, why.error, still_yours=ticket.assignee_id == plan.me.id)
        if resend:
            self.listener.step(f"sending {len(resend)} ticket(s) again")
        self._report()
        return resend

    def _has_note(self, ticket_id: int, note: str) -> bool:
        try:
            comments = self.zendesk.comments(ticket_id)
        except NotFoundError:
            return False
        return any(is_note(c, note, self.plan.me.id) for c in comments)

    def _now_with(self, ticket: Ticket, names: Mapping[int, str]) -> str:
        if ticket.assignee_id in (None, self.plan.me.id):
            return ""
        if ticket.assignee_id == self.plan.target.id:
            return f" (assigned to {self.plan.target.name})"
        return f" (now assigned to {names.get(ticket.assignee_id or 0, 'someone else')})"

    def _group_name(self, group_id: int | None) -> str:
        if group_id is None:
            return "no group"
        try:
            for group in self.zendesk.groups():
                if group.id == group_id:
                    return group.name
        except GovPressError:
            pass
        return f"group {group_id}"

    def _final(self, ticket_id: int, state: str, reason: str | None = None, *, still_yours: bool = False) -> None:
        record: dict[str, Any] = {"type": "ticket", "id": ticket_id, "outcome": state}
        if reason:
            record["reason"] = reason
        if still_yours:
            record["still_yours"] = True
        self.journal.append(record)
        self.state.outcomes[ticket_id] = TicketOutcome(ticket_id, state, reason, still_yours)

    def _report(self) -> None:
        total = len(self.plan.tickets)
        done = sum(1 for t in self.plan.tickets if t.id in self.state.outcomes) + sum(self._working.values())
        self.listener.progress(min(done, total), total)


def _why(result: Mapping[str, Any] | None, job_status: str | None = None) -> _Why:
    if result is None:
        return _Why(True, f"Zendesk's job ended {job_status or 'without a result'} for it")
    error = " ".join(str(result.get(k) or "") for k in ("error", "details")).strip() or "Zendesk did not update it"
    conflict = "conflict" in error.lower() or "409" in error
    return _Why(conflict, f"Zendesk refused: {error}")
