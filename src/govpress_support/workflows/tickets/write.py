"""Writing planned ticket changes safely, and naming what changed.

One ticket: a PUT with Zendesk's collision guard (`safe_update` and the `updated_stamp` read when
the change was planned). A 409 means someone changed the ticket meanwhile: nothing was written,
and `TicketConflict` says what changed. Several tickets: one `update_many` per 100, each item
with its own stamp, then the job's per-ticket results.

A write whose answer was lost (a dropped connection, a 5xx, a job that never finished) may or
may not have happened, so nothing is sent again before the ticket is read back: one that already
shows the change (and the note, by you, after the stamp) is done; one whose stamp has not moved
was not written and is sent again; one changed otherwise is a conflict. So a note is never added
twice, and a 409 caused by our own earlier attempt is not reported as someone else's change.

A result comes from what Zendesk answered, never from the plan: "updated" only when the ticket
in the answer (one ticket) or read back after the job (several) shows every planned field.
Zendesk ignores a custom status id the account no longer has, and refuses a stale group id: a
change whose cached id (`CACHED_IDS`) did not take makes `Writer.write` forget the cached
metadata and plan those tickets again, once (`replan`). Every change command writes through it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from govpress_support.core.comments import FULL_HINT, full_ticket, full_ticket_said, is_note
from govpress_support.core.errors import ApiError, AuthError, ConflictError, GovPressError, NetworkError
from govpress_support.core.models import Comment, JobResult, Ticket
from govpress_support.core.timeutil import parse_iso
from govpress_support.services.zendesk import SHOW_MANY_LIMIT, ZendeskClient

# Re-exported (`X as X`): their home is names.py now, and callers may still import them from here.
from govpress_support.workflows.tickets.names import Names as Names
from govpress_support.workflows.tickets.names import clip as clip
from govpress_support.workflows.tickets.names import differences as differences
from govpress_support.workflows.tickets.names import new_comments as new_comments

POLL_INTERVAL = 0.1  # first wait before polling a bulk job (a small one is often done by then); it grows to 5 s
# Fields a result is checked against (what `field_applied` can read on a ticket), and those whose
# values come from the metadata cache: one not taken means the cache is out of date.
VERIFIED = (
    "group_id",
    "assignee_id",
    "priority",
    "type",
    "status",
    "custom_status_id",
    "subject",
    "due_at",
    "additional_tags",
    "remove_tags",
)
CACHED_IDS = ("custom_status_id", "group_id")
_CACHED_WORDS = ("custom_status", "custom status", "group_id", "group:")
MAX_ATTEMPTS = 3  # sends of one bulk change whose earlier sends provably wrote nothing
CLOSED_HINT = "Zendesk refuses changes to closed tickets: open a follow-up ticket instead"


# --- plans and results ----------------------------------------------------------------------------


@dataclass
class TicketPlan:
    """What one ticket will get: API fields, an optional internal note, and why, in words.

    `refusal` set: this ticket cannot take the change (closed, no priority to leave triage...).
    No changes, no note and no refusal: the ticket already is as asked (`unchanged` says how).
    """

    ticket: Ticket
    changes: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    summary: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refusal: GovPressError | None = None
    unchanged: str | None = None

    @property
    def to_write(self) -> bool:
        return self.refusal is None and (bool(self.changes) or self.note is not None)

    def body(self) -> dict[str, Any]:
        """The update to send. The only comment a `TicketPlan` sends is an internal note: `public`
        is the literal False here, and nothing sets it otherwise (a public reply is a `ReplyPlan`,
        in `reply.py`, with its own body)."""
        body = dict(self.changes)
        if self.note is not None:
            body["comment"] = {"body": self.note, "public": False}
        return body

    def describe(self) -> list[str]:
        lines = list(self.summary)
        if self.note is not None:
            lines.append(f"internal note: {clip(self.note, 120)}")
        return lines

    def details(self) -> list[str]:
        """More lines for the plan shown before asking (a reply's whole text); none here."""
        return []

    def comment_written(self, comments: Sequence[Comment], me_id: int) -> bool:
        """Whether this plan's comment (if any) is on the ticket, by us, since the planning read."""
        return note_present(self, comments, me_id)


class ChangeOutcome(Enum):
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    PLANNED = "planned"  # --dry-run
    REFUSED = "refused"
    CONFLICT = "conflict"
    FAILED = "failed"

    @property
    def ok(self) -> bool:
        return self in (ChangeOutcome.UPDATED, ChangeOutcome.UNCHANGED, ChangeOutcome.PLANNED)


@dataclass(frozen=True)
class TicketResult:
    ticket_id: int
    outcome: ChangeOutcome
    changes: tuple[str, ...] = ()
    message: str | None = None
    stale: bool = False  # not done because a cached id was out of date: worth planning again

    def to_record(self) -> dict[str, Any]:
        return {
            "id": self.ticket_id,
            "result": self.outcome.value,
            "changes": list(self.changes),
            "message": self.message,
        }


def planned(plan: TicketPlan) -> TicketResult:
    """The result a plan has without writing: refused, unchanged, or what it would change."""
    if plan.refusal is not None:
        return TicketResult(plan.ticket.id, ChangeOutcome.REFUSED, message=plan.refusal.one_line())
    if not plan.to_write:
        return TicketResult(plan.ticket.id, ChangeOutcome.UNCHANGED, message=plan.unchanged)
    return TicketResult(plan.ticket.id, ChangeOutcome.PLANNED, tuple(plan.describe()))


class TicketConflict(ConflictError):
    """Someone changed the ticket between our read and our write; nothing was written."""

    def __init__(self, ticket_id: int, differences: Sequence[str], messages: Sequence[tuple[str, Comment]] = ()):
        """`messages`: the comments added meanwhile, each with its author's name, to show whole."""
        what = "; ".join(differences) if differences else "it was updated"
        super().__init__(
            f"ticket {ticket_id} changed since it was read ({what})",
            f"nothing was written: look again with `govpress-support ticket show {ticket_id}` and retry",
            status=409,
        )
        self.ticket_id = ticket_id
        self.differences = list(differences)
        self.messages = list(messages)


def conflict(before: Ticket, fresh: Ticket, comments: Sequence[Comment], names: Names) -> TicketConflict:
    """The conflict between our read and a fresh one: what changed, and the new comments whole."""
    added = [(names.user(c.author_id), c) for c in new_comments(before, comments)]
    return TicketConflict(before.id, differences(before, fresh, comments, names), added)


def closed_error(ticket_id: int) -> GovPressError:
    return GovPressError(f"ticket {ticket_id} is closed", CLOSED_HINT)


def field_applied(ticket: Ticket, key: str, value: Any) -> bool:
    """Whether a ticket already shows one planned field change (False when we cannot tell)."""
    if key in ("group_id", "assignee_id", "priority", "type", "status", "custom_status_id", "subject"):
        return bool(getattr(ticket, key) == value)
    if key == "due_at":
        return ticket.due_at == (parse_iso(value) if isinstance(value, str) else value)
    if key == "additional_tags":
        return all(tag in ticket.tags for tag in value)
    if key == "remove_tags":
        return not any(tag in ticket.tags for tag in value)
    return False


def note_present(plan: TicketPlan, comments: Sequence[Comment], me_id: int) -> bool:
    """Our internal note is on the ticket, by us, made after the planning read."""
    note = plan.note
    return note is None or any(is_note(c, note, me_id) for c in new_comments(plan.ticket, comments))


def already_applied(plan: TicketPlan, fresh: Ticket, comments: Sequence[Comment], me_id: int) -> bool:
    return all(field_applied(fresh, k, v) for k, v in plan.changes.items()) and plan.comment_written(comments, me_id)


def answered(plan: TicketPlan, ticket: Ticket) -> TicketResult:
    """The result of a write Zendesk accepted, from the ticket it answered with (or that was read
    back): updated only when it shows every planned field."""
    missing = [k for k, v in plan.changes.items() if k in VERIFIED and not field_applied(ticket, k, v)]
    if not missing:
        return TicketResult(ticket.id, ChangeOutcome.UPDATED, tuple(plan.describe()))
    return TicketResult(
        ticket.id,
        ChangeOutcome.FAILED,
        message=f"Zendesk took the update but not its {', '.join(missing)}",
        stale=any(k in CACHED_IDS for k in missing),
    )


def names_cached_id(text: str) -> bool:
    """Whether a refusal names a field whose value came from the metadata cache."""
    return any(word in text.lower() for word in _CACHED_WORDS)


# --- the writer ----------------------------------------------------------------------------------------

# Plans the given tickets again (after the cached metadata was dropped): the plans and any notices.
Replan = Callable[[Sequence[int]], tuple[Sequence[TicketPlan], Sequence[str]]]


class Writer:
    def __init__(
        self,
        zendesk: ZendeskClient,
        names: Names,
        *,
        poll_interval: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        replan: Replan | None = None,
    ):
        self.zendesk = zendesk
        self.names = names
        self.poll_interval = POLL_INTERVAL if poll_interval is None else poll_interval
        self.sleep = sleep
        self.replan = replan

    def write(
        self, plans: Sequence[TicketPlan], *, single: bool = False, on_progress: Callable[[int], None] | None = None
    ) -> list[TicketResult]:
        """Write the plans (`single`: one ticket, whose conflict or failure raises) and return a
        result for each, from Zendesk's answers. Tickets not done because a cached id was out of
        date are planned again with fresh metadata and written once more."""
        results = self._write(plans, single, on_progress)
        stale = [i for i, r in results.items() if r.stale]
        if stale and self.replan is not None:
            self.zendesk.forget_metadata()
            self.names = Names(self.zendesk, fallback_tag=self.names.fallback_tag)
            fresh, notices = self.replan(stale)
            why = "; ".join(["planned again: the account changed since its metadata was cached", *notices])
            redone = self._write([p for p in fresh if p.to_write], single, on_progress)
            for plan in fresh:
                result = redone.get(plan.ticket.id) or planned(plan)
                results[plan.ticket.id] = replace(result, message="; ".join(filter(None, [result.message, why])))
        return [replace(results[p.ticket.id], stale=False) for p in plans]

    def _write(
        self, plans: Sequence[TicketPlan], single: bool, on_progress: Callable[[int], None] | None
    ) -> dict[int, TicketResult]:
        if single and plans:
            return {plans[0].ticket.id: self.write_one(plans[0])}
        return {r.ticket_id: r for r in self.write_many(plans, on_progress)} if plans else {}

    # --- one ticket ---

    def write_one(self, plan: TicketPlan) -> TicketResult:
        """PUT one ticket with the collision guard; raises `TicketConflict` (exit 5) when someone
        else changed it, and the API's error when the write surely failed."""
        ticket = plan.ticket
        try:
            answer = self.zendesk.update_ticket(ticket.id, plan.body(), updated_stamp=ticket.updated_stamp)
        except ConflictError:
            # A retry of our own write that had gone through also answers 409: look first.
            fresh, comments = self._reread_one(ticket.id)
            if already_applied(plan, fresh, comments, self.zendesk.me().id):
                return TicketResult(ticket.id, ChangeOutcome.UPDATED, tuple(plan.describe()))
            raise conflict(ticket, fresh, comments, self.names) from None
        except AuthError as exc:
            raise _not_allowed(ticket.id, exc) from None
        except (ApiError, NetworkError) as exc:
            if _refused(exc) and names_cached_id(exc.message):
                return TicketResult(ticket.id, ChangeOutcome.FAILED, message=exc.one_line(), stale=True)
            if _refused(exc):
                raise _refusal(ticket.id, exc) from None
            return self._settle_one(plan, exc)
        return answered(plan, answer)

    def _settle_one(self, plan: TicketPlan, error: GovPressError) -> TicketResult:
        """The answer was lost: read the ticket back to learn whether the write happened."""
        try:
            fresh, comments = self._reread_one(plan.ticket.id)
        except GovPressError:
            raise error from None
        if already_applied(plan, fresh, comments, self.zendesk.me().id):
            return TicketResult(plan.ticket.id, ChangeOutcome.UPDATED, tuple(plan.describe()))
        if fresh.updated_stamp == plan.ticket.updated_stamp:
            raise type(error)(error.message, "nothing was written: run the command again") from None
        raise conflict(plan.ticket, fresh, comments, self.names) from None

    def _reread_one(self, ticket_id: int) -> tuple[Ticket, list[Comment]]:
        found = self.zendesk.tickets([ticket_id], sideload=())
        if not found.tickets:
            raise GovPressError(f"ticket {ticket_id} disappeared while it was being changed")
        return found.tickets[0], self.zendesk.comments(ticket_id)

    # --- several tickets ---

    def write_many(
        self, plans: Sequence[TicketPlan], on_progress: Callable[[int], None] | None = None
    ) -> list[TicketResult]:
        """`update_many`, 100 tickets a job, each with its stamp; a result for every plan."""
        results: dict[int, TicketResult] = {}
        pending = list(plans)
        for attempt in range(MAX_ATTEMPTS):
            if not pending:
                break
            again: list[TicketPlan] = []
            for start in range(0, len(pending), SHOW_MANY_LIMIT):
                chunk = pending[start : start + SHOW_MANY_LIMIT]
                settled, resend = self._send_chunk(chunk, final=attempt == MAX_ATTEMPTS - 1)
                results.update({r.ticket_id: r for r in settled})
                again.extend(resend)
                if on_progress:
                    on_progress(len(settled))
            pending = again
        for plan in pending:
            results[plan.ticket.id] = TicketResult(
                plan.ticket.id,
                ChangeOutcome.FAILED,
                message=f"Zendesk did not take the change after {MAX_ATTEMPTS} tries",
            )
        return [results[p.ticket.id] for p in plans]

    def _send_chunk(self, chunk: Sequence[TicketPlan], *, final: bool) -> tuple[list[TicketResult], list[TicketPlan]]:
        items = [
            {"id": p.ticket.id, **p.body(), "safe_update": True, "updated_stamp": p.ticket.updated_stamp} for p in chunk
        ]
        settled: list[TicketResult] = []
        unknown: list[TicketPlan] = []
        conflicts: list[TicketPlan] = []
        lost: GovPressError | None = None
        try:
            job = self.zendesk.update_many(items)
            job = self.zendesk.wait_for_job(job, interval=self.poll_interval, sleep=self.sleep)
        except AuthError as exc:
            return [
                TicketResult(p.ticket.id, ChangeOutcome.FAILED, message=_not_allowed(p.ticket.id, exc).one_line())
                for p in chunk
            ], []
        except (ApiError, NetworkError) as exc:
            if _refused(exc):
                return [TicketResult(p.ticket.id, ChangeOutcome.FAILED, message=exc.one_line()) for p in chunk], []
            lost, unknown = exc, list(chunk)
        else:
            if job.status != "completed":
                lost, unknown = ApiError(f"Zendesk job {job.id} ended {job.status}"), list(chunk)
            else:
                by_id: dict[int, JobResult] = {r.id: r for r in job.results if r.id is not None}
                succeeded: list[TicketPlan] = []
                for plan in chunk:
                    result = by_id.get(plan.ticket.id)
                    if result is None:
                        unknown.append(plan)
                    elif result.success:
                        succeeded.append(plan)
                    elif _is_conflict(result):
                        conflicts.append(plan)
                    else:
                        error = _job_error(result)
                        settled.append(
                            TicketResult(
                                plan.ticket.id, ChangeOutcome.FAILED, message=error, stale=names_cached_id(error)
                            )
                        )
                settled.extend(self._read_back(succeeded))
        if not unknown and not conflicts:
            return settled, []
        resend: list[TicketPlan] = []
        checked = self._reread_many([*unknown, *conflicts])
        if checked is None:  # cannot even read: say the change may or may not be there
            why = lost.one_line() if lost else "Zendesk could not be reached"
            for plan in [*unknown, *conflicts]:
                settled.append(
                    TicketResult(
                        plan.ticket.id, ChangeOutcome.FAILED, message=f"{why}; check the ticket before retrying"
                    )
                )
            return settled, []
        me_id = self.zendesk.me().id
        unsent = {p.ticket.id for p in unknown}
        for plan in [*unknown, *conflicts]:
            fresh, comments = checked.get(plan.ticket.id, (None, []))
            if fresh is None:
                settled.append(TicketResult(plan.ticket.id, ChangeOutcome.FAILED, message="ticket not found"))
            elif already_applied(plan, fresh, comments, me_id):
                settled.append(TicketResult(plan.ticket.id, ChangeOutcome.UPDATED, tuple(plan.describe())))
            elif fresh.updated_stamp == plan.ticket.updated_stamp and plan.ticket.id in unsent and not final:
                resend.append(plan)  # provably not written: safe to send again
            elif fresh.updated_stamp == plan.ticket.updated_stamp:
                why = lost.one_line() if lost else "no result"
                settled.append(
                    TicketResult(plan.ticket.id, ChangeOutcome.FAILED, message=f"{why}; nothing was written")
                )
            else:
                diff = differences(plan.ticket, fresh, comments, self.names)
                settled.append(
                    TicketResult(
                        plan.ticket.id, ChangeOutcome.CONFLICT, message=TicketConflict(plan.ticket.id, diff).message
                    )
                )
        return settled, resend

    def _read_back(self, plans: Sequence[TicketPlan]) -> list[TicketResult]:
        """Results for tickets the job says it updated, from the tickets as they now are (one
        show_many per 100). Unreadable: the job's word is the answer."""
        if not plans:
            return []
        try:
            now = {t.id: t for t in self.zendesk.tickets([p.ticket.id for p in plans], sideload=()).tickets}
        except GovPressError:
            now = {}
        return [
            answered(p, now[p.ticket.id])
            if p.ticket.id in now
            else TicketResult(p.ticket.id, ChangeOutcome.UPDATED, tuple(p.describe()))
            for p in plans
        ]

    def _reread_many(self, plans: Sequence[TicketPlan]) -> dict[int, tuple[Ticket | None, list[Comment]]] | None:
        try:
            found = {t.id: t for t in self.zendesk.tickets([p.ticket.id for p in plans], sideload=()).tickets}
            out: dict[int, tuple[Ticket | None, list[Comment]]] = {}
            for plan in plans:
                fresh = found.get(plan.ticket.id)
                out[plan.ticket.id] = (fresh, self.zendesk.comments(plan.ticket.id) if fresh is not None else [])
            return out
        except GovPressError:
            return None


# --- error reading ---------------------------------------------------------------------------------------


def _refused(exc: GovPressError) -> bool:
    """A definite answer (a 4xx other than 409 and 429): the write did not happen, and sending it
    again would not help."""
    return isinstance(exc, ApiError) and exc.status is not None and 400 <= exc.status < 500 and exc.status != 429


def _refusal(ticket_id: int, exc: GovPressError) -> GovPressError:
    if "closed" in exc.message.lower():
        return closed_error(ticket_id)
    if (limit := full_ticket(exc.message)) is not None:
        return ApiError(f"nothing was written to ticket {ticket_id}: {full_ticket_said(limit)}", FULL_HINT, status=422)
    return exc


def _not_allowed(ticket_id: int, exc: AuthError) -> AuthError:
    if exc.status != 403:
        return exc
    return AuthError(
        f"your Zendesk role may not change ticket {ticket_id} (403)",
        "ask a Zendesk admin, or check `govpress-support auth status`",
        status=403,
    )


def _is_conflict(result: JobResult) -> bool:
    text = f"{result.error or ''} {result.details or ''}".lower()
    return "conflict" in text or "safe update" in text or "outdated" in text


def _job_error(result: JobResult) -> str:
    text = " ".join(p for p in (result.error, result.details) if p) or "failed"
    if "closed" in text.lower():
        return f"closed: {CLOSED_HINT}"
    if (limit := full_ticket(text)) is not None:
        return f"{full_ticket_said(limit)} ({FULL_HINT})"
    return text
