"""Turn `seed_data` into rows: the same desk for the same seed number, placed around the moment
of seeding.

Every time (created_at, updated_at, SLA breach times, due dates) is absolute, set relative to the
moment the desk is seeded (kept in the store's meta as `seeded.at`), so the clock runs on the desk
as on a real one: a ticket that breaches in 13 minutes has breached 14 minutes later, and
`sandbox reset` brings the desk back to its starting point. `seed_history` writes how each ticket
got there and the month of tickets that came and went before.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from govpress_support.core import timeutil
from govpress_support.sandbox import seed_data as D
from govpress_support.sandbox import seed_history as H
from govpress_support.sandbox.constants import ZENDESK_URL
from govpress_support.sandbox.metric_events import EVENT_METRIC, Clocks, sync_display
from govpress_support.sandbox.store import Store, dumps
from govpress_support.sandbox.trello_ids import (
    ACTION,
    ATTACHMENT,
    BOARD,
    CARD,
    CHECKLIST,
    LABEL,
    LIST,
    MEMBER,
    MEMBERSHIP,
    ORG,
    short_link,
    slug,
    trello_id,
    trello_time,
)
from govpress_support.sandbox.zendesk_tickets import tag_column


def seed(store: Store, conn: sqlite3.Connection, *, seed: int = 1, bulk: int = 0) -> None:
    """Fill an empty store (inside the caller's write transaction)."""
    now = timeutil.now().replace(microsecond=0)
    rng = random.Random(seed)
    _zendesk(conn, now, rng)
    player = H.Player(conn, _default_statuses())
    H.write_month(conn, player, now, random.Random(f"history-{seed}"))
    _trello(conn, now)
    for role, week, name, email in D.ROTA:
        conn.execute(
            "INSERT INTO rota (role, week_offset, name, email) VALUES (?, ?, ?, ?)",
            (role, week, name, email),
        )
    from govpress_support.sandbox.seed_github import seed_github  # only when seeding

    seed_github(conn, now)
    if bulk:
        add_bulk(conn, bulk, seed=seed, now=now)
    store.set_meta(conn, "seeded", dumps({"seed": seed, "bulk": bulk, "at": timeutil.iso(now)}))


# --- Zendesk -------------------------------------------------------------------------------------


def _iso(when: datetime) -> str:
    return timeutil.iso(when) or ""


def _zendesk(conn: sqlite3.Connection, now: datetime, rng: random.Random) -> None:
    long_ago = _iso(now - timedelta(days=700))
    for gid, name, description in D.GROUPS:
        doc = {
            "description": description,
            "default": gid == D.TRIAGE,
            "deleted": False,
            "is_public": True,
            "created_at": long_ago,
            "updated_at": long_ago,
        }
        conn.execute("INSERT INTO groups_ (id, name, doc) VALUES (?, ?, ?)", (gid, name, dumps(doc)))
    for oid, name, domain in D.ORGANIZATIONS:
        doc = {
            "domain_names": [domain],
            "details": "",
            "notes": "",
            "tags": [slug(name).replace("-", "_")],
            "created_at": long_ago,
            "updated_at": long_ago,
        }
        conn.execute("INSERT INTO organizations (id, name, doc) VALUES (?, ?, ?)", (oid, name, dumps(doc)))
    membership = 50001
    for agent in D.AGENTS:
        doc = {
            "created_at": long_ago,
            "updated_at": long_ago,
            "default_group_id": agent.default_group,
            "time_zone": "London",
            "locale": "en-gb",
            "last_login_at": _iso(now - timedelta(hours=3)),
        }
        conn.execute(
            "INSERT INTO users (id, email, name, role, has_token, organization_id, doc) VALUES "
            "(?, ?, ?, ?, 1, NULL, ?)",
            (agent.id, agent.email, agent.name, agent.role, dumps(doc)),
        )
        for gid in agent.groups:
            conn.execute(
                "INSERT INTO group_memberships (id, user_id, group_id, is_default, created_at, "
                "updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (membership, agent.id, gid, int(gid == agent.default_group), long_ago, long_ago),
            )
            membership += 1
    conn.execute("INSERT INTO counters (name, value) VALUES ('membership', ?)", (membership - 1,))
    domains = {oid: domain for oid, _, domain in D.ORGANIZATIONS}
    for uid, name, local, oid in D.END_USERS:
        doc = {
            "created_at": long_ago,
            "updated_at": long_ago,
            "time_zone": "London",
            "locale": "en-gb",
        }
        conn.execute(
            "INSERT INTO users (id, email, name, role, has_token, organization_id, doc) VALUES "
            "(?, ?, ?, 'end-user', 0, ?, ?)",
            (uid, f"{local}@{domains[oid]}", name, oid, dumps(doc)),
        )
    for sid, category, label, end_label, default in D.CUSTOM_STATUSES:
        doc = {
            "agent_label": label,
            "end_user_label": end_label,
            "description": "",
            "end_user_description": "",
            "active": True,
            "default": default,
            "created_at": long_ago,
            "updated_at": long_ago,
        }
        conn.execute(
            "INSERT INTO custom_statuses (id, category, doc) VALUES (?, ?, ?)",
            (sid, category, dumps(doc)),
        )
    keys = _tickets(conn, now, rng)
    _macros(conn, now)
    for n, (subject, cause, author, email, content, follows, days) in enumerate(D.SUSPENDED):
        created = _iso(now - timedelta(days=days))
        doc = {
            "subject": subject,
            "cause": cause,
            "author": {"id": None, "name": author, "email": email},
            "content": content,
            "ticket_id": keys.get(follows) if follows else None,
            "created_at": created,
            "updated_at": created,
            "recipient": "support@govpress.example",
            "message_id": f"<sandbox-{n + 1}@mail.example>",
        }
        conn.execute(
            "INSERT INTO suspended (id, created_at, doc) VALUES (?, ?, ?)",
            (70001 + n, created, dumps(doc)),
        )


def _custom_fields(org_id: int | None, estimate: float | None) -> dict[str, Any]:
    domains = {oid: domain for oid, _, domain in D.ORGANIZATIONS}
    return {
        str(D.SITE_URL_FIELD): f"https://www.{domains[org_id]}" if org_id in domains else None,
        str(D.ESTIMATE_FIELD): estimate,
        str(D.DEADLINE_FIELD): None,
        str(D.TRELLO_CARD_FIELD): None,
    }


def _default_statuses() -> dict[str, int]:
    return {cat: sid for sid, cat, _, _, default in D.CUSTOM_STATUSES if default}


def _sla_doc(metrics: tuple[D.Metric, ...] | None, jitter: float, now: datetime) -> list[dict[str, Any]] | None:
    """The `slas` metrics with their breach times placed from the moment of seeding."""
    if metrics is None:
        return None
    return [
        {
            "metric": m.metric,
            "breach_at": None if m.minutes is None else _iso(now + timedelta(seconds=int(m.minutes * 60 + jitter))),
            "stage": m.stage,
            "hours": m.hours,
        }
        for m in metrics
    ]


def _tickets(conn: sqlite3.Connection, now: datetime, rng: random.Random) -> dict[str, int]:
    """The hand-written tickets, numbered from the oldest; returns key -> id."""
    labels = {label: sid for sid, _, label, _, _ in D.CUSTOM_STATUSES}
    defaults = _default_statuses()
    orgs = {uid: oid for uid, _, _, oid in D.END_USERS}
    keys: dict[str, int] = {}
    ordered = sorted(D.TICKETS, key=lambda t: -t.days_ago)
    player = H.Player(conn, defaults)
    for n, t in enumerate(ordered):
        tid = D.FIRST_TICKET_ID + n
        keys[t.key] = tid
        created = now - timedelta(days=t.days_ago, seconds=rng.randint(0, 600))
        updated = created if t.status == "new" else now - timedelta(days=t.days_ago * 0.3, seconds=rng.randint(60, 900))
        status_id = (
            labels[t.custom_status] if t.custom_status else defaults["solved" if t.status == "closed" else t.status]
        )
        doc: dict[str, Any] = {
            "sla": _sla_doc(t.sla, rng.uniform(-45, 45) if t.sla else 0, now),
            "due": {"at": _iso(now + timedelta(hours=t.due_hours))} if t.due_hours is not None else None,
            "custom_fields": _custom_fields(orgs.get(t.requester), t.estimate),
            "via": "email" if t.group == D.TRIAGE or n % 3 else "web",
            "email_ccs": list(t.ccs),
            "followers": list(t.followers),
        }
        comments = [(t.requester, t.description, True), *t.notes]
        span = (updated - created) / len(comments)
        notes = [(created + span * k, author, body, public) for k, (author, body, public) in enumerate(comments)][1:]
        seeded = H.Seeded(t, tid, created, updated, doc["sla"], status_id, notes, channel=doc["via"])
        life, created = H.seeded_life(seeded, now)
        state, mx, last = player.play(life)
        _paused_remaining(doc, mx, t.status)
        doc["mx"] = mx
        updated = timeutil.parse_iso(last) or updated  # updated by its last audit
        tags = list(t.tags) + ([f"client_{orgs[t.requester]}"] if t.requester in orgs else [])
        conn.execute(
            "INSERT INTO tickets (id, group_id, status, custom_status_id, priority, type, "
            "assignee_id, requester_id, "
            "submitter_id, organization_id, subject, description, tags, created_at, updated_at, "
            "doc) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tid,
                t.group,
                t.status,
                status_id,
                t.priority,
                t.type,
                t.assignee,
                t.requester,
                t.requester,
                orgs.get(t.requester),
                t.subject,
                t.description,
                tag_column(tags),
                _iso(created),
                _iso(updated),
                dumps(doc),
            ),
        )
        _check(tid, state, (t.group, t.status, status_id, t.assignee, t.priority, t.type))
    player.flush()
    return keys


