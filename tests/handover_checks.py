"""Checks of a handover through the Zendesk API itself (in-process sandbox or served), shared by
the workflow, CLI and e2e handover tests. Each reads what a person would see in Zendesk afterwards."""

from __future__ import annotations

import time
from typing import Any

from tests.desk import Desk
from tests.seed_names import PRIYA, SAM, SECOND_LINE_NAME, TOM

HEADING = f"Handover from {SAM.name} to {TOM.name}"  # the first line of every handover note


def unsolved_in_2nd_line(desk: Desk) -> list[dict[str, Any]]:
    """Every unsolved 2nd line ticket, through the search export (no 1,000-result cap)."""
    return desk.export(f'group:"{SECOND_LINE_NAME}" status<solved')


def wait_job(desk: Desk, job: dict[str, Any]) -> dict[str, Any]:
    for _ in range(100):
        status = desk.get(f"/api/v2/job_statuses/{job['id']}")["job_status"]
        if status["status"] in ("completed", "failed", "killed"):
            return dict(status)
        time.sleep(0.01)
    raise AssertionError("job did not finish")


def give_sam(desk: Desk, count: int) -> list[int]:
    """Make Sam hold exactly `count` unsolved 2nd line tickets (moving others to or from Priya)."""
    unsolved = unsolved_in_2nd_line(desk)
    mine = [t["id"] for t in unsolved if t["assignee_id"] == SAM.id]
    others = [t["id"] for t in unsolved if t["assignee_id"] != SAM.id]
    if len(mine) < count:
        move, to = others[: count - len(mine)], SAM.id
        assert len(move) == count - len(mine), "not enough tickets in the sandbox"
    else:
        move, to = mine[count:], PRIYA.id
    for start in range(0, len(move), 100):
        chunk = move[start : start + 100]
        job = desk.zendesk.put(
            "/api/v2/tickets/update_many",
            params={"ids": ",".join(map(str, chunk))},
            json={"ticket": {"assignee_id": to}},
        ).json()["job_status"]
        done = wait_job(desk, job)
        assert all(r["success"] for r in done["results"]), done
    held = sorted(t["id"] for t in unsolved_in_2nd_line(desk) if t["assignee_id"] == SAM.id)
    assert len(held) == count
    return held


def assert_handed_over(
    desk: Desk, ids: list[int], *, texts: dict[int, str] | None = None, general: str | None = None
) -> None:
    """Every ticket is Tom's, with exactly one handover note from Sam (with the right text);
    Tom is in 2nd line and Sam is not."""
    current = desk.tickets(ids)
    assert {i: current[i]["assignee_id"] for i in ids} == dict.fromkeys(ids, TOM.id)
    for ticket_id in ids:
        notes = [n for n in desk.notes_by(ticket_id, SAM.id) if HEADING in n]
        expected = 1 if (texts and ticket_id in texts) or general else 0
        assert len(notes) == expected, (ticket_id, notes)
        if texts and ticket_id in texts:
            assert texts[ticket_id] in notes[0]
        if general and notes:
            assert general in notes[0]
    members = desk.members(desk.group_id(SECOND_LINE_NAME))
    assert TOM.id in members
    assert SAM.id not in members


def assert_still_sams(desk: Desk, ids: list[int]) -> None:
    """Nothing was handed over: every ticket is still Sam's."""
    assert all(t["assignee_id"] == SAM.id for t in desk.tickets(ids).values())
