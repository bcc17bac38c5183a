"""Suspended tickets in the sandbox's Zendesk: recover one or many, delete many, and who may."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.desk import Desk
from tests.seed_names import ME, SEED

SAM, LIAM = ME.id, 20002
SPAM, OUT_OF_OFFICE, FROM_SUPPORT = 70001, 70002, 70003  # the seeded suspended tickets
A11Y_404 = SEED.believed_solved  # the ticket the out-of-office answers: pending believed solved
LAST_SEEDED_TICKET = SEED.untriaged


def suspended_ids(zd: httpx.Client) -> list[int]:
    return [s["id"] for s in zd.get("/api/v2/suspended_tickets").json()["suspended_tickets"]]


def test_recovering_one_makes_a_new_ticket_requested_by_the_agent(desk: Desk) -> None:
    response = desk.zendesk.put(f"/api/v2/suspended_tickets/{SPAM}/recover")
    assert response.status_code == 200, response.text
    [ticket] = response.json()["ticket"]  # an array under "ticket", as the API documents
    assert ticket["id"] > LAST_SEEDED_TICKET
    assert ticket["subject"] == "Boost your council website's SEO ranking today!!!"
    assert (ticket["status"], ticket["requester_id"], ticket["group_id"]) == ("new", SAM, 360001)
    assert ticket["via"]["channel"] == "email"
    assert desk.zendesk.get(f"/api/v2/tickets/{ticket['id']}").json()["ticket"]["subject"] == ticket["subject"]
    [comment] = desk.zendesk.get(f"/api/v2/tickets/{ticket['id']}/comments").json()["comments"]
    assert comment["body"].startswith("Dear webmaster")
    assert comment["via"]["source"]["from"]["address"] == "offers@rank-boost.example"
    assert desk.zendesk.get(f"/api/v2/suspended_tickets/{SPAM}").status_code == 404
    assert SPAM not in suspended_ids(desk.zendesk)
    # The agent is the requester now: a public reply of theirs emails nobody.
    desk.zendesk.put(f"/api/v2/tickets/{ticket['id']}", json={"ticket": {"comment": {"body": "Spam, closing."}}})
    assert desk.http.get("/_sandbox/emails").json()["emails"] == []
    assert desk.zendesk.put(f"/api/v2/suspended_tickets/{SPAM}/recover.json").status_code == 404


def test_recover_many_keeps_the_sender_and_adds_answers_to_their_ticket(desk: Desk) -> None:
    before = desk.zendesk.get(f"/api/v2/tickets/{A11Y_404}").json()["ticket"]
    assert before["status"] == "pending"
    response = desk.zendesk.put("/api/v2/suspended_tickets/recover_many", params={"ids": f"{SPAM},{OUT_OF_OFFICE}"})
    assert response.status_code == 200, response.text
    spam, answered = response.json()["tickets"]
    assert spam["id"] > LAST_SEEDED_TICKET
    sender = desk.zendesk.get(f"/api/v2/users/{spam['requester_id']}").json()["user"]
    assert (sender["email"], sender["role"]) == ("offers@rank-boost.example", "end-user")
    assert answered["id"] == A11Y_404  # an answer to an open ticket becomes a comment on it
    assert answered["status"] == "open"  # the requester wrote back
    last = desk.zendesk.get(f"/api/v2/tickets/{A11Y_404}/comments").json()["comments"][-1]
    assert (last["author_id"], last["public"]) == (LIAM, True)
    assert last["body"].startswith("I am out of the office")
    assert suspended_ids(desk.zendesk) == [FROM_SUPPORT]


def test_mail_from_the_support_address_cannot_be_recovered(desk: Desk) -> None:
    one = desk.zendesk.put(f"/api/v2/suspended_tickets/{FROM_SUPPORT}/recover")
    assert one.status_code == 422
    [refused] = one.json()["ticket"]
    assert (refused["id"], refused["cause"]) == (FROM_SUPPORT, "Received from support address")
    assert FROM_SUPPORT in suspended_ids(desk.zendesk)
    many = desk.zendesk.put("/api/v2/suspended_tickets/recover_many", params={"ids": f"{SPAM},{FROM_SUPPORT}"})
    assert many.status_code == 422
    body = many.json()
    assert [s["id"] for s in body["suspended_tickets"]] == [FROM_SUPPORT]
    assert [t["subject"] for t in body["tickets"]] == ["Boost your council website's SEO ranking today!!!"]
    assert suspended_ids(desk.zendesk) == [OUT_OF_OFFICE, FROM_SUPPORT]


def test_bulk_endpoints_take_at_most_100_ids(desk: Desk) -> None:
    ids = ",".join(str(70001 + n) for n in range(101))
    for method, path in (
        ("PUT", "/api/v2/suspended_tickets/recover_many"),
        ("DELETE", "/api/v2/suspended_tickets/destroy_many"),
    ):
        response = desk.zendesk.request(method, path, params={"ids": ids})
        assert response.status_code == 400
        assert response.json()["error"] == "TooManyValues"
        assert response.json()["max_count"] == 100
        assert desk.zendesk.request(method, path).status_code == 400  # ids is required
    assert len(suspended_ids(desk.zendesk)) == 3


def test_destroy_many_deletes_and_passes_over_unknown_ids(desk: Desk) -> None:
    response = desk.zendesk.delete(
        "/api/v2/suspended_tickets/destroy_many.json", params={"ids": f"{SPAM},{FROM_SUPPORT},99"}
    )
    assert response.status_code == 204
    assert response.content == b""
    assert suspended_ids(desk.zendesk) == [OUT_OF_OFFICE]
    assert desk.zendesk.delete("/api/v2/suspended_tickets/destroy_many", params={"ids": str(SPAM)}).status_code == 204
    assert desk.zendesk.delete(f"/api/v2/suspended_tickets/{SPAM}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("GET", "/api/v2/suspended_tickets", {}),
        ("GET", f"/api/v2/suspended_tickets/{SPAM}", {}),
        ("DELETE", f"/api/v2/suspended_tickets/{SPAM}", {}),
        ("PUT", f"/api/v2/suspended_tickets/{SPAM}/recover", {}),
        ("PUT", "/api/v2/suspended_tickets/recover_many", {"ids": str(SPAM)}),
        ("DELETE", "/api/v2/suspended_tickets/destroy_many", {"ids": str(SPAM)}),
    ],
)
def test_restricted_agents_get_403_and_unrestricted_agents_may(
    desk: Desk, method: str, path: str, params: dict[str, Any]
) -> None:
    priya = desk.as_agent("priya.shah@govpress.example").zendesk
    changed = desk.http.put("/_sandbox/users/priya.shah@govpress.example", json={"restricted": True})
    assert changed.json() == {"email": "priya.shah@govpress.example", "role": "agent", "restricted": True}
    me = priya.get("/api/v2/users/me").json()["user"]
    assert (me["restricted_agent"], me["ticket_restriction"]) == (True, "groups")
    refused = priya.request(method, path, params=params)
    assert refused.status_code == 403
    assert refused.json()["error"] == "Forbidden"
    assert (
        len(
            desk.as_agent("sam.okafor@govpress.example")
            .zendesk.get("/api/v2/suspended_tickets")
            .json()["suspended_tickets"]
        )
        == 3
    )
    desk.http.put("/_sandbox/users/priya.shah@govpress.example", json={"restricted": False})
    assert priya.request(method, path, params=params).status_code in (200, 204)


def test_the_control_api_checks_role_changes(desk: Desk) -> None:
    assert desk.http.put("/_sandbox/users/priya.shah@govpress.example", json={}).status_code == 400
    assert desk.http.put("/_sandbox/users/priya.shah@govpress.example", json={"restricted": "yes"}).status_code == 400
    assert desk.http.put("/_sandbox/users/nobody@govpress.example", json={"restricted": True}).status_code == 404
