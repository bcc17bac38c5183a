"""Click's own usage errors and Ctrl-C, in the tool's one line: `error: <what> (<hint>)`.

Usage errors exit 2 with a suggestion (a mistyped command, a global option after the command, a
value that does not parse); Ctrl-C exits 130 at any moment, the --resume hint only where the
command has --resume.
"""

from __future__ import annotations

import gc
import os
import signal
import sys

import pytest

from govpress_support.cli import entry
from tests.cli.conftest import Invoke


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("queu",), "error: no such command 'queu' (did you mean 'queue'? see `govpress-support --help`)"),
        (
            ("ticket", "shwo", "4012"),
            "error: no such command 'shwo' (did you mean 'show'? see `govpress-support ticket --help`)",
        ),
        (("frobnicate",), "error: no such command 'frobnicate' (see `govpress-support --help`)"),
        (
            ("queue", "--sandbox"),
            "error: no such option --sandbox (--sandbox is a global option: put it before the command, "
            "`govpress-support --sandbox queue ...`)",
        ),
        (
            ("queue", "--config", "x.toml"),
            "error: no such option --config (--config is a global option: put it before the command, "
            "`govpress-support --config PATH queue ...`)",
        ),
        (
            ("queue", "--sandbx"),
            "error: no such option --sandbx (did you mean --sandbox? It is a global option: put it before "
            "the command, `govpress-support --sandbox queue ...`)",
        ),
        (
            ("queue", "--limt", "3"),
            "error: no such option --limt (did you mean --limit? see `govpress-support queue --help`)",
        ),
        (
            ("queue", "--limit", "0"),
            "error: invalid value for '--limit' / '-n': 0 is not in the range x>=1 "
            "(see `govpress-support queue --help`)",
        ),
        (("ticket", "move", "4012"), "error: missing option '--to' (see `govpress-support ticket move --help`)"),
        (("queue", "-b"), "error: option '-b' requires an argument (see `govpress-support queue --help`)"),
    ],
)
def test_clicks_usage_errors_are_one_line_with_a_hint(cli: Invoke, args: tuple[str, ...], line: str) -> None:
    result = cli(*args)
    assert result.code == 2
    assert result.stderr == line + "\n"
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("", "invalid duration '' (use forms like 90m, 2h, 1d or 1h30m)"),
        ("²", "invalid duration '²' (use forms like 90m, 2h, 1d or 1h30m)"),
        ("999999999999d", "duration '999999999999d' is too long (it must be at most a year (365d))"),
        ("0", "invalid duration '0' (it must be longer than zero)"),
    ],
)
def test_a_duration_that_does_not_parse_is_refused_while_reading_the_command_line(
    cli: Invoke, value: str, line: str
) -> None:
    result = cli("--sandbox", "queue", "--breaching-within", value)
    assert result.code == 2
    assert result.stderr == f"error: invalid value for '--breaching-within' / '-b': {line}\n"


@pytest.mark.parametrize(
    ("group", "line"),
    [
        (
            "99999999999999999999",
            "group id 99999999999999999999 is out of range (Zendesk ids are at most 9223372036854775807)",
        ),
        ("²", "no Zendesk group '²'"),
    ],
)
def test_a_group_that_cannot_exist_is_a_usage_error(cli: Invoke, group: str, line: str) -> None:
    result = cli("--sandbox", "queue", "--group", group)
    assert result.code == 2
    assert result.stderr.splitlines()[-1].startswith(f"error: {line}")


def test_no_arguments_still_prints_the_help(cli: Invoke) -> None:
    result = cli()
    assert result.code == 2
    assert "Usage: govpress-support" in result.stderr + result.stdout
    assert "queue" in result.stderr + result.stdout


# --- Ctrl-C -------------------------------------------------------------------------------------


def signals() -> tuple[object, object]:
    return signal.getsignal(signal.SIGINT), sys.unraisablehook


def test_ctrl_c_during_the_imports_is_one_line_and_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first ~70 ms are imports: a Ctrl-C there once printed a traceback."""

    def interrupted_import(args: list[str]) -> int:
        os.kill(os.getpid(), signal.SIGINT)  # as the terminal would, mid-import
        raise AssertionError("the signal raises before this line")

    monkeypatch.setattr(entry, "_run", interrupted_import)
    before = signals()
    with pytest.raises(SystemExit) as exited:
        entry.main(["queue"])
    assert signals() == before, "main() puts the SIGINT handler and the unraisable hook back"
    assert exited.value.code == 130
    assert capsys.readouterr().err == "error: interrupted\n"


def test_a_ctrl_c_python_cannot_raise_is_not_swallowed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Ctrl-C landing in a finaliser is "Exception ignored" and the command went on to exit 0."""

    class Finalised:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGINT)

    def finishes_fine(args: list[str]) -> int:
        Finalised()
        gc.collect()
        return 0

    monkeypatch.setattr(entry, "_run", finishes_fine)
    before = signals()
    with pytest.raises(SystemExit) as exited:
        entry.main(["queue"])
    assert signals() == before
    assert exited.value.code == 130
    err = capsys.readouterr().err
    assert err == "error: interrupted\n"
    assert "Exception ignored" not in err


def test_the_resume_hint_only_for_a_command_that_has_resume(cli: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    from govpress_support.workflows import queue as queue_workflow
    from govpress_support.workflows.handover import plan as handover_plan

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(queue_workflow, "fetch_queue", interrupt)
    result = cli("--sandbox", "queue")
    assert result.code == 130
    assert result.stderr.splitlines()[-1] == "error: interrupted"

    monkeypatch.setattr(handover_plan, "prepare", interrupt)
    result = cli("--sandbox", "handover", "--to", "priya.shah@govpress.example", "--note", "x", "--yes")
    assert result.code == 130
    assert result.stderr.splitlines()[-1] == (
        "error: interrupted (nothing half-written: `govpress-support handover --resume` finishes the journaled work)"
    )
