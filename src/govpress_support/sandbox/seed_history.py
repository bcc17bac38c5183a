"""The desk's past: how every seeded ticket got where it is, and the month of tickets that came
and went before the moment of seeding.

Each ticket's life is a list of steps (created in triage, triaged, moved, replied to, put on hold,
solved, closed...). `play` writes a life as Zendesk would have kept it: the comments (the
requester's by email or the web form, the agents' from the agent workspace, a public reply
addressed to the requester and the ticket's CCs as `zendesk_emails` addresses one), one audit per
step (with the trigger's `Notification` for a public reply), and the metric events of the ticket's
clocks (`metric_events`). The lives of the hand-written tickets are built backwards from their
`slas` metrics, so that the breach events in the export fall exactly at the `breach_at` the
sideload shows; the month's other tickets are generated from the seed number and end solved or
closed.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from govpress_support.core import timeutil
from govpress_support.sandbox import seed_data as D
from govpress_support.sandbox import zendesk_emails as emails
from govpress_support.sandbox.metric_events import (
    EVENT_METRIC,
    Clocks,
    Ledger,
    Policy,
    Snapshot,
    policy_by_id,
    policy_for,
    sync_display,
)
from govpress_support.sandbox.store import dumps
from govpress_support.sandbox.zendesk_tickets import html_of, tag_column

SYSTEM = -1  # the author of automatic changes (closing a solved ticket)
AGENT_IDS = frozenset(a.id for a in D.AGENTS)
FIRST_HISTORY_ID = 3001  # the month's solved and closed tickets (the hand-written ones are 4001...)
HISTORY_DAYS = 30
CASCADED = frozenset({"wpml-conflict", "php-warnings", "news-categories"})  # came to 2nd line via 1st

FIRST_REPLY = "Thanks for getting in touch. We are looking into this and will update you here."
FOLLOW_UPS = (
    "Thanks. Is there any news on this? We still see the problem.",
    "Just checking in: is there an update? Our team keeps asking.",
    "We had two more reports of this today.",
    "Thanks for the update. One more question before you carry on.",
)
UPDATE = "An update: the work is in progress and we will write again within a few days."
SOLVED = "This is done and live now. Let us know if you see anything else."
HOLD_NOTE = "Waiting for the hosting provider; on hold until they answer."
BACK_TO_TRIAGE = "Not a quick fix after all: back to triage to route it."
CASCADE_NOTE = "More than an hour of work: cascading to 2nd line."


@dataclass
class Step:
    at: datetime
    author: int
    changes: dict[str, Any] = field(default_factory=dict)  # status, group_id, assignee_id, priority, ...
    comment: tuple[str, bool] | None = None  # (body, public)
    apply: tuple[str, ...] = ()  # `slas` metric names an SLA is applied to here (beyond the policy's own)


@dataclass
class Life:
    ticket_id: int
    requester: int
    subject: str
    description: str
    steps: list[Step]
    policy: int | str | None  # SLA policy id; 0: none applies
    targets: dict[str, int] = field(default_factory=dict)  # minutes by `slas` metric name
    tags: tuple[str, ...] = ()
    channel: str = "email"  # how the requester writes: "email" or "web" (the ticket's `via`)
    ccs: tuple[int, ...] = ()  # the ticket's email CCs: public replies are addressed to them too


# --- playing a life ------------------------------------------------------------------------------


ID_STARTS = {"audit": 900001, "comment": 800001, "event": 950001}


class Player:
    """Writes lives into the store, in one write transaction, with one ledger of metric events;
    ids are handed out in memory and the rows written by `flush` (call it when done)."""

    def __init__(self, conn: sqlite3.Connection, statuses: dict[str, int]):
        self.conn = conn
        self.ledger = Ledger(conn)
        self.defaults = statuses  # status category -> its default custom status id
        self.comments: list[tuple[Any, ...]] = []
        self.audits: list[tuple[Any, ...]] = []
        domains = {oid: domain for oid, _, domain in D.ORGANIZATIONS}
        self.people = {uid: (name, f"{local}@{domains[oid]}") for uid, name, local, oid in D.END_USERS}
        self._ids: dict[str, int] = {}
        for name, start in ID_STARTS.items():
            row = conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
            self._ids[name] = int(row[0]) if row else start - 1

    def _next(self, name: str) -> int:
        self._ids[name] += 1
        return self._ids[name]

    def flush(self) -> None:
        self.ledger.flush()
        self.conn.executemany(
            "INSERT INTO comments (id, ticket_id, author_id, body, html_body, public, created_at, audit_id, via) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.comments,
        )
        self.conn.executemany("INSERT INTO audits (id, ticket_id, created_at, doc) VALUES (?, ?, ?, ?)", self.audits)
        self.conn.executemany(
            "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [(name, value) for name, value in self._ids.items() if value >= ID_STARTS[name]],
        )
        self.comments.clear()
        self.audits.clear()

    def play(self, life: Life) -> tuple[dict[str, Any], dict[str, Any], str]:
        """Play the steps in time order; returns the final fields, the metric state (`mx`) and
        the time of the last step."""
        state: dict[str, Any] = {
            "status": "new",
            "custom_status_id": self.defaults["new"],
            "group_id": D.TRIAGE,
            "assignee_id": None,
            "priority": None,
            "type": None,
        }
        mx: dict[str, Any] = {"t": dict(life.targets)}
        if life.policy is not None:
            mx["p"] = life.policy
        clocks = Clocks(self.ledger, life.ticket_id, mx)
        steps = sorted(life.steps, key=lambda s: s.at)
        last = steps[0].at
        for n, step in enumerate(steps):
            old = self._snapshot(state, life.tags)
            before = dict(state)
            state.update(step.changes)
            moved = before["status"] != state["status"]
            if "status" in step.changes and "custom_status_id" not in step.changes and moved:
                category = "solved" if state["status"] == "closed" else state["status"]
                state["custom_status_id"] = self.defaults[category]
            new = self._snapshot(state, life.tags)
            by_agent = step.author in AGENT_IDS
            public = step.comment is not None and step.comment[1]
            if n == 0:
                clocks.created(step.at, new)
            else:
                if step.comment is not None and by_agent:
                    solving = step.changes.get("status") in ("solved", "closed")
                    clocks.commented(step.at, by_agent=True, public=public, solving=solving)
                clocks.changed(step.at, old, new)
                if step.comment is not None and not by_agent:
                    clocks.commented(step.at, by_agent=False, public=public)
            for name in step.apply:
                self._apply(clocks, name, step.at, life)
            self._audit(life, step, before, state, created=n == 0)
            last = step.at
        return state, clocks.mx, timeutil.iso(last) or ""

    @staticmethod
    def _snapshot(state: dict[str, Any], tags: tuple[str, ...]) -> Snapshot:
        return Snapshot(
            state["status"],
            state["group_id"],
            state["assignee_id"],
            state["priority"],
            tags,
            state["custom_status_id"],
        )

    @staticmethod
    def _apply(clocks: Clocks, name: str, at: datetime, life: Life) -> None:
        policy = policy_by_id(life.policy)
        target = life.targets.get(name)
        if policy is None or target is None:
            return
        clocks.apply(EVENT_METRIC[name], at, policy, target)

    def _via(self, life: Life, step: Step) -> dict[str, Any]:
        """Where a step came from, as its comment's and audit's `via` say it (as `seed` and
        `zendesk_emails` write them): the requester by email or the web form, the system's rule,
        an agent in the agent workspace, whose public reply went to the requester and the CCs."""
        if step.author == SYSTEM:
            return {"channel": "rule", "source": {"from": {}, "to": {}, "rel": None}}
        if step.author == life.requester:
            person = self.people.get(life.requester)
            return emails.email_via(*person) if life.channel == "email" and person else emails.web_via()
        public = step.comment is not None and step.comment[1]
        return emails.web_via(emails.addressed_to(self.people.get(life.requester), list(life.ccs)) if public else None)

    def _audit(self, life: Life, step: Step, before: dict[str, Any], after: dict[str, Any], *, created: bool) -> None:
        audit_id = self._next("audit")
        stamp = timeutil.iso(step.at) or ""
        events: list[dict[str, Any]] = []
        via = self._via(life, step)
        notification: dict[str, Any] | None = None
        if step.comment is not None:
            body, public = step.comment
            markup = html_of(body)
            comment_id = self._next("comment")
            self.comments.append(
                (comment_id, life.ticket_id, step.author, body, markup, int(public), stamp, audit_id, dumps(via))
            )
            if public and step.author in AGENT_IDS:
                recipients = [i for i in dict.fromkeys([life.requester, *life.ccs]) if i != step.author]
                if recipients:
                    notification = emails.notification(life.subject, body, recipients)
            events.append(
                {
                    "id": comment_id,  # an audit's comment event is the comment, by id
                    "type": "Comment",
                    "author_id": step.author,
                    "body": body,
                    "html_body": markup,
                    "plain_body": body,
                    "public": public,
                    "attachments": [],
                    "audit_id": audit_id,
                }
            )
        fields = ("subject", "status", "custom_status_id", "priority", "type", "group_id", "assignee_id")
        for name in fields:
            if created:
                value = life.subject if name == "subject" else after.get(name)
                if value is not None:
                    events.append({"id": self._next("event"), "type": "Create", "field_name": name, "value": value})
            elif before.get(name) != after.get(name):
                events.append(
                    {
                        "id": self._next("event"),
                        "type": "Change",
                        "field_name": name,
                        "value": after.get(name),
                        "previous_value": before.get(name),
                    }
                )
        if notification is not None:
            events.append({"id": self._next("event"), **notification})
        audit = {
            "id": audit_id,
            "ticket_id": life.ticket_id,
            "created_at": stamp,
            "author_id": step.author,
            "metadata": {"system": {"client": "govpress-support sandbox"}, "custom": {}},
            "via": via,
            "events": events,
        }
        self.audits.append((audit_id, life.ticket_id, stamp, dumps(audit)))


# --- the hand-written tickets, backwards from their SLA ------------------------------------------


@dataclass
class Seeded:
    """A hand-written ticket as `seed._tickets` placed it."""

    ticket: D.SeedTicket
    ticket_id: int
    created: datetime
    updated: datetime
    sla: list[dict[str, Any]] | None  # the `slas` metrics with absolute breach_at
    custom_status_id: int
    notes: list[tuple[datetime, int, str, bool]]  # (at, author, body, public)
    channel: str = "email"  # the ticket's `via`: how its requester writes


def _path(t: D.SeedTicket) -> list[int]:
    """The groups a ticket passed through after triage."""
    if t.group == D.FIRST_LINE:
        return [D.FIRST_LINE]
    if t.group == D.SECOND_LINE:
        return [D.FIRST_LINE, D.SECOND_LINE] if t.key in CASCADED else [D.SECOND_LINE]
    if t.group == D.SCOPING:
        return [D.SECOND_LINE, D.SCOPING]
    if t.group == D.TECH_OPS:
        return [D.TECH_OPS]
    return []


def seeded_life(s: Seeded, now: datetime, *, fit: bool = True) -> tuple[Life, datetime]:
    """The life of a seeded ticket, ending in the state the seed gives it; returns the life and
    its creation time. With `fit`, a running first reply moves the creation time so that the
    clock breaches at the sideload's `breach_at`; without, the clocks decide the breach times."""
    t = s.ticket
    created = s.created
    gap = timedelta(minutes=5)
    paused = t.status in ("pending", "hold")
    targets: dict[str, int] = {}
    anchors: list[Step] = []
    apply_at_creation: list[str] = []
    requester_at: datetime | None = None
    enter_at: datetime | None = None
    update_at: datetime | None = None
    for metric in s.sla or []:
        name = str(metric["metric"])
        target = int(metric.get("hours") or 24) * 60
        targets[name] = target
        breach = timeutil.parse_iso(metric.get("breach_at"))
        if name == "first_reply_time":
            if fit and metric.get("stage") is None and breach is not None and t.status not in ("solved", "closed"):
                created = breach - timedelta(minutes=target)  # the clock started when the ticket came in
                if t.priority is None:
                    apply_at_creation.append(name)
            continue
        if breach is None:  # paused before it breached: a third of the target used
            start = s.updated - timedelta(minutes=target * 0.3)
        elif paused and metric.get("stage") is None:  # resumed now, it would breach at breach_at
            used = timedelta(minutes=target) - (breach - now)
            start = s.updated - max(used, timedelta(0))
        else:
            start = breach - timedelta(minutes=target)
        start = max(start, created + 2 * gap)
        if not fit:  # the clocks decide: a clock cannot have started after the desk was seeded
            start = min(start, now - gap)
        if name == "next_reply_time":
            requester_at = start
        elif name == "group_ownership_time":
            enter_at = start
        elif name in ("periodic_update_time", "pausable_update_time"):
            update_at = start
    # The end of the ticket's life so far.
    solved_at = closed_at = None
    horizon_parts = [x for x in (requester_at, enter_at, update_at) if x is not None]
    if t.status == "solved":
        solved_at = max([s.updated, *(x + timedelta(hours=2) for x in horizon_parts)])
    elif t.status == "closed":
        solved_at = max([s.updated - timedelta(days=4), *(x + timedelta(hours=2) for x in horizon_parts)])
        closed_at = min(max(s.updated, solved_at + timedelta(days=4)), now - timedelta(hours=1))
    horizon = min([*horizon_parts, *(n[0] for n in s.notes), s.updated if s.updated > created else now])
    horizon = max(horizon, created + 6 * gap)
    span = horizon - created
    requester, owner = t.requester, t.assignee or D.MORGAN
    steps = [
        Step(
            created,
            requester,
            {"group_id": D.TRIAGE},
            (t.description, True),
            apply=tuple(apply_at_creation),
        )
    ]
    path = _path(t)
    triage = created + min(timedelta(minutes=40), span * 0.15)
    first: dict[str, Any] = {k: v for k, v in (("priority", t.priority), ("type", t.type)) if v is not None}
    if path:
        first["group_id"] = path[0]
    if t.status != "new":
        first["status"] = "open"
        if t.assignee is not None and (not path or (path[0] == t.group and enter_at is None)):
            first["assignee_id"] = t.assignee
    if first:
        steps.append(Step(triage, D.JO if t.group == D.TRIAGE else D.MORGAN, first))
    if t.status != "new":
        for k, group in enumerate(path[1:], start=1):
            final = group == t.group
            at = enter_at if final and enter_at is not None else created + span * (0.25 + 0.1 * k)
            change: dict[str, Any] = {"group_id": group}
            if final and t.assignee is not None:
                change["assignee_id"] = t.assignee
            steps.append(Step(at, D.MORGAN, change, (CASCADE_NOTE, False) if group == D.SECOND_LINE else None))
        frt_running = any(
            m["metric"] == "first_reply_time" and m.get("stage") is None and t.status not in ("solved", "closed")
            for m in s.sla or []
        )
        replied = any(public and author in AGENT_IDS and at < horizon for at, author, _, public in s.notes)
        if not frt_running and not replied:
            steps.append(Step(created + span * 0.55, owner, {}, (FIRST_REPLY, True)))
    for at, author, body, public in s.notes:
        steps.append(Step(at, author, {}, (body, public)))
    if requester_at is not None:
        steps.append(Step(requester_at, requester, {}, (FOLLOW_UPS[s.ticket_id % len(FOLLOW_UPS)], True)))
    if update_at is not None:
        steps.append(Step(update_at, owner, {}, (UPDATE, True)))
    if paused:
        change = {"status": t.status, "custom_status_id": s.custom_status_id}
        steps.append(Step(max(s.updated, *(x.at + gap for x in steps)), owner, change))
    if solved_at is not None:
        steps.append(Step(solved_at, owner, {"status": "solved"}, (SOLVED, True)))
    if closed_at is not None:
        steps.append(Step(closed_at, SYSTEM, {"status": "closed"}))
    anchors.extend(steps)
    policy: int | str | None = 0
    if s.sla:
        found = policy_for(t.group)
        policy = found.id if found is not None else 0
    life = Life(
        s.ticket_id, requester, t.subject, t.description, anchors, policy, targets, t.tags, s.channel, tuple(t.ccs)
    )
    return life, created