def _check(ticket_id: int, state: dict[str, Any], expected: tuple[Any, ...]) -> None:
    """The life built for a ticket must end where the seed says the ticket is."""
    played = tuple(state[k] for k in ("group_id", "status", "custom_status_id", "assignee_id", "priority", "type"))
    if played != expected:
        raise RuntimeError(f"ticket {ticket_id} plays to {played}, not {expected}")


def _paused_remaining(doc: dict[str, Any], mx: dict[str, Any], status: str) -> None:
    """A paused metric resumes with the time its clock has left (kept beside the sideload)."""
    if status not in ("pending", "hold"):
        return
    for metric in doc.get("sla") or []:
        if metric.get("stage") is not None:
            continue
        sla = mx["s"].get(EVENT_METRIC.get(metric["metric"], metric["metric"]))
        clock = mx["c"].get(EVENT_METRIC.get(metric["metric"], metric["metric"]))
        if sla is not None and clock is not None:
            metric["remaining"] = int(int(sla["target"]) * 60 - float(clock["used"]))


def _macros(conn: sqlite3.Connection, now: datetime) -> None:
    for position, m in enumerate(D.MACROS, start=1):
        if m.owner is not None:
            restriction: dict[str, Any] | None = {"type": "User", "id": m.owner}
        elif m.groups:
            restriction = {"type": "Group", "id": m.groups[0], "ids": list(m.groups)}
        else:
            restriction = None
        created = now - timedelta(days=m.days_ago)
        doc = {
            "description": m.description,
            "actions": [{"field": f, "value": v} for f, v in m.actions],
            "restriction": restriction,
            "default": False,
            "created_at": _iso(created),
            "updated_at": _iso(created + timedelta(days=m.days_ago / 3)),
        }
        conn.execute(
            "INSERT INTO macros (id, title, active, position, doc) VALUES (?, ?, ?, ?, ?)",
            (m.id, m.title, int(m.active), position, dumps(doc)),
        )


