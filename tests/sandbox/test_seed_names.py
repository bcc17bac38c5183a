"""tests/seed_names.py against the seed and a running sandbox: every ticket name keeps its promise
(PROMISES), and names the ticket the sandbox really has under that number."""

from __future__ import annotations

from govpress_support.sandbox import seed_data
from tests.desk import Desk
from tests.seed_names import BY_KEY, PROMISES, SEED, named, seed_key


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
