"""tests/seed_names.py against the seed and a running sandbox: every ticket name keeps its promise
(PROMISES), and names the ticket the sandbox really has under that number."""

from __future__ import annotations

from govpress_support.sandbox import seed_data
from tests.desk import Desk
from tests.seed_names import (
    BY_KEY,
    FREE_WEEKLY_TASK,
    FROM_SUPPORT,
    OUT_OF_OFFICE,
    OUT_OF_OFFICE_TICKET,
    PROMISES,
    SEED,
    SPAM,
    TAKEN_WEEK_CARD,
    WEEK,
    named,
    seed_key,
)


def test_every_seeded_name_says_what_its_ticket_or_person_is(desk: Desk) -> None:
    names = named()
    assert set(names) == set(PROMISES), "every ticket name on SEED has a promise, and every promise a name"
    broken = [name for name, ticket_id in names.items() if not PROMISES[name](BY_KEY[seed_key(ticket_id)])]
    assert broken == []

    live = desk.tickets(sorted({*names.values(), *SEED.unsolved}))
    for name, ticket_id in names.items():
        seeded = BY_KEY[seed_key(ticket_id)]
        found = live[ticket_id]
        assert (found["subject"], found["status"], found["group_id"], found["assignee_id"]) == (
            seeded.subject,
            seeded.status,
            seeded.group,
            seeded.assignee,
        ), name
    assert all(live[i]["status"] not in ("solved", "closed") for i in SEED.unsolved)
    assert len(SEED.unsolved) == sum(t.status not in ("solved", "closed") for t in seed_data.TICKETS)

    for agent in seed_data.AGENTS:
        user = desk.user(agent.email)
        assert (user["id"], user["name"]) == (agent.id, agent.name)


def test_the_suspended_and_weekly_names_are_what_the_sandbox_has(desk: Desk) -> None:
    listed = {t["id"]: t for t in desk.get("/api/v2/suspended_tickets")["suspended_tickets"]}
    assert listed[SPAM]["cause"] == "Detected as spam" and listed[SPAM]["ticket_id"] is None
    assert listed[OUT_OF_OFFICE]["ticket_id"] == OUT_OF_OFFICE_TICKET
    assert listed[FROM_SUPPORT]["cause"] == "Received from support address"
    cards = {c["name"]: c for c in desk.cards(WEEK)}
    lists = {v: k for k, v in desk.lists(WEEK).items()}
    assert lists[cards[FREE_WEEKLY_TASK]["idList"]] == "Weekly tasks" and cards[FREE_WEEKLY_TASK]["idMembers"] == []
    assert lists[cards[TAKEN_WEEK_CARD]["idList"]] == "Doing" and cards[TAKEN_WEEK_CARD]["idMembers"]
