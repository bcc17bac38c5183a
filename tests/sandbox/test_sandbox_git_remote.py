"""The git remote helper: a bare repository and a working clone whose pushes really land, rejected
pushes that fail the ways GitHub's do, the branches matching the seeded pull requests, and
`sandbox serve` printing the GitHub and Slack environment and the remote it made."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from govpress_support.sandbox import GITHUB_API_URL, GITHUB_TOKEN
from govpress_support.sandbox.git_remote import (
    DEFAULT_BRANCHES,
    DIVERGED_SPEC,
    MAIN_AHEAD_SPEC,
    NEW_BRANCH_SPEC,
    GitError,
    GitRemote,
    ensure_git_remote,
    git_env,
    make_git_remote,
    make_repo_without_remote,
)
from govpress_support.sandbox.seed_github import (
    COOKIE_BRANCH,
    DIVERGED_BRANCH,
    FOOTER_BRANCH,
    HEADER_BRANCH,
    NEW_BRANCH,
)
from tests.desk import Desk

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def push(repo: Path, branch: str) -> subprocess.CompletedProcess[str]:
    """What `handover --push` runs for a branch."""
    return subprocess.run(
        ["git", "-C", str(repo), "push", "--set-upstream", "origin", branch],
        capture_output=True,
        text=True,
        env=git_env(),
        check=False,
    )


@pytest.fixture
def remote(tmp_path: Path) -> GitRemote:
    return make_git_remote(tmp_path / "git", (*DEFAULT_BRANCHES, NEW_BRANCH_SPEC, DIVERGED_SPEC, MAIN_AHEAD_SPEC))


def test_the_clone_has_work_the_remote_does_not(remote: GitRemote) -> None:
    assert remote.full_name == "govpress/govpress-theme"
    assert remote.bare == remote.root / "remote" / "govpress" / "govpress-theme.git"
    assert remote.workdir == remote.root / "work"
    assert {b: remote.ahead(b) for b in remote.local_branches()} == {
        HEADER_BRANCH: 2,
        COOKIE_BRANCH: 1,
        FOOTER_BRANCH: 0,
        NEW_BRANCH: 2,
        DIVERGED_BRANCH: 1,
        "main": 1,
    }
    assert remote.upstream(HEADER_BRANCH) == f"origin/{HEADER_BRANCH}"
    assert remote.upstream(NEW_BRANCH) is None
    assert NEW_BRANCH not in remote.remote_branches()
    status = subprocess.run(
        ["git", "-C", str(remote.clone), "status", "--porcelain"], capture_output=True, text=True, env=git_env()
    )
    assert status.stdout == ""  # a clean work tree on main
    origin = subprocess.run(
        ["git", "-C", str(remote.clone), "remote", "get-url", "origin"], capture_output=True, text=True, env=git_env()
    )
    assert origin.stdout.strip().endswith("govpress/govpress-theme.git")


def test_a_push_from_the_clone_lands_in_the_bare_repository(remote: GitRemote) -> None:
    before = remote.remote_sha(HEADER_BRANCH)
    done = push(remote.clone, HEADER_BRANCH)
    assert done.returncode == 0, done.stderr
    assert remote.remote_sha(HEADER_BRANCH) == remote.local_sha(HEADER_BRANCH) != before
    assert remote.ahead(HEADER_BRANCH) == 0
    assert push(remote.clone, HEADER_BRANCH).returncode == 0  # a second push changes nothing
    assert "Everything up-to-date" in push(remote.clone, HEADER_BRANCH).stderr


def test_a_branch_never_pushed_gets_its_upstream(remote: GitRemote) -> None:
    assert push(remote.clone, NEW_BRANCH).returncode == 0
    assert remote.remote_sha(NEW_BRANCH) == remote.local_sha(NEW_BRANCH)
    assert remote.upstream(NEW_BRANCH) == f"origin/{NEW_BRANCH}"


def test_a_branch_someone_else_pushed_to_is_rejected_and_the_remote_kept(remote: GitRemote) -> None:
    theirs = remote.remote_sha(DIVERGED_BRANCH)
    done = push(remote.clone, DIVERGED_BRANCH)
    assert done.returncode != 0
    assert "[rejected]" in done.stderr
    assert "fetch first" in done.stderr
    assert remote.remote_sha(DIVERGED_BRANCH) == theirs


def test_the_protected_default_branch_refuses_a_push_as_github_does(remote: GitRemote) -> None:
    main = remote.remote_sha("main")
    done = push(remote.clone, "main")
    assert done.returncode != 0
    assert "GH006: Protected branch update failed for refs/heads/main" in done.stderr
    assert remote.remote_sha("main") == main


def test_a_repository_without_a_remote_cannot_push(tmp_path: Path) -> None:
    repo = make_repo_without_remote(tmp_path / "work" / "scratch")
    done = push(repo, NEW_BRANCH)
    assert done.returncode != 0
    assert "'origin' does not appear to be a git repository" in done.stderr


def test_the_same_specs_give_the_same_commits(tmp_path: Path) -> None:
    one = make_git_remote(tmp_path / "one")
    two = make_git_remote(tmp_path / "two")
    assert one.local_branches() == two.local_branches()
    assert one.remote_branches() == two.remote_branches()
    with pytest.raises(GitError, match="exists already"):
        make_git_remote(tmp_path / "one")
    assert ensure_git_remote(tmp_path / "one") == one  # reused, not remade


def test_the_branches_to_push_have_the_seeded_pull_requests(desk: Desk, remote: GitRemote) -> None:
    with httpx.Client(
        transport=desk.app.transport(), base_url=GITHUB_API_URL, headers={"Authorization": f"Bearer {GITHUB_TOKEN}"}
    ) as gh:
        for spec in DEFAULT_BRANCHES:
            head = f"{remote.owner}:{spec.name}"
            pulls = gh.get(f"/repos/{remote.full_name}/pulls", params={"head": head}).json()
            assert [p["head"]["ref"] for p in pulls] == [spec.name]
        assert gh.get(f"/repos/{remote.full_name}/pulls", params={"head": f"govpress:{NEW_BRANCH}"}).json() == []


def test_sandbox_serve_prints_the_github_and_slack_environment_and_the_remote(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GOVPRESS_SUPPORT_", "GITHUB_", "SLACK_"))},
        "GOVPRESS_SUPPORT_STATE_DIR": str(tmp_path / "state"),
        "GOVPRESS_SUPPORT_CONFIG": str(tmp_path / "none.toml"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "govpress_support", "sandbox", "serve", "--port", "0", "--git-dir", str(tmp_path / "g")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        base = process.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:")
        lines = []
        while not (line := process.stderr.readline()).startswith("git remote"):
            assert line, f"no git remote line after {lines}"
            lines.append(line.strip())
        printed = dict(x.removeprefix("export ").split("=", 1) for x in lines if x.startswith("export "))
        assert printed["GITHUB_API_URL"] == f"{base}/api/v3"
        assert printed["GITHUB_TOKEN"] == GITHUB_TOKEN
        assert printed["SLACK_WEBHOOK_URL"] == f"{base}/services/T0GOVPRESS/B0SUPPORT/sandboxWebhookSecret0001"
        assert str(tmp_path / "g" / "work") in line
        posted = httpx.post(printed["SLACK_WEBHOOK_URL"], json={"text": "served"})
        assert (posted.status_code, posted.text) == (200, "ok")
        me = httpx.get(f"{printed['GITHUB_API_URL']}/user", headers={"Authorization": f"token {GITHUB_TOKEN}"})
        assert me.json()["login"] == "sam-okafor"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (tmp_path / "g" / "remote" / "govpress" / "govpress-theme.git").is_dir()
