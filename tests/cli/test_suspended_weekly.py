"""`suspended recover|delete` and `weekly-tasks take` through the CLI: plan, --yes, --dry-run,
a second run that does nothing, and the exit codes."""

from __future__ import annotations

from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import FREE_WEEKLY_TASK, FROM_SUPPORT, ME, OUT_OF_OFFICE, SPAM, TAKEN_WEEK_CARD, WEEK


def test_listing_stays_the_bare_command(cli: Invoke, desk: Desk) -> None:
    bare, listed = cli("--sandbox", "suspended", "--json"), cli("--sandbox", "suspended", "list", "--json")
    assert bare.code == listed.code == 0
    assert [t["id"] for t in bare.json()] == [t["id"] for t in listed.json()] == [FROM_SUPPORT, OUT_OF_OFFICE, SPAM]


def test_recover_plans_asks_and_says_each_new_ticket(cli: Invoke, desk: Desk) -> None:
    planned = cli("--sandbox", "suspended", "recover", SPAM, "--dry-run", "--json")
    assert planned.code == 0
    assert planned.json() == [
        {
            "id": SPAM,
            "result": "planned",
            "ticket_id": None,
            "ticket_url": None,
            "subject": "Boost your council website's SEO ranking today!!!",
            "message": None,
        }
    ]
    assert f"recover {SPAM}: Boost your council website's SEO ranking today!!!" in planned.stderr
    assert "(from offers@rank-boost.example; Detected as spam)" in planned.stderr
    refused = cli("--sandbox", "suspended", "recover", SPAM)
    assert refused.code == 2 and "pass --yes" in refused.stderr
    assert SPAM in desk.suspended()

    done = cli("--sandbox", "suspended", "recover", SPAM, "--yes", "--json")
    assert done.code == 0, done.stderr
    [record] = done.json()
    assert record["result"] == "recovered" and record["ticket_id"]
    assert f"✓ {SPAM} recovered: now ticket #{record['ticket_id']}" in done.stderr
    assert desk.ticket(record["ticket_id"])["subject"] == record["subject"]

    again = cli("--sandbox", "suspended", "recover", SPAM, "--yes", "--json")
    assert again.code == 0 and again.json()[0]["result"] == "not_suspended"
    assert f"{SPAM}: nothing to do" in again.stderr


def test_what_zendesk_will_not_recover_is_exit_1_alone_and_3_among_others(cli: Invoke, desk: Desk) -> None:
    alone = cli("--sandbox", "suspended", "recover", FROM_SUPPORT, "--yes")
    assert alone.code == 1
    assert f"error: suspended ticket {FROM_SUPPORT} was not recovered" in alone.stderr
    mixed = cli("--sandbox", "suspended", "recover", FROM_SUPPORT, OUT_OF_OFFICE, "--yes")
    assert mixed.code == 3
    assert f"✗ {FROM_SUPPORT} not recovered: Zendesk would not recover it (Received from support address)" in (
        mixed.stderr
    )
    assert sorted(desk.suspended()) == sorted([FROM_SUPPORT, SPAM])


def test_delete_and_a_restricted_agent(cli: Invoke, desk: Desk) -> None:
    assert cli("--sandbox", "suspended", "delete", "seventy").code == 2
    done = cli("--sandbox", "suspended", "delete", SPAM, "--yes")
    assert done.code == 0 and f"✓ {SPAM} deleted" in done.stderr
    assert SPAM not in desk.suspended()
    desk.set_role(ME.email, "agent")
    desk.restrict(ME.email)
    denied = cli("--sandbox", "suspended", "delete", FROM_SUPPORT, "--yes")
    assert denied.code == 4
    assert "error: Zendesk does not let you manage suspended tickets (403)" in denied.stderr


def test_weekly_tasks_take_plans_joins_moves_and_is_safe_twice(cli: Invoke, desk: Desk) -> None:
    listed = cli("--sandbox", "weekly-tasks", "--json")
    assert FREE_WEEKLY_TASK in [t["name"] for t in listed.json()]
    planned = cli("--sandbox", "weekly-tasks", "take", "backups", "--dry-run")
    assert planned.code == 0
    assert "join the card as Sam Okafor" in planned.stderr
    assert "move it from 'Weekly tasks' to 'Doing'" in planned.stderr
    assert not desk.on_board(WEEK)

    taken = cli("--sandbox", "weekly-tasks", "take", "backups", "--yes", "--json")
    assert taken.code == 0, taken.stderr
    record = taken.json()
    assert (record["name"], record["list"], record["members"], record["result"]) == (
        FREE_WEEKLY_TASK,
        "Doing",
        ["Sam Okafor"],
        "taken",
    )
    again = cli("--sandbox", "weekly-tasks", "take", FREE_WEEKLY_TASK, "--yes")
    assert again.code == 0 and "you already have 'Check backups completed' (Doing): nothing to do" in again.stderr


def test_a_task_someone_else_took_is_exit_5_unless_forced(cli: Invoke, desk: Desk) -> None:
    refused = cli("--sandbox", "weekly-tasks", "take", TAKEN_WEEK_CARD, "--yes")
    assert refused.code == 5
    assert "is already taken by Morgan Lee" in refused.stderr
    forced = cli("--sandbox", "weekly-tasks", "take", TAKEN_WEEK_CARD, "--yes", "--force", "--json")
    assert forced.code == 0, forced.stderr
    assert sorted(forced.json()["members"]) == ["Morgan Lee", "Sam Okafor"]