# --- the month's other tickets -------------------------------------------------------------------

HISTORY_SUBJECTS = (
    ("Broken link in the footer of the {page} page", "problem", ("links",)),
    ("Please publish the {page} page update we sent", "task", ("content",)),
    ("{plugin} stopped working after last night's update", "problem", ("plugin", "plugin_update")),
    ("New user account for our {page} editor", "task", ("access",)),
    ("Image gallery on the {page} page shows the wrong photos", "problem", ("media",)),
    ("Can we add a {block} block to the {page} page?", "question", ("blocks",)),
    ("Search does not find the {page} page", "problem", ("search",)),
    ("Spelling mistake in the {page} page heading", "task", ("content",)),
    ("Form on the {page} page returns an error", "incident", ("forms",)),
    ("Site is slow this morning", "incident", ("performance",)),
    ("How do I schedule a post for next week?", "question", ("how_to",)),
    ("Update {plugin} on staging and live", "task", ("plugin_update",)),
    ("Unsubscribe me from the GovPress newsletter", "question", ("newsletter",)),
    ("Redirect the old {page} address to the new page", "task", ("redirects",)),
    ("PDF on the {page} page will not download", "problem", ("documents",)),
    ("New section for the {page} area: how much work is it?", "question", ("scoping",)),
)
HISTORY_PAGES = ("news", "contact us", "careers", "about us", "privacy", "events", "annual report", "services")
HISTORY_PLUGINS = ("Gravity Forms", "WPML", "Yoast SEO", "Redirection", "Advanced Custom Fields")
HISTORY_BLOCKS = ("accordion", "table", "call to action", "image gallery", "quote")
# Where the month's tickets went, and how often: solved in triage, in 1st line, in 2nd line;
# cascaded from 1st to 2nd line; on from 2nd line to scoping; returned from 1st line to triage.
ROUTES = (("triage", 2), ("first", 7), ("second", 7), ("cascade", 3), ("scoping", 1), ("returned", 1))
SECOND_LINE_AGENTS = (D.SAM, D.SAM, D.PRIYA, D.PRIYA, D.ADE, D.MORGAN)
FIRST_LINE_AGENTS = (D.TOM, D.CHRIS, D.ADE)
TRIAGE_AGENTS = (D.JO, D.MORGAN)


