"""The edges of the terminal (issue 12, group 4): what a person reads in a table, a footer, a
briefing, a hint, is true and complete."""

from __future__ import annotations

import re

from tests.cli.conftest import Invoke
from tests.seed_names import SEED

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\]8;[^\x1b]*\x1b\\")


def plain(text: str) -> str:
    return ANSI.sub("", text)


def test_ticket_show_lists_metrics_in_sla_order_breached_first(cli: Invoke) -> None:
    ticket = SEED.breached_listed_after_active
    shown = cli("--sandbox", "ticket", "show", ticket, env={"GOVPRESS_SUPPORT_FORCE_TTY": "1", "COLUMNS": "160"})
    assert shown.code == 0, shown.stderr
    lines = plain(shown.stdout)
    assert lines.index("next reply breached") < lines.index("group ownership time in")
    data = cli("--sandbox", "ticket", "show", ticket, "--json").json()[0]
    assert [m["breached"] for m in data["sla_metrics"]] == [True, False]


def test_sandbox_reset_off_a_terminal_does_not_offer_a_dry_run_it_lacks(cli: Invoke) -> None:
    result = cli("sandbox", "reset")
    assert result.code == 2
    assert result.stderr == "error: not on a terminal, so cannot ask for confirmation (pass --yes to go ahead)\n"
