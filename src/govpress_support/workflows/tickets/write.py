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
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from govpress_support.core.comments import is_note
from govpress_support.core.errors import ApiError, AuthError, ConflictError, GovPressError, NetworkError
from govpress_support.core.models import Comment, CustomStatus, JobResult, Ticket
from govpress_support.core.statuses import status_label
from govpress_support.core.timeutil import parse_iso
from govpress_support.services.zendesk import SHOW_MANY_LIMIT, ZendeskClient

POLL_INTERVAL = 0.5  # first wait before polling a bulk job; it grows to 5 s
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


def closed_error(ticket_id: int) -> GovPressError:
    return GovPressError(f"ticket {ticket_id} is closed", CLOSED_HINT)


def clip(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return f"“{flat}”" if len(flat) <= width else f"“{flat[: width - 1]}…”"


# --- names for messages -----------------------------------------------------------------------------


class Names:
    """Group, agent and status names for plans and conflict messages, fetched once and only
    when a message needs them."""

    def __init__(self, zendesk: ZendeskClient, *, fallback_tag: str | None = None):
        """`fallback_tag`: the believed-solved tag, for status names (see `core.statuses`)."""
        self.zendesk = zendesk
        self.fallback_tag = fallback_tag
        self._users: dict[int, str] = {}
        self._statuses: list[CustomStatus] | bool | None = False

    def group(self, group_id: int | None) -> str:
        if group_id is None:
            return "no group"
        for group in self.zendesk.groups():
            if group.id == group_id:
                return group.name
        return f"group {group_id}"

    def learn(self, user_id: int, name: str) -> None:
        self._users[user_id] = name

    def users(self, ids: Iterable[int | None]) -> None:
        wanted = {i for i in ids if i is not None and i not in self._users}
        if wanted:
            for user in self.zendesk.users(wanted).values():
                self._users[user.id] = user.name or user.email or f"user {user.id}"

    def user(self, user_id: int | None) -> str:
        if user_id is None:
            return "unassigned"
        self.users([user_id])
        return self._users.get(user_id, f"user {user_id}")

    def custom_statuses(self) -> list[CustomStatus] | None:
        if self._statuses is False:
            self._statuses = self.zendesk.custom_statuses()
        return self._statuses  # type: ignore[return-value]

    def status(self, ticket: Ticket) -> str:
        custom = self.custom_statuses() if ticket.custom_status_id is not None else None
        return status_label(ticket, custom, fallback_tag=self.fallback_tag)


def differences(before: Ticket, after: Ticket, comments: Sequence[Comment], names: Names) -> list[str]:
    """What changed between two reads of a ticket, in words, with comments added since."""
    out: list[str] = []
    if names.status(before) != names.status(after):
        out.append(f"status {names.status(before)} → {names.status(after)}")
    for label, old, new in (
        ("priority", before.priority, after.priority),
        ("type", before.type, after.type),
        ("subject", before.subject, after.subject),
    ):
        if old != new:
            out.append(f"{label} {old or 'none'} → {new or 'none'}")
    if before.group_id != after.group_id:
        out.append(f"group {names.group(before.group_id)} → {names.group(after.group_id)}")
    if before.assignee_id != after.assignee_id:
        out.append(f"assignee {names.user(before.assignee_id)} → {names.user(after.assignee_id)}")
    added = [t for t in after.tags if t not in before.tags]
    removed = [t for t in before.tags if t not in after.tags]
    if added or removed:
        out.append("tags " + " ".join([*(f"+{t}" for t in added), *(f"-{t}" for t in removed)]))
    if before.due_at != after.due_at:
        out.append("due date changed")
    for comment in new_comments(before, comments):
        kind = "public reply" if comment.public else "internal note"
        out.append(f"new {kind} by {names.user(comment.author_id)}: {clip(comment.body, 50)}")
    return out


def conflict(before: Ticket, fresh: Ticket, comments: Sequence[Comment], names: Names) -> TicketConflict:
    """The conflict between our read and a fresh one: what changed, and the new comments whole."""
    added = [(names.user(c.author_id), c) for c in new_comments(before, comments)]
    return TicketConflict(before.id, differences(before, fresh, comments, names), added)


def new_comments(before: Ticket, comments: Sequence[Comment]) -> list[Comment]:
    """Comments made after the read that produced `before`."""
    if before.updated_at is None:
        return []
    return [c for c in comments if c.created_at is not None and c.created_at > before.updated_at]


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


# --- the writer ----------------------------------------------------------------------------------------


class Writer:
    def __init__(
        self,
        zendesk: ZendeskClient,
        names: Names,
        *,
        poll_interval: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.zendesk = zendesk
        self.names = names
        self.poll_interval = POLL_INTERVAL if poll_interval is None else poll_interval
        self.sleep = sleep

    # --- one ticket ---

    def write_one(self, plan: TicketPlan) -> TicketResult:
        """PUT one ticket with the collision guard; raises `TicketConflict` (exit 5) when someone
        else changed it, and the API's error when the write surely failed."""
        ticket = plan.ticket
        try:
            self.zendesk.update_ticket(ticket.id, plan.body(), updated_stamp=ticket.updated_stamp)
        except ConflictError:
            # A retry of our own write that had gone through also answers 409: look first.
            fresh, comments = self._reread_one(ticket.id)
            if already_applied(plan, fresh, comments, self.zendesk.me().id):
                return TicketResult(ticket.id, ChangeOutcome.UPDATED, tuple(plan.describe()))
            raise conflict(ticket, fresh, comments, self.names) from None
        except AuthError as exc:
            raise _not_allowed(ticket.id, exc) from None
        except (ApiError, NetworkError) as exc:
            if _refused(exc):
                raise _refusal(ticket.id, exc) from None
            return self._settle_one(plan, exc)
        return TicketResult(ticket.id, ChangeOutcome.UPDATED, tuple(plan.describe()))

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
                for plan in chunk:
                    result = by_id.get(plan.ticket.id)
                    if result is None:
                        unknown.append(plan)
                    elif result.success:
                        settled.append(TicketResult(plan.ticket.id, ChangeOutcome.UPDATED, tuple(plan.describe())))
                    elif _is_conflict(result):
                        conflicts.append(plan)
                    else:
                        settled.append(TicketResult(plan.ticket.id, ChangeOutcome.FAILED, message=_job_error(result)))
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
    return text
