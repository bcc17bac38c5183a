"""The incremental ticket metric events export and what agents read instead (ticket metrics,
`metric_sets`, audits), and the events the sandbox writes as the tool works: shapes, paging,
who may read them, their rate limit, and SLA times that stay where the desk was seeded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from govpress_support.core import timeutil
from tests.desk import Desk
from tests.sandbox.conftest import Clock
from tests.seed_names import FIRST_LINE, FIRST_OF_MONTH, ME, PRIYA, SCOPING, SECOND_LINE, SEED, TRIAGE

EVENTS = "/api/v2/incremental/ticket_metric_events"
TYPES = {"measure", "activate", "pause", "fulfill", "apply_sla", "apply_group_sla", "breach", "update_status"}
METRICS = {
    "agent_work_time",
    "pausable_update_time",
    "periodic_update_time",
    "reply_time",
    "requester_wait_time",
    "resolution_time",
    "group_ownership_time",
}


@pytest.fixture(autouse=True)
def unlimited(desk: Desk) -> None:
    """These tests page through the export many times a minute; the limit has its own test."""
    desk.app.settings.rate_limits = False


def epoch(when: datetime) -> int:
    return int(when.timestamp())


def at(stamp: str) -> datetime:
    parsed = timeutil.parse_iso(stamp)
    assert parsed is not None, stamp
    return parsed


def walk(zd: httpx.Client, start: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every page of the time-based export from `start`, and its events without repeats."""
    pages: list[dict[str, Any]] = []
    seen: dict[int, dict[str, Any]] = {}
    params = {"start_time": start}
    while True:
        response = zd.get(EVENTS, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        for event in page["ticket_metric_events"]:
            seen[event["id"]] = event
        if page["end_of_stream"]:
            break
        params = {"start_time": page["end_time"]}
        assert len(pages) < 50
    return pages, sorted(seen.values(), key=lambda e: (e["time"], e["id"]))


def since(zd: httpx.Client, start: datetime, ticket_id: int) -> list[tuple[str, int, str, bool | None]]:
    """(metric, instance, type, deleted) of one ticket's events from `start` on, in order."""
    _, events = walk(zd, epoch(start))
    return [(e["metric"], e["instance_id"], e["type"], e.get("deleted")) for e in events if e["ticket_id"] == ticket_id]


def slas(zd: httpx.Client, ticket_id: int) -> list[dict[str, Any]]:
    ticket = zd.get(f"/api/v2/tickets/{ticket_id}", params={"include": "slas"}).json()["ticket"]
    metrics: list[dict[str, Any]] = ticket.get("slas", {}).get("policy_metrics", [])
    return metrics


def emails(desk: Desk, ticket_id: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = desk.http.get("/_sandbox/emails", params={"ticket_id": ticket_id}).json()["emails"]
    return found


def find(zd: httpx.Client, query: str) -> dict[str, Any]:
    results: list[dict[str, Any]] = zd.get("/api/v2/search", params={"query": query}).json()["results"]
    assert len(results) == 1, query
    return results[0]


# --- the export ----------------------------------------------------------------------------------


def test_a_page_has_the_documented_shape(desk: Desk, clock: Clock) -> None:
    start = clock.now - timedelta(days=30)
    page = desk.zendesk.get(EVENTS, params={"start_time": epoch(start)}).json()
    assert set(page) == {"ticket_metric_events", "next_page", "count", "end_time", "end_of_stream"}
    events = page["ticket_metric_events"]
    assert page["count"] == len(events) >= 1000
    assert page["end_of_stream"] is False
    assert page["next_page"] == f"https://sandbox.zendesk.invalid{EVENTS}.json?start_time={page['end_time']}"
    assert page["end_time"] == epoch(at(events[-1]["time"]))
    assert [(e["time"], e["id"]) for e in events] == sorted((e["time"], e["id"]) for e in events)
    assert all(e["time"] >= timeutil.iso(start) for e in events)
    for event in events:
        assert {"id", "ticket_id", "metric", "instance_id", "type", "time"} <= set(event)
        assert event["type"] in TYPES and event["metric"] in METRICS
        assert event["time"].endswith("Z") and len(event["time"]) == 20
        assert (event["instance_id"] == 0) == (event["type"] == "measure")
    kinds = {e["type"]: e for e in events}
    assert set(kinds) >= {"measure", "activate", "pause", "fulfill", "apply_sla", "breach", "update_status"}
    applied = kinds["apply_sla"]
    assert applied["deleted"] is False
    assert set(applied["sla"]) == {"target", "target_in_seconds", "business_hours", "policy"}
    assert applied["sla"]["target_in_seconds"] == applied["sla"]["target"] * 60
    assert set(applied["sla"]["policy"]) == {"id", "title", "description"}
    assert isinstance(kinds["breach"]["deleted"], bool)
    status = kinds["update_status"]["status"]
    assert set(status) == {"calendar", "business"} and status["calendar"] >= status["business"] >= 0
    assert "deleted" not in kinds["activate"] and "sla" not in kinds["breach"]


def test_the_export_pages_to_the_end_of_the_stream_and_runs_into_the_future(desk: Desk, clock: Clock) -> None:
    start = epoch(clock.now - timedelta(days=30))
    pages, events = walk(desk.zendesk, start)
    assert len(pages) >= 3
    assert all(p["count"] >= 1000 and not p["end_of_stream"] for p in pages[:-1])
    last = pages[-1]
    assert last["count"] < 1000 and last["end_of_stream"] is True
    assert last["next_page"].endswith(f"start_time={last['end_time']}")  # kept on the last page too
    # Each page starts at the previous one's end_time: that second's events come twice.
    repeated = {e["id"] for e in pages[0]["ticket_metric_events"]} & {e["id"] for e in pages[1]["ticket_metric_events"]}
    assert repeated and all(
        e["time"] == pages[1]["ticket_metric_events"][0]["time"]
        for e in pages[0]["ticket_metric_events"]
        if e["id"] in repeated
    )
    times = [e["time"] for e in events]
    assert times == sorted(times)
    future = [e for e in events if e["time"] > timeutil.iso(clock.now)]
    assert future and {e["type"] for e in future} == {"breach"}  # written ahead
    # The cursor form (at most 100 a page) gives the same events.
    assert desk.zendesk.get(EVENTS, params={"start_time": start, "page[size]": 101}).status_code == 400
    by_cursor: list[dict[str, Any]] = []
    params: dict[str, Any] = {"start_time": start, "page[size]": 100}
    while True:
        page = desk.zendesk.get(EVENTS, params=params).json()
        assert set(page) == {"ticket_metric_events", "meta", "links"} and page["links"]["next"]
        by_cursor.extend(page["ticket_metric_events"])
        if not page["meta"]["has_more"]:
            break
        params["page[after]"] = page["meta"]["after_cursor"]
    assert [e["id"] for e in by_cursor] == [e["id"] for e in events]


def test_an_empty_stream_and_a_missing_start_time(desk: Desk, clock: Clock) -> None:
    later = epoch(clock.now + timedelta(days=60))
    page = desk.zendesk.get(EVENTS, params={"start_time": later}).json()
    assert (page["ticket_metric_events"], page["count"], page["end_of_stream"]) == ([], 0, True)
    assert page["end_time"] == later
    refused = desk.zendesk.get(EVENTS)
    assert refused.status_code == 400
    assert refused.json()["error"] == "InvalidPaginationParameter"


def test_only_admins_read_the_events_agents_read_ticket_metrics(desk: Desk, clock: Clock) -> None:
    start = {"start_time": epoch(clock.now - timedelta(days=1))}
    priya = desk.as_agent(PRIYA.email).zendesk
    refused = priya.get(EVENTS, params=start)
    assert refused.status_code == 403
    assert refused.json()["error"] == "Forbidden"
    assert priya.get("/api/v2/slas/policies").status_code == 403
    assert priya.get("/api/v2/ticket_metrics").status_code == 200  # the agents' way in
    assert priya.get(f"/api/v2/tickets/{SEED.breached_urgent}/metrics").status_code == 200
    assert desk.zendesk.get(EVENTS, params=start).status_code == 200  # Sam is an admin on the seeded desk
    desk.set_role(ME.email, "agent")
    assert desk.zendesk.get(EVENTS, params=start).status_code == 403
    desk.set_role(PRIYA.email, "admin")
    assert priya.get(EVENTS, params=start).status_code == 200


def test_incremental_exports_allow_10_requests_a_minute(desk: Desk, clock: Clock) -> None:
    desk.app.settings.rate_limits = True
    clock.now = clock.now.replace(second=0)  # the start of a minute
    start = {"start_time": epoch(clock.now - timedelta(hours=2))}
    assert [desk.zendesk.get(EVENTS, params=start).status_code for _ in range(10)] == [200] * 10
    limited = desk.zendesk.get(EVENTS, params=start)
    assert limited.status_code == 429
    assert limited.json()["error"] == "APIRateLimitExceeded"
    assert 0 < int(limited.headers["retry-after"]) <= 60
    # Other endpoints are not held back.
    assert desk.zendesk.get(f"/api/v2/tickets/{SEED.breached_urgent}").status_code == 200
    clock.advance(seconds=int(limited.headers["retry-after"]))
    assert desk.zendesk.get(EVENTS, params=start).status_code == 200
    desk.app.settings.rate_limits = False
    assert {desk.zendesk.get(EVENTS, params=start).status_code for _ in range(15)} == {200}


def test_policies_name_the_targets_the_events_apply(desk: Desk, clock: Clock) -> None:
    policies = desk.zendesk.get("/api/v2/slas/policies").json()
    assert policies["count"] == len(policies["sla_policies"]) >= 2
    groups = desk.zendesk.get("/api/v2/group_slas/policies").json()["group_sla_policies"]
    assert groups and all(isinstance(g["id"], str) for g in groups)
    assert all(m["target"] % 60 == 0 for g in groups for m in g["policy_metrics"])  # seconds
    known = {p["id"]: p for p in policies["sla_policies"]} | {g["id"]: g for g in groups}
    _, events = walk(desk.zendesk, epoch(clock.now - timedelta(days=30)))
    applied = [e for e in events if e["type"] in ("apply_sla", "apply_group_sla")]
    for event in applied:
        sla = event["sla"] if event["type"] == "apply_sla" else event["group_sla"]
        policy = known[sla["policy"]["id"]]
        assert sla["policy"]["title"] == policy["title"]
        assert {"id", "title", "description", "policy_metrics", "filter", "position"} <= set(policy)
    assert {e["type"] for e in applied} == {"apply_sla", "apply_group_sla"}


# --- events the tool's own work writes -----------------------------------------------------------


def test_a_public_reply_fulfils_and_deletes_the_breach_written_ahead(desk: Desk, clock: Clock) -> None:
    cookie = find(desk.zendesk, '"Cookie banner covers the skip link"')["id"]
    [metric] = slas(desk.zendesk, cookie)
    breach = metric["breach_at"]
    assert metric["stage"] == "active" and breach > timeutil.iso(clock.now)
    start = clock.now
    ahead = [e for e in walk(desk.zendesk, epoch(start))[1] if e["ticket_id"] == cookie and e["type"] == "breach"]
    assert [(e["time"], e["deleted"]) for e in ahead] == [(breach, False)]
    clock.advance(minutes=3)
    note = desk.zendesk.put(
        f"/api/v2/tickets/{cookie}", json={"ticket": {"comment": {"body": "Looking", "public": False}}}
    )
    assert note.status_code == 200
    # An internal note changes nothing, and emails nobody.
    assert since(desk.zendesk, start, cookie) == [("reply_time", 2, "breach", False)]
    assert emails(desk, cookie) == []
    clock.advance(minutes=2)
    public = {"comment": {"body": "Fixed soon", "public": True}}
    audit = desk.zendesk.put(f"/api/v2/tickets/{cookie}", json={"ticket": public}).json()["audit"]
    events = since(desk.zendesk, start, cookie)
    assert ("reply_time", 2, "fulfill", None) in events and ("reply_time", 2, "update_status", None) in events
    assert ("reply_time", 2, "breach", True) in events  # deleted: it will not happen
    assert slas(desk.zendesk, cookie)[0]["stage"] == "achieved"
    # The same reply is emailed to the requester and the CCs, at the moment the metric is met.
    ticket = desk.ticket(cookie)
    [email] = emails(desk, cookie)
    assert email["recipient_ids"] == [ticket["requester_id"], *ticket["email_cc_ids"]] and ticket["email_cc_ids"]
    assert (email["audit_id"], email["sent_at"]) == (audit["id"], timeutil.iso(clock.now))
    assert [e["type"] for e in audit["events"]] == ["Comment", "Notification"]
    fulfilled = [
        e["time"]
        for e in walk(desk.zendesk, epoch(start))[1]
        if (e["ticket_id"], e["metric"], e["type"]) == (cookie, "reply_time", "fulfill")
    ]
    assert fulfilled == [email["sent_at"]]


def test_status_changes_pause_and_activate_and_a_solve_fulfils(desk: Desk, clock: Clock) -> None:
    target = find(desk.zendesk, '"Update Yoast SEO and re-test the XML sitemap"')["id"]
    start = clock.now
    clock.advance(minutes=1)
    desk.zendesk.put(f"/api/v2/tickets/{target}", json={"ticket": {"status": "pending", "comment": {"body": "Which?"}}})
    paused = since(desk.zendesk, start, target)
    assert {("requester_wait_time", 1, "pause", None), ("agent_work_time", 1, "pause", None)} <= set(paused)
    clock.advance(hours=2)
    mark = clock.now
    answered = desk.http.post(f"/_sandbox/tickets/{target}/reply", json={"body": "The live one."})
    assert answered.status_code == 200 and answered.json()["ticket"]["status"] == "open"
    # The requester answered by email: their comment says so, and nobody is emailed back.
    requester = desk.get(f"/api/v2/users/{answered.json()['ticket']['requester_id']}")["user"]
    answer = desk.comments(target)[-1]
    assert (answer["author_id"], answer["body"]) == (requester["id"], "The live one.")
    assert answer["via"]["channel"] == "email"
    assert answer["via"]["source"]["from"]["address"] == requester["email"]
    assert answered.json()["audit"]["via"] == answer["via"]
    assert [e["body"] for e in emails(desk, target)] == ["Which?"]  # Sam's question only
    resumed = since(desk.zendesk, mark, target)
    assert ("requester_wait_time", 1, "activate", None) in resumed
    assert ("agent_work_time", 1, "activate", None) in resumed
    instance = next(i for m, i, kind, _ in resumed if m == "reply_time" and kind == "activate")
    assert ("reply_time", instance, "apply_sla", False) in resumed
    [metric] = slas(desk.zendesk, target)
    assert (metric["metric"], metric["stage"]) == ("next_reply_time", "active")
    due = at(metric["breach_at"])
    assert due == clock.now + timedelta(hours=24)  # the policy's target for a normal ticket
    clock.advance(hours=1)
    desk.zendesk.put(f"/api/v2/tickets/{target}", json={"ticket": {"status": "hold"}})
    assert slas(desk.zendesk, target)[0]["breach_at"] is None  # paused: no breach time
    clock.advance(hours=3)
    desk.zendesk.put(f"/api/v2/tickets/{target}", json={"ticket": {"status": "open"}})
    assert at(slas(desk.zendesk, target)[0]["breach_at"]) == due + timedelta(hours=3)  # the pause added
    clock.advance(minutes=10)
    solve = {"status": "solved", "comment": {"body": "Updated on staging and live.", "public": True}}
    assert desk.zendesk.put(f"/api/v2/tickets/{target}", json={"ticket": solve}).status_code == 200
    events = since(desk.zendesk, mark, target)
    for metric_name in ("requester_wait_time", "agent_work_time", "resolution_time"):
        assert (metric_name, 1, "fulfill", None) in events
    assert ("reply_time", instance, "fulfill", None) in events
    breaches = [(kind, deleted) for m, i, kind, deleted in events if m == "reply_time" and kind == "breach"]
    assert breaches == [("breach", True), ("breach", True)]  # one before the hold, one after
    assert slas(desk.zendesk, target)[0]["stage"] == "achieved"


def test_moves_apply_and_fulfil_a_group_sla(desk: Desk, clock: Clock) -> None:
    created = desk.zendesk.post(
        "/api/v2/tickets",
        json={
            "ticket": {
                "subject": "WPML breaks the menu",
                "comment": {"body": "Since the update."},
                "priority": "high",
                "group_id": FIRST_LINE,
                "tags": ["plugin"],
            }
        },
    ).json()["ticket"]
    start = clock.now
    events = since(desk.zendesk, start, created["id"])
    assert ("reply_time", 1, "apply_sla", False) in events
    assert not any(m == "group_ownership_time" for m, *_ in events)  # 1st line has no group SLA
    clock.advance(minutes=30)
    desk.zendesk.put(f"/api/v2/tickets/{created['id']}", json={"ticket": {"group_id": SECOND_LINE}})
    _, all_events = walk(desk.zendesk, epoch(start))
    group = [e for e in all_events if e["ticket_id"] == created["id"] and e["metric"] == "group_ownership_time"]
    applied = next(e for e in group if e["type"] == "apply_group_sla")
    assert applied["group_sla"]["policy"]["title"] == "Plugin conflicts in 2nd line"
    breach = next(e for e in group if e["type"] == "breach")
    assert at(breach["time"]) == clock.now + timedelta(days=1)
    clock.advance(hours=2)
    desk.zendesk.put(f"/api/v2/tickets/{created['id']}", json={"ticket": {"group_id": FIRST_LINE}})
    after = [
        (m, i, kind, d) for m, i, kind, d in since(desk.zendesk, start, created["id"]) if m == "group_ownership_time"
    ]
    assert ("group_ownership_time", 1, "fulfill", None) in after
    assert ("group_ownership_time", 1, "breach", True) in after


def test_sla_times_stay_put_and_the_breach_arrives(desk: Desk, clock: Clock) -> None:
    search = desk.zendesk.get(
        "/api/v2/search", params={"query": "type:ticket status<solved", "include": "tickets(slas)"}
    )
    soon = [
        (t["id"], m["breach_at"])
        for t in search.json()["results"]
        for m in t.get("slas", {}).get("policy_metrics", [])
        if m["stage"] == "active" and m["breach_at"] and 0 < (at(m["breach_at"]) - clock.now).total_seconds() < 3600
    ]
    assert soon
    ticket_id, breach_at = soon[0]
    start = clock.now
    clock.advance(hours=1)
    [metric] = [m for m in slas(desk.zendesk, ticket_id) if m["breach_at"] == breach_at]
    assert metric["stage"] == "active" and metric["breach_at"] < timeutil.iso(clock.now)  # breached now
    breaches = [e for e in walk(desk.zendesk, epoch(start))[1] if e["ticket_id"] == ticket_id and e["type"] == "breach"]
    assert [(e["time"], e["deleted"]) for e in breaches] == [(breach_at, False)]


# --- what agents can read ------------------------------------------------------------------------


def test_metric_sets_ride_along_on_show_show_many_and_search(desk: Desk) -> None:
    priya = desk.as_agent(PRIYA.email).zendesk
    month = FIRST_OF_MONTH  # the oldest of the month's solved and closed tickets
    many = priya.get(
        "/api/v2/tickets/show_many", params={"ids": f"{SEED.breached_urgent},{month}", "include": "metric_sets"}
    ).json()
    sets = {m["ticket_id"]: m for m in many["metric_sets"]}
    assert set(sets) == {SEED.breached_urgent, month}
    solved = sets[month]
    keys = {
        "id",
        "ticket_id",
        "url",
        "created_at",
        "updated_at",
        "group_stations",
        "assignee_stations",
        "reopens",
        "replies",
        "assigned_at",
        "initially_assigned_at",
        "solved_at",
        "status_updated_at",
        "latest_comment_added_at",
        "requester_updated_at",
        "assignee_updated_at",
        "custom_status_updated_at",
        "reply_time_in_minutes",
        "first_resolution_time_in_minutes",
        "full_resolution_time_in_minutes",
        "agent_wait_time_in_minutes",
        "requester_wait_time_in_minutes",
        "on_hold_time_in_minutes",
    }
    assert keys <= set(solved)
    assert solved["solved_at"] and solved["replies"] >= 1 and solved["group_stations"] >= 1
    assert set(solved["reply_time_in_minutes"]) == {"calendar", "business"}
    assert solved["full_resolution_time_in_minutes"]["calendar"] >= solved["reply_time_in_minutes"]["calendar"]
    assert sets[SEED.breached_urgent]["solved_at"] is None
    one = priya.get(f"/api/v2/tickets/{month}", params={"include": "metric_sets"}).json()
    assert one["metric_sets"] == [solved]
    assert priya.get(f"/api/v2/tickets/{month}/metrics").json() == {"ticket_metric": solved}
    assert priya.get(f"/api/v2/ticket_metrics/{solved['id']}").json() == {"ticket_metric": solved}
    found = priya.get(
        "/api/v2/search", params={"query": "type:ticket solved>7days", "include": "tickets(metric_sets)"}
    ).json()
    assert found["count"] == len(found["metric_sets"]) > 0
    assert {m["ticket_id"] for m in found["metric_sets"]} == {t["id"] for t in found["results"]}
    assert "metric_sets" not in priya.get("/api/v2/tickets/show_many", params={"ids": str(SEED.breached_urgent)}).json()


def test_ticket_metrics_list_newest_first_by_offset_and_cursor(desk: Desk) -> None:
    offset = desk.zendesk.get("/api/v2/ticket_metrics", params={"per_page": 100}).json()
    assert offset["count"] > 50 and len(offset["ticket_metrics"]) == min(100, offset["count"])
    created = [m["created_at"] for m in offset["ticket_metrics"]]
    assert created == sorted(created, reverse=True)
    walked: list[int] = []
    params: dict[str, Any] = {"page[size]": 25}
    while True:
        page = desk.zendesk.get("/api/v2/ticket_metrics", params=params).json()
        walked.extend(m["ticket_id"] for m in page["ticket_metrics"])
        if not page["meta"]["has_more"]:
            break
        params["page[after]"] = page["meta"]["after_cursor"]
    assert len(walked) == len(set(walked)) == offset["count"]
    assert walked[:100] == [m["ticket_id"] for m in offset["ticket_metrics"]]
    beyond = desk.zendesk.get("/api/v2/ticket_metrics", params={"page": 50}).json()
    assert (beyond["ticket_metrics"], beyond["next_page"]) == ([], None)


def test_audits_show_how_a_ticket_moved(desk: Desk, clock: Clock) -> None:
    wpml = find(desk.zendesk, '"Plugin conflict between WPML"')["id"]
    audits = desk.zendesk.get(f"/api/v2/tickets/{wpml}/audits").json()
    assert audits["count"] == len(audits["audits"]) >= 3 and audits["next_page"] is None
    moves = [
        (e.get("previous_value"), e["value"])
        for a in audits["audits"]
        for e in a["events"]
        if e.get("field_name") == "group_id"
    ]
    assert moves == [(None, TRIAGE), (TRIAGE, FIRST_LINE), (FIRST_LINE, SECOND_LINE)]  # created in triage, cascaded
    stamps = [a["created_at"] for a in audits["audits"]]
    assert stamps == sorted(stamps)
    clock.advance(minutes=5)
    desk.zendesk.put(f"/api/v2/tickets/{wpml}", json={"ticket": {"group_id": SCOPING}})
    latest = desk.zendesk.get(f"/api/v2/tickets/{wpml}/audits").json()["audits"][-1]
    assert latest["created_at"] == timeutil.iso(clock.now)
    assert {"field_name": "group_id", "value": SCOPING, "previous_value": SECOND_LINE} in [
        {k: e.get(k) for k in ("field_name", "value", "previous_value")} for e in latest["events"]
    ]
    assert desk.zendesk.get("/api/v2/tickets/999999/audits").status_code == 404


@pytest.mark.parametrize("query", ["solved>7days", "solved<7days"])
def test_search_by_solved_date(desk: Desk, clock: Clock, query: str) -> None:
    found = desk.zendesk.get(
        "/api/v2/search", params={"query": f"type:ticket {query}", "include": "tickets(metric_sets)"}
    ).json()
    assert found["count"] > 0
    week_ago = timeutil.iso(clock.now - timedelta(days=7))
    solved = [m["solved_at"] for m in found["metric_sets"]]
    assert all(s is not None for s in solved)
    assert all((s >= week_ago) == (query == "solved>7days") for s in solved)
    assert {t["status"] for t in found["results"]} <= {"solved", "closed"}


def test_the_desk_says_when_it_was_seeded(desk: Desk, clock: Clock) -> None:
    seeded = desk.control("GET", "desk")
    assert seeded == {"seeded_at": timeutil.iso(clock.now), "seed": 1, "bulk": 0, "age_seconds": 0, "stale": False}
    assert desk.app.seeded_at == clock.now.replace(microsecond=0)
    clock.advance(hours=25)
    later = desk.control("GET", "desk")
    assert (later["age_seconds"], later["stale"]) == (25 * 3600, True)
    desk.control("POST", "reset", {})
    assert desk.control("GET", "desk")["seeded_at"] == timeutil.iso(clock.now)
    assert desk.app.seeded_at == clock.now.astimezone(UTC).replace(microsecond=0)
