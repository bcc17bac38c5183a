"""Public replies: a comment Zendesk emails to the requester and the ticket's CCs.

A reply is a `ReplyPlan`, a plan of its own kind: its body is the only one in the tool that says
`public: True`, as a literal, and it can carry no internal note; a `TicketPlan` (every other
change, `ticket note` included) sends only `public: False`. Nothing chooses between the two at
write time: a plan is made one or the other from the start, so a retry, a read-back after a lost
answer or a bulk job can never turn a note public or a reply internal. The writer (collision
guard, bulk jobs, read-back) is the notes' own.

Planned from a fresh read, like every change: the recipients are named, and a ticket whose latest
public comment is already this reply by you is left alone, so running it twice sends it once.
`--status` sets the status in the same update (the rules of `ticket status`); a reason (on-hold
needs one) is an internal note in a second, guarded update, since Zendesk takes one comment per
update. `--macro` applies a macro through Zendesk's own apply endpoint, then the same one update.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from govpress_support.core.comments import check_size, clean_note, is_note, is_reply, latest_public
from govpress_support.core.config import Settings
from govpress_support.core.errors import GovPressError, UsageError
from govpress_support.core.models import Comment, Macro, Ticket, User
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.tickets.macros import describe_changes, find_macro, macro_changes
from govpress_support.workflows.tickets.plan import Batch, apply, new_plans, prepare_note, read_tickets
from govpress_support.workflows.tickets.status import StatusTarget, plan_status, status_target
from govpress_support.workflows.tickets.write import (
    ChangeOutcome,
    Names,
    TicketPlan,
    TicketResult,
    clip,
    new_comments,
)

CONTEXT_MESSAGES = 3  # public messages quoted in the editor's template


def person(user: User | None) -> str:
    if user is None:
        return "nobody (the ticket has no requester)"
    if user.name and user.email:
        return f"{user.name} <{user.email}>"
    return user.email or user.name or f"user {user.id}"


@dataclass
class ReplyPlan(TicketPlan):
    """A public reply to one ticket, with any field changes sent in the same update."""

    reply: str = ""
    to: User | None = None  # the requester, whom Zendesk emails
    ccs: tuple[User, ...] = ()
    macro: str | None = None  # the macro's title, when the reply comes from one

    @property
    def to_write(self) -> bool:
        return self.refusal is None and self.unchanged is None

    def body(self) -> dict[str, Any]:
        """The update: the fields, and the reply as a public comment (`public` is the literal
        True; this is the only body in the tool that sends it)."""
        if self.note is not None:
            raise ValueError("a public reply carries no internal note: Zendesk takes one comment per update")
        body = dict(self.changes)
        body["comment"] = {"body": self.reply, "public": True}
        return body

    def recipients(self) -> str:
        said = f"emailed to {person(self.to)}"
        if self.ccs:
            said += "; CC " + ", ".join(person(u) for u in self.ccs)
        return said

    def describe(self) -> list[str]:
        source = f" (macro {self.macro!r})" if self.macro else ""
        return [f"PUBLIC reply{source}, {self.recipients()}: {clip(self.reply, 80)}", *self.summary]

    def details(self) -> list[str]:
        return [f"│ {line}" if line else "│" for line in self.reply.splitlines()]

    def comment_written(self, comments: Sequence[Comment], me_id: int) -> bool:
        return any(is_reply(c, self.reply, me_id) for c in new_comments(self.ticket, comments))


# --- the editor's context -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplyContext:
    """What the person replying should see first: who gets it, and the latest public messages."""

    ticket: Ticket
    to: User | None
    ccs: tuple[User, ...]
    messages: tuple[tuple[str, Comment], ...]  # (author's name, comment), oldest first


def reply_context(zendesk: ZendeskClient, ticket_id: int, *, messages: int = CONTEXT_MESSAGES) -> ReplyContext:
    tickets, found = read_tickets(zendesk, [ticket_id], sideload=("users",))
    ticket = tickets[0]
    public = [c for c in zendesk.comments(ticket_id) if c.public][-messages:]
    users = dict(found.users)
    wanted = {c.author_id for c in public if c.author_id} | set(ticket.email_cc_ids)
    if wanted - set(users):
        users.update(zendesk.users(wanted - set(users)))
    named = tuple((users[c.author_id].name if c.author_id in users else "someone", c) for c in public)
    me = zendesk.me()
    ccs = tuple(users[i] for i in ticket.email_cc_ids if i in users and i != me.id)
    return ReplyContext(ticket, users.get(ticket.requester_id or 0), ccs, named)


# --- planning -----------------------------------------------------------------------------------------


@dataclass
class ReplyRequest:
    """What `ticket reply` was asked: the text (with --macro it may be empty), the options."""

    text: str
    status: str | None = None
    reason: str | None = None
    macro: str | None = None
    bulk: bool = False


def check_request(request: ReplyRequest, ids: Sequence[int]) -> None:
    """A bulk reply must be asked for; a reason goes with a status. Checked before any request."""
    if len(ids) > 1 and not request.bulk:
        raise UsageError(
            f"a public reply to {len(ids)} tickets needs --bulk",
            "each requester gets the same email: check the recipients with --dry-run first",
        )
    if request.reason is not None and request.status is None:
        raise UsageError("--reason goes with --status", "the reply itself is what the client reads")


def prepare_reply(
    zendesk: ZendeskClient,
    settings: Settings,
    ids: Sequence[int],
    request: ReplyRequest,
    *,
    on_progress: Callable[[str], None] | None = None,
) -> Batch:
    """A public reply to each ticket (its text, a macro's, or both), with --status in the same
    update; plans only, nothing is written."""
    check_request(request, ids)
    text = request.text.strip()
    if request.macro is None:
        text = clean_note(text, "reply")
    tag = settings.zendesk.believed_solved_tag
    names = Names(zendesk, fallback_tag=tag)
    target = status_target(names, settings, request.status, reason=request.reason) if request.status else None
    reason = clean_note(request.reason, "reason") if request.reason is not None else None
    tickets, found = read_tickets(zendesk, ids, sideload=("users",))
    macro = find_macro(zendesk.active_macros(), request.macro) if request.macro is not None else None
    users = dict(found.users)
    ccs = {i for t in tickets for i in t.email_cc_ids} - set(users)
    if ccs:
        users.update(zendesk.users(ccs))
    me = zendesk.me()
    plans: list[TicketPlan] = []
    for done, base in enumerate(new_plans(tickets), start=1):
        if on_progress is not None and len(tickets) > 1:
            on_progress(f"reading the threads… {done} of {len(tickets)}")
        if base.refusal is not None:
            plans.append(base)
            continue
        plans.append(_plan_one(zendesk, base.ticket, text, macro, target, names, users, me, tag))
    batch = Batch("reply", plans)
    _say(batch, target, len(ids) > 1)
    if reason is not None:
        batch.follow_up = _reason_notes(reason)
    return batch


def _plan_one(
    zendesk: ZendeskClient,
    ticket: Ticket,
    text: str,
    macro: Macro | None,
    target: StatusTarget | None,
    names: Names,
    users: dict[int, User],
    me: User,
    tag: str,
) -> TicketPlan:
    comments = zendesk.comments(ticket.id)
    public, body, changes = True, text, {}
    if macro is not None:
        applied = zendesk.apply_macro(ticket.id, macro.id)
        changes = macro_changes(applied, ticket)
        if applied.comment is not None:
            public = applied.comment.public
            body = "\n\n".join(part for part in (applied.comment.body.strip(), text) if part)
        if not body:
            raise UsageError(f"macro {macro.title!r} adds no comment", "give the reply's text as well")
        check_size(body, "reply" if public else "note")  # the macro's text and ours, in one comment
    if target is not None:  # --status wins over the macro's status
        changes = {k: v for k, v in changes.items() if k not in ("status", "custom_status_id")}
    plan: TicketPlan
    if public:
        ccs = tuple(users[i] for i in ticket.email_cc_ids if i in users and i != me.id)
        plan = ReplyPlan(ticket, reply=body, to=users.get(ticket.requester_id or 0), ccs=ccs)
        plan.macro = macro.title if macro is not None else None
        latest = latest_public(comments)
        if latest is not None and is_reply(latest, body, me.id):
            plan.unchanged = "its latest public comment is already this reply by you"
            return plan
        if plan.to is None or not plan.to.email:
            plan.warnings.append("the ticket's requester has no email address: nobody will be emailed")
    else:  # the macro's comment is an internal note: it stays one, and the plan says so
        plan = TicketPlan(ticket, note=body)
        plan.warnings.append(f"macro {macro.title if macro else ''!r} adds an internal note, not a public reply")
        if comments and is_note(comments[-1], body, me.id):
            plan.unchanged = "its latest comment is already this note by you"
            return plan
    plan.changes.update(changes)
    plan.summary.extend(describe_changes(changes, ticket, names))
    if target is not None:
        plan_status(plan, target, names, tag)
    return plan


def _say(batch: Batch, target: StatusTarget | None, several: bool) -> None:
    if target is not None:
        batch.notices.extend(target.notices)
    replies = [p for p in batch.to_write if isinstance(p, ReplyPlan)]
    if not replies:
        return
    people = dict.fromkeys(person(u) for p in replies for u in (p.to, *p.ccs) if u is not None and u.email)
    if several:
        batch.notices.append(f"{len(people)} people will be emailed: {', '.join(people)}")
    what = "{what}" if len(replies) == 1 else f"{len(replies)} tickets"
    question = f"Send this PUBLIC reply to {what}? It is emailed to {len(people)} {_people(len(people))}."
    if target is not None and target.question:
        question += " " + target.question.format(what="the tickets" if several else "it")
    batch.question = question


def _people(count: int) -> str:
    return "person" if count == 1 else "people"


def _reason_notes(note: str) -> Callable[[ZendeskClient, list[TicketResult]], list[TicketResult]]:
    """After the replies: the reason as an internal note on each ticket that took its reply, in
    its own guarded update (Zendesk takes one comment per update)."""

    def follow_up(zendesk: ZendeskClient, results: list[TicketResult]) -> list[TicketResult]:
        done = [r.ticket_id for r in results if r.outcome is ChangeOutcome.UPDATED]
        if not done:
            return results
        try:
            written = {r.ticket_id: r for r in apply(zendesk, prepare_note(zendesk, done, note))}
        except GovPressError as exc:
            written = {i: TicketResult(i, ChangeOutcome.FAILED, message=exc.one_line()) for i in done}
        merged: list[TicketResult] = []
        for result in results:
            extra = written.get(result.ticket_id)
            if extra is None:
                merged.append(result)
            elif extra.outcome.ok:
                merged.append(TicketResult(result.ticket_id, result.outcome, (*result.changes, *extra.changes)))
            else:
                merged.append(
                    TicketResult(
                        result.ticket_id,
                        ChangeOutcome.FAILED,
                        result.changes,
                        f"the reply was sent, but the reason note was not added ({extra.message}): "
                        f"add it with `govpress-support note {result.ticket_id}`",
                    )
                )
        return merged

    return follow_up
