"""The edges of the terminal (issue 12, group 4): what a person reads in a table, a footer, a
briefing, a hint, is true and complete."""

from __future__ import annotations

import re

import pytest

from govpress_support.cli.columns import Column, fit
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
    assert lines.index("next reply breached") < lines.index("group ownership in")  # the name `stats` gives it too
    data = cli("--sandbox", "ticket", "show", ticket, "--json").json()[0]
    assert [m["breached"] for m in data["sla_metrics"]] == [True, False]


def test_sandbox_reset_off_a_terminal_does_not_offer_a_dry_run_it_lacks(cli: Invoke) -> None:
    result = cli("sandbox", "reset")
    assert result.code == 2
    assert result.stderr == "error: not on a terminal, so cannot ask for confirmation (pass --yes to go ahead)\n"


# --- the queue table and its footer ---------------------------------------------------------------

TTY = {"GOVPRESS_SUPPORT_FORCE_TTY": "1", "NO_COLOR": "1"}


def table_at(cli: Invoke, columns: int, *args: str) -> str:
    result = cli("--sandbox", "queue", *args, env={**TTY, "COLUMNS": str(columns)})
    assert result.code == 0, result.stderr
    return plain(result.stdout)


def header_of(text: str) -> list[str]:
    line = next(line for line in text.splitlines() if "Subject" in line)
    return line.split()


def test_a_column_dropped_for_width_is_named_under_the_table(cli: Invoke) -> None:
    narrow = table_at(cli, 100)
    caption = next(line for line in narrow.splitlines() if line.startswith("Hidden to fit the terminal:"))
    hidden = caption.removeprefix("Hidden to fit the terminal: ").split(" (")[0].split(", ")
    assert hidden and not set(hidden) & set(header_of(narrow))
    assert caption.rstrip().endswith("(widen it, or use --json)")
    wide = table_at(cli, 260)
    assert "Hidden to fit" not in wide
    assert {"Status", "SLA", "Assignee", "Organisation", "Trello"} <= set(header_of(wide))


def test_on_a_wide_terminal_a_long_organisation_is_not_cut(cli: Invoke) -> None:
    names = [r["organization"] for r in cli("--sandbox", "queue", "--json").json() if r["organization"]]
    longest = max(names, key=len)
    assert len(longest) > 24, "the seed has an organisation name longer than the column's usual width"
    assert longest in table_at(cli, 260)


def test_the_footer_counts_the_group_whatever_is_listed(cli: Invoke) -> None:
    rows = cli("--sandbox", "queue", "--json").json()
    breached = sum(1 for r in rows if r["sla_urgency"] == "breached")
    assert breached > 3
    footer = [line for line in table_at(cli, 200, "--limit", "3").splitlines() if "shown" in line]
    assert len(footer) == 1
    assert footer[0].startswith(f"3 of {len(rows)} shown · in GovPress 2nd line support: {breached} breached · ")
    whole = [line for line in table_at(cli, 200).splitlines() if " breached · " in line]
    assert whole[0].startswith(f"{breached} breached · ")
    assert whole[0].endswith(f" · {len(rows)} tickets in GovPress 2nd line support")
    mine = cli("--sandbox", "queue", "--assignee", "me", "--json").json()
    assert 0 < len(mine) < len(rows)
    said = [line for line in table_at(cli, 200, "--assignee", "me").splitlines() if "shown" in line]
    assert said and said[0].startswith(f"{len(mine)} of {len(rows)} shown · in GovPress 2nd line support: {breached}")


def test_only_groups_that_need_a_card_show_a_missing_one(cli: Invoke) -> None:
    first_line = cli("--sandbox", "queue", "--group", "1st", "--json").json()
    assert {r["trello_card"] for r in first_line} == {"missing"}  # the data says so, as before
    table = table_at(cli, 200, "--group", "1st")
    assert "missing" not in table
    assert "missing" in table_at(cli, 200)  # 2nd line tickets need one


def test_when_trello_fails_the_footer_says_so_too(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    from govpress_support.core.errors import ApiError
    from govpress_support.services.trello import TrelloClient

    def down(self: TrelloClient, *args: object, **kwargs: object) -> None:
        raise ApiError("Trello failed with HTTP 503 after 7 tries over 31 s", "try again in a moment", status=503)

    monkeypatch.setattr(TrelloClient, "cards", down)
    result = cli("--sandbox", "queue", env={**TTY, "COLUMNS": "200"})
    assert result.code == 0
    footer = plain(result.stdout).splitlines()
    assert (
        "Trello column unknown (?): Trello cards unavailable: Trello failed with HTTP 503 after 7 tries over 31 s "
        "(try again in a moment)" in footer
    )
    assert "Trello cards unavailable" in result.stderr  # and once on stderr, as before


class TestFit:
    """`fit`: which columns a terminal of a given width keeps, and how wide."""

    @staticmethod
    def columns() -> list[Column]:
        return [
            Column("id", "ID"),
            Column("subject", "Subject", ratio=1, min_width=20),
            Column("status", "Status", max_width=10, drop=1),
            Column("due", "Due", drop=2),
            Column("assignee", "Assignee", drop=3),
            Column("organisation", "Organisation", max_width=24, drop=4),
        ]

    def test_an_empty_column_goes_before_one_with_content(self) -> None:
        widths = [5, 40, 10, 10, 12, 40]
        kept, dropped = fit(self.columns(), widths, 90, empty={"due"})
        assert [c.key for c in dropped] == ["due"]
        assert "assignee" in {c.key for c in kept}

    def test_with_content_the_highest_drop_goes_first(self) -> None:
        widths = [5, 40, 10, 10, 12, 40]
        _, dropped = fit(self.columns(), widths, 90)
        assert [c.key for c in dropped] == ["organisation"]

    def test_room_left_widens_a_column_cut_at_its_max_width(self) -> None:
        widths = [5, 40, 10, 10, 12, 40]  # the organisation is 40 wide, its max_width 24
        kept, dropped = fit(self.columns(), widths, 220)
        assert dropped == []
        organisation = next(c for c in kept if c.key == "organisation")
        assert organisation.max_width == 40
        subject = next(c for c in kept if c.key == "subject")
        assert subject.max_width == 40


def test_the_briefing_piped_is_markdown_never_a_drawn_table(cli: Invoke) -> None:
    result = cli("--sandbox", "start-rotation", "--dry-run")
    assert result.code == 3, result.stderr  # the rota's previous engineer still holds tickets: stays in
    assert result.stdout.startswith("# 2nd line briefing: ")
    assert "─" not in result.stdout and "━" not in result.stdout
    assert "| ticket | subject | priority | status | SLA | assignee |" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) < 400
