"""A rota day without the Zendesk web UI, as a shell script would work it, against `sandbox serve`:
read the queue, answer the most urgent ticket (its next reply SLA is then achieved, as Zendesk does
on a public agent reply), apply a macro, set a client's deadline, recover a suspended ticket, take
a weekly task. Every step is checked afterwards through the APIs, and nothing opens a browser (the
tests' BROWSER records every URL it is given)."""

from __future__ import annotations

from collections.abc import Callable

from tests.desk import DeskAt
from tests.e2e.conftest import RunCli, Serve
from tests.seed_names import FREE_WEEKLY_TASK, ME, SEED, SPAM, WEEK

REPLY = "Hello, we have found the cause and deployed a fix this morning. Could you check it works for you?"
DETAIL = "A screenshot of the search results page would help most."
TASK = SEED.mine_task_with_due  # "Update Yoast SEO and re-test the XML sitemap"


def test_a_whole_rota_day_from_the_terminal(
    serve: Serve, run_cli: RunCli, desk_at: DeskAt, opened: Callable[[], list[str]]
) -> None:
    server = serve()
    desk = desk_at(server.url)

    # 1. The queue, most urgent first.
    queue = run_cli(server, "queue", "--json")
    assert queue.code == 0, queue.stderr
    first = queue.json()[0]
    assert first["sla_urgency"] == "breached" and first["sla_metric"] == "next_reply_time"
    urgent = first["id"]

    # 2. Answer it, and set it pending: one guarded update, emailed to the requester.
    plan = run_cli(server, "reply", str(urgent), REPLY, "--status", "pending", "--dry-run")
    assert plan.code == 0 and "PUBLIC reply, emailed to" in plan.stderr
    assert desk.emails(urgent) == []
    answered = run_cli(server, "reply", str(urgent), REPLY, "--status", "pending", "--yes")
    assert answered.code == 0, answered.stderr
    ticket = desk.ticket(urgent, include="slas")
    assert ticket["status"] == "pending"
    stages = {m["metric"]: m["stage"] for m in ticket["slas"]["policy_metrics"]}
    assert stages["next_reply_time"] == "achieved"
    [email] = desk.emails(urgent)
    assert email["body"] == REPLY and email["to"][0]["user_id"] == ticket["requester_id"]
    again = run_cli(server, "reply", str(urgent), REPLY, "--status", "pending", "--yes", "--json")
    assert again.code == 0 and again.json()[0]["result"] == "unchanged"
    assert len(desk.emails(urgent)) == 1

    # 3. A macro on the next ticket: the team's canned reply, with a line added.
    macros = run_cli(server, "ticket", "macros", "--json")
    assert "Ask for more detail" in [m["title"] for m in macros.json()]
    other = SEED.mine_open_with_card if urgent != SEED.mine_open_with_card else SEED.breached_urgent
    macro = run_cli(server, "reply", str(other), DETAIL, "--macro", "Ask for more detail", "--yes")
    assert macro.code == 0, macro.stderr
    assert desk.ticket(other)["status"] == "pending"
    [asked] = desk.emails(other)
    assert asked["body"].startswith("Hi ") and asked["body"].endswith(DETAIL)

    # 4. A client's deadline on a task.
    due = run_cli(server, "ticket", "due", str(TASK), "+3d", "--yes", "--json")
    assert due.code == 0, due.stderr
    assert due.json()[0]["result"] == "updated"
    assert desk.ticket(TASK)["due_at"].endswith("T12:00:00Z")

    # 5. A suspended ticket recovered: an ordinary ticket now, with its new id said.
    recovered = run_cli(server, "suspended", "recover", str(SPAM), "--yes", "--json")
    assert recovered.code == 0, recovered.stderr
    [outcome] = recovered.json()
    assert outcome["result"] == "recovered"
    assert desk.ticket(outcome["ticket_id"])["subject"] == outcome["subject"]
    assert SPAM not in desk.suspended()

    # 6. A weekly task taken, so nobody else picks it.
    taken = run_cli(server, "weekly-tasks", "take", FREE_WEEKLY_TASK, "--yes", "--json")
    assert taken.code == 0, taken.stderr
    assert taken.json()["list"] == "Doing" and taken.json()["members"] == [ME.name]
    card = next(c for c in desk.cards(WEEK) if c["name"] == FREE_WEEKLY_TASK)
    assert desk.lists(WEEK)["Doing"] == card["idList"]

    # The thread shows the reply as public, and no browser was ever opened.
    shown = run_cli(server, "ticket", "show", str(urgent), "--json")
    assert [c["body"] for c in shown.json()[0]["comments"] if c["public"]][-1] == REPLY
    assert opened() == []
