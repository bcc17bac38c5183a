"""The sandbox's Zendesk API, driven in-process through httpx as the tool's client drives it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from govpress_support.core import timeutil
from govpress_support.sandbox import AGENT_TOKEN, ZENDESK_URL
from tests.desk import Desk
from tests.seed_names import FIRST_LINE, PRIYA, SAM, SECOND_LINE, SEED, TOM

from .conftest import Clock

UNSOLVED_2ND = 'type:ticket group:"GovPress 2nd line support" status<solved'


def tickets(desk: Desk, query: str) -> list[dict[str, Any]]:
    """Every ticket a query finds, following next_page."""
    data = desk.search(query, include="tickets(slas)")
    found = list(data["results"])
    while data["next_page"]:
        data = desk.get(data["next_page"])
        found.extend(data["results"])
    return found


# --- auth ----------------------------------------------------------------------------------------


def test_requests_without_valid_credentials_get_the_json_401(desk: Desk) -> None:
    anonymous = desk.http  # no credentials
    for auth in (
        None,
        ("sam.okafor@govpress.example/token", "wrong"),
        ("sam.okafor@govpress.example", AGENT_TOKEN),  # a password login, not a token
        ("hannah.price@eastbrook.gov.example/token", AGENT_TOKEN),  # a requester, no API token
    ):
        response = anonymous.get("/api/v2/users/me", auth=auth)  # type: ignore[arg-type]
        assert response.status_code == 401
        assert response.json() == {"error": "Couldn't authenticate you"}
    bearer = anonymous.get("/api/v2/users/me", headers={"Authorization": f"Bearer {AGENT_TOKEN}"})
    assert bearer.json()["user"]["email"] == "sam.okafor@govpress.example"


def test_each_agent_is_themselves_and_carries_rate_limit_headers(desk: Desk) -> None:
    response = desk.as_agent(PRIYA.email).zendesk.get("/api/v2/users/me")
    user = response.json()["user"]
    assert (user["id"], user["name"], user["role"]) == (PRIYA.id, "Priya Shah", "agent")
    assert user["default_group_id"] == SECOND_LINE
    for header in (
        "x-rate-limit",
        "x-rate-limit-remaining",
        "ratelimit-remaining",
        "ratelimit-reset",
    ):
        assert header in response.headers
    assert int(response.headers["x-rate-limit"]) == 700


def test_unknown_endpoints_are_invalid_endpoint_and_json_suffix_is_optional(desk: Desk) -> None:
    missing = desk.zendesk.get("/api/v2/triggers")
    assert missing.status_code == 404
    assert missing.json() == {"error": "InvalidEndpoint", "description": "Not found"}
    assert desk.zendesk.get("/api/v2/groups.json").json() == desk.zendesk.get("/api/v2/groups").json()
    absent = desk.zendesk.get("/api/v2/tickets/999999")
    assert absent.status_code == 404
    assert absent.json() == {"error": "RecordNotFound", "description": "Not found"}


# --- the seeded desk -----------------------------------------------------------------------------


def _minutes_to_breach(t: dict[str, Any], now: Any) -> list[float]:
    out = []
    for metric in t.get("slas", {}).get("policy_metrics", []):
        if metric["stage"] == "active" and metric["breach_at"]:
            out.append((timeutil.parse_iso(metric["breach_at"]) - now).total_seconds() / 60)  # type: ignore[operator]
    return out


def test_second_line_queue_has_every_sla_situation(desk: Desk, clock: Clock) -> None:
    found = tickets(desk, UNSOLVED_2ND)
    assert len(found) == 20
    assert {t["group_id"] for t in found} == {SECOND_LINE}
    assert {t["status"] for t in found} <= {"new", "open", "pending", "hold"}
    assignees = [t["assignee_id"] for t in found]
    assert assignees.count(SAM.id) >= 10
    assert assignees.count(PRIYA.id) == 2
    assert assignees.count(None) == 2
    breaches = [_minutes_to_breach(t, clock.now) for t in found]
    assert sum(1 for b in breaches if any(m < 0 for m in b)) >= 3
    assert sum(1 for b in breaches if any(0 < m <= 60 for m in b)) >= 3
    assert sum(1 for b in breaches if b and min(b) > 60) >= 3
    paused = [t for t in found if any(m["stage"] == "paused" for m in t.get("slas", {}).get("policy_metrics", []))]
    assert len(paused) >= 3
    assert all(t["status"] in ("pending", "hold") for t in paused)
    assert any(m["breach_at"] is None for t in paused for m in t["slas"]["policy_metrics"])
    assert sum(1 for t in found if t.get("slas") == {"policy_metrics": []}) >= 2
    assert sum(1 for t in found if "slas" not in t) >= 1
    metrics = [m for t in found for m in t.get("slas", {}).get("policy_metrics", [])]
    assert all({"hours", "minutes", "days"} & set(m) for m in metrics)
    assert {m["metric"] for m in metrics} - {
        "first_reply_time",
        "next_reply_time",
    }  # an unknown one
    assert any(
        t.get("slas", {}).get("policy_metrics") and all(m["stage"] == "achieved" for m in t["slas"]["policy_metrics"])
        for t in found
    )
    tasks = [t for t in found if t["type"] == "task" and t["due_at"]]
    assert len(tasks) >= 3
    assert any(
        0 < (timeutil.parse_iso(t["due_at"]) - clock.now).total_seconds() < 86400  # type: ignore[operator]
        for t in tasks
    )


def test_sla_times_are_anchored_when_the_desk_is_seeded(desk: Desk, clock: Clock) -> None:
    def breach_times() -> dict[int, list[str]]:
        return {
            t["id"]: [m["breach_at"] for m in t.get("slas", {}).get("policy_metrics", []) if m["breach_at"]]
            for t in tickets(desk, UNSOLVED_2ND)
        }

    first = {t["id"]: _minutes_to_breach(t, clock.now) for t in tickets(desk, UNSOLVED_2ND)}
    times = breach_times()
    soon = {tid for tid, minutes in first.items() if minutes and 0 < min(minutes) <= 60}
    assert soon
    clock.advance(hours=5)
    assert breach_times() == times  # the clock runs: nothing moves with it
    later = {t["id"]: _minutes_to_breach(t, clock.now) for t in tickets(desk, UNSOLVED_2ND)}
    assert all(min(later[tid]) < 0 for tid in soon)  # "in 13m" has breached
    assert {tid: [round(m + 300) for m in ms] for tid, ms in later.items()} == {
        tid: [round(m) for m in ms] for tid, ms in first.items()
    }
    desk.app.reset()  # a reset places the desk again from the moment it is done
    assert {t["id"]: _minutes_to_breach(t, clock.now) for t in tickets(desk, UNSOLVED_2ND)} == first


def test_pending_believed_solved_is_a_pending_custom_status(desk: Desk) -> None:
    statuses = desk.zendesk.get("/api/v2/custom_statuses").json()["custom_statuses"]
    pbs = [s for s in statuses if s["agent_label"] == "Pending believed solved"]
    assert len(pbs) == 1
    assert pbs[0]["status_category"] == "pending"
    assert not pbs[0]["default"]
    defaults = {s["status_category"] for s in statuses if s["default"]}
    assert defaults == {"new", "open", "pending", "hold", "solved"}
    carrying = [t for t in tickets(desk, UNSOLVED_2ND) if t["custom_status_id"] == pbs[0]["id"]]
    assert carrying
    assert all(t["status"] == "pending" for t in carrying)


# --- search --------------------------------------------------------------------------------------


def test_search_language_subset(desk: Desk) -> None:
    def count(query: str) -> int:
        n: int = desk.search(query)["count"]
        assert desk.zendesk.get("/api/v2/search/count", params={"query": query}).json() == {"count": n}
        return n

    mine = count(f"{UNSOLVED_2ND} assignee:me")
    assert mine == count(f"{UNSOLVED_2ND} assignee:sam.okafor@govpress.example")
    assert mine == count(f'{UNSOLVED_2ND} assignee:"Sam Okafor"') == count(f"{UNSOLVED_2ND} assignee_id:{SAM.id}")
    assert count(f"{UNSOLVED_2ND} assignee:none") == 2
    assert count(f"{UNSOLVED_2ND} -assignee:me") == 20 - mine
    assert count(f"group:{SECOND_LINE} status<solved") == count(f"group_id:{SECOND_LINE} status<=hold") == 20
    both = count(f"group:{SECOND_LINE} status:pending status:hold")  # ORed
    assert both == count(f"group:{SECOND_LINE} status:pending") + count(f"group:{SECOND_LINE} status:hold")
    assert count(f"group:{SECOND_LINE} status>=solved") == count(f"group:{SECOND_LINE}") - 20
    assert count('"contact form"') >= 1
    assert count("type:ticket ticket_type:task tags:seo") >= 1
    assert count("type:user") == 0
    results = desk.search(f"{UNSOLVED_2ND} priority:urgent", include="tickets(users,organizations)")
    assert results["results"]
    assert all(r["result_type"] == "ticket" for r in results["results"])
    assert all(r["priority"] == "urgent" for r in results["results"])
    assert {u["id"] for u in results["users"]} >= {r["requester_id"] for r in results["results"]}
    assert {o["id"] for o in results["organizations"]} == {r["organization_id"] for r in results["results"]}


def test_search_pages_by_offset_and_refuses_past_1000_results(desk: Desk) -> None:
    first = desk.search(UNSOLVED_2ND, per_page=7, sort_by="created_at", sort_order="asc")
    assert first["count"] == 20
    assert len(first["results"]) == 7
    assert first["previous_page"] is None
    assert first["facets"] is None
    assert first["next_page"].startswith(f"{ZENDESK_URL}/api/v2/search.json?")
    second = desk.zendesk.get(first["next_page"]).json()
    assert second["previous_page"]
    assert len(second["results"]) == 7
    created = [r["created_at"] for r in first["results"] + second["results"]]
    assert created == sorted(created)
    assert desk.search(UNSOLVED_2ND, per_page=500)["results"].__len__() == 20  # per_page caps at 100
    assert desk.search(UNSOLVED_2ND, page=10, per_page=100)["results"] == []
    too_deep = desk.zendesk.get("/api/v2/search", params={"query": UNSOLVED_2ND, "page": 11, "per_page": 100})
    assert too_deep.status_code == 422
    assert too_deep.json() == {
        "error": "invalid",
        "description": "Invalid search: Requested response size was greater than Search Response Limits",
    }


def test_export_walks_a_cursor_and_keeps_a_next_link_on_the_last_page(desk: Desk) -> None:
    params: dict[str, Any] = {
        "query": f"group:{SECOND_LINE}",
        "filter[type]": "ticket",
        "page[size]": 6,
        "include": "tickets(slas,users)",
    }
    seen: list[dict[str, Any]] = []
    pages = 0
    while True:
        data = desk.zendesk.get("/api/v2/search/export", params=params).json()
        pages += 1
        assert "count" not in data
        assert data["links"]["prev"] is None
        assert isinstance(data["links"]["next"], str)
        assert data["links"]["next"]
        seen.extend(data["results"])
        if not data["meta"]["has_more"]:
            break
        params["page[after]"] = data["meta"]["after_cursor"]
    expected = desk.zendesk.get("/api/v2/search/count", params={"query": f"group:{SECOND_LINE}"}).json()["count"]
    assert expected > 22  # the 22 hand-written tickets and the month's solved and closed ones
    assert pages == -(-expected // 6)
    assert len(seen) == expected
    assert len({t["id"] for t in seen}) == expected
    assert [t["created_at"] for t in seen] == sorted(t["created_at"] for t in seen)
    assert any("slas" in t for t in seen)
    assert "users" in data


def test_export_needs_filter_type_and_no_type_in_the_query(desk: Desk) -> None:
    missing = desk.zendesk.get("/api/v2/search/export", params={"query": "status:open"})
    assert missing.status_code == 400
    assert "error" in missing.json()
    typed = desk.zendesk.get("/api/v2/search/export", params={"query": "type:ticket", "filter[type]": "ticket"})
    assert typed.status_code == 400
    assert "error" in typed.json()
    desk.app.settings.export_sideloads = False
    page = desk.zendesk.get(
        "/api/v2/search/export",
        params={"query": "status:open", "filter[type]": "ticket", "include": "tickets(slas,users)"},
    ).json()
    assert page["results"]
    assert all("slas" not in t for t in page["results"])
    assert "users" not in page


# --- reading tickets -----------------------------------------------------------------------------


def test_show_many_sideloads_and_refuses_more_than_100_ids(desk: Desk) -> None:
    ids = [t["id"] for t in tickets(desk, UNSOLVED_2ND)]
    data = desk.zendesk.get(
        "/api/v2/tickets/show_many.json",
        params={"ids": ",".join(map(str, ids)), "include": "slas,users,organizations,groups"},
    ).json()
    assert [t["id"] for t in data["tickets"]] == ids
    assert {g["id"] for g in data["groups"]} == {SECOND_LINE}
    assert {u["id"] for u in data["users"]} >= {SAM.id, PRIYA.id}
    assert data["organizations"]
    assert sum("slas" in t for t in data["tickets"]) == 19  # one ticket has no slas key at all
    too_many = desk.zendesk.get("/api/v2/tickets/show_many", params={"ids": ",".join(str(i) for i in range(1, 102))})
    assert too_many.status_code == 400
    assert too_many.json()["error"] == "TooManyValues"
    assert too_many.json()["max_count"] == 100


def test_comments_page_by_cursor_and_offset(desk: Desk) -> None:
    target = tickets(desk, f"{UNSOLVED_2ND} assignee:me priority:urgent")[0]["id"]
    for n in range(4):
        desk.zendesk.put(
            f"/api/v2/tickets/{target}",
            json={"ticket": {"comment": {"body": f"note {n}", "public": False}}},
        )
    offset = desk.zendesk.get(f"/api/v2/tickets/{target}/comments").json()
    assert offset["count"] >= 5
    assert offset["next_page"] is None
    first = offset["comments"][0]
    assert first["public"] is True
    assert first["type"] == "Comment"
    assert first["body"] == desk.ticket(target)["description"]
    assert {"id", "author_id", "body", "html_body", "plain_body", "public", "created_at"} <= set(first)
    bodies: list[str] = []
    params: dict[str, Any] = {"page[size]": 2}
    while True:
        page = desk.zendesk.get(f"/api/v2/tickets/{target}/comments", params=params).json()
        bodies.extend(c["body"] for c in page["comments"])
        assert page["links"]["next"]
        if not page["meta"]["has_more"]:
            break
        params["page[after]"] = page["meta"]["after_cursor"]
    assert bodies == [c["body"] for c in offset["comments"]]
    assert bodies[-4:] == ["note 0", "note 1", "note 2", "note 3"]


# --- writing tickets -----------------------------------------------------------------------------


def test_update_with_internal_note(desk: Desk, clock: Clock) -> None:
    target = tickets(desk, f"{UNSOLVED_2ND} assignee:me status:open -priority:high")[0]
    clock.advance(minutes=3)
    response = desk.zendesk.put(
        f"/api/v2/tickets/{target['id']}",
        json={
            "ticket": {
                "comment": {"body": "Handover: waiting on the client.", "public": False},
                "priority": "high",
                "additional_tags": ["handover"],
            }
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ticket"]["priority"] == "high"
    assert "handover" in body["ticket"]["tags"]
    assert body["ticket"]["updated_at"] == timeutil.iso(clock.now) != target["updated_at"]
    events = body["audit"]["events"]
    comment = next(e for e in events if e["type"] == "Comment")
    assert comment["public"] is False
    assert comment["body"] == "Handover: waiting on the client."
    change = next(e for e in events if e.get("field_name") == "priority")
    assert (change["type"], change["value"], change["previous_value"]) == (
        "Change",
        "high",
        target["priority"],
    )
    last = desk.zendesk.get(f"/api/v2/tickets/{target['id']}/comments").json()["comments"][-1]
    assert (last["body"], last["public"], last["author_id"]) == (
        "Handover: waiting on the client.",
        False,
        SAM.id,
    )


def test_updated_at_moves_on_every_write_even_within_one_second(desk: Desk) -> None:
    target = tickets(desk, f"{UNSOLVED_2ND} assignee:me")[0]["id"]
    stamps = [desk.ticket(target)["updated_at"]]
    for n in range(3):  # the clock is frozen: all in the same second
        desk.zendesk.put(
            f"/api/v2/tickets/{target}",
            json={"ticket": {"comment": {"body": f"n{n}", "public": False}}},
        )
        stamps.append(desk.ticket(target)["updated_at"])
    assert stamps == sorted(set(stamps))
    assert len(set(stamps)) == 4


def test_safe_update_with_a_stale_stamp_is_409_and_writes_nothing(desk: Desk) -> None:
    target = desk.ticket(tickets(desk, f"{UNSOLVED_2ND} assignee:me")[0]["id"])
    touched = desk.http.post(f"/_sandbox/tickets/{target['id']}/touch", json={"priority": "low"})
    assert touched.status_code == 200
    assert touched.json()["ticket"]["updated_at"] != target["updated_at"]
    assert touched.json()["audit"]["author_id"] not in (SAM.id, None)
    comments_before = desk.zendesk.get(f"/api/v2/tickets/{target['id']}/comments").json()["count"]
    stale = desk.zendesk.put(
        f"/api/v2/tickets/{target['id']}",
        json={
            "ticket": {
                "assignee_id": PRIYA.id,
                "comment": {"body": "x", "public": False},
                "safe_update": True,
                "updated_stamp": target["updated_at"],
            }
        },
    )
    assert stale.status_code == 409
    assert stale.json() == {
        "error": "UpdateConflict",
        "description": "Safe Update prevented the update due to outdated ticket data. "
        "Please fetch the latest ticket data and try again.",
    }
    after = desk.ticket(target["id"])
    assert after["assignee_id"] == target["assignee_id"]
    assert after["priority"] == "low"
    assert desk.zendesk.get(f"/api/v2/tickets/{target['id']}/comments").json()["count"] == comments_before
    fresh = desk.zendesk.put(
        f"/api/v2/tickets/{target['id']}",
        json={
            "ticket": {
                "assignee_id": PRIYA.id,
                "safe_update": True,
                "updated_stamp": after["updated_at"],
            }
        },
    )
    assert fresh.status_code == 200
    assert fresh.json()["ticket"]["assignee_id"] == PRIYA.id


def test_validation_errors_are_record_invalid(desk: Desk) -> None:
    target = tickets(desk, f"{UNSOLVED_2ND} assignee:me")[0]["id"]
    not_member = desk.zendesk.put(f"/api/v2/tickets/{target}", json={"ticket": {"assignee_id": TOM.id}})
    assert not_member.status_code == 422
    body = not_member.json()
    assert body["error"] == "RecordInvalid"
    assert body["description"] == "Record validation errors"
    assert body["details"]["assignee_id"][0]["description"]
    bad = desk.zendesk.put(f"/api/v2/tickets/{target}", json={"ticket": {"priority": "whenever", "status": "done"}})
    assert bad.status_code == 422
    assert set(bad.json()["details"]) == {"priority", "status"}
    assert desk.ticket(target)["assignee_id"] == SAM.id
    closed = tickets(desk, f"group:{SECOND_LINE} status:closed")[0]["id"]
    refused = desk.zendesk.put(f"/api/v2/tickets/{closed}", json={"ticket": {"comment": {"body": "late"}}})
    assert refused.status_code == 422
    assert refused.json()["details"]["status"][0]["description"] == "Status: closed prevents ticket update"


def test_status_and_custom_status_follow_each_other(desk: Desk) -> None:
    statuses = {s["agent_label"]: s for s in desk.zendesk.get("/api/v2/custom_statuses").json()["custom_statuses"]}
    target = tickets(desk, f"{UNSOLVED_2ND} assignee:me status:open")[0]["id"]
    pbs = statuses["Pending believed solved"]["id"]
    moved = desk.zendesk.put(f"/api/v2/tickets/{target}", json={"ticket": {"custom_status_id": pbs}}).json()["ticket"]
    assert (moved["status"], moved["custom_status_id"]) == ("pending", pbs)
    held = desk.zendesk.put(f"/api/v2/tickets/{target}", json={"ticket": {"status": "hold"}}).json()["ticket"]
    assert held["custom_status_id"] == statuses["On-hold"]["id"]
    stage = desk.ticket(target, "slas")["slas"]["policy_metrics"][0]["stage"]
    assert stage == "paused"


def test_custom_statuses_switched_off(desk: Desk) -> None:
    desk.app.settings.custom_statuses = False
    refused = desk.zendesk.get("/api/v2/custom_statuses")
    assert refused.status_code == 403
    assert refused.json()["error"] == "Forbidden"
    assert "custom_status_id" not in desk.ticket(tickets(desk, UNSOLVED_2ND)[0]["id"])
    assert all("custom_status_id" not in t for t in desk.search(UNSOLVED_2ND)["results"])


def test_create_ticket(desk: Desk) -> None:
    created = desk.zendesk.post(
        "/api/v2/tickets",
        json={
            "ticket": {
                "subject": "Sandbox test",
                "comment": {"body": "Please help."},
                "group_id": SECOND_LINE,
                "assignee_id": SAM.id,
                "priority": "high",
                "type": "task",
                "due_at": "2026-12-01T09:00:00Z",
            }
        },
    )
    assert created.status_code == 201
    new = created.json()["ticket"]
    assert (new["status"], new["assignee_id"], new["due_at"]) == (
        "open",
        SAM.id,
        "2026-12-01T09:00:00Z",
    )
    assert new["description"] == "Please help."
    assert desk.search(f'{UNSOLVED_2ND} "Sandbox test"')["count"] == 1
    blank = desk.zendesk.post("/api/v2/tickets", json={"ticket": {"subject": "no body"}})
    assert blank.status_code == 422
    assert blank.json()["details"]["base"][0]["error"] == "BlankValue"


# --- bulk updates --------------------------------------------------------------------------------


def test_update_many_applies_at_once_and_reports_through_the_job(desk: Desk) -> None:
    open_ids = [t["id"] for t in tickets(desk, f"{UNSOLVED_2ND} assignee:me status:open")][:3]
    closed = tickets(desk, f"group:{SECOND_LINE} status:closed")[0]["id"]
    ids = [*open_ids, closed, 999999]
    queued = desk.zendesk.put(
        "/api/v2/tickets/update_many.json",
        params={"ids": ",".join(map(str, ids))},
        json={"ticket": {"assignee_id": PRIYA.id, "comment": {"body": "Handing over", "public": False}}},
    )
    assert queued.status_code == 200
    job = queued.json()["job_status"]
    assert (job["status"], job["progress"], job["results"], job["total"]) == (
        "queued",
        None,
        None,
        5,
    )
    assert job["url"] == f"{ZENDESK_URL}/api/v2/job_statuses/{job['id']}.json"
    assert all(desk.ticket(i)["assignee_id"] == PRIYA.id for i in open_ids)  # applied already
    working = desk.zendesk.get(f"/api/v2/job_statuses/{job['id']}").json()["job_status"]
    assert working["status"] == "working"
    assert working["results"] is None
    done = desk.zendesk.get(job["url"]).json()["job_status"]
    assert done["status"] == "completed"
    assert done["progress"] == 5
    results = {r["id"]: r for r in done["results"]}
    for i in open_ids:
        assert results[i] | {"index": 0} == {
            "id": i,
            "index": 0,
            "action": "update",
            "status": "Updated",
            "success": True,
        }
    assert results[closed]["success"] is False
    assert "closed" in results[closed]["details"]
    assert results[999999]["success"] is False
    assert results[999999]["error"] == "RecordNotFound"
    assert desk.zendesk.get("/api/v2/job_statuses/0123456789abcdef").status_code == 404


def test_update_many_items_with_their_own_safe_update(desk: Desk) -> None:
    a, b = (desk.ticket(t["id"]) for t in tickets(desk, f"{UNSOLVED_2ND} assignee:me status:open")[:2])
    desk.http.post(f"/_sandbox/tickets/{b['id']}/touch", json={})
    job = desk.zendesk.put(
        "/api/v2/tickets/update_many",
        json={
            "tickets": [
                {
                    "id": a["id"],
                    "priority": "low",
                    "safe_update": True,
                    "updated_stamp": a["updated_at"],
                },
                {
                    "id": b["id"],
                    "priority": "low",
                    "safe_update": True,
                    "updated_stamp": b["updated_at"],
                },
            ]
        },
    ).json()["job_status"]
    desk.zendesk.get(job["url"])
    results = desk.zendesk.get(job["url"]).json()["job_status"]["results"]
    assert [r["success"] for r in results] == [True, False]
    assert results[1]["error"] == "UpdateConflict"
    assert desk.ticket(a["id"])["priority"] == "low"
    assert desk.ticket(b["id"])["priority"] == b["priority"]
    too_many = desk.zendesk.put("/api/v2/tickets/update_many", json={"tickets": [{"id": i} for i in range(101)]})
    assert too_many.status_code == 400
    assert too_many.json()["max_count"] == 100


def test_job_results_expire_after_a_day(desk: Desk, clock: Clock) -> None:
    job = desk.zendesk.put(
        "/api/v2/tickets/update_many", params={"ids": str(SEED.breached_urgent)}, json={"ticket": {}}
    ).json()
    clock.advance(hours=25)
    assert desk.zendesk.get(job["job_status"]["url"]).status_code == 404


# --- groups and memberships ----------------------------------------------------------------------


def test_groups_list_by_offset_and_cursor(desk: Desk) -> None:
    offset = desk.zendesk.get("/api/v2/groups").json()
    names = [g["name"] for g in offset["groups"]]
    assert names[:4] == [
        "GovPress support triage",
        "GovPress 1st line support",
        "GovPress 2nd line support",
        "GovPress scoping and discussion",
    ]
    assert offset["count"] == 5
    assert offset["next_page"] is None
    page = desk.zendesk.get("/api/v2/groups", params={"page[size]": 3}).json()
    assert page["meta"]["has_more"] is True
    assert len(page["groups"]) == 3
    rest = desk.zendesk.get(page["links"]["next"]).json()
    assert [g["name"] for g in page["groups"] + rest["groups"]] == names
    assert rest["meta"]["has_more"] is False
    assert rest["links"]["next"]


def test_membership_create_duplicate_and_delete_unassigns(desk: Desk, clock: Clock) -> None:
    created = desk.zendesk.post(
        "/api/v2/group_memberships",
        json={"group_membership": {"user_id": TOM.id, "group_id": SECOND_LINE}},
    )
    assert created.status_code == 201
    membership = created.json()["group_membership"]
    assert created.headers["location"].endswith(f"/api/v2/group_memberships/{membership['id']}.json")
    assert (membership["user_id"], membership["group_id"], membership["default"]) == (
        TOM.id,
        SECOND_LINE,
        False,
    )
    again = desk.zendesk.post(
        "/api/v2/group_memberships",
        json={"group_membership": {"user_id": TOM.id, "group_id": SECOND_LINE}},
    )
    assert again.status_code == 422
    assert again.json()["details"]["user_id"][0]["error"] == "DuplicateValue"

    priyas = tickets(desk, f"{UNSOLVED_2ND} assignee:priya.shah@govpress.example")
    assert len(priyas) == 2
    theirs = desk.zendesk.get(f"/api/v2/users/{PRIYA.id}/group_memberships").json()["group_memberships"]
    second = next(m for m in theirs if m["group_id"] == SECOND_LINE)
    clock.advance(seconds=30)
    assert desk.zendesk.delete(f"/api/v2/group_memberships/{second['id']}").status_code == 204
    assert desk.zendesk.get(f"/api/v2/group_memberships/{second['id']}").status_code == 404
    for before in priyas:
        after = desk.ticket(before["id"])
        assert after["assignee_id"] is None
        assert after["updated_at"] > before["updated_at"]
    assert desk.zendesk.delete(f"/api/v2/group_memberships/{second['id']}").status_code == 404


def test_memberships_are_admin_only(desk: Desk) -> None:
    priya = desk.as_agent(PRIYA.email).zendesk
    refused = priya.post(
        "/api/v2/group_memberships",
        json={"group_membership": {"user_id": TOM.id, "group_id": SECOND_LINE}},
    )
    assert refused.status_code == 403
    assert refused.json() == {
        "error": "Forbidden",
        "description": "You do not have access to this page. Please contact the account owner "
        "of this help desk for further help.",
    }
    mine = priya.get(f"/api/v2/users/{PRIYA.id}/group_memberships").json()["group_memberships"]
    assert priya.delete(f"/api/v2/group_memberships/{mine[0]['id']}").status_code == 403


def test_users_search_and_show_many(desk: Desk) -> None:
    exact = desk.zendesk.get("/api/v2/users/search", params={"query": "tom.hughes@govpress.example"}).json()
    assert [u["id"] for u in exact["users"]] == [TOM.id]
    assert exact["count"] == 1
    by_name = desk.zendesk.get("/api/v2/users/search", params={"query": "Shah"}).json()["users"]
    assert [u["name"] for u in by_name] == ["Priya Shah"]
    many = desk.zendesk.get("/api/v2/users/show_many", params={"ids": f"{SAM.id},{TOM.id}"}).json()["users"]
    assert [u["id"] for u in many] == [SAM.id, TOM.id]


# --- suspended tickets ---------------------------------------------------------------------------


def test_suspended_tickets(desk: Desk) -> None:
    listed = desk.zendesk.get("/api/v2/suspended_tickets").json()["suspended_tickets"]
    assert len(listed) == 3
    assert {"Detected as spam", "Automated response mail", "Received from support address"} == {
        s["cause"] for s in listed
    }
    assert all({"name", "email"} <= set(s["author"]) for s in listed)
    cursor = desk.zendesk.get("/api/v2/suspended_tickets", params={"page[size]": 2}).json()
    assert cursor["meta"]["has_more"] is True
    assert len(cursor["suspended_tickets"]) == 2
    gone = listed[0]["id"]
    assert desk.zendesk.delete(f"/api/v2/suspended_tickets/{gone}").status_code == 204
    assert desk.zendesk.get(f"/api/v2/suspended_tickets/{gone}").status_code == 404
    desk.http.put("/_sandbox/users/sam.okafor@govpress.example", json={"role": "end-user"})
    assert desk.zendesk.get("/api/v2/suspended_tickets").status_code == 403
    assert desk.zendesk.get("/api/v2/users/me").json()["user"]["role"] == "end-user"


# --- limits --------------------------------------------------------------------------------------


def test_account_rate_limit_is_enforced_and_resets_with_the_minute(desk: Desk, clock: Clock) -> None:
    remaining = []
    for _ in range(700):
        response = desk.zendesk.get(f"/api/v2/groups/{SECOND_LINE}")
        assert response.status_code == 200
        remaining.append(int(response.headers["x-rate-limit-remaining"]))
    assert remaining[0] == 699
    assert remaining[-1] == 0
    refused = desk.zendesk.get(f"/api/v2/groups/{SECOND_LINE}")
    assert refused.status_code == 429
    assert refused.json()["error"] == "APIRateLimitExceeded"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    clock.advance(seconds=61)
    assert desk.zendesk.get(f"/api/v2/groups/{SECOND_LINE}").status_code == 200
    desk.app.settings.rate_limits = False
    assert all(desk.zendesk.get("/api/v2/users/me").status_code == 200 for _ in range(701))


def test_export_has_its_own_100_a_minute_limit(desk: Desk) -> None:
    params = {"query": "status:new", "filter[type]": "ticket"}
    assert all(desk.zendesk.get("/api/v2/search/export", params=params).status_code == 200 for _ in range(100))
    assert desk.zendesk.get("/api/v2/search/export", params=params).status_code == 429
    assert desk.zendesk.get("/api/v2/search", params={"query": "status:new"}).status_code == 200


@pytest.mark.parametrize("role", ["agent", "end-user"])
def test_role_changes_take_effect(desk: Desk, role: str) -> None:
    desk.http.put("/_sandbox/users/sam.okafor@govpress.example", json={"role": role})
    response = desk.zendesk.post(
        "/api/v2/group_memberships",
        json={"group_membership": {"user_id": TOM.id, "group_id": SECOND_LINE}},
    )
    assert response.status_code == 403


def test_search_by_dates_people_and_organisations(desk: Desk, clock: Clock) -> None:
    everything = tickets(desk, f"group:{SECOND_LINE}")
    week_ago = timeutil.iso(clock.now - timedelta(days=7)) or ""
    recent = {t["id"] for t in everything if t["created_at"] > week_ago}
    assert 0 < len(recent) < len(everything)
    assert {t["id"] for t in tickets(desk, f"group:{SECOND_LINE} created>7days")} == recent
    day = clock.now.date().isoformat()
    assert {t["id"] for t in tickets(desk, f"group:{SECOND_LINE} created>={day}")} == {
        t["id"] for t in everything if t["created_at"] >= f"{day}T00:00:00Z"
    }
    quiet = tickets(desk, f"{UNSOLVED_2ND} -updated>1hours")[0]["id"]
    before = desk.search(f"{UNSOLVED_2ND} updated>1hours")["count"]
    desk.zendesk.put(f"/api/v2/tickets/{quiet}", json={"ticket": {"priority": "low"}})
    assert desk.search(f"{UNSOLVED_2ND} updated>1hours")["count"] == before + 1
    eastbrook = tickets(desk, 'organization:"Eastbrook Borough Council"')
    assert eastbrook
    assert {t["organization_id"] for t in eastbrook} == {30001}
    hannah = tickets(desk, "requester:hannah.price@eastbrook.gov.example")
    assert hannah
    assert {t["requester_id"] for t in hannah} == {20001}
    org = desk.zendesk.get("/api/v2/organizations/30001").json()["organization"]
    assert org["name"] == "Eastbrook Borough Council"
    assert org["domain_names"] == ["eastbrook.gov.example"]
    many = desk.zendesk.get("/api/v2/organizations/show_many", params={"ids": "30002,30001"}).json()
    assert [o["id"] for o in many["organizations"]] == [30002, 30001]


def test_search_sorts(desk: Desk) -> None:
    ranks = {"urgent": 4, "high": 3, "normal": 2, "low": 1, None: 0}
    by_priority = desk.search(UNSOLVED_2ND, sort_by="priority", sort_order="desc")["results"]
    assert [ranks[t["priority"]] for t in by_priority] == sorted(
        (ranks[t["priority"]] for t in by_priority), reverse=True
    )
    relevance = desk.search(UNSOLVED_2ND)["results"]
    assert [t["updated_at"] for t in relevance] == sorted((t["updated_at"] for t in relevance), reverse=True)


def test_setting_the_same_status_keeps_its_custom_status(desk: Desk) -> None:
    statuses = {
        s["agent_label"]: s["id"] for s in desk.zendesk.get("/api/v2/custom_statuses").json()["custom_statuses"]
    }
    target = tickets(desk, f"{UNSOLVED_2ND} assignee:me status:open")[0]["id"]
    desk.zendesk.put(
        f"/api/v2/tickets/{target}",
        json={"ticket": {"custom_status_id": statuses["Pending believed solved"]}},
    )
    same = desk.zendesk.put(f"/api/v2/tickets/{target}", json={"ticket": {"status": "pending", "priority": "low"}})
    assert same.json()["ticket"]["custom_status_id"] == statuses["Pending believed solved"]
    created = desk.zendesk.post(
        "/api/v2/tickets",
        json={"ticket": {"subject": "x", "comment": {"body": "y"}, "assignee_id": TOM.id}},
    )
    assert created.status_code == 201
    assert created.json()["ticket"]["group_id"] == FIRST_LINE  # the assignee's default group


def test_search_lag_shows_tickets_as_they_were_until_the_lag_has_passed(desk: Desk, clock: Clock) -> None:
    """`search_lag` plays Zendesk's lagging search index: search and export show a ticket as it
    was before its changes of the last N seconds; reading the ticket is always current."""
    assert desk.settings()["search_lag"] == 0
    ticket = SEED.mine_on_hold
    query = f"group:{SECOND_LINE} status<solved"
    desk.settings(search_lag=60)
    desk.update(ticket, tags=["lagged"], priority="urgent")
    desk.update(ticket, status="open")

    def in_search() -> dict[str, Any]:
        found = {t["id"]: t for t in desk.search(query)["results"]}
        exported = {t["id"]: t for t in desk.export(query)}
        assert (found[ticket]["status"], found[ticket]["tags"]) == (
            exported[ticket]["status"],
            exported[ticket]["tags"],
        )
        return found[ticket]

    before = in_search()
    assert before["status"] == "hold" and "lagged" not in before["tags"] and before["priority"] != "urgent"
    assert desk.search(f"tags:lagged {query}")["count"] == 0  # matched as it was, too
    now = desk.ticket(ticket)
    assert now["status"] == "open" and "lagged" in now["tags"]

    clock.advance(seconds=61)
    after = in_search()
    assert after["status"] == "open" and "lagged" in after["tags"]
    assert desk.search(f"tags:lagged {query}")["count"] == 1
    with pytest.raises(httpx.HTTPStatusError, match=r"400|422"):
        desk.settings(search_lag=-1)
