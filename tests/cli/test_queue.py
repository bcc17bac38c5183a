"""`queue` on the in-process sandbox: order, filters, the three output forms, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from govpress_support.core import timeutil
from govpress_support.core.records import QUEUE_TSV_FIELDS
from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import TRIAGE

URGENCY_ORDER = {"breached": 0, "active": 1, "paused": 2, "none": 3}
PRIORITY_ORDER = {"urgent": 0, "high": 1, "normal": 2, "low": 3, None: 4}


@pytest.fixture
def frozen() -> datetime:
    now = datetime.now(UTC).replace(microsecond=0)
    timeutil.set_clock(lambda: now)
    return now


def queue(cli: Invoke, *args: str) -> list[dict[str, Any]]:
    result = cli("--sandbox", "queue", "--json", *args)
    assert result.code == 0, result.stderr
    data = result.json()
    assert isinstance(data, list)
    return data


def test_sla_order_holds_over_the_whole_queue(cli: Invoke, frozen: datetime) -> None:
    rows = queue(cli)
    assert len(rows) >= 15
    assert {r["group"] for r in rows} == {"GovPress 2nd line support"}
    urgencies = [URGENCY_ORDER[r["sla_urgency"]] for r in rows]
    assert urgencies == sorted(urgencies)
    assert urgencies[0] == 0, "the seed always has breached tickets"
    for kind in ("breached", "active"):
        times = [r["sla_breach_at"] for r in rows if r["sla_urgency"] == kind]
        assert times == sorted(times)
    breached = [r for r in rows if r["sla_urgency"] == "breached"]
    assert all(r["sla_breached"] and r["sla_breach_at"] < timeutil.iso(frozen) for r in breached)
    paused = [PRIORITY_ORDER[r["priority"]] for r in rows if r["sla_urgency"] == "paused"]
    assert paused == sorted(paused)
    assert {r["status"] for r in rows} <= {"new", "open", "pending", "hold"}


def test_json_fields_and_custom_status_labels(cli: Invoke, frozen: datetime) -> None:
    rows = queue(cli)
    expected = {
        "id",
        "url",
        "subject",
        "status",
        "status_label",
        "priority",
        "type",
        "group",
        "assignee_id",
        "assignee_name",
        "assignee_email",
        "organization",
        "sla_metric",
        "sla_stage",
        "sla_breach_at",
        "sla_breached",
        "due_at",
        "created_at",
        "updated_at",
        "trello_card_url",
    }
    assert expected <= set(rows[0])
    assert isinstance(rows[0]["id"], int)
    assert rows[0]["url"].endswith(f"/agent/tickets/{rows[0]['id']}")
    assert "Pending believed solved" in {r["status_label"] for r in rows}
    cards = {r["trello_card"] for r in rows}
    assert cards == {"linked", "missing"}
    assert all(r["trello_card_url"].startswith("https://trello.com/c/") for r in rows if r["trello_card"] == "linked")
    assert any(r["organization"] for r in rows)
    assert any(r["assignee_email"] == "sam.okafor@govpress.example" for r in rows)


def test_piped_output_is_tsv_with_iso_times(cli: Invoke, frozen: datetime) -> None:
    result = cli("--sandbox", "queue")
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == list(QUEUE_TSV_FIELDS)
    rows = [dict(zip(QUEUE_TSV_FIELDS, line.split("\t"), strict=True)) for line in lines[1:]]
    assert len(rows) == len(queue(cli))
    breach_times = [r["sla_breach_at"] for r in rows if r["sla_breach_at"]]
    assert breach_times
    assert all(t.endswith("Z") and "T" in t for t in breach_times)
    assert "\x1b[" not in result.stdout
    assert "sandbox" in result.stderr  # said once, on stderr


def test_terminal_table_with_relative_times_and_footer(cli: Invoke, frozen: datetime) -> None:
    import re

    result = cli("--sandbox", "queue", env={"GOVPRESS_SUPPORT_FORCE_TTY": "1", "NO_COLOR": "1", "COLUMNS": "200"})
    assert result.code == 0
    result.stdout = re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", "", result.stdout)
    assert "Subject" in result.stdout
    assert "breached" in result.stdout
    assert " ago" in result.stdout
    assert "paused" in result.stdout
    assert "suspended tickets waiting" in result.stdout
    footer = [line for line in result.stdout.splitlines() if "breached ·" in line]
    assert footer
    assert "in GovPress 2nd line support" in footer[0]


def test_group_aliases_names_and_ids(cli: Invoke, frozen: datetime) -> None:
    triage = queue(cli, "--group", "triage")
    assert triage
    assert {r["group"] for r in triage} == {"GovPress support triage"}
    by_id = queue(cli, "--group", str(TRIAGE))
    assert [r["id"] for r in by_id] == [r["id"] for r in triage]
    by_name = queue(cli, "--group", "GovPress support triage")
    assert [r["id"] for r in by_name] == [r["id"] for r in triage]


def test_unknown_group_lists_the_groups(cli: Invoke) -> None:
    result = cli("--sandbox", "queue", "--group", "3rd line")
    assert result.code == 2
    assert "no Zendesk group '3rd line'" in result.stderr
    assert "'GovPress 2nd line support'" in result.stderr
    assert result.stdout == ""


def test_assignee_filters(cli: Invoke, frozen: datetime) -> None:
    mine = queue(cli, "--assignee", "me")
    assert mine
    assert {r["assignee_email"] for r in mine} == {"sam.okafor@govpress.example"}
    nobody = queue(cli, "--assignee", "none")
    assert nobody
    assert {r["assignee_id"] for r in nobody} == {None}
    priya = queue(cli, "--assignee", "priya.shah@govpress.example")
    assert {r["assignee_name"] for r in priya} == {"Priya Shah"}


def test_unknown_assignee_email(cli: Invoke) -> None:
    result = cli("--sandbox", "queue", "--assignee", "nobody@govpress.example")
    assert result.code == 2
    assert "no Zendesk agent with email nobody@govpress.example" in result.stderr


def test_status_filter_takes_plain_and_custom_statuses(cli: Invoke, frozen: datetime) -> None:
    held = queue(cli, "--status", "on-hold")
    assert held
    assert {r["status"] for r in held} == {"hold"}
    believed = queue(cli, "--status", "Pending believed solved")
    assert [r["status_label"] for r in believed] == ["Pending believed solved"] * len(believed)
    both = queue(cli, "-s", "pending", "-s", "on-hold")
    assert {r["status"] for r in both} == {"pending", "hold"}
    bad = cli("--sandbox", "queue", "--status", "closed-ish")
    assert bad.code == 2
    assert "unknown status 'closed-ish'" in bad.stderr
    assert "on-hold" in bad.stderr
    assert "Solved" not in bad.stderr, "a solved status is never offered: the queue never lists one"


@pytest.mark.parametrize(("status", "search"), [("solved", "solved"), ("closed", "closed"), ("Solved", "solved")])
def test_a_solved_status_says_the_queue_is_unsolved_tickets(cli: Invoke, status: str, search: str) -> None:
    result = cli("--sandbox", "queue", "--status", status)
    assert result.code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: the queue lists unsolved tickets only, so none is {status!r} "
        f'(Zendesk\'s search finds them: status:{search} group:"GovPress 2nd line support")'
    )


def test_breaching_within(cli: Invoke, frozen: datetime) -> None:
    rows = queue(cli, "--breaching-within", "1h")
    assert rows
    limit = timeutil.iso(frozen + timedelta(hours=1))
    assert all(r["sla_urgency"] in ("breached", "active") and r["sla_breach_at"] <= limit for r in rows)
    assert len(rows) < len(queue(cli))
    bad = cli("--sandbox", "queue", "--breaching-within", "soon")
    assert bad.code == 2
    assert "invalid duration 'soon'" in bad.stderr


def test_limit_and_its_bounds(cli: Invoke, frozen: datetime) -> None:
    everything = queue(cli)
    assert [r["id"] for r in queue(cli, "--limit", "3")] == [r["id"] for r in everything[:3]]
    for bad in ("0", "-2"):
        result = cli("--sandbox", "queue", "--limit", bad)
        assert result.code == 2
        assert "--limit" in result.stderr


def test_exit_code_for_cron(cli: Invoke, frozen: datetime) -> None:
    assert cli("--sandbox", "queue", "--exit-code").code == 8
    empty = cli("--sandbox", "queue", "--group", "scoping", "--status", "new", "--exit-code", "--json")
    assert empty.code == 0
    assert empty.json() == []


def test_watch_needs_a_terminal(cli: Invoke) -> None:
    result = cli("--sandbox", "queue", "--watch")
    assert result.code == 2
    assert "--watch redraws a terminal" in result.stderr


def test_changes_show_in_the_next_queue(cli: Invoke, frozen: datetime) -> None:
    """State persists across commands: a ticket solved through the API leaves the queue."""
    from govpress_support import sandbox
    from govpress_support.core import config
    from govpress_support.services.connect import Clients

    first = queue(cli)
    target = first[0]["id"]
    clients = Clients(config.Settings(), sandbox=True, state_dir=config.state_dir())
    clients.zendesk.update_ticket(target, {"status": "solved", "comment": {"body": "fixed", "public": True}})
    assert sandbox.DEFAULT_EMAIL
    assert target not in [r["id"] for r in queue(cli)]


def test_watch_redraws_and_marks_changed_tickets(
    cli: Invoke, frozen: datetime, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two draws: between them someone changes a ticket; the second draw marks it."""
    import re
    import time

    first = queue(cli)
    target = first[-1]["id"]
    sleeps: list[float] = []

    def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 1:
            desk.touch(target, priority="urgent")
        else:
            raise KeyboardInterrupt

    monkeypatch.setattr(time, "sleep", fake_sleep)
    env = {"GOVPRESS_SUPPORT_FORCE_TTY": "1", "NO_COLOR": "1", "COLUMNS": "200"}
    result = cli("--sandbox", "queue", "--watch", "30", env=env)
    assert result.code == 130, "Ctrl-C stops it, as it stops every command"
    assert result.stderr.splitlines()[-1].endswith("error: interrupted")
    assert sleeps == [30, 30]
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\]8;[^\x1b]*\x1b\\", "", result.stdout)
    assert "every 30s" in text
    marked = {line for line in text.splitlines() if "●" in line}  # Live may repeat its last frame
    assert marked
    assert all(f"#{target} " in line for line in marked)
