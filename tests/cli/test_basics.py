"""The root command, config commands and error output, in-process."""

from __future__ import annotations

import json
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from govpress_support import __version__
from govpress_support.cli.entry import main
from govpress_support.core import timeutil
from tests.cli.conftest import Invoke
from tests.desk import Desk


def test_version_fast_path(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"govpress-support {__version__}\n"


def test_version_through_the_app(cli: Invoke) -> None:
    result = cli("--debug", "--version")
    assert result.code == 0
    assert __version__ in result.stdout


def test_help_lists_commands_and_exit_codes(cli: Invoke) -> None:
    result = cli("--help")
    assert result.code == 0
    for name in ("queue", "config", "auth", "sandbox"):
        assert name in result.stdout
    assert "4 not authenticated" in result.stdout


def _leaves() -> list[tuple[str, ...]]:
    import click

    from govpress_support.cli.app import COMMANDS, _module_commands

    found: list[tuple[str, ...]] = []

    def walk(path: tuple[str, ...], command: click.Command) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk((*path, name), sub)
        else:
            found.append(path)

    for name, (module, _) in COMMANDS.items():
        walk((name,), _module_commands(module)[name])
    return found


def test_every_command_has_help_with_a_summary_and_an_example(cli: Invoke) -> None:
    leaves = _leaves()
    assert len(leaves) >= 25
    for path in leaves:
        result = cli(*path, "--help")
        assert result.code == 0, path
        usage, _, body = result.stdout.partition("\n\n")
        assert usage.startswith("Usage: govpress-support " + " ".join(path)), path
        assert body.strip(), path  # a summary
        assert "Example" in result.stdout, path
        assert "govpress-support " + path[0] in body, path


def test_unknown_option_is_usage_error(cli: Invoke) -> None:
    result = cli("queue", "--frobnicate")
    assert result.code == 2
    assert result.stderr == "error: no such option --frobnicate (see `govpress-support queue --help`)\n"


def test_config_init_show_and_path(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.unlink()  # named by GOVPRESS_SUPPORT_CONFIG and not there yet: init makes it
    assert cli("config", "path").stdout.strip() == str(path)
    result = cli("config", "init")
    assert result.code == 0
    assert tomllib.loads(path.read_text())["groups"]["second_line"] == "GovPress 2nd line support"
    again = cli("config", "init")
    assert again.code == 2
    assert "already exists" in again.stderr
    assert cli("config", "init", "--force").code == 0

    shown = cli("config", "show", "--json", env={"ZENDESK_SUBDOMAIN": "other"})
    data = shown.json()
    assert data["settings"]["zendesk"]["subdomain"] == "other"
    assert data["sources"]["zendesk.subdomain"] == "env ZENDESK_SUBDOMAIN"
    text = cli("config", "show").stdout
    assert 'second_line = "GovPress 2nd line support"' in text
    assert "[rotation]" in text


def test_malformed_config_is_one_line_exit_2(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[zendesk\nsubdomain = 1\n")
    result = cli("config", "show")
    assert result.code == 2
    assert result.stderr.startswith(f"error: config file {path} is not valid TOML")
    assert "line 1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    # the way out still works on a broken file
    assert cli("config", "init", "--force").code == 0


@pytest.mark.parametrize("how", ["flag", "env"])
def test_a_config_file_the_user_named_must_exist(cli: Invoke, tmp_path: Path, how: str) -> None:
    missing = tmp_path / "nonexistent.toml"
    if how == "flag":
        result = cli("--config", str(missing), "--sandbox", "queue")
        named = "--config"
    else:
        result = cli("--sandbox", "queue", env={"GOVPRESS_SUPPORT_CONFIG": str(missing)})
        named = "GOVPRESS_SUPPORT_CONFIG"
    assert result.code == 2
    assert result.stderr == (
        f"error: config file {missing} (named by {named}) does not exist "
        "(create it with `govpress-support config init`, or name an existing file)\n"
    )
    assert result.stdout == ""


def test_a_config_file_that_is_not_utf8_is_one_line_exit_2(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_bytes(b'[groups]\nsecond_line = "caf\xe9"\n')
    result = cli("--sandbox", "queue")
    assert result.code == 2
    assert result.stderr == (
        f"error: config file {tmp_path / 'config.toml'} is not UTF-8 text (byte 0xe9 on line 2) (save it as UTF-8)\n"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("timeout = -1", "config http.timeout (from {path}) must be a number above 0, got -1"),
        ("timeout = 0", "config http.timeout (from {path}) must be a number above 0, got 0"),
        ("timeout = nan", "config http.timeout (from {path}) must be a number, got nan"),
        ("timeout = inf", "config http.timeout (from {path}) must be a number, got inf"),
        ("deadline = 1e9", "config http.deadline (from {path}) must be a number of at most 86400, got 1000000000.0"),
        ("max_retries = -3", "config http.max_retries (from {path}) must be a whole number of at least 0, got -3"),
        ('max_retries = "²"', "config http.max_retries (from {path}) must be a whole number, got '²'"),
    ],
)
def test_http_settings_out_of_range_are_refused(cli: Invoke, tmp_path: Path, line: str, expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[http]\n{line}\n")
    result = cli("--sandbox", "queue")
    assert result.code == 2
    assert result.stderr == f"error: {expected.format(path=path)}\n"


def test_a_negative_cache_time_is_refused(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[zendesk]\nmetadata_cache_seconds = -5\n")
    result = cli("--sandbox", "queue")
    assert result.code == 2
    assert "config zendesk.metadata_cache_seconds" in result.stderr
    assert "must be a whole number of at least 0, got -5" in result.stderr


def test_remote_plain_http_zendesk_url_is_refused(cli: Invoke) -> None:
    result = cli("queue", env={"ZENDESK_URL": "http://zendesk.example.org"})
    assert result.code == 2
    assert "plain http to a remote host" in result.stderr


def test_missing_credentials_is_exit_4_with_the_fix(cli: Invoke) -> None:
    result = cli("queue")
    assert result.code == 4
    assert result.stderr.strip() == (
        "error: no Zendesk credentials (run `govpress-support auth login zendesk`, "
        "or set ZENDESK_EMAIL and ZENDESK_API_TOKEN)"
    )


def test_the_lazy_tree_lists_every_command_its_modules_register() -> None:
    from govpress_support.cli.app import COMMANDS, _module_commands

    modules = {module for module, _ in COMMANDS.values()}
    registered = {name for module in modules for name in _module_commands(module)}
    assert registered == set(COMMANDS)
    for name, (module, summary) in COMMANDS.items():
        command = _module_commands(module)[name]
        assert command.help, name
        assert summary.endswith("."), name


def test_help_imports_no_command_module_and_nothing_heavy() -> None:
    """Start-up discipline (timed in bench/startup.py): `--help` builds no command."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from govpress_support.cli.app import run\n"
        "code = run(['--help'])\n"
        "heavy = ('httpx', 'rich', 'keyring', 'sqlite3', 'govpress_support.sandbox')\n"
        "loaded = [m for m in sys.modules if m.startswith(heavy) or m.endswith('_cmd')]\n"
        "print(code, sorted(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "0 []"


def test_a_piped_json_queue_loads_no_rich_and_no_seed(desk: Desk) -> None:
    """Start-up discipline (timed in bench/startup.py): a script's `--sandbox queue --json` on a
    seeded sandbox renders nothing with rich (its notices on a piped stderr are plain lines) and
    does not import the sandbox's seed and history."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from govpress_support.cli.entry import main\n"
        "try:\n"
        "    main(['--sandbox', 'queue', '--json'])\n"
        "except SystemExit as done:\n"
        "    code = done.code\n"
        "heavy = ('rich', 'govpress_support.sandbox.seed', 'govpress_support.sandbox.seed_history')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(heavy) and m != 'govpress_support.sandbox.seed_data')\n"
        "print(code, loaded, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.stdout.startswith("[\n")  # the queue, as JSON
    lines = done.stderr.splitlines()
    assert lines[-1] == "0 []", done.stderr
    assert lines[0].startswith("Using the built-in sandbox (state in ")  # the notice: one plain line


class TestAnOldSandboxDesk:
    """A sandbox desk seeded more than a day ago says so, once a run, with how to refresh it."""

    def seeded(self, desk: Desk, ago: timedelta) -> None:
        assert desk.app is not None
        at = timeutil.iso(timeutil.now() - ago)
        with desk.app.store.write() as conn:
            desk.app.store.set_meta(conn, "seeded", json.dumps({"seed": 1, "bulk": 0, "at": at}))

    def test_a_day_old_desk_says_so_once(self, cli: Invoke, desk: Desk) -> None:
        self.seeded(desk, timedelta(days=2, hours=3))
        result = cli("--sandbox", "queue")
        assert result.code == 0, result.stderr
        line = "The sandbox desk was seeded 2d 3h ago: `govpress-support sandbox reset` refreshes it"
        assert result.stderr.count(line) == 1

    def test_a_fresh_desk_says_nothing_and_reset_refreshes_it(self, cli: Invoke, desk: Desk) -> None:
        self.seeded(desk, timedelta(hours=20))
        assert "seeded" not in cli("--sandbox", "queue").stderr
        self.seeded(desk, timedelta(days=3))
        assert cli("--sandbox", "sandbox", "reset", "--yes").code == 0
        assert "seeded" not in cli("--sandbox", "queue").stderr