def working(at: datetime, rng: random.Random) -> datetime:
    """The same moment if it is in working hours (Monday to Friday, 08:30 to 17:30 UTC), else
    a little after the next working morning starts."""
    minutes = at.hour * 60 + at.minute
    if at.weekday() < 5 and 510 <= minutes < 1050:
        return at
    day = at.date()
    if minutes >= 1050 or at.weekday() >= 5:
        day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 8, 30, tzinfo=at.tzinfo)
    return start + timedelta(minutes=rng.randint(0, 75))


def _subject(rng: random.Random) -> tuple[str, str, tuple[str, ...]]:
    template, kind, tags = rng.choice(HISTORY_SUBJECTS)
    text = template.format(
        page=rng.choice(HISTORY_PAGES), plugin=rng.choice(HISTORY_PLUGINS), block=rng.choice(HISTORY_BLOCKS)
    )
    return text, kind, tags


def month_lives(now: datetime, rng: random.Random) -> list[Life]:
    """Tickets created in the last 30 days and solved (or closed) before `now`."""
    lives: list[Life] = []
    number = FIRST_HISTORY_ID
    deck: list[str] = []  # routes dealt from a shuffled deck, so every route shows in a month
    start = now - timedelta(days=HISTORY_DAYS)
    day = start.date()
    while day < now.date():
        weekday = day.weekday() < 5
        count = rng.choice((2, 2, 3, 3, 4)) if weekday else rng.choice((0, 0, 1))
        midnight = datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)
        minutes = sorted(rng.randint(7 * 60, 18 * 60) if weekday else rng.randint(0, 1439) for _ in range(count))
        for minute in minutes:
            at = midnight + timedelta(minutes=minute)
            if at < start:
                continue
            if not deck:
                deck = [route for route, share in ROUTES for _ in range(share)]
                rng.shuffle(deck)
            life = _month_life(number, at, now, rng, deck.pop())
            if life is not None:
                lives.append(life)
                number += 1
        day += timedelta(days=1)
    return lives


