"""The incremental ticket event export: each ticket update made from the audits the sandbox keeps,
in the reference's shape (child events under the field's own key, `previous_value` on a change,
comments as two flags unless sideloaded), paged by time with the last second repeated, the last
minute held back, admins only, and the incremental exports' one rate limit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from govpress_support.core import timeutil
from tests.desk import Desk
from tests.sandbox.conftest import Clock
from tests.sandbox.test_sandbox_metric_events import EVENTS as METRIC_EVENTS
from tests.sandbox.test_sandbox_metric_events import at, epoch
from tests.seed_names import ME, PRIYA, SCOPING, SECOND_LINE, SEED

TICKET_EVENTS = "/api/v2/incremental/ticket_events"
UPDATE_KEYS = {"id", "ticket_id", "timestamp", "created_at", "updater_id", "via", "event_type", "child_events"}
FIELDS = {"subject", "status", "custom_status_id", "priority", "type", "group_id", "assignee_id", "due_at", "tags"}


@pytest.fixture(autouse=True)
def unlimited(desk: Desk) -> None:
    """These tests page through the export many times a minute; the limit has its own test."""
    desk.app.settings.rate_limits = False


def walk(zd: httpx.Client, start: int, **params: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every page from `start`, and the updates without repeats."""
    pages: list[dict[str, Any]] = []
    seen: dict[int, dict[str, Any]] = {}
    query: dict[str, Any] = {"start_time": start, **params}
    while True:
        response = zd.get(TICKET_EVENTS, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        seen.update((e["id"], e) for e in page["ticket_events"])
        if page["end_of_stream"]:
            break
        query["start_time"] = page["end_time"]
        assert len(pages) < 50
    return pages, sorted(seen.values(), key=lambda e: (e["created_at"], e["id"]))


def field_of(child: dict[str, Any]) -> str:
    [name] = set(child) & FIELDS
    return name


def of_ticket(zd: httpx.Client, start: int, ticket_id: int) -> list[dict[str, Any]]:
    return [e for e in walk(zd, start)[1] if e["ticket_id"] == ticket_id]


def test_an_update_has_the_documented_shape(desk: Desk, clock: Clock) -> None:
    page = desk.zendesk.get(TICKET_EVENTS, params={"start_time": epoch(clock.now - timedelta(days=40))}).json()
    assert set(page) == {"ticket_events", "next_page", "count", "end_time", "end_of_stream"}
    updates = page["ticket_events"]
    assert page["count"] == len(updates) > 100 and page["end_of_stream"] is True  # the seeded desk: one page
    assert page["end_time"] == updates[-1]["timestamp"]
    assert page["next_page"] == f"https://sandbox.zendesk.invalid{TICKET_EVENTS}.json?start_time={page['end_time']}"
    assert [(u["created_at"], u["id"]) for u in updates] == sorted((u["created_at"], u["id"]) for u in updates)
    kinds: dict[str, dict[str, Any]] = {}
    for update in updates:
        assert set(update) == UPDATE_KEYS and update["event_type"] == "Audit"
        assert update["timestamp"] == epoch(at(update["created_at"]))
        assert isinstance(update["via"], str) and isinstance(update["updater_id"], int)
        for child in update["child_events"]:
            assert {"id", "via", "via_reference_id", "event_type"} <= set(child)
            kinds.setdefault(child["event_type"], child)
    assert set(kinds) == {"Create", "Change", "Comment", "Notification"}
    assert "previous_value" not in kinds["Create"] and field_of(kinds["Create"])
    assert "previous_value" in kinds["Change"] and field_of(kinds["Change"])
    comment = kinds["Comment"]  # no sideload: two flags, not the comment itself
    assert comment["comment_present"] is True and isinstance(comment["comment_public"], bool)
    assert not {"body", "html_body", "author_id"} & set(comment)
    assert kinds["Notification"]["via"] == "Rule" and isinstance(kinds["Notification"]["via_reference_id"], int)
    assert {u["via"] for u in updates} >= {"Email", "Web form"}


def test_the_updates_are_the_tickets_audits(desk: Desk, clock: Clock) -> None:
    """A ticket's updates say what its audits say: each field set and changed, and by whom."""
    ticket = SEED.cascaded_with_group_sla
    audits = desk.get(f"/api/v2/tickets/{ticket}/audits")["audits"]
    updates = of_ticket(desk.zendesk, 0, ticket)
    assert [(u["id"], u["created_at"], u["updater_id"]) for u in updates] == [
        (a["id"], a["created_at"], a["author_id"]) for a in audits
    ]
    for update, audit in zip(updates, audits, strict=True):
        changed = [
            (e["type"], e["field_name"], e["value"], e.get("previous_value"))
            for e in audit["events"]
            if e["type"] in ("Create", "Change")
        ]
        shown = [
            (c["event_type"], field_of(c), c[field_of(c)], c.get("previous_value"))
            for c in update["child_events"]
            if c["event_type"] in ("Create", "Change")
        ]
        assert shown == changed
    moves = [(c.get("previous_value"), c["group_id"]) for u in updates for c in u["child_events"] if "group_id" in c]
    assert moves[0][0] is None and moves[-1][1] == SECOND_LINE and len(moves) >= 3


def test_comments_come_whole_with_the_sideload(desk: Desk, clock: Clock) -> None:
    start = epoch(clock.now - timedelta(days=40))
    _, plain = walk(desk.zendesk, start)
    _, whole = walk(desk.zendesk, start, include="comment_events")
    assert [u["id"] for u in whole] == [u["id"] for u in plain]
    update = next(u for u in whole if any(c["event_type"] == "Comment" for c in u["child_events"]))
    comment = next(c for c in update["child_events"] if c["event_type"] == "Comment")
    assert comment["type"] == "Comment" and comment["body"] and isinstance(comment["public"], bool)
    assert comment["created_at"] == update["created_at"] and comment["audit_id"] == update["id"]
    assert isinstance(comment["via"], dict) and comment["via"]["channel"]  # the comment's own via object
    [stored] = [c for c in desk.comments(update["ticket_id"]) if c["id"] == comment["id"]]
    assert (stored["body"], stored["author_id"]) == (comment["body"], comment["author_id"])


def test_the_export_pages_by_time_repeating_each_pages_last_second(desk: Desk, clock: Clock) -> None:
    desk.control("POST", "reset", {"bulk": 300})
    start = epoch(clock.now - timedelta(days=200))
    pages, updates = walk(desk.zendesk, start)
    assert len(pages) >= 2
    assert all(p["count"] >= 1000 and not p["end_of_stream"] for p in pages[:-1])
    last = pages[-1]
    assert last["count"] < 1000 and last["end_of_stream"] is True
    assert last["next_page"].endswith(f"start_time={last['end_time']}")  # kept on the last page too
    first, second = ({u["id"] for u in p["ticket_events"]} for p in pages[:2])
    repeated = first & second
    assert repeated and {u["timestamp"] for u in pages[0]["ticket_events"] if u["id"] in repeated} == {
        pages[0]["end_time"]
    }
    stored = desk.app.store.scalar(
        "SELECT COUNT(*) FROM audits WHERE created_at <= ?", (timeutil.iso(clock.now - timedelta(minutes=1)),)
    )
    assert len(updates) == stored  # every update, once


def test_the_last_minute_is_not_exported_yet(desk: Desk, clock: Clock) -> None:
    before = epoch(clock.now - timedelta(hours=1))
    clock.advance(minutes=2)
    changes = {"status": "pending", "group_id": SCOPING, "tags": ["needs_scoping", "wordpress"]}
    assert desk.get(f"/api/v2/tickets/{SEED.breached_urgent}")["ticket"]["group_id"] == SECOND_LINE
    old_tags = desk.ticket(SEED.breached_urgent)["tags"]
    desk.zendesk.put(f"/api/v2/tickets/{SEED.breached_urgent}", json={"ticket": changes}).raise_for_status()
    assert of_ticket(desk.zendesk, before, SEED.breached_urgent) == []
    too_recent = desk.zendesk.get(TICKET_EVENTS, params={"start_time": epoch(clock.now - timedelta(seconds=30))})
    assert too_recent.status_code == 400 and too_recent.json()["error"] == "InvalidPaginationParameter"
    clock.advance(seconds=60)
    [update] = of_ticket(desk.zendesk, before, SEED.breached_urgent)
    assert update["updater_id"] == ME.id and update["via"] == "Web service"  # through the API
    assert update["created_at"] == timeutil.iso(clock.now - timedelta(seconds=60))
    by_field = {field_of(c): c for c in update["child_events"]}
    assert (by_field["group_id"]["group_id"], by_field["group_id"]["previous_value"]) == (SCOPING, SECOND_LINE)
    assert by_field["status"]["event_type"] == "Change" and by_field["status"]["previous_value"] == "open"
    tags = by_field["tags"]
    assert sorted(tags["tags"]) == ["needs_scoping", "wordpress"] and "previous_value" not in tags
    assert set(tags["added_tags"]) == {"needs_scoping", "wordpress"} - set(old_tags)
    assert set(tags["removed_tags"]) == set(old_tags) - {"needs_scoping", "wordpress"}


def test_a_new_ticket_is_one_update_of_create_events(desk: Desk, clock: Clock) -> None:
    before = epoch(clock.now - timedelta(minutes=5))
    made = desk.zendesk.post(
        "/api/v2/tickets",
        json={"ticket": {"subject": "Menu broken", "comment": {"body": "Since today."}, "group_id": SECOND_LINE}},
    ).json()["ticket"]
    clock.advance(minutes=1)
    [update] = of_ticket(desk.zendesk, before, made["id"])
    created = {field_of(c): c[field_of(c)] for c in update["child_events"] if c["event_type"] == "Create"}
    assert created["group_id"] == SECOND_LINE and created["status"] == made["status"]
    assert created["subject"] == "Menu broken"
    assert any(c["event_type"] == "Comment" for c in update["child_events"])


def test_only_admins_read_the_export_and_start_time_is_required(desk: Desk, clock: Clock) -> None:
    start = {"start_time": epoch(clock.now - timedelta(days=1))}
    refused = desk.as_agent(PRIYA.email).zendesk.get(TICKET_EVENTS, params=start)
    assert refused.status_code == 403 and refused.json()["error"] == "Forbidden"
    assert desk.zendesk.get(TICKET_EVENTS, params=start).status_code == 200
    missing = desk.zendesk.get(TICKET_EVENTS)
    assert missing.status_code == 400 and missing.json()["error"] == "InvalidPaginationParameter"


def test_the_incremental_exports_share_one_limit_of_10_a_minute(desk: Desk, clock: Clock) -> None:
    desk.app.settings.rate_limits = True
    clock.now = clock.now.replace(second=0)
    start = {"start_time": epoch(clock.now - timedelta(hours=2))}
    statuses = [desk.zendesk.get(path, params=start).status_code for path in [METRIC_EVENTS, TICKET_EVENTS] * 5]
    assert statuses == [200] * 10
    for path in (TICKET_EVENTS, METRIC_EVENTS):
        limited = desk.zendesk.get(path, params=start)
        assert limited.status_code == 429 and 0 < int(limited.headers["retry-after"]) <= 60
    assert desk.zendesk.get(f"/api/v2/tickets/{SEED.breached_urgent}").status_code == 200


def test_a_tickets_updated_at_is_its_last_update_and_none_lies_ahead(desk: Desk, clock: Clock) -> None:
    """As on Zendesk, `updated_at` moves only with an update that makes a ticket event: for the
    seeded desk and the bulk tickets alike (whose clocks never start after the desk was seeded)."""
    desk.control("POST", "reset", {"bulk": 300})
    clock.advance(minutes=1)
    _, updates = walk(desk.zendesk, 0)
    last: dict[int, str] = {}
    for update in updates:
        last[update["ticket_id"]] = max(update["created_at"], last.get(update["ticket_id"], ""))
    rows = desk.app.store.all("SELECT id, updated_at FROM tickets")
    assert len(rows) > 300 and {r["id"]: r["updated_at"] for r in rows} == {r["id"]: last[r["id"]] for r in rows}
    assert max(last.values()) <= timeutil.iso(clock.now)
