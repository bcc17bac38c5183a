"""`stats` on the in-process sandbox's seeded week: the JSON object and its documented fields, the
Markdown for Slack, the series by day when piped, the terminal's tables and chart, the agents'
source, the rota's windows, bad input, service text shown and never obeyed, the cache's files."""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from govpress_support.core import timeutil
from govpress_support.workflows.stats import models
from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import PRIYA, SEED

WEEK_END = datetime(2026, 11, 26, 14, 20, 20, tzinfo=UTC)
TTY = {"GOVPRESS_SUPPORT_FORCE_TTY": "1", "COLUMNS": "140"}
ANSI = r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\"  # colours, and links (OSC 8)


@pytest.fixture
def week() -> Iterator[datetime]:
    """The clock of the sandbox's seeded week, set before anything seeds the sandbox."""
    timeutil.set_clock(lambda: WEEK_END)
    yield WEEK_END
    timeutil.set_clock(None)


@pytest.fixture
def seeded(week: datetime, desk: Desk) -> Desk:
    return desk


def stats_json(cli: Invoke, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = cli("--sandbox", "stats", "--json", *args, env=env)
    assert result.code == 0, result.stderr
    data = result.json()
    assert isinstance(data, dict)
    return data


def test_json_is_one_object_with_the_documented_fields(cli: Invoke, seeded: Desk) -> None:
    data = stats_json(cli)
    assert tuple(data) == models.FIELDS
    assert (data["group"], data["source"], data["cannot_count"]) == ("GovPress 2nd line support", "events", [])
    assert data["flow_source"] == "ticket_events"
    window = data["window"]
    assert isinstance(window, dict) and tuple(window) == models.WINDOW_FIELDS
    assert (window["start"], window["end"], window["label"]) == (
        "2026-11-19T14:20:20Z",
        "2026-11-26T14:20:20Z",
        "last 7 days",
    )
    assert tuple(data["sla"]) == models.TALLY_FIELDS
    metrics, breaches, days = data["metrics"], data["breaches"], data["days"]
    assert isinstance(metrics, list) and all(tuple(m) == models.METRIC_FIELDS for m in metrics)
    assert isinstance(breaches, list) and all(tuple(b) == models.BREACH_FIELDS for b in breaches)
    assert tuple(data["flow"]) == models.FLOW_FIELDS
    assert isinstance(days, list) and [d["date"] for d in days][::7] == ["2026-11-19", "2026-11-26"]
    assert all(tuple(d) == models.DAY_FIELDS for d in days)
    assert {d["engineer"] for d in days} == {"Priya Shah", "Sam Okafor"}
    sla = data["sla"]
    assert isinstance(sla, dict)
    assert sla["breached"] == len(breaches) == sum(d["breaches"] for d in days)
    assert sla["rate"] == round(sla["fulfilled"] / (sla["fulfilled"] + sla["breached"]), 4)
    first = breaches[0]
    assert isinstance(first["ticket_id"], int) and isinstance(first["late_by_seconds"], int)
    assert first["url"].endswith(f"/agent/tickets/{first['ticket_id']}")


def test_markdown_reads_as_a_slack_message(cli: Invoke, seeded: Desk) -> None:
    result = cli("--sandbox", "stats", "--markdown")
    assert result.code == 0, result.stderr
    text = result.stdout
    lines = text.splitlines()
    assert lines[0].startswith("*SLA in GovPress 2nd line support* — last 7 days, Thu 19 Nov 14:20 to Thu 26 Nov")
    assert re.match(
        r"^\*\d+% of SLA targets met\* \(\d+ met, \d+ breached\), from Zendesk's ticket metric events$", lines[1]
    )
    assert "*Breached* (" in text and f"• #{SEED.breached_urgent} " in text and "*Flow*: " in text
    fence = [n for n, line in enumerate(lines) if line == "```"]
    assert len(fence) == 2 and fence[1] == len(lines) - 1
    chart = lines[fence[0] + 1 : fence[1]]
    assert chart[0].split()[:3] == ["day", "on", "rota"] and len(chart) == 9
    assert chart[1].startswith("Thu 19 Nov  Priya Shah") and chart[-1].startswith("Thu 26 Nov  Sam Okafor")
    assert "█" in "".join(chart)
    assert "\x1b" not in text and "|" not in text  # no colour, no Markdown tables (Slack shows neither)


def test_piped_it_prints_the_days_as_tab_separated_text(cli: Invoke, seeded: Desk) -> None:
    result = cli("--sandbox", "stats", "--group", "all")
    assert result.code == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert tuple(rows[0]) == models.DAY_TSV_FIELDS
    assert [r[0] for r in rows[1:]] == [f"2026-11-{d}" for d in range(19, 27)]
    assert [int(r[5]) for r in rows[1:]] == [0, 3, 0, 0, 6, 4, 2, 1]  # the seeded week's solves
    assert "metric events: 0 day(s) from the cache, 15 read in 2 page(s)" in result.stderr


def test_the_terminal_shows_tables_and_a_chart_by_day(cli: Invoke, seeded: Desk) -> None:
    result = cli("--sandbox", "stats", env=TTY)
    assert result.code == 0, result.stderr
    plain = re.sub(ANSI, "", result.stdout)
    assert "SLA in GovPress 2nd line support" in plain and "from Zendesk's ticket metric events" in plain
    for heading in ("Metric", "Met", "Breached", "Achieved", "Breached (", "Flow:", "On rota", "solved"):
        assert heading in plain
    chart = [line for line in plain.splitlines() if re.match(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d Nov ", line)]
    assert len(chart) == 8 and "Priya Shah" in chart[0] and "Sam Okafor" in chart[-1]
    assert any("█" in line for line in chart)


def test_a_narrow_terminal_keeps_the_tickets_and_the_chart_within_its_width(cli: Invoke, seeded: Desk) -> None:
    result = cli("--sandbox", "stats", env={**TTY, "COLUMNS": "80"})
    plain = re.sub(ANSI, "", result.stdout)
    assert max(len(line) for line in plain.splitlines()) <= 80
    assert f"#{SEED.breached_urgent}" in plain  # the ticket column is never the one dropped
    chart = [line for line in plain.splitlines() if re.match(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d  ", line)]
    assert len(chart) == 8 and all("…" not in line for line in chart)


def test_an_agent_sees_the_ticket_metrics_and_what_they_cannot_count(cli: Invoke, seeded: Desk) -> None:
    env = {"ZENDESK_EMAIL": PRIYA.email}
    data = stats_json(cli, env=env)
    assert data["source"] == "metrics" and data["cannot_count"]
    sla = data["sla"]
    assert isinstance(sla, dict) and sla["rate"] is None
    piped = cli("--sandbox", "stats", env=env)
    assert piped.code == 0 and "source: from ticket metrics" in piped.stderr and "cannot count" in piped.stderr
    shown = cli("--sandbox", "stats", "--markdown", env=env).stdout
    assert "from ticket metrics (only admins may read the metric events)" in shown
    assert "_Ticket metrics cannot count: " in shown and "targets met not counted" in shown
    assert data["flow_source"] == "audits" and "ticket events:" not in piped.stderr


def test_what_each_export_cost_is_said_on_stderr(cli: Invoke, seeded: Desk) -> None:
    piped = cli("--sandbox", "stats")
    assert piped.code == 0, piped.stderr
    said = [line for line in piped.stderr.splitlines() if line.startswith(("metric events:", "ticket events:"))]
    assert [line.split(":")[0] for line in said] == ["metric events", "ticket events"]
    assert "ticket events: 0 day(s) from the cache, 8 read in 1 page(s)" in said[1]
    again = cli("--sandbox", "stats")
    assert "ticket events: 7 day(s) from the cache, 1 read in 1 page(s)" in again.stderr


def test_the_rotation_windows(cli: Invoke, seeded: Desk) -> None:
    current = stats_json(cli, "--rotation")["window"]
    assert isinstance(current, dict)
    assert (current["start"], current["rotation_engineer"]) == ("2026-11-23T00:00:00Z", "Sam Okafor")
    previous = stats_json(cli, "--rotation", "--previous")["window"]
    assert isinstance(previous, dict)
    assert (previous["start"], previous["end"]) == ("2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z")
    assert previous["rotation_engineer_email"] == PRIYA.email


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--json", "--markdown"), "--json and --markdown"),
        (("--since", "last week"), "invalid value for '--since': invalid --since 'last week'"),
        (("--since", "²d"), "invalid --since '²d'"),
        (("--since", "9" * 5000 + "d"), "invalid --since '999"),
        (("--since", "2020-01-01"), "--since '2020-01-01' is more than a year back"),
        (("--until", "2026-02-30"), "invalid value for '--until': invalid --until date '2026-02-30'"),
        (("--since", "2026-11-25", "--until", "2026-11-20"), "the window is empty"),
        (("--rotation", "--since", "7d"), "--rotation picks the window"),
        (("--group", "nonesuch"), "or all, for the whole desk"),
    ],
)
def test_bad_input_is_exit_2_with_one_line(cli: Invoke, seeded: Desk, args: tuple[str, ...], message: str) -> None:
    result = cli("--sandbox", "stats", *args)
    assert result.code == 2 and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and message in errors[0]


def test_service_text_is_shown_never_obeyed(cli: Invoke, seeded: Desk) -> None:
    hostile = "Broken \x1b[31mred\x1b[0m form\nsecond line \x07"
    seeded.zendesk.put(
        f"/api/v2/tickets/{SEED.breached_urgent}", json={"ticket": {"subject": hostile}}
    ).raise_for_status()
    for args, env in ((("--markdown",), None), ((), TTY)):
        result = cli("--sandbox", "stats", *args, env=env)
        assert result.code == 0, result.stderr
        assert "Broken ␛[31mred␛[0m form second line ␇" in result.stdout
        assert "\x1b[31mred" not in result.stdout and "\x07" not in result.stdout
    data = stats_json(cli)
    breaches = data["breaches"]
    assert isinstance(breaches, list) and hostile in {b["subject"] for b in breaches}  # JSON keeps it, escaped


def test_the_cache_is_private_and_a_second_run_uses_it(cli: Invoke, seeded: Desk, isolated: Path) -> None:
    first = cli("--sandbox", "stats", "--group", "all")
    files = list((isolated / "cache" / "stats").glob("*/*.json"))
    assert len(files) >= 15
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files)
    second = cli("--sandbox", "stats", "--group", "all")
    assert second.stdout == first.stdout
    assert "metric events: 14 day(s) from the cache, 1 read in 1 page(s)" in second.stderr


def test_the_readmes_markdown_is_the_seeded_weeks(cli: Invoke, seeded: Desk) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("````markdown\n", 1)[1].split("\n````", 1)[0]
    assert cli("--sandbox", "stats", "--markdown").stdout == shown + "\n"
