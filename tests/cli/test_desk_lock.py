"""Never two at once, for the rota day's changes: `reply`, `ticket due`, `suspended recover|delete`
and `weekly-tasks take` hold the desk's lock for their name (services/lock.py), so a second run
while one holds it stops at once, names the holder (exit 1) and changes nothing; `--dry-run`
takes no lock. The lock is held here by the test itself, as a first run would hold it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govpress_support.services.lock import DeskLock
from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import FREE_WEEKLY_TASK, SEED, SPAM, WEEK

TEXT = "Hi Hannah, the contact form sends again: could you try it?"


def _weekly_members(desk: Desk) -> Any:
    return next(c["idMembers"] for c in desk.cards(WEEK) if c["name"] == FREE_WEEKLY_TASK)


# (the lock's command name, the command line, what it changes on the desk)
CHANGES: list[tuple[str, list[str], Callable[[Desk], Any]]] = [
    ("ticket reply", ["reply", str(SEED.breached_urgent), TEXT], lambda d: d.emails(SEED.breached_urgent)),
    ("ticket reply", ["ticket", "reply", str(SEED.breached_urgent), TEXT], lambda d: d.emails(SEED.breached_urgent)),
    (
        "ticket due",
        ["ticket", "due", str(SEED.mine_task_with_due), "+3d"],
        lambda d: d.ticket(SEED.mine_task_with_due)["due_at"],
    ),
    ("suspended recover", ["suspended", "recover", str(SPAM)], lambda d: d.suspended()),
    ("suspended delete", ["suspended", "delete", str(SPAM)], lambda d: d.suspended()),
    ("weekly-tasks take", ["weekly-tasks", "take", FREE_WEEKLY_TASK], _weekly_members),
]


@pytest.mark.parametrize(("name", "args", "state"), CHANGES, ids=[" ".join(c[1][:2]) for c in CHANGES])
def test_a_second_run_while_the_lock_is_held_changes_nothing(
    cli: Invoke, desk: Desk, isolated: Path, name: str, args: list[str], state: Callable[[Desk], Any]
) -> None:
    before = state(desk)
    held = DeskLock(isolated, "sandbox", name)
    assert held.acquire() is None
    try:
        refused = cli("--sandbox", *args, "--yes")
        assert refused.code == 1, refused.stderr
        assert f"error: another `{name}` is already changing this desk (pid {os.getpid()} on " in refused.stderr
        assert "nothing was changed" in refused.stderr
        assert state(desk) == before
        planned = cli("--sandbox", *args, "--dry-run")  # writes nothing, so takes no lock
        assert planned.code == 0, planned.stderr
    finally:
        held.release()
    done = cli("--sandbox", *args, "--yes")  # the lock was what stopped it
    assert done.code == 0, done.stderr
    assert state(desk) != before
