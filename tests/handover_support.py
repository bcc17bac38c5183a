"""Checks of a handover through the Zendesk API itself (in-process sandbox or served), shared by
the CLI and e2e handover tests. Each reads what a person would see in Zendesk afterwards."""

from __future__ import annotations

import time
from typing import Any

import httpx

SECOND_LINE = "GovPress 2nd line support"
SAM = "sam.okafor@govpress.example"
TOM = "tom.hughes@govpress.example"
PRIYA = "priya.shah@govpress.example"


def user(api: httpx.Client, email: str) -> dict[str, Any]:
    found = api.get("/api/v2/users/search", params={"query": email}).json()["users"]
    matches = [u for u in found if u["email"] == email]
    assert matches, email
    return dict(matches[0])


def group_id(api: httpx.Client, name: str = SECOND_LINE) -> int:
    groups = api.get("/api/v2/groups").json()["groups"]
    return int(next(g["id"] for g in groups if g["name"] == name))


def members(api: httpx.Client, gid: int) -> set[int]:
    data = api.get(f"/api/v2/groups/{gid}/memberships").json()
    return {int(m["user_id"]) for m in data["group_memberships"]}


def tickets(api: httpx.Client, ids: list[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 100):
        chunk = ids[start : start + 100]
        data = api.get("/api/v2/tickets/show_many", params={"ids": ",".join(map(str, chunk))}).json()
        found.update({int(t["id"]): t for t in data["tickets"]})
    return found


def unsolved_in_group(api: httpx.Client) -> list[dict[str, Any]]:
    """Every unsolved 2nd line ticket, through the search export (no 1,000-result cap)."""
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {
        "query": f'group:"{SECOND_LINE}" status<solved',
        "filter[type]": "ticket",
        "page[size]": 100,
    }
    while True:
        body = api.get("/api/v2/search/export", params=params).json()
        found += body["results"]
        if not body["meta"]["has_more"]:
            return found
        params["page[after]"] = body["meta"]["after_cursor"]


def notes_on(api: httpx.Client, ticket_id: int, author_id: int) -> list[str]:
    """The internal notes an author left on a ticket."""
    bodies: list[str] = []
    params: dict[str, Any] = {"page[size]": 100}
    while True:
        body = api.get(f"/api/v2/tickets/{ticket_id}/comments", params=params).json()
        bodies += [c["body"] for c in body["comments"] if not c["public"] and c["author_id"] == author_id]
        if not body.get("meta", {}).get("has_more"):
            return bodies
        params["page[after]"] = body["meta"]["after_cursor"]


def wait_job(api: httpx.Client, job: dict[str, Any]) -> dict[str, Any]:
    for _ in range(100):
        status = api.get(f"/api/v2/job_statuses/{job['id']}").json()["job_status"]
        if status["status"] in ("completed", "failed", "killed"):
            return dict(status)
        time.sleep(0.01)
    raise AssertionError("job did not finish")


def give_sam(api: httpx.Client, count: int) -> list[int]:
    """Make Sam hold exactly `count` unsolved 2nd line tickets (moving others to or from Priya)."""
    sam, priya = user(api, SAM)["id"], user(api, PRIYA)["id"]
    unsolved = unsolved_in_group(api)
    mine = [t["id"] for t in unsolved if t["assignee_id"] == sam]
    others = [t["id"] for t in unsolved if t["assignee_id"] != sam]
    if len(mine) < count:
        move, to = others[: count - len(mine)], sam
        assert len(move) == count - len(mine), "not enough tickets in the sandbox"
    else:
        move, to = mine[count:], priya
    for start in range(0, len(move), 100):
        chunk = move[start : start + 100]
        job = api.put(
            "/api/v2/tickets/update_many",
            params={"ids": ",".join(map(str, chunk))},
            json={"ticket": {"assignee_id": to}},
        ).json()["job_status"]
        done = wait_job(api, job)
        assert all(r["success"] for r in done["results"]), done
    held = sorted(t["id"] for t in unsolved_in_group(api) if t["assignee_id"] == sam)
    assert len(held) == count
    return held


def assert_handed_over(
    api: httpx.Client, ids: list[int], *, texts: dict[int, str] | None = None, general: str | None = None
) -> None:
    """Every ticket is Tom's, with exactly one handover note from Sam (with the right text);
    Tom is in 2nd line and Sam is not."""
    sam, tom = user(api, SAM)["id"], user(api, TOM)["id"]
    current = tickets(api, ids)
    assert {i: current[i]["assignee_id"] for i in ids} == dict.fromkeys(ids, tom)
    for ticket_id in ids:
        notes = [n for n in notes_on(api, ticket_id, sam) if "Handover from Sam Okafor to Tom Hughes" in n]
        expected = 1 if (texts and ticket_id in texts) or general else 0
        assert len(notes) == expected, (ticket_id, notes)
        if texts and ticket_id in texts:
            assert texts[ticket_id] in notes[0]
        if general and notes:
            assert general in notes[0]
    gid = group_id(api)
    assert tom in members(api, gid)
    assert sam not in members(api, gid)
