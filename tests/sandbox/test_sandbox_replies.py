"""Public replies in the sandbox's Zendesk: who they are emailed to (seen through the control API),
how the comment and the audit render, the reply metrics they fulfil, the 5,000-comment limit, and
due dates on task tickets."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from govpress_support.core import timeutil
from tests.desk import Desk
from tests.seed_names import MORGAN, PRIYA, SAM, SEED

from .conftest import Clock

HANNAH, LIAM, EMMA, KWAME = 20001, 20002, 20011, 20012
CONTACT_FORM = SEED.breached_urgent  # requester Hannah, CC Liam, follower Morgan; next reply breached
SEARCH_DRAFTS = SEED.mine_open_with_card  # CC Oliver Grant; next reply breached
COOKIE_BANNER = SEED.breaching_soon_no_card  # requester Emma, CC Kwame, follower Priya
PDF_UPLOADS = 4020  # a problem, no CCs
YOAST = SEED.mine_task_with_due
SITE_DOWN = SEED.untriaged  # new, in triage, first reply time running


def ticket(zd: httpx.Client, ticket_id: int, **params: str) -> dict[str, Any]:
    response = zd.get(f"/api/v2/tickets/{ticket_id}", params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["ticket"]
    return data


def comments(zd: httpx.Client, ticket_id: int, **params: str) -> dict[str, Any]:
    response = zd.get(f"/api/v2/tickets/{ticket_id}/comments", params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def emails(control: httpx.Client, ticket_id: int | None = None) -> list[dict[str, Any]]:
    params = {} if ticket_id is None else {"ticket_id": str(ticket_id)}
    response = control.get("/_sandbox/emails", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["emails"]
    return found


def reply(zd: httpx.Client, ticket_id: int, comment: dict[str, Any], **fields: Any) -> httpx.Response:
    return zd.put(f"/api/v2/tickets/{ticket_id}", json={"ticket": {"comment": comment, **fields}})


def stage(t: dict[str, Any], metric: str) -> str:
    return next(str(m["stage"]) for m in t["slas"]["policy_metrics"] if m["metric"] == metric)


# --- CCs and followers ---------------------------------------------------------------------------


def test_seeded_ccs_and_followers_render_as_zendesk_does(desk: Desk) -> None:
    contact = ticket(desk.zendesk, CONTACT_FORM)
    assert contact["email_cc_ids"] == [LIAM]
    assert contact["follower_ids"] == [MORGAN.id]
    assert contact["collaborator_ids"] == [LIAM, MORGAN.id]  # the legacy field: CCs and followers
    many = desk.zendesk.get("/api/v2/tickets/show_many", params={"ids": f"{COOKIE_BANNER},{PDF_UPLOADS}"}).json()[
        "tickets"
    ]
    assert [(t["email_cc_ids"], t["follower_ids"]) for t in many] == [([KWAME], [PRIYA.id]), ([], [])]


# --- public replies ------------------------------------------------------------------------------


def test_a_public_reply_is_emailed_to_the_requester_and_the_ccs(desk: Desk, clock: Clock) -> None:
    clock.advance(minutes=5)
    text = "Hi Hannah,\n\nThe form sends email again: the SMTP key was restored."
    response = reply(desk.zendesk, CONTACT_FORM, {"body": text, "public": True})
    assert response.status_code == 200, response.text
    audit = response.json()["audit"]
    comment_event, notification = audit["events"][0], audit["events"][-1]
    assert (comment_event["type"], comment_event["public"]) == ("Comment", True)
    assert notification["type"] == "Notification"
    assert notification["recipients"] == [HANNAH, LIAM]
    assert notification["subject"] == "[GovPress] Re: Contact form on the Get in touch page no longer sends emails"
    assert notification["via"]["channel"] == "rule"
    assert notification["via"]["source"]["rel"] == "trigger"

    [email] = emails(desk.http, CONTACT_FORM)
    assert email["to"] == [{"user_id": HANNAH, "name": "Hannah Price", "address": "hannah.price@eastbrook.gov.example"}]
    assert email["cc"] == [{"user_id": LIAM, "name": "Liam Foster", "address": "liam.foster@eastbrook.gov.example"}]
    assert email["recipient_ids"] == [HANNAH, LIAM]  # the follower (an agent) is not emailed
    assert email["from"] == {"name": "Sam Okafor (GovPress)", "address": "support@govpress.example"}
    assert email["subject"] == notification["subject"]
    assert (email["body"], email["audit_id"], email["sent_at"]) == (text, audit["id"], timeutil.iso(clock.now))
    assert "<p>The form sends email again" in email["html_body"]

    listed = comments(desk.zendesk, CONTACT_FORM, include="users")
    last = listed["comments"][-1]
    assert (last["id"], last["author_id"], last["public"], last["body"]) == (email["comment_id"], SAM.id, True, text)
    assert last["via"] == {
        "channel": "api",
        "source": {
            "from": {},
            "to": {"name": "Hannah Price", "address": "hannah.price@eastbrook.gov.example", "email_ccs": [LIAM]},
            "rel": None,
        },
    }
    assert {u["id"]: u["name"] for u in listed["users"]}[LIAM] == "Liam Foster"  # CCs are sideloaded
    first = listed["comments"][0]
    assert first["via"]["channel"] == "email"
    assert first["via"]["source"]["from"]["address"] == "hannah.price@eastbrook.gov.example"


def test_public_is_the_default_and_an_internal_note_emails_nobody(desk: Desk) -> None:
    assert reply(desk.zendesk, PDF_UPLOADS, {"body": "Could you send us the PDF?"}).status_code == 200
    assert reply(desk.zendesk, PDF_UPLOADS, "Plain string comments are public too").status_code == 200  # type: ignore[arg-type]
    note = reply(desk.zendesk, PDF_UPLOADS, {"body": "Checked upload_max_filesize: 8M.", "public": False})
    assert [e["type"] for e in note.json()["audit"]["events"]] == ["Comment"]
    listed = comments(desk.zendesk, PDF_UPLOADS)["comments"]
    assert [c["public"] for c in listed[-3:]] == [True, True, False]
    assert listed[-1]["via"] == {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}}
    sent = emails(desk.http, PDF_UPLOADS)
    assert [e["body"] for e in sent] == ["Could you send us the PDF?", "Plain string comments are public too"]
    assert all(e["recipient_ids"] == [KWAME] for e in sent)  # the requester of this one


def test_a_reply_by_another_agent_comes_from_them_and_emails_filter_by_ticket(desk: Desk) -> None:
    priya = desk.as_agent("priya.shah@govpress.example").zendesk
    assert reply(priya, COOKIE_BANNER, {"body": "Moved the banner below the skip link.", "public": True}).is_success
    assert reply(priya, SEARCH_DRAFTS, {"body": "Drafts are hidden from search now.", "public": True}).is_success
    [cookie] = emails(desk.http, COOKIE_BANNER)
    assert cookie["recipient_ids"] == [EMMA, KWAME]
    assert cookie["from"]["name"] == "Priya Shah (GovPress)"
    assert [e["ticket_id"] for e in emails(desk.http)] == [COOKIE_BANNER, SEARCH_DRAFTS]
    assert desk.http.get("/_sandbox/emails", params={"ticket_id": "four"}).status_code == 400
    assert emails(desk.http, SEED.closed_in_scoping) == []


def test_a_public_agent_reply_achieves_the_reply_metrics(desk: Desk) -> None:
    assert stage(ticket(desk.zendesk, SEARCH_DRAFTS, include="slas"), "next_reply_time") == "active"
    assert reply(desk.zendesk, SEARCH_DRAFTS, {"body": "Internal: looking.", "public": False}).is_success
    assert stage(ticket(desk.zendesk, SEARCH_DRAFTS, include="slas"), "next_reply_time") == "active"
    assert reply(desk.zendesk, SEARCH_DRAFTS, {"body": "We are on it.", "public": True}).is_success
    assert stage(ticket(desk.zendesk, SEARCH_DRAFTS, include="slas"), "next_reply_time") == "achieved"
    assert reply(desk.zendesk, SITE_DOWN, {"body": "The site is up; it was slow for 10 minutes."}).is_success
    site = ticket(desk.zendesk, SITE_DOWN, include="slas")
    assert stage(site, "first_reply_time") == "achieved"
    assert site["status"] == "open"  # an agent's update takes a new ticket to open


def test_update_many_replies_are_emailed_and_achieve_the_metrics(desk: Desk) -> None:
    body = {
        "tickets": [
            {"id": CONTACT_FORM, "comment": {"body": "Fixed, please check.", "public": True}},
            {"id": SEARCH_DRAFTS, "comment": {"body": "Still looking.", "public": False}},
        ]
    }
    job = desk.zendesk.put("/api/v2/tickets/update_many", json=body).json()["job_status"]
    desk.zendesk.get(job["url"])  # the first poll finds it working
    results = desk.zendesk.get(job["url"]).json()["job_status"]["results"]
    assert [r["success"] for r in results] == [True, True]
    assert stage(ticket(desk.zendesk, CONTACT_FORM, include="slas"), "next_reply_time") == "achieved"
    assert stage(ticket(desk.zendesk, SEARCH_DRAFTS, include="slas"), "next_reply_time") == "active"
    assert [(e["ticket_id"], e["recipient_ids"]) for e in emails(desk.http)] == [(CONTACT_FORM, [HANNAH, LIAM])]
    ids = desk.zendesk.put(
        "/api/v2/tickets/update_many",
        params={"ids": f"{SEARCH_DRAFTS},{PDF_UPLOADS}"},
        json={"ticket": {"comment": {"body": "Deployed the fix."}}},
    ).json()["job_status"]
    desk.zendesk.get(ids["url"])
    desk.zendesk.get(ids["url"])
    assert [e["ticket_id"] for e in emails(desk.http)] == [CONTACT_FORM, SEARCH_DRAFTS, PDF_UPLOADS]
    assert stage(ticket(desk.zendesk, SEARCH_DRAFTS, include="slas"), "next_reply_time") == "achieved"


# --- the 5,000-comment limit ---------------------------------------------------------------------


def test_a_ticket_full_of_comments_refuses_another_but_takes_other_changes(desk: Desk) -> None:
    held = len(comments(desk.zendesk, PDF_UPLOADS)["comments"])
    assert desk.http.put("/_sandbox/settings", json={"comment_limit": held}).json()["comment_limit"] == held
    before = ticket(desk.zendesk, PDF_UPLOADS)
    refused = reply(desk.zendesk, PDF_UPLOADS, {"body": "One more?", "public": True}, priority="high")
    assert refused.status_code == 422
    full = f"Ticket has reached the maximum number of comments ({held})"
    assert refused.json() == {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {"base": [{"description": full, "error": "InvalidValue"}]},
    }
    assert ticket(desk.zendesk, PDF_UPLOADS) == before  # nothing written, not even the priority
    assert len(comments(desk.zendesk, PDF_UPLOADS)["comments"]) == held
    assert emails(desk.http) == []
    changed = desk.zendesk.put(f"/api/v2/tickets/{PDF_UPLOADS}", json={"ticket": {"priority": "high"}})
    assert changed.json()["ticket"]["priority"] == "high"
    job = desk.zendesk.put(
        "/api/v2/tickets/update_many", json={"tickets": [{"id": PDF_UPLOADS, "comment": {"body": "and again"}}]}
    ).json()["job_status"]
    desk.zendesk.get(job["url"])
    [result] = desk.zendesk.get(job["url"]).json()["job_status"]["results"]
    assert (result["success"], result["error"]) == (False, "RecordInvalid")
    assert "maximum number of comments" in result["details"]


def test_the_comment_limit_defaults_to_5000_and_is_checked(desk: Desk) -> None:
    assert desk.http.get("/_sandbox/settings").json()["comment_limit"] == 5000
    for bad in (0, -1, "10", True, 2.5):
        assert desk.http.put("/_sandbox/settings", json={"comment_limit": bad}).status_code == 400


# --- due dates -----------------------------------------------------------------------------------


def test_a_task_takes_a_due_date_and_renders_it_back(desk: Desk) -> None:
    response = desk.zendesk.put(f"/api/v2/tickets/{YOAST}", json={"ticket": {"due_at": "2026-12-04T12:00:00Z"}})
    assert response.json()["ticket"]["due_at"] == "2026-12-04T12:00:00Z"
    change = next(e for e in response.json()["audit"]["events"] if e.get("field_name") == "due_at")
    assert change["value"] == "2026-12-04T12:00:00Z"
    assert ticket(desk.zendesk, YOAST)["due_at"] == "2026-12-04T12:00:00Z"
    cleared = desk.zendesk.put(f"/api/v2/tickets/{YOAST}", json={"ticket": {"due_at": None}}).json()["ticket"]
    assert cleared["due_at"] is None
    bad = desk.zendesk.put(f"/api/v2/tickets/{YOAST}", json={"ticket": {"due_at": "next friday"}})
    assert bad.status_code == 422
    assert bad.json()["details"] == {"due_at": [{"description": "Due at: is invalid", "error": "InvalidValue"}]}


def test_a_due_date_on_a_non_task_is_dropped_and_type_task_in_the_same_update_keeps_it(desk: Desk) -> None:
    problem = desk.zendesk.put(f"/api/v2/tickets/{PDF_UPLOADS}", json={"ticket": {"due_at": "2026-12-04T12:00:00Z"}})
    assert problem.status_code == 200
    assert problem.json()["ticket"]["due_at"] is None  # only tasks have a due date
    assert not [e for e in problem.json()["audit"]["events"] if e.get("field_name") == "due_at"]
    task = desk.zendesk.put(
        f"/api/v2/tickets/{PDF_UPLOADS}", json={"ticket": {"type": "task", "due_at": "2026-12-04T12:00:00Z"}}
    ).json()["ticket"]
    assert (task["type"], task["due_at"]) == ("task", "2026-12-04T12:00:00Z")
    back = desk.zendesk.put(f"/api/v2/tickets/{PDF_UPLOADS}", json={"ticket": {"type": "problem"}}).json()["ticket"]
    assert back["due_at"] is None  # a task that stops being one loses its due date


def test_update_many_sets_due_dates(desk: Desk) -> None:
    job = desk.zendesk.put(
        "/api/v2/tickets/update_many",
        params={"ids": f"{YOAST},{PDF_UPLOADS}"},
        json={"ticket": {"due_at": "2026-12-07T09:00:00Z"}},
    ).json()["job_status"]
    desk.zendesk.get(job["url"])
    assert all(r["success"] for r in desk.zendesk.get(job["url"]).json()["job_status"]["results"])
    many = desk.zendesk.get("/api/v2/tickets/show_many", params={"ids": f"{YOAST},{PDF_UPLOADS}"}).json()["tickets"]
    assert [t["due_at"] for t in many] == ["2026-12-07T09:00:00Z", None]


@pytest.mark.parametrize("public", [True, False])
def test_a_reply_on_a_closed_ticket_is_refused_and_emails_nobody(desk: Desk, public: bool) -> None:
    refused = reply(desk.zendesk, SEED.closed_in_scoping, {"body": "Too late", "public": public})
    assert refused.status_code == 422
    assert emails(desk.http) == []
