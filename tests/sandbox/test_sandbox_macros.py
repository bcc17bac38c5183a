"""Macros in the sandbox's Zendesk: listing (active, all, search, one) with Zendesk's shapes,
pagination and visibility, and applying one to a ticket (which changes nothing)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.desk import Desk
from tests.seed_names import SAM, SEED

BELIEVED_SOLVED, MORE_DETAIL, SCOPING, SOLVED, SAMS, PRIYAS, RETIRED = range(360090001, 360090008)
CONTACT_FORM = SEED.breached_urgent  # requester Hannah Price, 2nd line, assigned to Sam
SCOPING_GROUP, PENDING_BELIEVED_SOLVED = 360004, 1260000006


def titles(body: dict[str, Any]) -> list[str]:
    return [m["title"] for m in body["macros"]]


def get(zd: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    response = zd.get(path, params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_active_macros_are_the_shared_and_my_personal_ones_alphabetically(desk: Desk) -> None:
    body = get(desk.zendesk, "/api/v2/macros/active")
    assert titles(body) == [
        "Ask for more detail",
        "Pending believed solved",
        "Sam: chase for sign-off",
        "Scoped: moving to scoping",
        "Solved: thanks for confirming",
    ]
    assert (body["count"], body["next_page"], body["previous_page"]) == (5, None, None)
    macro = next(m for m in body["macros"] if m["id"] == BELIEVED_SOLVED)
    assert set(macro) >= {
        "url",
        "id",
        "title",
        "active",
        "actions",
        "restriction",
        "description",
        "position",
        "created_at",
        "updated_at",
    }
    assert macro["url"] == f"https://sandbox.zendesk.invalid/api/v2/macros/{BELIEVED_SOLVED}.json"
    assert macro["restriction"] is None
    assert macro["active"] is True
    assert {"field": "custom_status_id", "value": str(PENDING_BELIEVED_SOLVED)} in macro["actions"]
    assert all(set(a) == {"field", "value"} for a in macro["actions"])
    sams = next(m for m in body["macros"] if m["id"] == SAMS)
    assert sams["restriction"] == {"type": "User", "id": SAM.id}
    scoping = next(m for m in body["macros"] if m["id"] == SCOPING)
    assert scoping["restriction"] == {"type": "Group", "id": 360001, "ids": [360001, 360003]}


def test_active_macros_page_by_offset_and_by_cursor(desk: Desk) -> None:
    first = get(desk.zendesk, "/api/v2/macros/active", per_page=2)
    assert len(first["macros"]) == 2
    assert first["count"] == 5
    second = desk.zendesk.get(first["next_page"]).json()
    assert titles(second) == ["Sam: chase for sign-off", "Scoped: moving to scoping"]
    walked: list[str] = []
    params: dict[str, Any] = {"page[size]": 2}
    while True:
        page = get(desk.zendesk, "/api/v2/macros/active", **params)
        walked.extend(titles(page))
        assert page["links"]["next"]  # never null, even on the last page
        if not page["meta"]["has_more"]:
            break
        params["page[after]"] = page["meta"]["after_cursor"]
    assert walked == titles(get(desk.zendesk, "/api/v2/macros/active"))
    assert desk.zendesk.get("/api/v2/macros/active", params={"page[size]": 101}).status_code == 400


def test_others_see_their_own_personal_macros_and_their_groups_macros(desk: Desk) -> None:
    priya = titles(get(desk.as_agent("priya.shah@govpress.example").zendesk, "/api/v2/macros/active"))
    assert "Priya: deployed, watching logs" in priya
    assert "Sam: chase for sign-off" not in priya
    assert "Scoped: moving to scoping" in priya  # 2nd line is one of its groups
    tom = desk.as_agent("tom.hughes@govpress.example").zendesk
    assert "Scoped: moving to scoping" not in titles(get(tom, "/api/v2/macros/active"))
    assert tom.get(f"/api/v2/macros/{SAMS}").status_code == 404
    assert tom.get(f"/api/v2/tickets/{CONTACT_FORM}/macros/{SCOPING}/apply").status_code == 404


def test_all_macros_for_an_admin_and_filters(desk: Desk) -> None:
    every = get(desk.zendesk, "/api/v2/macros", sort_by="position")
    assert [m["id"] for m in every["macros"]] == [BELIEVED_SOLVED, MORE_DETAIL, SCOPING, SOLVED, SAMS, PRIYAS, RETIRED]
    assert titles(get(desk.zendesk, "/api/v2/macros", active="false")) == ["Escalate to Helpful hosting (retired)"]
    assert titles(get(desk.zendesk, "/api/v2/macros", access="personal")) == ["Sam: chase for sign-off"]
    assert len(get(desk.zendesk, "/api/v2/macros", access="agents")["macros"]) == 2
    assert len(get(desk.zendesk, "/api/v2/macros", access="account")["macros"]) == 4
    newest = get(desk.zendesk, "/api/v2/macros", sort_by="created_at")["macros"][0]
    assert newest["id"] == PRIYAS  # created_at sorts newest first unless asked otherwise
    priya = desk.as_agent("priya.shah@govpress.example").zendesk
    assert SAMS not in [m["id"] for m in get(priya, "/api/v2/macros")["macros"]]
    assert priya.get("/api/v2/macros", params={"access": "agents"}).status_code == 403
    assert get(priya, "/api/v2/macros", group_id=360003)["macros"][0]["id"] == SCOPING


def test_show_and_search(desk: Desk) -> None:
    shown = get(desk.zendesk, f"/api/v2/macros/{RETIRED}.json")["macro"]
    assert (shown["id"], shown["active"]) == (RETIRED, False)
    assert desk.zendesk.get("/api/v2/macros/999").json() == {"error": "RecordNotFound", "description": "Not found"}
    found = get(desk.zendesk, "/api/v2/macros/search", query="SOLVED")
    assert titles(found) == ["Pending believed solved", "Solved: thanks for confirming"]
    assert {"next_page", "previous_page", "count"} <= set(found)
    offset_only = get(desk.zendesk, "/api/v2/macros/search", query="s", **{"page[size]": 1})
    assert "meta" not in offset_only
    missing = desk.zendesk.get("/api/v2/macros/search")
    assert missing.status_code == 400


# --- applying ------------------------------------------------------------------------------------


def snapshot(zd: httpx.Client, control: httpx.Client, ticket_id: int) -> tuple[Any, ...]:
    return (
        zd.get(f"/api/v2/tickets/{ticket_id}", params={"include": "slas"}).json(),
        zd.get(f"/api/v2/tickets/{ticket_id}/comments").json(),
        control.get("/_sandbox/emails").json(),
    )


@pytest.mark.parametrize("suffix", [".json", ""])
def test_apply_answers_the_changes_and_the_rendered_comment_and_changes_nothing(desk: Desk, suffix: str) -> None:
    before = snapshot(desk.zendesk, desk.http, CONTACT_FORM)
    response = desk.zendesk.get(f"/api/v2/tickets/{CONTACT_FORM}/macros/{BELIEVED_SOLVED}/apply{suffix}")
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["ticket"] == {
        "id": CONTACT_FORM,
        "url": f"https://sandbox.zendesk.invalid/api/v2/tickets/{CONTACT_FORM}.json",
        "custom_status_id": PENDING_BELIEVED_SOLVED,
    }
    comment = result["comment"]
    assert set(comment) == {"body", "html_body", "scoped_body", "public"}
    assert comment["public"] is True
    assert comment["body"].startswith("Hi Hannah,\n\nWe believe this is now fixed.")
    assert comment["body"].endswith("Thanks,\nSam\nGovPress Support")
    assert "{{" not in comment["body"]
    assert comment["scoped_body"] == [["channel:all", comment["body"]]]
    assert comment["html_body"].startswith('<div class="zd-comment" dir="auto"><p>Hi Hannah,</p>')
    assert snapshot(desk.zendesk, desk.http, CONTACT_FORM) == before


def test_apply_renders_the_title_and_adds_tags_and_internal_notes(desk: Desk) -> None:
    detail = get(desk.zendesk, f"/api/v2/tickets/{CONTACT_FORM}/macros/{MORE_DETAIL}/apply")["result"]
    assert detail["ticket"]["status"] == "pending"
    assert '"Contact form on the Get in touch page no longer sends emails"' in detail["comment"]["body"]
    scoped = get(desk.zendesk, f"/api/v2/tickets/{CONTACT_FORM}/macros/{SCOPING}/apply")["result"]
    assert scoped["ticket"]["group_id"] == SCOPING_GROUP
    current = desk.zendesk.get(f"/api/v2/tickets/{CONTACT_FORM}").json()["ticket"]["tags"]
    assert scoped["ticket"]["tags"] == [*current, "scoping"]
    assert scoped["comment"]["public"] is False


def test_apply_then_one_update_does_what_the_macro_says(desk: Desk) -> None:
    result = get(desk.zendesk, f"/api/v2/tickets/{CONTACT_FORM}/macros/{BELIEVED_SOLVED}/apply.json")["result"]
    change = {k: v for k, v in result["ticket"].items() if k not in ("id", "url")}
    current = desk.zendesk.get(f"/api/v2/tickets/{CONTACT_FORM}").json()["ticket"]
    update = {
        **change,
        "comment": {"body": result["comment"]["body"], "public": result["comment"]["public"]},
        "safe_update": True,
        "updated_stamp": current["updated_at"],
    }
    after = desk.zendesk.put(f"/api/v2/tickets/{CONTACT_FORM}", json={"ticket": update}).json()["ticket"]
    assert (after["status"], after["custom_status_id"]) == ("pending", PENDING_BELIEVED_SOLVED)
    [email] = desk.http.get("/_sandbox/emails").json()["emails"]
    assert email["body"] == result["comment"]["body"]


def test_apply_without_custom_statuses_drops_that_action_and_refuses_unknowns(desk: Desk) -> None:
    desk.app.settings.custom_statuses = False
    result = get(desk.zendesk, f"/api/v2/tickets/{CONTACT_FORM}/macros/{BELIEVED_SOLVED}/apply")["result"]
    assert "custom_status_id" not in result["ticket"]
    assert desk.zendesk.get(f"/api/v2/tickets/999999/macros/{BELIEVED_SOLVED}/apply").status_code == 404
    assert desk.zendesk.get(f"/api/v2/tickets/{CONTACT_FORM}/macros/1/apply").status_code == 404


def test_someone_elses_personal_macro_cannot_be_applied(desk: Desk) -> None:
    assert desk.zendesk.get(f"/api/v2/macros/{PRIYAS}").status_code == 200  # an admin sees it
    assert desk.zendesk.get(f"/api/v2/tickets/{CONTACT_FORM}/macros/{PRIYAS}/apply").status_code == 404