def add_bulk(conn: sqlite3.Connection, count: int, *, seed: int, now: datetime) -> None:
    """`count` generated unsolved tickets in the 2nd line group, created a few minutes apart so
    export order is stable, with a spread of priorities, statuses, assignees and SLA states, each
    with the history (audits, metric events) that brought it there."""
    rng = random.Random(f"bulk-{seed}")
    start = int(conn.execute("SELECT COALESCE(MAX(id), 4000) + 1 FROM tickets").fetchone()[0])
    defaults = _default_statuses()
    player = H.Player(conn, defaults)
    requesters = [(uid, oid) for uid, _, _, oid in D.END_USERS]
    assignees: list[int | None] = [D.SAM, D.SAM, D.SAM, D.PRIYA, D.MORGAN, D.ADE, None]
    oldest = now - timedelta(days=180)
    step = max(1.0, (180 * 86400 - 3600) / max(count, 1))
    tickets: list[tuple[Any, ...]] = []
    for i in range(count):
        tid = start + i
        created = oldest + timedelta(seconds=int(i * step))
        status = rng.choices(("new", "open", "pending", "hold"), (1, 6, 2, 1))[0]
        assignee = None if status == "new" else rng.choice(assignees)
        priority = rng.choices(("urgent", "high", "normal", "low", None), (1, 3, 6, 3, 1))[0]
        kind = rng.choices(("problem", "incident", "question", "task", None), (4, 2, 3, 3, 1))[0]
        shape = rng.random()
        if shape < 0.1:
            sla: list[dict[str, Any]] | None = []
        elif shape < 0.13:
            sla = None
        else:
            hours = rng.choice((4, 8, 24, 72))
            offset: int | None = rng.choice(
                (
                    rng.randint(-5 * 86400, -60),
                    rng.randint(60, 3540),
                    rng.randint(3600, 6 * 86400),
                )
            )
            if status in ("pending", "hold") and rng.random() < 0.5:
                offset = None
            sla = [
                {
                    "metric": rng.choice(("next_reply_time", "first_reply_time")),
                    "breach_at": None if offset is None else _iso(now + timedelta(seconds=offset)),
                    "stage": None,
                    "hours": hours,
                }
            ]
        template = rng.choice(D.BULK_SUBJECTS)
        subject = template.format(
            plugin=rng.choice(D.BULK_PLUGINS),
            page=rng.choice(D.BULK_PAGES),
            block=rng.choice(D.BULK_BLOCKS),
            site=rng.choice(D.ORGANIZATIONS)[1],
        )
        requester, org = rng.choice(requesters)
        description = f"{subject}. Reported by the web team; details in the attached screenshot (#{i + 1})."
        due = (
            {"at": _iso(now + timedelta(seconds=rng.randint(3600, 14 * 86400)))}
            if kind == "task" and rng.random() < 0.5
            else None
        )
        updated = min(now, created + timedelta(hours=rng.randint(1, 72)))
        spec = D.SeedTicket(
            f"bulk-{tid}", D.SECOND_LINE, subject, description, requester, assignee, status, priority, kind, None, 0
        )
        life, _ = H.seeded_life(H.Seeded(spec, tid, created, updated, sla, defaults[status], []), now, fit=False)
        state, mx, last = player.play(life)
        _check(tid, state, (D.SECOND_LINE, status, defaults[status], assignee, priority, kind))
        doc: dict[str, Any] = {"sla": sla, "due": due, "custom_fields": _custom_fields(org, None), "via": "email"}
        if mx["s"]:  # the sideload shows what the clocks measured
            doc["sla"] = []
            clocks = Clocks(player.ledger, tid, mx)
            clocks.touched.update(mx["s"])
            sync_display(doc, clocks)
        elif sla:
            doc["sla"] = []
        doc["mx"] = mx
        row = H.ticket_row(tid, state, requester, org, subject, description)
        tags = tag_column(["bulk", f"client_{org}"])
        tickets.append((*row, tags, _iso(created), last, dumps(doc)))  # updated by its last audit
    conn.executemany(H.INSERT_TICKET, tickets)
    player.flush()