def _month_life(ticket_id: int, created: datetime, now: datetime, rng: random.Random, route: str) -> Life | None:
    subject, kind, tags = _subject(rng)
    requester = rng.choice(D.END_USERS)[0]
    priority = rng.choices(("urgent", "high", "normal", "low"), (1, 4, 10, 5))[0]
    if "newsletter" in tags:
        route, priority = "triage", "low"
    if "plugin" in tags and route in ("first", "triage"):
        route = "second"
    first_group = {
        "triage": D.TRIAGE,
        "first": D.FIRST_LINE,
        "second": D.SECOND_LINE,
        "cascade": D.FIRST_LINE,
        "scoping": D.SECOND_LINE,
        "returned": D.FIRST_LINE,
    }[route]
    policy = policy_for(first_group)
    steps = [Step(created, requester, {"group_id": D.TRIAGE}, (f"{subject}.", True))]
    at = working(created + timedelta(minutes=rng.randint(10, 90)), rng)
    assignee = _member(first_group, rng)
    triage: dict[str, Any] = {"priority": priority, "type": kind, "group_id": first_group, "status": "open"}
    if assignee is not None:
        triage["assignee_id"] = assignee
    steps.append(Step(at, rng.choice(TRIAGE_AGENTS), triage))
    owner = assignee or D.MORGAN
    # The first reply: mostly within the target, sometimes late.
    frt = _target(policy, "first_reply_time", priority)
    share = rng.uniform(1.1, 2.5) if rng.random() < 0.2 else rng.uniform(0.15, 0.9)
    at = working(max(at + timedelta(minutes=5), created + timedelta(minutes=frt * share)), rng)
    pending = rng.random() < 0.4
    steps.append(Step(at, owner, {"status": "pending"} if pending else {}, (FIRST_REPLY, True)))
    if pending:  # the client answers, the clock for the next reply starts
        at += timedelta(hours=rng.uniform(2, 30))
        steps.append(Step(at, requester, {"status": "open"}, (rng.choice(FOLLOW_UPS), True)))
        nrt = _target(policy, "next_reply_time", priority)
        share = rng.uniform(1.1, 2.0) if rng.random() < 0.25 else rng.uniform(0.1, 0.9)
        at = working(at + timedelta(minutes=nrt * share), rng)
        steps.append(Step(at, owner, {}, ("Thanks, that helps. Carrying on with it now.", True)))
    group = first_group
    if route in ("cascade", "scoping", "returned"):
        at = working(at + timedelta(hours=rng.uniform(1, 20)), rng)
        if route == "returned":
            steps.append(Step(at, owner, {"group_id": D.TRIAGE, "assignee_id": None}, (BACK_TO_TRIAGE, False)))
            at = working(at + timedelta(minutes=rng.randint(15, 120)), rng)
        owner = _member(D.SECOND_LINE, rng) or D.SAM
        steps.append(Step(at, D.MORGAN, {"group_id": D.SECOND_LINE, "assignee_id": owner}, (CASCADE_NOTE, False)))
        group = D.SECOND_LINE
        if route == "scoping":
            at = working(at + timedelta(hours=rng.uniform(4, 30)), rng)
            owner = D.ADE
            steps.append(Step(at, D.MORGAN, {"group_id": D.SCOPING, "assignee_id": D.ADE}))
            group = D.SCOPING
    if group in (D.SECOND_LINE, D.SCOPING) and rng.random() < 0.25:  # waiting on someone else
        at = working(at + timedelta(hours=rng.uniform(1, 24)), rng)
        steps.append(Step(at, owner, {"status": "hold"}, (HOLD_NOTE, False)))
        at = working(at + timedelta(hours=rng.uniform(4, 48)), rng)
        steps.append(Step(at, owner, {"status": "open"}))
    work = {
        D.TRIAGE: (0.2, 2),
        D.FIRST_LINE: (0.5, 8),
        D.SECOND_LINE: (6, 120),
        D.SCOPING: (48, 200),
    }[group]
    at = working(at + timedelta(hours=rng.uniform(*work)), rng)
    steps.append(Step(at, owner, {"status": "solved"}, (SOLVED, True)))
    if rng.random() < 0.08:  # it came back
        at += timedelta(hours=rng.uniform(3, 30))
        steps.append(Step(at, requester, {"status": "open"}, ("It is happening again, sorry.", True)))
        at = working(at + timedelta(hours=rng.uniform(1, 10)), rng)
        steps.append(Step(at, owner, {"status": "solved"}, ("Fixed again, and this time for good.", True)))
    if at + timedelta(days=4) < now:
        steps.append(Step(at + timedelta(days=4), SYSTEM, {"status": "closed"}))
    if at > now - timedelta(minutes=30):
        return None  # still being worked on: not one of the month's finished tickets
    return Life(ticket_id, requester, subject, f"{subject}.", steps, policy.id if policy else 0, {}, tags)


