"""The state dir is private to the user: directories 0700, files 0600 (journals with internal
notes, drafts, reports, the cache, the sandbox database and its -wal/-shm files, locks)."""

from __future__ import annotations

import stat
from pathlib import Path

from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import TOM


def open_to_others(root: Path) -> list[str]:
    """Everything under `root` (itself included) that anyone but the user may read or enter."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        wanted = 0o700 if path.is_dir() else 0o600
        if mode != wanted:
            found.append(f"{path.relative_to(root)} {oct(mode)}")
    return found


def test_a_handover_leaves_nothing_readable_by_others(cli: Invoke, desk: Desk, isolated: Path) -> None:
    desk.close()  # the run below opens the database itself
    done = cli("--sandbox", "handover", "--to", TOM.email, "--note", "x", "--no-notes", "--yes")
    assert done.code == 0, done.stderr
    names = {p.name for p in isolated.rglob("*")}
    assert {"sandbox.sqlite3", "metadata.json", "handover"} <= names
    assert any(name.endswith(".jsonl") for name in names)
    assert open_to_others(isolated) == []


def test_the_sandbox_database_and_its_wal_files(cli: Invoke, isolated: Path) -> None:
    assert cli("--sandbox", "queue").code == 0
    from govpress_support import sandbox

    app = sandbox.open_app(isolated)  # held open: the -wal and -shm files exist meanwhile
    try:
        app.store.conn().execute("SELECT count(*) FROM tickets").fetchone()
        files = {p.name for p in isolated.iterdir()}
        assert {"sandbox.sqlite3-wal", "sandbox.sqlite3-shm"} <= files
        assert open_to_others(isolated) == []
    finally:
        app.close()


def test_a_kept_notes_draft_is_private(cli: Invoke, desk: Desk, isolated: Path) -> None:
    failed = cli("--sandbox", "handover", "--to", TOM.email, "--yes", env={"EDITOR": "false"})
    assert failed.code == 1 and "the editor failed" in failed.stderr
    [draft] = (isolated / "handover").glob("notes-*.md")
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    assert open_to_others(isolated) == []


def test_what_an_older_version_left_open_is_closed_up_on_first_use(cli: Invoke, isolated: Path) -> None:
    (isolated / "handover").mkdir(parents=True, mode=0o755)
    isolated.chmod(0o755)
    (isolated / "handover").chmod(0o755)
    old = isolated / "handover" / "report-old.md"
    old.write_text("# Handover: internal notes")
    old.chmod(0o644)
    assert cli("--sandbox", "queue").code == 0
    assert open_to_others(isolated) == []


def test_the_completion_cache_is_private_whatever_the_umask(cli: Invoke, desk: Desk, isolated: Path) -> None:
    """The ticket subjects and agents' emails completion offers are kept 0600, made so (not left
    to the umask), like everything else in the state dir."""
    import os

    previous = os.umask(0)
    try:
        assert cli("--sandbox", "queue").code == 0
    finally:
        os.umask(previous)
    cache = isolated / "cache" / "completion.json"
    assert cache.exists()
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert open_to_others(isolated) == []
