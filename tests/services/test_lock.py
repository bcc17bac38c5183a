"""The desk lock (services/lock.py): one holder at a time, who holds it, and what a dead run left."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govpress_support.services.lock import DeskLock, DeskLocked


def test_one_holder_per_desk_and_command(tmp_path: Path) -> None:
    first = DeskLock(tmp_path, "https://govpress.zendesk.com", "card create")
    assert first.acquire() is None
    with pytest.raises(DeskLocked) as refused:
        DeskLock(tmp_path, "https://govpress.zendesk.com", "card create").acquire()
    assert refused.value.holder is not None and refused.value.holder.pid == os.getpid()
    assert f"another `card create` is already changing this desk (pid {os.getpid()} on " in refused.value.message
    # Another command, or another desk, is not held up.
    with DeskLock(tmp_path, "https://govpress.zendesk.com", "handover"), DeskLock(tmp_path, "sandbox", "card create"):
        pass
    first.release()
    with DeskLock(tmp_path, "https://govpress.zendesk.com", "card create") as left:
        assert left is None  # a clean release leaves nothing behind


def test_what_a_dead_holder_left_is_reported_and_taken_over(tmp_path: Path) -> None:
    lock = DeskLock(tmp_path, "sandbox", "handover")
    lock.path.parent.mkdir(parents=True)
    dead = {"pid": 999999, "host": "laptop", "user": "sam", "command": "handover", "desk": "sandbox", "since": "x"}
    lock.path.write_text(json.dumps(dead))
    left = lock.acquire()
    assert left is not None and (left.pid, left.host, left.user) == (999999, "laptop", "sam")
    assert json.loads(lock.path.read_text())["pid"] == os.getpid()
    lock.release()
    assert lock.path.read_text() == ""
    assert oct(lock.path.stat().st_mode & 0o777) == "0o600"
