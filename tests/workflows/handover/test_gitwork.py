"""Unpushed git work, against real repositories made in a temporary directory."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from govpress_support.workflows.handover.gitwork import check_repo, find_repos, unpushed_work

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.test",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.test",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=ENV, capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, name: str, text: str = "x") -> None:
    (repo / name).write_text(text)
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", f"add {name}")


@pytest.fixture
def pushed(tmp_path: Path) -> Path:
    """A clone whose main branch is pushed and clean."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    repo = tmp_path / "work" / "site"
    repo.parent.mkdir()
    git(tmp_path, "clone", "-q", str(remote), str(repo))
    git(repo, "checkout", "-q", "-b", "main")
    commit(repo, "README")
    git(repo, "push", "-q", "origin", "main")
    return repo


def test_clean_pushed_repo_has_nothing(pushed: Path) -> None:
    work = check_repo(pushed)
    assert not work.unpushed
    assert work.summary() == ""


def test_branches_changes_untracked_and_stashes(pushed: Path) -> None:
    git(pushed, "checkout", "-q", "-b", "fix-footer")
    commit(pushed, "a")
    commit(pushed, "b")
    git(pushed, "checkout", "-q", "main")
    commit(pushed, "c")  # main is one ahead of origin/main
    (pushed / "README").write_text("changed")
    (pushed / "new.txt").write_text("untracked")
    (pushed / "c").write_text("to stash")
    git(pushed, "stash", "push", "-q", "c")
    git(pushed, "mv", "c", "renamed")  # a staged rename: two fields in `status -z`, one change

    work = check_repo(pushed)
    assert {(b.name, b.commits) for b in work.branches} == {("fix-footer", 2), ("main", 1)}
    assert work.changed == 2  # README modified, c renamed (one entry, not two)
    assert work.untracked == 1
    assert work.stashes == 1
    assert "branch fix-footer: 2 commits on no remote" in work.summary()
    assert "1 stash" in work.summary()


def test_repo_without_remote(tmp_path: Path) -> None:
    repo = tmp_path / "local"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "f")
    work = check_repo(repo)
    assert not work.has_remote
    assert [(b.name, b.commits) for b in work.branches] == [("main", 1)]
    assert work.summary().endswith("no remote configured")


def test_detached_head_commits(pushed: Path) -> None:
    git(pushed, "checkout", "-q", "--detach")
    commit(pushed, "d")
    work = check_repo(pushed)
    assert work.detached_commits == 1
    assert work.branches == ()


def test_find_repos_walks_two_levels_and_reports_missing_dirs(pushed: Path, tmp_path: Path) -> None:
    nested = tmp_path / "work" / "clients" / "council"
    nested.mkdir(parents=True)
    git(nested, "init", "-q")
    (tmp_path / "work" / ".hidden" / "x").mkdir(parents=True)
    found, warnings = find_repos([tmp_path / "work", tmp_path / "nope"])
    assert sorted(found) == sorted([nested.resolve(), pushed.resolve()])
    assert warnings == [f"{tmp_path / 'nope'} is not a directory: not checked"]


def test_unpushed_work_lists_only_repos_with_something(pushed: Path, tmp_path: Path) -> None:
    other = tmp_path / "work" / "other"
    other.mkdir()
    git(other, "init", "-q", "-b", "main")
    commit(other, "f")
    report = unpushed_work([tmp_path / "work"])
    assert report.checked == 2
    assert [r.path.name for r in report.repos] == ["other"]


def test_a_broken_repo_is_reported_not_raised(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    (broken / ".git").mkdir(parents=True)
    work = check_repo(broken)
    assert work.error is not None
    assert work.unpushed
    assert work.summary().startswith("not checked: git")
