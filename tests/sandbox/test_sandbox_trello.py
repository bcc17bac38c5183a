"""The sandbox's Trello API, driven in-process through httpx."""

from __future__ import annotations

from typing import Any

import httpx

from govpress_support.sandbox import TRELLO_KEY, TRELLO_URL, ZENDESK_URL
from tests.desk import Desk
from tests.seed_names import BACKLOG, MORGAN, SEED, TEMPLATE, WEEK

from .conftest import Clock

# --- auth and errors -----------------------------------------------------------------------------


def test_auth_errors_are_plain_text(desk: Desk) -> None:
    bare = httpx.Client(transport=desk.transport(), base_url=TRELLO_URL)
    for params, text in (
        ({}, "invalid key"),
        ({"key": "nope", "token": "sandbox-token"}, "invalid key"),
        ({"key": TRELLO_KEY}, "invalid token"),
        ({"key": TRELLO_KEY, "token": "nope"}, "invalid token"),
    ):
        response = bare.get("/members/me", params=params)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == text
    oauth = bare.get(
        "/members/me",
        headers={"Authorization": f'OAuth oauth_consumer_key="{TRELLO_KEY}", oauth_token="sandbox-token"'},
    )
    assert oauth.status_code == 200
    assert oauth.json()["username"] == "samokafor"


def test_ids_not_found_and_get_with_a_body(desk: Desk) -> None:
    malformed = desk.trello.get("/cards/not-an-id!")
    assert (malformed.status_code, malformed.text) == (400, "invalid id")
    unknown = desk.trello.get("/cards/aaaaaaaaaaaaaaaaaaaaaaaa")
    assert (unknown.status_code, unknown.text) == (404, "The requested resource was not found.")
    assert desk.trello.get("/boards/zzzzzzzz").status_code == 404
    cdn = desk.trello.request("GET", f"/boards/{BACKLOG}", content=b'{"fields": "name"}')
    assert cdn.status_code == 403
    assert cdn.headers["content-type"].startswith("text/html")
    assert "<HTML>" in cdn.text
    missing = desk.trello.post("/cards", params={"name": "No list"})
    assert missing.status_code == 400
    assert missing.json() == {"message": "invalid value for idList", "error": "ERROR"}


def test_members(desk: Desk) -> None:
    me = desk.trello.get("/members/me").json()
    assert (me["username"], me["fullName"], me["email"]) == (
        "samokafor",
        "Sam Okafor",
        "sam.okafor@govpress.example",
    )
    assert me["idBoards"] == []
    assert len(me["id"]) == 24
    priya = desk.trello.get("/members/priyashah").json()
    assert priya["fullName"] == "Priya Shah"
    assert len(priya["idBoards"]) == 2
    assert priya["email"] is None  # only visible to the member themself
    assert desk.trello.get(f"/members/{priya['id']}").json()["username"] == "priyashah"


# --- boards and cards ----------------------------------------------------------------------------


def test_boards_lists_labels_and_members(desk: Desk) -> None:
    board = desk.trello.get(f"/boards/{BACKLOG}").json()
    assert board["name"] == "GovPress Support and Maintenance Backlog"
    assert board["shortLink"] == BACKLOG
    assert board["url"].startswith(f"https://trello.com/b/{BACKLOG}/")
    assert board["prefs"]["permissionLevel"] == "org"
    assert desk.trello.get(f"/boards/{board['id']}").json()["id"] == board["id"]
    assert list(desk.lists(BACKLOG)) == ["Backlog", "Ready", "In progress", "Blocked", "Done"]
    assert list(desk.lists(WEEK)) == ["Weekly tasks", "This week", "Doing", "Done"]
    assert {"Bug", "Styling", "Plugin", "Urgent"} <= {
        lab["name"] for lab in desk.trello.get(f"/boards/{BACKLOG}/labels").json()
    }
    members = {m["username"] for m in desk.trello.get(f"/boards/{BACKLOG}/members").json()}
    assert members == {"priyashah", "morganlee", "adebello"}
    memberships = desk.trello.get(f"/boards/{WEEK}/memberships").json()
    assert {m["memberType"] for m in memberships} == {"admin", "normal"}
    assert all({"id", "idMember", "unconfirmed", "deactivated"} <= set(m) for m in memberships)


def test_backlog_cards_link_to_their_tickets(desk: Desk) -> None:
    cards = desk.trello.get(f"/boards/{BACKLOG}/cards", params={"attachments": "true"}).json()
    ticket_cards = [c for c in cards if c["name"].startswith("#")]
    assert len(ticket_cards) >= 9
    for card in ticket_cards:
        number = card["name"].split()[0][1:]
        assert [a["url"] for a in card["attachments"]] == [f"{ZENDESK_URL}/agent/tickets/{number}"]
        assert card["badges"]["attachments"] == 1
        assert card["shortUrl"] == f"https://trello.com/c/{card['shortLink']}"
        assert card["url"].startswith(f"{card['shortUrl']}/{card['idShort']}-")
    assert all(not c["closed"] for c in cards)
    archived = desk.trello.get(f"/boards/{BACKLOG}/cards/closed").json()
    assert archived
    assert all(c["closed"] for c in archived)
    everything = desk.trello.get(f"/boards/{BACKLOG}/cards/all").json()
    assert len(everything) == len(cards) + len(archived)
    assert "attachments" not in desk.trello.get(f"/boards/{BACKLOG}/cards").json()[0]


