"""A state dir that cannot be written (read-only, or a file where the directory should be): a
command that must write there says which path and what to do, before anything is sent; a
read-only command carries on without its cache (e2e: tests/e2e/test_state_dir_e2e.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govpress_support.services.cache import MetadataCache
from tests.cli.conftest import Invoke

FIX = "(make it a writable directory, or set GOVPRESS_SUPPORT_STATE_DIR to one)"


@pytest.fixture
def file_state(tmp_path: Path) -> Path:
    path = tmp_path / "state-file"
    path.write_text("not a directory")
    return path


@pytest.mark.parametrize("args", [("--sandbox", "queue"), ("--sandbox", "handover", "--dry-run")])
def test_the_sandbox_says_it_cannot_be_written_there(cli: Invoke, file_state: Path, args: tuple[str, ...]) -> None:
    result = cli(*args, env={"GOVPRESS_SUPPORT_STATE_DIR": str(file_state)})
    assert result.code == 2
    assert result.stderr == (
        f"error: cannot write the sandbox's database in {file_state}: it is a file, not a directory {FIX}\n"
    )


def test_a_change_says_its_lock_cannot_be_written_before_anything_else(cli: Invoke, file_state: Path) -> None:
    """A command that changes the desk holds a lock in the state dir from its first read: a state
    dir that is a file stops it there, naming the path and the fix."""
    result = cli("--sandbox", "card", "create", "4012", "--yes", env={"GOVPRESS_SUPPORT_STATE_DIR": str(file_state)})
    assert result.code == 2
    assert result.stderr == (
        f"error: cannot write the lock that keeps two runs apart in {file_state / 'locks'}: "
        f"{file_state} is a file, not a directory {FIX}\n"
    )


def test_sandbox_reset_says_it_too(cli: Invoke, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    result = cli("sandbox", "reset", "--yes", env={"GOVPRESS_SUPPORT_STATE_DIR": str(blocker / "state")})
    assert result.code == 2
    assert result.stderr == (
        f"error: cannot write the sandbox's database in {blocker / 'state'}: {blocker} is a file, not a directory "
        f"{FIX}\n"
    )


def test_a_cache_that_cannot_be_written_is_said_once_and_never_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    path = tmp_path / "cache" / "metadata.json"
    cache = MetadataCache(path, ttl=600, on_error=said.append)

    def read_only(target: Path, *args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied", str(target))

    with monkeypatch.context() as patched:  # a read-only state dir
        patched.setattr("govpress_support.services.cache.write_private", read_only)
        cache.put("groups", [1, 2])
        cache.put("statuses", [3])
        cache.forget("groups")
    assert cache.get("groups") is None
    assert said == [f"the cache {path} cannot be written (Permission denied): carrying on without it"]

    (tmp_path / "file").write_bytes(b"")
    blocked = MetadataCache(tmp_path / "file" / "cache" / "metadata.json", ttl=600)  # a file where the dir goes
    blocked.put("groups", [1])
    assert blocked.get("groups") is None


def test_a_completion_cache_that_cannot_be_written_is_said_and_never_fails(tmp_path: Path) -> None:
    from govpress_support.core.models import User
    from govpress_support.services.completions import CompletionCache

    (tmp_path / "file").write_bytes(b"")
    said: list[str] = []
    path = tmp_path / "file" / "cache" / "completion.json"  # a file where the dir goes
    cache = CompletionCache(path, on_error=said.append)
    cache.remember_tickets([(4012, "A subject")])
    cache.saw_users([User(1, "Sam Okafor", "sam@govpress.example", role="agent")])
    cache.save()
    assert len(said) == 1 and said[0].startswith(f"the completion cache {path} cannot be written")
