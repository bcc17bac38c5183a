"""What a terminal gets beyond the table: `--web` (BROWSER honoured, the URL printed when no
browser opens), a pager for output taller than the terminal (never when piped), and
CLICOLOR_FORCE / FORCE_COLOR keeping the table and its colour when piped. No test opens a real
browser or pager: BROWSER and the pager are recording scripts (tests/conftest.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from govpress_support import sandbox
from govpress_support.cli import output
from govpress_support.cli import pager as pager_module
from govpress_support.cli.output import Output
from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import SECOND_LINE_NAME, SEED

Opened = Callable[[], list[str]]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "_isatty", lambda stream: True)


@pytest.fixture
def pager(tmp_path: Path) -> tuple[str, Path]:
    """A pager that records what it was given: (the command, the file it writes)."""
    log = tmp_path / "paged.txt"
    script = tmp_path / "pager.py"
    script.write_text(f"import sys\nopen({str(log)!r}, 'w').write(sys.stdin.read())\n")
    return f"{sys.executable} {script}", log


class TestWeb:
    def test_ticket_show_opens_the_agent_page_and_reads_nothing(self, cli: Invoke, desk: Desk, opened: Opened) -> None:
        result = cli("--sandbox", "ticket", "show", SEED.mine_open, f"#{SEED.mine_pending}", "--web")
        assert result.code == 0 and result.stdout == ""
        urls = [f"{sandbox.ZENDESK_URL}/agent/tickets/{i}" for i in (SEED.mine_open, SEED.mine_pending)]
        assert opened() == urls
        assert f"Opening {urls[0]} in your browser." in result.stderr

    def test_card_show_opens_the_card(self, cli: Invoke, desk: Desk, opened: Opened) -> None:
        result = cli("--sandbox", "card", "show", SEED.mine_open_with_card, "--web")
        assert result.code == 0, result.stderr
        [card] = [c for c in desk.cards() if c["name"].startswith(f"#{SEED.mine_open_with_card} ")]
        assert opened() == [card["shortUrl"]]

    def test_queue_opens_the_groups_search_where_there_is_no_view(self, cli: Invoke, opened: Opened) -> None:
        result = cli("--sandbox", "queue", "--web")
        assert result.code == 0, result.stderr
        [url] = opened()
        assert url.startswith(f"{sandbox.ZENDESK_URL}/agent/search/1?q=")
        assert SECOND_LINE_NAME.replace(" ", "%20") in url

    def test_no_browser_prints_the_url_to_open_by_hand(self, cli: Invoke, opened: Opened) -> None:
        result = cli("--sandbox", "ticket", "show", SEED.mine_open, "--web", env={"BROWSER": "false"})
        assert result.code == 0
        assert result.stdout == f"{sandbox.ZENDESK_URL}/agent/tickets/{SEED.mine_open}\n"
        assert "no browser could be opened" in result.stderr
        assert opened() == []

    def test_browser_commands_are_tried_in_turn_and_percent_s_is_the_url(
        self, cli: Invoke, opened: Opened, tmp_path: Path
    ) -> None:
        import os

        recorder = os.environ["BROWSER"]  # `python browser.py LOG`: the URL goes last
        chain = os.pathsep.join(["no-such-browser-here", f"{recorder} %s"])
        result = cli("--sandbox", "ticket", "show", SEED.mine_open, "--web", env={"BROWSER": chain})
        assert result.code == 0 and result.stdout == ""
        assert opened() == [f"{sandbox.ZENDESK_URL}/agent/tickets/{SEED.mine_open}"]


class TestPager:
    def test_a_table_taller_than_the_terminal_goes_through_the_pager(
        self, cli: Invoke, terminal: None, pager: tuple[str, Path]
    ) -> None:
        command, log = pager
        result = cli("--sandbox", "queue", env={"GOVPRESS_SUPPORT_PAGER": command, "LINES": "6", "COLUMNS": "160"})
        assert result.code == 0
        assert result.stdout == ""
        paged = log.read_text()
        assert "Subject" in paged and f"#{SEED.breached_urgent}" in paged
        assert "suspended tickets waiting" in paged  # the footer too: the whole page

    def test_output_that_fits_is_printed_as_usual(self, cli: Invoke, terminal: None, pager: tuple[str, Path]) -> None:
        command, log = pager
        result = cli("--sandbox", "queue", "-n", "2", env={"GOVPRESS_SUPPORT_PAGER": command, "LINES": "200"})
        assert result.code == 0 and "Subject" in result.stdout
        assert not log.exists()

    def test_ticket_show_pages_through_pager_from_the_environment(
        self, cli: Invoke, terminal: None, pager: tuple[str, Path]
    ) -> None:
        command, log = pager
        env = {"GOVPRESS_SUPPORT_PAGER": None, "PAGER": command, "LINES": "8"}
        result = cli("--sandbox", "ticket", "show", SEED.breached_urgent, env=env)
        assert result.code == 0 and result.stdout == ""
        assert "Conversation:" in log.read_text()

    def test_never_when_piped(self, cli: Invoke, pager: tuple[str, Path]) -> None:
        command, log = pager
        result = cli("--sandbox", "queue", env={"GOVPRESS_SUPPORT_PAGER": command, "LINES": "3"})
        assert result.stdout.startswith("id\tpriority\t")
        assert not log.exists()

    def test_what_the_pager_is_given_is_redacted_as_stdout_is(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import io

        from rich.text import Text

        from govpress_support.core.redact import SECRETS

        monkeypatch.setattr(output, "_isatty", lambda stream: True)
        monkeypatch.setattr(SECRETS, "_secrets", {"tok-9f8e7d6c5b4a"})
        monkeypatch.setenv("LINES", "3")
        paged: list[str] = []
        monkeypatch.setattr(pager_module, "page", lambda command, text, environ: paged.append(text) or True)
        out = Output(stdout=io.StringIO(), environ={"GOVPRESS_SUPPORT_PAGER": "less"})
        with out.paged():
            for n in range(10):
                out.print(Text(f"line {n}: a gateway echoed tok-9f8e7d6c5b4a"))
        [text] = paged
        assert "tok-9f8e7d6c5b4a" not in text and text.count("echoed ***") == 10

    def test_the_default_is_less_and_cat_or_empty_means_none(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(output, "_isatty", lambda stream: True)
        assert Output(environ={}).pager_command() == ["less", "-FRX"]
        assert Output(environ={"PAGER": "most -s"}).pager_command() == ["most", "-s"]
        assert Output(environ={"PAGER": "most", "GOVPRESS_SUPPORT_PAGER": "less -R"}).pager_command() == ["less", "-R"]
        assert Output(environ={"PAGER": "cat"}).pager_command() is None
        assert Output(environ={"GOVPRESS_SUPPORT_PAGER": ""}).pager_command() is None
        assert Output(environ={}, json_mode=True).pager_command() is None


class TestForcedColour:
    @pytest.mark.parametrize("env", [{"CLICOLOR_FORCE": "1"}, {"FORCE_COLOR": "1"}, {"FORCE_COLOR": "true"}])
    def test_keeps_the_table_and_its_colour_when_piped(self, cli: Invoke, env: dict[str, str]) -> None:
        result = cli("--sandbox", "queue", env=env)
        assert result.code == 0
        assert not result.stdout.startswith("id\t")
        assert "Subject" in result.stdout and "\x1b[" in result.stdout

    @pytest.mark.parametrize("env", [{"CLICOLOR_FORCE": "0"}, {"FORCE_COLOR": ""}])
    def test_zero_or_empty_forces_nothing(self, cli: Invoke, env: dict[str, str]) -> None:
        result = cli("--sandbox", "queue", env=env)
        assert result.stdout.startswith("id\tpriority\t") and "\x1b[" not in result.stdout

    def test_no_color_still_wins_for_colour(self, cli: Invoke) -> None:
        result = cli("--sandbox", "queue", env={"CLICOLOR_FORCE": "1", "NO_COLOR": "1"})
        assert "Subject" in result.stdout and "\x1b[" not in result.stdout