# --- Trello --------------------------------------------------------------------------------------


def _trello(conn: sqlite3.Connection, now: datetime) -> None:
    org_id = trello_id(ORG, 1)
    members: dict[str, str] = {}
    for n, agent in enumerate(D.AGENTS, start=1):
        mid = trello_id(MEMBER, n)
        members[agent.username] = mid
        initials = "".join(part[0] for part in agent.name.split())
        doc = {
            "fullName": agent.name,
            "initials": initials,
            "idOrganizations": [org_id],
            "confirmed": True,
            "memberType": "normal",
        }
        conn.execute(
            "INSERT INTO trello_members (id, username, token, email, doc) VALUES (?, ?, ?, ?, ?)",
            (mid, agent.username, agent.trello_token, agent.email, dumps(doc)),
        )
    counters = {
        "list": 0,
        "label": 0,
        "card": 0,
        "attachment": 0,
        "action": 0,
        "membership": 0,
        "checklist": 0,
    }

    def next_id(kind: str, code: int) -> str:
        counters[kind] += 1
        return trello_id(code, counters[kind])

    boards: dict[str, str] = {}
    lists: dict[tuple[str, str], str] = {}
    labels: dict[tuple[str, str], str] = {}
    for n, (short, name, desc, list_names, label_specs) in enumerate(D.BOARDS, start=1):
        bid = trello_id(BOARD, n)
        boards[short] = bid
        doc = {
            "name": name,
            "desc": desc,
            "closed": False,
            "idOrganization": org_id,
            "prefs": {"permissionLevel": "org", "invitations": "members", "selfJoin": True},
        }
        conn.execute(
            "INSERT INTO trello_boards (id, short_link, doc) VALUES (?, ?, ?)",
            (bid, short, dumps(doc)),
        )
        for pos, list_name in enumerate(list_names, start=1):
            lid = next_id("list", LIST)
            lists[(short, list_name)] = lid
            conn.execute(
                "INSERT INTO trello_lists (id, board_id, name, pos) VALUES (?, ?, ?, ?)",
                (lid, bid, list_name, pos * 16384.0),
            )
        for label_name, color in label_specs:
            lab = next_id("label", LABEL)
            labels[(short, label_name)] = lab
            conn.execute(
                "INSERT INTO trello_labels (id, board_id, name, color) VALUES (?, ?, ?, ?)",
                (lab, bid, label_name, color),
            )
        for username, member_type in D.BOARD_MEMBERS:
            conn.execute(
                "INSERT INTO trello_board_members (id, board_id, member_id, member_type) VALUES (?, ?, ?, ?)",
                (next_id("membership", MEMBERSHIP), bid, members[username], member_type),
            )

    links = random.Random("govpress-sandbox-cards")  # fixed: short links do not depend on the seed
    id_short = {D.BACKLOG_SHORT: 180, D.WIP_SHORT: 40}
    positions: dict[str, float] = {}

    def add_card(
        card: D.SeedCard,
        *,
        short: str | None = None,
        number: int | None = None,
        age_days: float = 5,
    ) -> str:
        cid = next_id("card", CARD)
        bid = boards[card.board]
        lid = lists[(card.board, card.list)]
        if number is None:
            id_short[card.board] += 1
            number = id_short[card.board]
        positions[lid] = positions.get(lid, 0.0) + 16384.0
        changed = now - timedelta(days=age_days)
        due: dict[str, Any] | None = (
            None if card.due_hours is None else {"at": trello_time(now + timedelta(hours=card.due_hours))}
        )
        doc = {
            "name": card.name,
            "desc": card.desc,
            "idMembers": [members[m] for m in card.members],
            "idLabels": [labels[(card.board, label)] for label in card.labels],
            "due": due,
            "dueComplete": False,
            "dateLastActivity": trello_time(changed),
            "checklists": [],
        }
        conn.execute(
            "INSERT INTO trello_cards (id, short_link, board_id, list_id, id_short, pos, closed, "
            "changed, doc) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                cid,
                short or short_link(links),
                bid,
                lid,
                number,
                positions[lid],
                int(card.closed),
                changed.timestamp(),
                dumps(doc),
            ),
        )
        for k, (att_name, att_url) in enumerate(card.attachments, start=1):
            aid = next_id("attachment", ATTACHMENT)
            att: dict[str, Any] = {
                "id": aid,
                "name": att_name,
                "url": att_url,
                "date": trello_time(changed),
                "bytes": None,
                "isUpload": False,
                "mimeType": "",
                "idMember": members["morganlee"],
                "edgeColor": None,
                "previews": [],
                "pos": k * 16384,
            }
            conn.execute(
                "INSERT INTO trello_attachments (id, card_id, pos, doc) VALUES (?, ?, ?, ?)",
                (aid, cid, k * 16384.0, dumps(att)),
            )
        for username, text in card.comments:
            act = next_id("action", ACTION)
            doc_action = {
                "id": act,
                "idMemberCreator": members[username],
                "type": "commentCard",
                "date": trello_time(changed),
                "data": {"text": text},
            }
            conn.execute(
                "INSERT INTO trello_actions (id, card_id, type, date, doc) VALUES (?, ?, 'commentCard', ?, ?)",
                (act, cid, doc_action["date"], dumps(doc_action)),
            )
        return cid

    template = D.SeedCard(
        D.BACKLOG_SHORT,
        "Backlog",
        "Add a new developer to the support rota (copy me!)",
        D.TEMPLATE_DESC,
        members=("adebello",),
    )
    template_id = add_card(template, short=D.TEMPLATE_SHORT, number=D.TEMPLATE_ID_SHORT, age_days=400)
    checklist = {
        "id": next_id("checklist", CHECKLIST),
        "name": "Access",
        "idCard": template_id,
        "pos": 16384,
        "checkItems": [
            {
                "id": next_id("checklist", CHECKLIST),
                "name": item,
                "state": "incomplete",
                "pos": (k + 1) * 16384,
            }
            for k, item in enumerate(D.TEMPLATE_CHECKLIST)
        ],
    }
    conn.execute(
        "UPDATE trello_cards SET doc = json_set(doc, '$.checklists', json(?)) WHERE id = ?",
        (dumps([checklist]), template_id),
    )

    tickets = {t.key: (D.FIRST_TICKET_ID + n, t) for n, t in enumerate(sorted(D.TICKETS, key=lambda t: -t.days_ago))}
    usernames = {a.id: a.username for a in D.AGENTS}
    on_board = {u for u, _ in D.BOARD_MEMBERS}
    type_labels = {"problem": "Bug", "incident": "Bug", "task": "Content", "question": "Content"}
    for tid, t in sorted(tickets.values(), key=lambda pair: pair[0]):
        if t.card is None:
            continue
        assignee = usernames.get(t.assignee or 0)
        card_labels = [type_labels.get(t.type or "", "Content")]
        if t.priority == "urgent":
            card_labels.append("Urgent")
        if "styling" in t.tags:
            card_labels.append("Styling")
        if any("plugin" in tag for tag in t.tags):
            card_labels.append("Plugin")
        link = f"{ZENDESK_URL}/agent/tickets/{tid}"
        add_card(
            D.SeedCard(
                D.BACKLOG_SHORT,
                t.card,
                f"#{tid} {t.subject}",
                f"Zendesk ticket: {link}\n\n{t.description}",
                tuple(card_labels),
                (assignee,) if assignee in on_board else (),
                attachments=((f"Zendesk ticket #{tid}", link),),
            ),
            age_days=max(t.days_ago * 0.5, 0.2),
        )
    for card in D.OTHER_CARDS:
        add_card(card, age_days=3 if card.board == D.WIP_SHORT else 20)
    for kind, value in counters.items():
        conn.execute("INSERT INTO counters (name, value) VALUES (?, ?)", (f"trello_{kind}", value))
