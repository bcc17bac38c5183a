"""Value completion through the shell's own protocol (`_GOVPRESS_SUPPORT_COMPLETE`): groups,
statuses, priorities, types, ticket ids from the last queue and agents met so far, all from local
caches, with no request sent (the timing is measured in bench/completion.py, not here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_mock import MockerFixture

from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import ME, PRIYA, SECOND_LINE_NAME, SEED


@pytest.fixture
def complete(cli: Invoke, mocker: MockerFixture) -> Invoke:
    """`complete("queue --group ")`: what bash is offered for the last word; no request allowed."""

    def ask(line: str) -> list[str]:  # type: ignore[override]
        words = ["govpress-support", *line.split()]
        if line.endswith(" "):
            words.append("")
        sent = mocker.patch("httpx.Client.send", side_effect=AssertionError("completion sent a request"))
        result = cli(
            env={
                "_GOVPRESS_SUPPORT_COMPLETE": "complete_bash",
                "COMP_WORDS": " ".join(words),
                "COMP_CWORD": str(len(words) - 1),
            }
        )
        mocker.stop(sent)
        assert result.code == 0, result.stderr
        assert sent.call_count == 0
        return [line for line in result.stdout.splitlines() if line]

    return ask  # type: ignore[return-value]


def test_fixed_values_need_no_cache_at_all(complete: Invoke, isolated: Path) -> None:
    assert complete("queue --group ") == ["triage", "1st", "2nd", "scoping"]
    assert complete("queue --status on") == ["on-hold"]
    assert complete("ticket triage 4012 --priority ") == ["urgent", "high", "normal", "low"]
    assert complete("ticket triage 4012 --type t") == ["task"]
    assert complete("reply 4012 --status bel") == ["believed-solved"]
    assert complete("queue --assignee ") == ["me", "none"]
    assert complete("ticket show ") == []  # no queue yet
    assert not (isolated / "cache").exists()  # and nothing was made up or fetched


def test_ids_from_the_last_queue_and_names_from_what_was_read(cli: Invoke, desk: Desk, complete: Invoke) -> None:
    queued = cli("--sandbox", "queue", "--json")
    order = [row["id"] for row in queued.json()]
    assert complete("ticket show ") == [str(i) for i in order]
    prefix = str(SEED.breached_urgent)[:3]
    assert complete(f"reply {prefix}") == [str(i) for i in order if str(i).startswith(prefix)]
    assert complete("ticket show #40")[:1] == [f"#{order[0]}"]
    emails = complete("queue --assignee ")
    assert emails[:2] == ["me", "none"] and ME.email in emails and PRIYA.email in emails

    assert SECOND_LINE_NAME not in complete("queue --group ")
    cli("--sandbox", "ticket", "show", SEED.breached_urgent)  # reads (and caches) the groups and statuses
    assert SECOND_LINE_NAME in complete("queue --group GovPress")
    assert "Pending believed solved" in complete("queue --status P")


def test_a_broken_cache_completes_the_fixed_values_only(complete: Invoke, isolated: Path) -> None:
    (isolated / "cache").mkdir(parents=True)
    (isolated / "cache" / "completion.json").write_text("{not json")
    (isolated / "cache" / "metadata.json").write_text('{"groups x": {"at": 1, "value": "nonsense"}}')
    assert complete("ticket show ") == []
    assert complete("queue --group ") == ["triage", "1st", "2nd", "scoping"]
