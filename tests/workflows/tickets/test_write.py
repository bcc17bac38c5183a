"""The ticket write engine against a scripted Zendesk: the collision guard, bulk jobs, and the
read-back after a lost answer (a write that happened but whose answer never came), which the
sandbox cannot produce on demand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from govpress_support.core import timeutil
from govpress_support.core.errors import AuthError, ConflictError, NetworkError
from govpress_support.core.models import Comment, Ticket
from govpress_support.core.redact import Redactor
from govpress_support.services.http import HttpClient, RetryPolicy, ServiceInfo
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.tickets.write import (
    ChangeOutcome,
    Names,
    TicketConflict,
    TicketPlan,
    Writer,
    already_applied,
    differences,
)

BASE = "https://govpress.zendesk.com"
ME = 501
OTHER = 502
T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def stamp(dt: datetime) -> str:
    return timeutil.iso(dt) or ""


class FakeZendesk:
    """Just enough of Zendesk for the writer: tickets, comments, PUT with safe_update, update_many
    jobs, users, groups. `lose` makes the next write happen but its answer get lost."""

    def __init__(self) -> None:
        self.clock = T0
        self.tickets: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.lose: str | None = None  # "after": apply then drop; "before": drop without applying
        self.forbid_writes = False  # a role that may read tickets but not change them
        self.puts = 0
        for tid, status in ((1, "open"), (2, "open"), (3, "closed")):
            self.tickets[tid] = {
                "id": tid,
                "subject": f"Ticket {tid}",
                "status": status,
                "priority": "normal",
                "type": "incident",
                "group_id": 11,
                "assignee_id": None,
                "tags": [],
                "updated_at": stamp(T0),
            }
            self.comments[tid] = []

    def tick(self) -> str:
        self.clock += timedelta(seconds=5)
        return stamp(self.clock)

    def touch(self, tid: int, *, author: int = OTHER, **fields: Any) -> None:
        """Someone else changes the ticket (and may reply)."""
        now = self.tick()
        body = fields.pop("reply", None)
        self.tickets[tid].update(fields, updated_at=now)
        if body:
            self.comments[tid].append(
                {
                    "id": len(self.comments[tid]) + 900,
                    "author_id": author,
                    "body": body,
                    "public": True,
                    "created_at": now,
                }
            )

    def note_count(self, tid: int, body: str) -> int:
        return sum(1 for c in self.comments[tid] if c["body"] == body and not c["public"])

    def _apply(self, tid: int, change: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        ticket = self.tickets.get(tid)
        if ticket is None:
            return 404, {"error": "RecordNotFound", "description": "Not found"}
        if change.get("safe_update") and change.get("updated_stamp") != ticket["updated_at"]:
            return 409, {"error": "UpdateConflict", "description": "Safe Update prevented the update"}
        if ticket["status"] == "closed":
            return 422, {
                "error": "RecordInvalid",
                "description": "Record validation errors",
                "details": {"status": [{"description": "Status: closed prevents ticket update"}]},
            }
        now = self.tick()
        for key in ("status", "priority", "type", "group_id", "assignee_id"):
            if key in change:
                ticket[key] = change[key]
        for tag in change.get("additional_tags", []):
            if tag not in ticket["tags"]:
                ticket["tags"].append(tag)
        ticket["updated_at"] = now
        comment = change.get("comment")
        if comment:
            self.comments[tid].append(
                {
                    "id": len(self.comments[tid]) + 800,
                    "author_id": ME,
                    "body": comment["body"],
                    "public": comment.get("public", True),
                    "created_at": now,
                }
            )
        return 200, {"ticket": ticket}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        query = {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}
        if request.method == "PUT":
            self.puts += 1
            if self.forbid_writes:
                return httpx.Response(403, json={"error": "Forbidden", "description": "You do not have access"})
            body = json.loads(request.content)
            lose, self.lose = self.lose, None
            if lose == "before":
                raise httpx.RemoteProtocolError("connection dropped")
            if path == "/api/v2/tickets/update_many":
                results = []
                for index, item in enumerate(body["tickets"]):
                    status, answer = self._apply(item["id"], {k: v for k, v in item.items() if k != "id"})
                    if status == 200:
                        results.append({"id": item["id"], "index": index, "success": True, "status": "Updated"})
                    else:
                        results.append(
                            {
                                "id": item["id"],
                                "index": index,
                                "success": False,
                                "error": answer["error"],
                                "details": json.dumps(answer.get("details") or answer.get("description")),
                            }
                        )
                job_id = f"job{len(self.jobs) + 1}"
                self.jobs[job_id] = {"id": job_id, "status": "completed", "total": len(results), "results": results}
                if lose == "after":
                    raise httpx.RemoteProtocolError("connection dropped")
                return httpx.Response(200, json={"job_status": {"id": job_id, "status": "queued", "results": None}})
            tid = int(path.rsplit("/", 1)[1])
            status, answer = self._apply(tid, body["ticket"])
            if lose == "after":
                raise httpx.RemoteProtocolError("connection dropped")
            return httpx.Response(status, json=answer)
        if path == "/api/v2/tickets/show_many":
            ids = [int(i) for i in query["ids"].split(",")]
            return httpx.Response(200, json={"tickets": [self.tickets[i] for i in ids if i in self.tickets]})
        if path.startswith("/api/v2/job_statuses/"):
            return httpx.Response(200, json={"job_status": self.jobs[path.rsplit("/", 1)[1]]})
        if path.endswith("/comments"):
            tid = int(path.split("/")[4])
            return httpx.Response(200, json={"comments": self.comments[tid], "meta": {"has_more": False}})
        if path == "/api/v2/users/me":
            return httpx.Response(200, json={"user": {"id": ME, "name": "Sam Okafor", "role": "agent"}})
        if path == "/api/v2/users/show_many":
            names = {ME: "Sam Okafor", OTHER: "Alex Chen"}
            ids = [int(i) for i in query["ids"].split(",")]
            return httpx.Response(200, json={"users": [{"id": i, "name": names[i], "role": "agent"} for i in ids]})
        if path == "/api/v2/groups":
            groups = [{"id": 11, "name": "GovPress 1st line support"}, {"id": 12, "name": "GovPress 2nd line support"}]
            return httpx.Response(200, json={"groups": groups, "next_page": None})
        if path == "/api/v2/custom_statuses":
            return httpx.Response(404, json={"error": "InvalidEndpoint"})
        return httpx.Response(404, json={"error": "InvalidEndpoint", "description": path})


@pytest.fixture
def fake() -> FakeZendesk:
    return FakeZendesk()


def client(fake: FakeZendesk, retries: int = 2) -> ZendeskClient:
    http = HttpClient(
        ServiceInfo("Zendesk", "login"),
        BASE,
        transport=httpx.MockTransport(fake),
        retry=RetryPolicy(max_retries=retries, backoff=0.0),
        redactor=Redactor(),
        sleep=lambda s: None,
    )
    return ZendeskClient(http)


def writer(fake: FakeZendesk, retries: int = 2) -> tuple[Writer, ZendeskClient]:
    zendesk = client(fake, retries)
    return Writer(zendesk, Names(zendesk), poll_interval=0.0, sleep=lambda s: None), zendesk


def read(zendesk: ZendeskClient, tid: int) -> Ticket:
    return zendesk.tickets([tid], sideload=()).tickets[0]


def plan(zendesk: ZendeskClient, tid: int, note: str | None = "Checked the logs", **changes: Any) -> TicketPlan:
    return TicketPlan(read(zendesk, tid), changes=dict(changes), note=note, summary=["change"])


class TestOneTicket:
    def test_writes_with_the_stamp_it_read(self, fake: FakeZendesk) -> None:
        w, zendesk = writer(fake)
        result = w.write_one(plan(zendesk, 1, group_id=12))
        assert result.outcome is ChangeOutcome.UPDATED
        assert fake.tickets[1]["group_id"] == 12
        assert fake.note_count(1, "Checked the logs") == 1

    def test_someone_elses_change_is_a_conflict_that_writes_nothing_and_says_what(self, fake: FakeZendesk) -> None:
        w, zendesk = writer(fake)
        p = plan(zendesk, 1, group_id=12)
        fake.touch(1, status="pending", reply="Any news?")
        with pytest.raises(TicketConflict) as caught:
            w.write_one(p)
        assert caught.value.exit_code == 5
        text = caught.value.one_line()
        assert "status Open → Pending" in text
        assert "new public reply by Alex Chen: “Any news?”" in text
        assert "ticket show 1" in text
        assert fake.tickets[1]["group_id"] == 11
        assert fake.note_count(1, "Checked the logs") == 0

    def test_a_lost_answer_whose_retry_meets_409_counts_as_done_not_as_conflict(self, fake: FakeZendesk) -> None:
        w, zendesk = writer(fake)
        fake.lose = "after"  # written, answer dropped; the guarded PUT is retried and gets 409
        result = w.write_one(plan(zendesk, 1, group_id=12))
        assert result.outcome is ChangeOutcome.UPDATED
        assert fake.puts == 2
        assert fake.note_count(1, "Checked the logs") == 1

    def test_a_lost_answer_with_no_retries_left_is_read_back(self, fake: FakeZendesk) -> None:
        w, zendesk = writer(fake, retries=0)
        fake.lose = "after"
        assert w.write_one(plan(zendesk, 1, status="pending")).outcome is ChangeOutcome.UPDATED
        assert fake.note_count(1, "Checked the logs") == 1

    def test_a_write_that_never_arrived_says_nothing_was_written(self, fake: FakeZendesk) -> None:
        w, zendesk = writer(fake, retries=0)
        fake.lose = "before"
        with pytest.raises(NetworkError) as caught:
            w.write_one(plan(zendesk, 1, status="pending"))
        assert "nothing was written" in caught.value.one_line()
        assert fake.note_count(1, "Checked the logs") == 0

    def test_closed_ticket_is_named(self, fake: FakeZendesk) -> None:
        w, zendesk = writer(fake)
        with pytest.raises(Exception, match="ticket 3 is closed") as caught:
            w.write_one(plan(zendesk, 3))
        assert not isinstance(caught.value, ConflictError)

    def test_a_role_that_may_not_write_is_exit_4_with_the_fix(self, fake: FakeZendesk) -> None:
        w, zendesk = writer(fake)
        fake.forbid_writes = True
        with pytest.raises(AuthError) as caught:
            w.write_one(plan(zendesk, 1, group_id=12))
        assert caught.value.exit_code == 4
        assert caught.value.one_line().startswith("your Zendesk role may not change ticket 1 (403)")
        assert fake.puts == 1  # a 403 is an answer: not retried


class TestSeveralTickets:
    def test_one_job_with_a_stamp_per_ticket_and_a_result_each(self, fake: FakeZendesk) -> None:
        w, zendesk = writer(fake)
        plans = [plan(zendesk, 1, group_id=12), plan(zendesk, 2, group_id=12), plan(zendesk, 3, group_id=12)]
        fake.touch(2, priority="urgent")
        results = {r.ticket_id: r for r in w.write_many(plans)}
        assert results[1].outcome is ChangeOutcome.UPDATED
        assert results[2].outcome is ChangeOutcome.CONFLICT
        assert "priority normal → urgent" in (results[2].message or "")
        assert results[3].outcome is ChangeOutcome.FAILED
        assert "closed" in (results[3].message or "")
        assert fake.puts == 1
        assert [fake.note_count(i, "Checked the logs") for i in (1, 2, 3)] == [1, 0, 0]

    def test_a_lost_bulk_answer_is_read_back_and_never_sent_twice(self, fake: FakeZendesk) -> None:
        w, zendesk = writer(fake)
        plans = [plan(zendesk, 1), plan(zendesk, 2)]
        fake.lose = "after"
        results = w.write_many(plans)
        assert [r.outcome for r in results] == [ChangeOutcome.UPDATED, ChangeOutcome.UPDATED]
        assert fake.puts == 1
        assert [fake.note_count(i, "Checked the logs") for i in (1, 2)] == [1, 1]

    def test_a_forbidden_bulk_write_fails_every_item_by_name(self, fake: FakeZendesk) -> None:
        w, zendesk = writer(fake)
        fake.forbid_writes = True
        results = w.write_many([plan(zendesk, 1), plan(zendesk, 2)])
        assert [(r.ticket_id, r.outcome) for r in results] == [(1, ChangeOutcome.FAILED), (2, ChangeOutcome.FAILED)]
        assert "may not change ticket 2 (403)" in (results[1].message or "")

    def test_a_bulk_write_that_never_arrived_is_sent_again(self, fake: FakeZendesk) -> None:
        w, zendesk = writer(fake)
        plans = [plan(zendesk, 1), plan(zendesk, 2)]
        fake.lose = "before"
        results = w.write_many(plans)
        assert [r.outcome for r in results] == [ChangeOutcome.UPDATED, ChangeOutcome.UPDATED]
        assert fake.puts == 2
        assert [fake.note_count(i, "Checked the logs") for i in (1, 2)] == [1, 1]


class TestReadingTickets:
    def ticket(self, **fields: Any) -> Ticket:
        base: dict[str, Any] = {
            "id": 1,
            "subject": "S",
            "status": "open",
            "priority": "normal",
            "type": None,
            "group_id": 11,
            "assignee_id": None,
            "requester_id": None,
            "organization_id": None,
            "created_at": T0,
            "updated_at": T0,
            "updated_stamp": stamp(T0),
            "agent_url": "u",
        }
        base.update(fields)
        return Ticket(**base)

    def test_applied_needs_every_field_and_our_note_after_the_read(self) -> None:
        before = self.ticket()
        p = TicketPlan(before, changes={"group_id": 12, "additional_tags": ["x"]}, note="Done  it")
        after = self.ticket(group_id=12, tags=("x",), updated_at=T0 + timedelta(seconds=5))
        ours = Comment(7, ME, "Done it", public=False, created_at=T0 + timedelta(seconds=5))
        old = Comment(6, ME, "Done it", public=False, created_at=T0 - timedelta(days=1))
        assert already_applied(p, after, [ours], ME)
        assert not already_applied(p, after, [old], ME)  # the same words from yesterday are not this run's
        assert not already_applied(p, after, [Comment(7, OTHER, "Done it", False, ours.created_at)], ME)
        assert not already_applied(p, self.ticket(tags=("x",)), [ours], ME)

    def test_differences_name_people_and_groups(self, fake: FakeZendesk) -> None:
        zendesk = client(fake)
        before = self.ticket(assignee_id=ME, tags=("a",))
        after = self.ticket(assignee_id=OTHER, group_id=12, tags=("b",), priority="high")
        text = differences(before, after, [], Names(zendesk))
        assert text == [
            "priority normal → high",
            "group GovPress 1st line support → GovPress 2nd line support",
            "assignee Sam Okafor → Alex Chen",
            "tags +b -a",
        ]