def _target(policy: Policy | None, metric: str, priority: str) -> int:
    found = policy.target(metric, priority) if policy is not None else None
    return found or 480


def _member(group: int, rng: random.Random) -> int | None:
    if group == D.FIRST_LINE:
        return rng.choice(FIRST_LINE_AGENTS)
    if group == D.SECOND_LINE:
        return rng.choice(SECOND_LINE_AGENTS)
    if group == D.SCOPING:
        return D.ADE
    if group == D.TRIAGE:
        return rng.choice(TRIAGE_AGENTS)
    return None


def write_month(conn: sqlite3.Connection, player: Player, now: datetime, rng: random.Random) -> int:
    """Insert the month's finished tickets; returns how many."""
    orgs = {uid: oid for uid, _, _, oid in D.END_USERS}
    domains = {oid: domain for oid, _, domain in D.ORGANIZATIONS}
    lives = month_lives(now, rng)
    for life in lives:
        state, mx, last = player.play(life)
        clocks = Clocks(player.ledger, life.ticket_id, mx)
        clocks.touched.update(mx["s"])
        doc: dict[str, Any] = {
            "sla": [],
            "due": None,
            "custom_fields": {
                str(D.SITE_URL_FIELD): f"https://www.{domains[orgs[life.requester]]}",
                str(D.ESTIMATE_FIELD): None,
                str(D.DEADLINE_FIELD): None,
                str(D.TRELLO_CARD_FIELD): None,
            },
            "via": "email",
            "mx": mx,
        }
        sync_display(doc, clocks)
        if not mx.get("p"):
            doc["sla"] = None if life.ticket_id % 7 == 0 else []
        tags = [*life.tags, f"client_{orgs[life.requester]}"]
        created = timeutil.iso(life.steps[0].at) or ""
        row = ticket_row(life.ticket_id, state, life.requester, orgs[life.requester], life.subject, life.description)
        conn.execute(INSERT_TICKET, (*row, tag_column(tags), created, last, dumps(doc)))
    player.flush()
    return len(lives)


INSERT_TICKET = (
    "INSERT INTO tickets (id, group_id, status, custom_status_id, priority, type, assignee_id, requester_id, "
    "submitter_id, organization_id, subject, description, tags, created_at, updated_at, doc) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def ticket_row(
    ticket_id: int, state: dict[str, Any], requester: int, org: int | None, subject: str, description: str
) -> tuple[Any, ...]:
    """A played ticket's columns up to its description (tags, times and document follow)."""
    fields = ("group_id", "status", "custom_status_id", "priority", "type", "assignee_id")
    return (ticket_id, *(state[k] for k in fields), requester, requester, org, subject, description)