def test_template_card_and_weekly_tasks(desk: Desk) -> None:
    template = desk.trello.get(f"/cards/{TEMPLATE}", params={"checklists": "all"}).json()
    assert template["name"] == "Add a new developer to the support rota (copy me!)"
    assert template["url"] == f"https://trello.com/c/{TEMPLATE}/207-add-a-new-developer-to-the-support-rota-copy-me"
    assert "1Password" in template["desc"]
    assert template["checklists"][0]["checkItems"]
    weekly = desk.trello.get(f"/lists/{desk.lists(WEEK)['Weekly tasks']}/cards").json()
    assert len(weekly) == 5
    assert all("\n" in c["desc"] for c in weekly)
    assert any(c["due"] for c in weekly)
    assert any(not c["due"] for c in weekly)


def test_writes_need_board_membership(desk: Desk) -> None:
    morgan = desk.as_agent(MORGAN.email).trello
    backlog = desk.lists(BACKLOG)["Backlog"]
    refused = desk.trello.post("/cards", params={"idList": backlog, "name": "Sam's first card"})
    assert (refused.status_code, refused.text) == (401, "unauthorized permission requested")
    tom = desk.trello.get("/members/tomhughes").json()["id"]
    others = desk.trello.put(f"/boards/{BACKLOG}/members/{tom}", params={"type": "normal"})
    assert others.status_code == 401  # only a board admin adds somebody else
    me = desk.trello.get("/members/me").json()["id"]
    as_admin = desk.trello.put(f"/boards/{BACKLOG}/members/{me}", params={"type": "admin"})
    assert as_admin.status_code == 401
    joined = desk.trello.put(f"/boards/{BACKLOG}/members/{me}", params={"type": "normal"})
    assert joined.status_code == 200
    body = joined.json()
    assert me in {m["id"] for m in body["members"]}
    assert me in {m["idMember"] for m in body["memberships"]}
    assert desk.trello.get("/members/me").json()["idBoards"] == [body["id"]]
    assert desk.trello.post("/cards", params={"idList": backlog, "name": "Sam's first card"}).status_code == 200
    added = morgan.put(f"/boards/{BACKLOG}/members/{tom}", params={"type": "normal"})
    assert added.status_code == 200
    assert tom in {m["id"] for m in added.json()["members"]}
    invited = morgan.put(f"/boards/{WEEK}/members", params={"email": "new.starter@govpress.example"})
    new = [m for m in invited.json()["memberships"] if m["unconfirmed"]]
    assert invited.status_code == 200
    assert len(new) == 1


def test_create_card_with_url_source_labels_and_position(desk: Desk) -> None:
    desk.join(BACKLOG)
    ready = desk.lists(BACKLOG)["Ready"]
    bug = next(lab["id"] for lab in desk.trello.get(f"/boards/{BACKLOG}/labels").json() if lab["name"] == "Bug")
    link = f"{ZENDESK_URL}/agent/tickets/{SEED.breached_urgent}"
    response = desk.trello.post(
        "/cards",
        data={
            "idList": ready,
            "name": f"#{SEED.breached_urgent} Contact form broken",
            "desc": "From Zendesk",
            "urlSource": link,
            "idLabels": bug,
            "pos": "top",
            "due": "2026-12-01T09:00:00Z",
        },
    )
    assert response.status_code == 200
    card = response.json()
    assert len(card["id"]) == 24
    assert len(card["shortLink"]) == 8
    assert card["idList"] == ready
    assert card["labels"][0]["name"] == "Bug"
    assert card["due"] == "2026-12-01T09:00:00.000Z"
    assert [a["url"] for a in card["attachments"]] == [link]
    first = desk.trello.get(f"/lists/{ready}/cards").json()[0]
    assert first["id"] == card["id"]  # pos=top
    again = desk.trello.get(f"/cards/{card['shortLink']}", params={"attachments": "true", "members": "true"}).json()
    assert again["badges"]["attachments"] == 1
    assert again["members"] == []
    assert (
        again["url"]
        == f"https://trello.com/c/{card['shortLink']}/{card['idShort']}-{SEED.breached_urgent}-contact-form-broken"
    )


