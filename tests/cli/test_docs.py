"""The README says what the code does: every command, the exit codes, the record field lists.

In the manner of sqlite-utils' `test_commands_are_documented`: the README is read as text and
held against the command tree, `ExitCode` and `core.records`, so neither can drift alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from govpress_support.cli.app import COMMANDS, EXIT_CODES, _module_commands
from govpress_support.core import records
from govpress_support.core.errors import ExitCode
from tests.cli.conftest import Invoke

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def section(heading: str) -> str:
    """The README's text under `heading` (a whole heading line), up to the next heading of its level."""
    level = heading.split(" ", 1)[0]
    start = README.index(f"\n{heading}\n") + len(heading) + 2
    end = README.find(f"\n{level} ", start)
    return README[start : end if end != -1 else None]


def span_after(lead: str) -> str:
    """The first `code span` after `lead` in the README (a span may run over lines)."""
    start = README.index(lead) + len(lead)
    match = re.compile(r"`([^`]+)`").search(README, start)
    assert match is not None, lead
    return " ".join(match.group(1).split())


def field_names(span: str) -> list[str]:
    """`a, b (x|y), c [{d, e}]` -> [a, b, c]: the top-level names, in order."""
    flat = re.sub(r"\[\{[^]]*\}\]", "", re.sub(r"\([^)]*\)", "", span))
    return [name for name in re.split(r"[,\s]+", flat) if name]


def nested_names(span: str, field: str) -> list[str]:
    """`... field [{a, b}] ...` -> [a, b]."""
    match = re.search(rf"\b{field} \[\{{([^}}]*)\}}\]", span)
    assert match is not None, field
    return field_names(match.group(1))


# --- commands ------------------------------------------------------------------------------------


def cli_commands() -> set[tuple[str, ...]]:
    """Every top-level command, and every subcommand as (group, name)."""
    found: set[tuple[str, ...]] = set()
    for name, (module, _) in COMMANDS.items():
        command = _module_commands(module)[name]
        found.add((name,))
        if isinstance(command, click.Group):
            found.update((name, sub) for sub in command.commands)
    return found


def readme_commands() -> set[tuple[str, ...]]:
    """What the README's command table names: `queue`, `ticket show ID...`, `config path|show|init`,
    and `(also `note`)` for a shortcut."""
    found: set[tuple[str, ...]] = set()
    for row in section("## Commands").splitlines():
        if not row.startswith("| `"):
            continue
        first_cell = row.replace("\\|", "/").split("|")[1]
        spans = re.findall(r"`([^`]+)`", first_cell)
        words = spans[0].split()
        found.add((words[0],))
        if len(words) > 1 and re.fullmatch(r"[a-z-]+(/[a-z-]+)*", words[1]):
            found.update((words[0], sub) for sub in words[1].split("/"))
        found.update((alias,) for alias in spans[1:])  # (also `note`)
    return found


def test_every_command_and_subcommand_is_in_the_readme_table() -> None:
    missing = cli_commands() - readme_commands()
    assert not missing, f"add to the README's command table: {sorted(missing)}"


def test_the_readme_table_names_only_commands_that_exist() -> None:
    unknown = readme_commands() - cli_commands()
    assert not unknown, f"the README's command table names commands the CLI lacks: {sorted(unknown)}"


# --- exit codes ----------------------------------------------------------------------------------


def test_the_readme_exit_code_table_is_exit_code() -> None:
    rows = re.findall(r"^\| (\d+) \|", section("## Errors and exit codes"), re.MULTILINE)
    assert [int(code) for code in rows] == [int(code) for code in ExitCode]


def test_the_root_help_epilog_names_every_exit_code(cli: Invoke) -> None:
    listed = [int(part.split()[0]) for part in EXIT_CODES.removeprefix("Exit codes:").split("·")]
    assert listed == [int(code) for code in ExitCode]
    shown = " ".join(cli("--help").stdout.split())
    assert " ".join(EXIT_CODES.split()) in shown


# --- the ticket record ---------------------------------------------------------------------------


def test_queue_json_fields_are_the_records_field_list() -> None:
    span = span_after("`--json` gives an array in queue order; each object has ")
    assert field_names(span) == list(records.QUEUE_FIELDS)


def test_queue_tsv_columns_are_the_records_tsv_list() -> None:
    span = span_after("the output is tab-separated with one header line (")
    assert span.split() == list(records.QUEUE_TSV_FIELDS)


def test_ticket_show_json_fields_are_the_records_field_list() -> None:
    span = span_after("`--json` prints an array with one object per ticket:\n")
    assert field_names(span) == list(records.SHOW_FIELDS)
    assert nested_names(span, "sla_metrics") == list(records.SLA_METRIC_FIELDS)
    assert nested_names(span, "comments") == list(records.COMMENT_FIELDS)


@pytest.mark.parametrize("fields", [records.QUEUE_TSV_FIELDS, records.SHOW_TSV_FIELDS])
def test_tsv_lists_pick_from_the_json_fields(fields: tuple[str, ...]) -> None:
    assert set(fields) <= set(records.QUEUE_FIELDS) | set(records.SHOW_FIELDS)


# --- stats ---------------------------------------------------------------------------------------


def object_names(span: str, field: str) -> list[str]:
    """`... field {a, b} ...` -> [a, b]."""
    match = re.search(rf"\b{field} \{{([^}}]*)\}}", span)
    assert match is not None, field
    return field_names(match.group(1))


def test_stats_json_fields_are_the_records_field_lists() -> None:
    from govpress_support.workflows.stats import models

    span = span_after("`stats --json` prints one object: ")
    assert field_names(re.sub(r"\{[^}]*\}", "", re.sub(r"\[\{[^]]*\}\]", "", span))) == list(models.FIELDS)
    assert object_names(span, "window") == list(models.WINDOW_FIELDS)
    assert object_names(span, "sla") == list(models.TALLY_FIELDS)
    assert object_names(span, "flow") == list(models.FLOW_FIELDS)
    assert nested_names(span, "metrics") == list(models.METRIC_FIELDS)
    assert nested_names(span, "breaches") == list(models.BREACH_FIELDS)
    assert nested_names(span, "days") == list(models.DAY_FIELDS)


def test_stats_tsv_columns_are_the_records_tsv_list() -> None:
    from govpress_support.workflows.stats import models

    assert span_after("Piped, the series by day, tab-separated (").split() == list(models.DAY_TSV_FIELDS)
