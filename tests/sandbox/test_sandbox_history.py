"""The seeded month: the metric events, audits and metric sets agree with each other and with the
tickets the desk holds, and the last seven days have a fixed shape that `stats` can be tested on."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import httpx
import pytest

from govpress_support.core import timeutil
from tests.desk import Desk
from tests.sandbox.conftest import Clock
from tests.sandbox.test_sandbox_metric_events import at, walk
from tests.seed_names import (
    ADE,
    CHRIS,
    FIRST_LINE,
    FIRST_OF_MONTH,
    JO,
    MORGAN,
    PRIYA,
    SAM,
    SCOPING,
    SECOND_LINE,
    SEED,
    TOM,
    TRIAGE,
)

AGENTS = {agent.id for agent in (SAM, PRIYA, TOM, MORGAN, ADE, CHRIS, JO)}

# The seeded week before the fixture's clock (Thursday 2026-11-26 14:20:20 UTC), day by day, from
# the events an admin exports: tickets that came in (resolution_time measured), tickets solved
# (resolution_time fulfilled), breaches that happened, reply_time fulfilled by a public reply, and
# breaches that were written ahead and deleted because the metric was met or paused in time.
SEEDED_WEEK = {
    "2026-11-19": (1, 0, 1, 1, 1),
    "2026-11-20": (4, 3, 1, 5, 6),
    "2026-11-21": (3, 0, 5, 2, 0),
    "2026-11-22": (2, 0, 2, 3, 0),
    "2026-11-23": (6, 6, 3, 5, 1),
    "2026-11-24": (6, 4, 7, 12, 4),
    "2026-11-25": (9, 2, 4, 14, 9),
    "2026-11-26": (4, 1, 4, 2, 4),
}


@pytest.fixture
def events(desk: Desk, clock: Clock) -> list[dict[str, Any]]:
    desk.app.settings.rate_limits = False
    return walk(desk.zendesk, 0)[1]


def _search(zd: httpx.Client, query: str, include: str = "") -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        params: dict[str, Any] = {"query": f"type:ticket {query}", "page": page, "include": include}
        data = zd.get("/api/v2/search", params=params).json()
        out.extend(data["results"])
        if not data["next_page"]:
            return out
        page += 1


def test_every_breach_follows_the_sla_it_breaches(events: list[dict[str, Any]]) -> None:
    applied: dict[tuple[int, str, int], str] = {}
    checked = 0
    for event in events:
        key = (event["ticket_id"], event["metric"], event["instance_id"])
        if event["type"] in ("apply_sla", "apply_group_sla"):
            applied.setdefault(key, event["time"])
        if event["type"] == "breach":
            assert key in applied and applied[key] <= event["time"], event
            checked += 1
    assert checked > 100


def test_every_running_sla_has_its_breach_event(desk: Desk, events: list[dict[str, Any]], clock: Clock) -> None:
    live = {(e["ticket_id"], e["metric"], e["time"]) for e in events if e["type"] == "breach" and not e["deleted"]}
    names = {"first_reply_time": "reply_time", "next_reply_time": "reply_time"}
    shown = 0
    for ticket in _search(desk.zendesk, "status<solved", "tickets(slas)"):
        for metric in ticket.get("slas", {}).get("policy_metrics", []):
            if metric["stage"] in ("active", "breached") and metric["breach_at"]:
                name = names.get(metric["metric"], metric["metric"])
                assert (ticket["id"], name, metric["breach_at"]) in live, (ticket["id"], metric)
                shown += 1
    assert shown >= 20
    assert any(t > timeutil.iso(clock.now) for _, _, t in live)
    assert any(t < timeutil.iso(clock.now) for _, _, t in live)


def test_the_month_has_what_a_desk_goes_through(events: list[dict[str, Any]]) -> None:
    by_key: defaultdict[tuple[int, str, int], list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        by_key[(event["ticket_id"], event["metric"], event["instance_id"])].append(event)
    kinds = [[e["type"] for e in group] for group in by_key.values()]
    # paused, then running again
    assert sum(1 for k in kinds if "pause" in k and "activate" in k[k.index("pause") :]) >= 20
    # breached, then met late by a reply
    assert sum(1 for (_, m, _), g in by_key.items() if m == "reply_time" and _breached_then_met(g)) >= 10
    # met in time: the breach written ahead was deleted
    assert sum(1 for e in events if e["type"] == "breach" and e["deleted"]) >= 20
    assert any(e["type"] == "apply_group_sla" for e in events)
    assert {e["metric"] for e in events if e["type"] == "fulfill"} >= {
        "reply_time",
        "requester_wait_time",
        "agent_work_time",
        "resolution_time",
    }


def _breached_then_met(group: list[dict[str, Any]]) -> bool:
    breach = [e["time"] for e in group if e["type"] == "breach" and not e["deleted"]]
    met = [e["time"] for e in group if e["type"] == "fulfill"]
    return bool(breach and met and met[0] > breach[0])


def test_tickets_came_and_went_in_the_month(desk: Desk, clock: Clock) -> None:
    gone = _search(desk.zendesk, "created>30days status>=solved", "tickets(metric_sets)")
    assert len(gone) >= 35
    assert sum(1 for t in gone if t["group_id"] == SECOND_LINE) >= 12
    assert {t["status"] for t in gone} == {"solved", "closed"}
    month_ago = timeutil.iso(clock.now - timedelta(days=30))
    assert all(month_ago <= t["created_at"] <= timeutil.iso(clock.now) for t in gone)


def test_metric_sets_agree_with_comments_audits_and_events(desk: Desk, events: list[dict[str, Any]]) -> None:
    solves: defaultdict[int, list[str]] = defaultdict(list)
    for event in events:
        if event["metric"] == "resolution_time" and event["type"] == "fulfill":
            solves[event["ticket_id"]].append(event["time"])
    month = [FIRST_OF_MONTH + n for n in (0, 9, 19, 29, 39)]
    ids = [
        *month,
        SEED.closed_in_scoping,
        SEED.mine_on_hold,
        SEED.breached_urgent,
        SEED.cascaded_with_group_sla,
        SEED.untriaged_no_sla,
    ]
    sets = {
        m["ticket_id"]: m
        for m in desk.zendesk.get(
            "/api/v2/tickets/show_many", params={"ids": ",".join(map(str, ids)), "include": "metric_sets"}
        ).json()["metric_sets"]
    }
    for ticket_id in ids:
        metric_set = sets[ticket_id]
        comments = desk.zendesk.get(f"/api/v2/tickets/{ticket_id}/comments").json()["comments"]
        replies = [c for c in comments if c["public"] and c["author_id"] in AGENTS]
        assert metric_set["replies"] == len(replies), ticket_id
        if replies:
            first, created = at(replies[0]["created_at"]), at(metric_set["created_at"])
            assert metric_set["reply_time_in_minutes"]["calendar"] == round((first - created).total_seconds() / 60)
        audits = desk.zendesk.get(f"/api/v2/tickets/{ticket_id}/audits").json()["audits"]
        groups = [e for a in audits for e in a["events"] if e.get("field_name") == "group_id"]
        assert metric_set["group_stations"] == len(groups), ticket_id
        solved = [
            a["created_at"]
            for a in audits
            for e in a["events"]
            if (e.get("field_name"), e.get("value")) == ("status", "solved")
        ]
        assert solves.get(ticket_id, []) == solved, ticket_id
        assert metric_set["solved_at"] == (solved[-1] if solved else None)


def test_flow_in_and_out_of_2nd_line_shows_in_the_audits(desk: Desk) -> None:
    moves: Counter[tuple[int | None, int]] = Counter()
    for ticket in _search(desk.zendesk, "created>30days"):
        for audit in desk.zendesk.get(f"/api/v2/tickets/{ticket['id']}/audits").json()["audits"]:
            for event in audit["events"]:
                if event.get("field_name") == "group_id":
                    moves[(event.get("previous_value"), event["value"])] += 1
    assert moves[(None, TRIAGE)] >= 60  # every ticket came in through triage
    assert moves[(TRIAGE, SECOND_LINE)] >= 15  # triaged straight to 2nd line
    assert moves[(FIRST_LINE, SECOND_LINE)] >= 3  # cascaded from 1st line
    assert moves[(SECOND_LINE, SCOPING)] >= 1  # cascaded on to scoping
    assert moves[(FIRST_LINE, TRIAGE)] >= 1  # returned to triage


def test_the_seeded_week_day_by_day(events: list[dict[str, Any]], clock: Clock) -> None:
    start, now = timeutil.iso(clock.now - timedelta(days=7)), timeutil.iso(clock.now)
    week: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for e in events:
        if not start <= e["time"] <= now:
            continue
        day = week[e["time"][:10]]
        resolution, reply = e["metric"] == "resolution_time", e["metric"] == "reply_time"
        day[0] += resolution and e["type"] == "measure"
        day[1] += resolution and e["type"] == "fulfill"
        day[2] += e["type"] == "breach" and not e["deleted"]
        day[3] += reply and e["type"] == "fulfill"
        day[4] += e["type"] == "breach" and bool(e["deleted"])
    assert {d: tuple(v) for d, v in week.items()} == SEEDED_WEEK


@pytest.mark.parametrize("ticket_id", [SEED.breached_urgent, FIRST_OF_MONTH])
def test_the_history_addresses_its_replies_as_a_live_reply_is(desk: Desk, ticket_id: int) -> None:
    """The requester wrote by email; an agent's public reply went to the requester and the ticket's
    CCs, and its audit holds the trigger's Notification; internal notes went to nobody. The emails
    themselves were sent before the desk began, so none is recorded."""
    ticket = desk.ticket(ticket_id)
    requester = desk.get(f"/api/v2/users/{ticket['requester_id']}")["user"]
    comments = desk.comments(ticket_id)
    audits = {a["id"]: a for a in desk.get(f"/api/v2/tickets/{ticket_id}/audits")["audits"]}
    written = [c for c in comments if c["author_id"] == requester["id"]]
    assert written and all(c["via"]["channel"] == "email" for c in written)
    assert {c["via"]["source"]["from"]["address"] for c in written} == {requester["email"]}
    replies = [c for c in comments if c["public"] and c["author_id"] in AGENTS]
    to = {"name": requester["name"], "address": requester["email"], "email_ccs": ticket["email_cc_ids"]}
    assert replies
    for comment in replies:
        assert comment["via"] == {"channel": "web", "source": {"from": {}, "to": to, "rel": None}}
        audit = audits[comment["audit_id"]]
        [notification] = [e for e in audit["events"] if e["type"] == "Notification"]
        assert notification["recipients"] == [requester["id"], *ticket["email_cc_ids"]]
        assert notification["body"] == comment["body"]
        assert audit["via"] == comment["via"]
    for comment in comments:
        if not comment["public"]:
            assert comment["via"]["source"]["to"] == {}
            assert not [e for e in audits[comment["audit_id"]]["events"] if e["type"] == "Notification"]
    assert desk.control("GET", "emails")["count"] == 0