def test_copy_the_template_card(desk: Desk) -> None:
    desk.join(BACKLOG)
    backlog = desk.lists(BACKLOG)["Backlog"]
    template = desk.trello.get(f"/cards/{TEMPLATE}", params={"checklists": "all"}).json()
    copy = desk.trello.post(
        "/cards",
        json={
            "idList": backlog,
            "idCardSource": template["id"],
            "keepFromSource": "checklists",
            "name": "Add Sam Okafor to the support rota",
        },
    ).json()
    assert copy["name"] == "Add Sam Okafor to the support rota"
    assert copy["desc"] == template["desc"]
    assert copy["id"] != template["id"]
    assert copy["idMembers"] == []
    copied = desk.trello.get(f"/cards/{copy['id']}", params={"checklists": "all"}).json()["checklists"]
    assert [i["name"] for i in copied[0]["checkItems"]] == [i["name"] for i in template["checklists"][0]["checkItems"]]
    assert copied[0]["id"] != template["checklists"][0]["id"]
    full = desk.trello.post("/cards", params={"idList": backlog, "idCardSource": TEMPLATE}).json()
    assert full["name"] == template["name"]
    assert full["idMembers"] == template["idMembers"]
    bad = desk.trello.post(
        "/cards",
        params={"idList": backlog, "idCardSource": TEMPLATE, "keepFromSource": "everything"},
    )
    assert bad.status_code == 400


def test_attachments_members_comments_and_updates(desk: Desk) -> None:
    desk.join(BACKLOG)
    board = desk.lists(BACKLOG)
    card = desk.trello.post("/cards", params={"idList": board["Backlog"], "name": "Work"}).json()
    attached = desk.trello.post(
        f"/cards/{card['id']}/attachments", params={"url": "https://example.org/x", "name": "X"}
    )
    assert attached.status_code == 200
    assert isinstance(attached.json(), dict)
    assert attached.json()["name"] == "X"
    assert [a["url"] for a in desk.trello.get(f"/cards/{card['id']}/attachments").json()] == ["https://example.org/x"]
    assert desk.trello.post(f"/cards/{card['id']}/attachments", params={"url": "not a url"}).status_code == 400
    me = desk.trello.get("/members/me").json()["id"]
    members = desk.trello.post(f"/cards/{card['id']}/idMembers", params={"value": me}).json()
    assert [m["id"] for m in members] == [me]
    comment = desk.trello.post(f"/cards/{card['id']}/actions/comments", params={"text": "Started on staging"})
    action = comment.json()
    assert action["type"] == "commentCard"
    assert action["data"]["text"] == "Started on staging"
    assert action["data"]["card"]["id"] == card["id"]
    assert action["idMemberCreator"] == me
    desk.trello.post(f"/cards/{card['id']}/actions/comments", params={"text": "Deployed"})
    texts = [
        a["data"]["text"]
        for a in desk.trello.get(f"/cards/{card['id']}/actions", params={"filter": "commentCard"}).json()
    ]
    assert texts == ["Deployed", "Started on staging"]
    moved = desk.trello.put(
        f"/cards/{card['id']}",
        params={"idList": board["Done"], "name": "Work (done)", "closed": "true"},
    ).json()
    assert (moved["idList"], moved["name"], moved["closed"]) == (board["Done"], "Work (done)", True)
    assert moved["badges"]["comments"] == 2
    assert moved["badges"]["attachments"] == 1


def test_search_index_lags_a_minute(desk: Desk, clock: Clock) -> None:
    desk.join(BACKLOG)
    backlog = desk.lists(BACKLOG)["Backlog"]
    card = desk.trello.post("/cards", params={"idList": backlog, "name": "Zebra crossing styles"}).json()

    def found() -> list[str]:
        data: dict[str, Any] = desk.trello.get(
            "/search",
            params={
                "query": "zebra",
                "modelTypes": "cards",
                "idBoards": card["idBoard"],
                "cards_limit": 10,
            },
        ).json()
        assert set(data) >= {"options", "cards", "boards", "members", "organizations"}
        return [c["id"] for c in data["cards"]]

    assert found() == []
    clock.advance(seconds=30)
    assert found() == []
    clock.advance(seconds=31)
    assert found() == [card["id"]]
    seeded = desk.trello.get("/search", params={"query": "security advisories", "modelTypes": "cards"}).json()
    assert "Check plugin security advisories" in [c["name"] for c in seeded["cards"]]


def test_token_and_members_rate_limits(desk: Desk, clock: Clock) -> None:
    morgan = desk.as_agent(MORGAN.email).trello
    for _ in range(100):
        assert desk.trello.get(f"/boards/{BACKLOG}").status_code == 200
    refused = desk.trello.get(f"/boards/{BACKLOG}")
    assert refused.status_code == 429
    assert refused.json() == {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
    assert refused.headers["x-rate-limit-api-token-remaining"] == "0"
    assert "retry-after" not in refused.headers
    assert morgan.get(f"/boards/{BACKLOG}").status_code == 200  # another token has its own budget
    clock.advance(seconds=10)
    assert desk.trello.get(f"/boards/{BACKLOG}").status_code == 200
    clock.advance(seconds=10)
    for n in range(100):
        if n % 90 == 89:
            clock.advance(seconds=10)  # stay inside the per-token window
        assert morgan.get("/members/me").status_code == 200
    assert morgan.get("/members/me").status_code == 429  # 100 per 900 s on /1/members/*
    assert morgan.get(f"/boards/{BACKLOG}").status_code == 200
