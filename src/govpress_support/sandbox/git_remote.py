"""A git remote for tests and practice: a local bare repository standing in for GitHub, and a
working clone whose branches have commits the remote does not, so `handover --push` really pushes.

    remote = make_git_remote(tmp_path)            # the default branches (below)
    remote.clone                                  # the working clone: point `--repos` at remote.workdir
    remote.ahead("fix/4015-header-colour")        # 2 commits to push
    remote.remote_sha("fix/4015-header-colour")   # the bare repository's tip, after a push

Layout under `root`: `remote/<owner>/<repo>.git` (bare; the clone's `origin`, so the owner and name
read off the URL's last two parts, as they do off `git@github.com:<owner>/<repo>.git`) and
`work/<repo>` (the clone). The bare repository refuses pushes to its protected default branch with
GitHub's GH006 message, and the default branches match the seeded pull requests (`seed_github`).

Pure `git` on local paths: no network, prompts off, and neither the user's nor the system's git
configuration is read (commit signing or hooks there cannot break a test). Commit dates are fixed,
so the same specs give the same commit ids.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from govpress_support.sandbox.seed_github import (
    COOKIE_BRANCH,
    DIVERGED_BRANCH,
    FOOTER_BRANCH,
    HEADER_BRANCH,
    NEW_BRANCH,
    ORG,
    THEME_REPO,
)

AUTHOR = ("Sam Okafor", "sam.okafor@govpress.example")
OTHER_AUTHOR = ("Priya Shah", "priya.shah@govpress.example")
DEFAULT_BRANCH = "main"
EPOCH = 1_764_000_000  # commit dates count up from here (late November 2025), one minute a commit


@dataclass(frozen=True)
class BranchSpec:
    """One branch of the working clone.

    `pushed`: commits on the remote beyond main (0: never pushed, no upstream); `ahead`: local
    commits on top that the remote does not have; `diverged`: commits someone else pushed to the
    remote branch since (the clone has not fetched them), so a push is rejected.
    """

    name: str
    pushed: int = 1
    ahead: int = 1
    diverged: int = 0


# The branches of the default clone: two to push (pull requests #42 and #43), one pushed and up
# to date (#44, already assigned to the next engineer).
DEFAULT_BRANCHES: tuple[BranchSpec, ...] = (
    BranchSpec(HEADER_BRANCH, pushed=1, ahead=2),
    BranchSpec(COOKIE_BRANCH, pushed=1, ahead=1),
    BranchSpec(FOOTER_BRANCH, pushed=2, ahead=0),
)
# Extra cases a test can add: a branch never pushed (no upstream, no pull request), one a push
# rejects (someone pushed to it since), and the protected default branch with a local commit.
NEW_BRANCH_SPEC = BranchSpec(NEW_BRANCH, pushed=0, ahead=2)
DIVERGED_SPEC = BranchSpec(DIVERGED_BRANCH, pushed=1, ahead=1, diverged=1)
MAIN_AHEAD_SPEC = BranchSpec(DEFAULT_BRANCH, pushed=0, ahead=1)

PROTECTED_HOOK = """#!/bin/sh
# GitHub's answer to a push to a protected branch.
status=0
while read old new ref; do
  case " $PROTECTED " in
    *" ${ref#refs/heads/} "*)
      echo "error: GH006: Protected branch update failed for $ref." >&2
      echo "error: Changes must be made through a pull request." >&2
      status=1;;
  esac
done
exit $status
"""


class GitError(Exception):
    pass


@dataclass(frozen=True)
class GitRemote:
    root: Path
    bare: Path  # the remote (origin)
    clone: Path  # the working clone
    owner: str
    name: str

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def workdir(self) -> Path:
        """The directory holding the clone: what `handover --repos` is given."""
        return self.clone.parent

    def remote_branches(self) -> dict[str, str]:
        """Branch -> commit id in the bare repository (what a push changed)."""
        return _refs(self.bare, "refs/heads")

    def local_branches(self) -> dict[str, str]:
        return _refs(self.clone, "refs/heads")

    def remote_sha(self, branch: str) -> str | None:
        return self.remote_branches().get(branch)

    def local_sha(self, branch: str) -> str | None:
        return self.local_branches().get(branch)

    def ahead(self, branch: str) -> int:
        """Commits on the local branch that the bare repository's branch (if any) lacks."""
        local = self.local_sha(branch)
        if local is None:
            raise GitError(f"no local branch {branch}")
        tip = self.remote_sha(branch)
        if tip is None:
            base = f"refs/remotes/origin/{DEFAULT_BRANCH}"
        elif _has_commit(self.clone, tip):
            base = tip
        else:  # someone else pushed since: compare with what the clone last saw
            base = f"refs/remotes/origin/{branch}"
        return int(git(self.clone, "rev-list", "--count", local, "--not", base))

    def upstream(self, branch: str) -> str | None:
        """The branch's upstream (`origin/<branch>`), or None when it has none."""
        out = git(self.clone, "rev-parse", "--abbrev-ref", f"{branch}@{{upstream}}", check=False)
        return out or None


def git_env() -> dict[str, str]:
    """The environment the helper runs git in: no prompts, no global or system configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "LC_ALL": "C",
        }
    )
    return env


def git(cwd: Path, *args: str, check: bool = True, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(cwd), *args],
        capture_output=True,
        text=True,
        env=env or git_env(),
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    if check and done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.strip() or done.returncode}")
    return done.stdout.strip() if done.returncode == 0 else ""


def make_git_remote(
    root: Path,
    branches: Sequence[BranchSpec] = DEFAULT_BRANCHES,
    *,
    owner: str = ORG,
    name: str = THEME_REPO,
    protected: Sequence[str] = (DEFAULT_BRANCH,),
    author: tuple[str, str] = AUTHOR,
) -> GitRemote:
    """Create the bare remote and the working clone under `root` (which must not hold them yet)."""
    if shutil.which("git") is None:
        raise GitError("git is not installed")
    root = Path(root)
    bare = root / "remote" / owner / f"{name}.git"
    clone = root / "work" / name
    if bare.exists() or clone.exists():
        raise GitError(f"{bare} or {clone} exists already")
    bare.parent.mkdir(parents=True, exist_ok=True)
    clone.mkdir(parents=True)
    commits = _Committer(author)
    git(root, "init", "--quiet", "--bare", f"--initial-branch={DEFAULT_BRANCH}", str(bare))
    git(clone, "init", "--quiet", f"--initial-branch={DEFAULT_BRANCH}")
    git(clone, "config", "user.name", author[0])
    git(clone, "config", "user.email", author[1])
    git(clone, "config", "commit.gpgsign", "false")
    git(clone, "remote", "add", "origin", str(bare))
    commits.make(clone, "README.md", f"# {name}\n", "Initial commit")
    commits.make(clone, "style.css", "/* GovPress theme */\n", "Theme stylesheet")
    git(clone, "push", "--quiet", "--set-upstream", "origin", DEFAULT_BRANCH)
    for spec in branches:
        if spec.name != DEFAULT_BRANCH:
            _branch(clone, spec, commits)
    for spec in branches:
        if spec.name == DEFAULT_BRANCH:
            git(clone, "checkout", "--quiet", DEFAULT_BRANCH)
            for n in range(spec.ahead):
                commits.make(clone, "CHANGELOG.md", f"Unreleased change {n + 1}\n", f"Local change on main {n + 1}")
    git(clone, "checkout", "--quiet", DEFAULT_BRANCH)
    if protected:
        hook = bare / "hooks" / "pre-receive"
        hook.write_text(PROTECTED_HOOK.replace("$PROTECTED", " ".join(protected)))
        hook.chmod(0o755)
    return GitRemote(root, bare, clone, owner, name)


def make_repo_without_remote(path: Path, *, branch: str = NEW_BRANCH, author: tuple[str, str] = AUTHOR) -> Path:
    """A repository with no remote at all and a branch with a commit: a push has nowhere to go."""
    path = Path(path)
    path.mkdir(parents=True)
    commits = _Committer(author)
    git(path, "init", "--quiet", f"--initial-branch={DEFAULT_BRANCH}")
    git(path, "config", "user.name", author[0])
    git(path, "config", "user.email", author[1])
    commits.make(path, "README.md", "# scratch\n", "Initial commit")
    git(path, "checkout", "--quiet", "-b", branch)
    commits.make(path, "notes.md", "Investigation notes\n", "Notes from the investigation")
    git(path, "checkout", "--quiet", DEFAULT_BRANCH)
    return path


def ensure_git_remote(root: Path) -> GitRemote:
    """The default remote and clone under `root`: made the first time, reused after (for `sandbox serve`)."""
    root = Path(root)
    bare = root / "remote" / ORG / f"{THEME_REPO}.git"
    clone = root / "work" / THEME_REPO
    if bare.is_dir() and (clone / ".git").is_dir():
        return GitRemote(root, bare, clone, ORG, THEME_REPO)
    return make_git_remote(root)


# --- internals -----------------------------------------------------------------------------------


class _Committer:
    """Makes commits with fixed, increasing dates so their ids repeat from run to run."""

    def __init__(self, author: tuple[str, str]):
        self.author = author
        self.count = 0

    def make(self, repo: Path, filename: str, text: str, message: str, author: tuple[str, str] | None = None) -> str:
        who = author or self.author
        self.count += 1
        when = f"@{EPOCH + 60 * self.count} +0000"
        path = repo / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(text)
        env = git_env()
        env.update(
            {
                "GIT_AUTHOR_NAME": who[0],
                "GIT_AUTHOR_EMAIL": who[1],
                "GIT_AUTHOR_DATE": when,
                "GIT_COMMITTER_NAME": who[0],
                "GIT_COMMITTER_EMAIL": who[1],
                "GIT_COMMITTER_DATE": when,
            }
        )
        git(repo, "add", "--", filename, env=env)
        git(repo, "commit", "--quiet", "--no-verify", "-m", message, env=env)
        return git(repo, "rev-parse", "HEAD")


def _branch(clone: Path, spec: BranchSpec, commits: _Committer) -> None:
    slug = spec.name.replace("/", "-")
    git(clone, "checkout", "--quiet", "-b", spec.name, DEFAULT_BRANCH)
    for n in range(spec.pushed):
        commits.make(clone, f"{slug}.md", f"pushed {n + 1}\n", f"{spec.name}: work in progress {n + 1}")
    if spec.pushed:
        git(clone, "push", "--quiet", "--set-upstream", "origin", spec.name)
    if spec.diverged:  # someone else pushes from their own clone; ours has not fetched since
        other = clone.parent / f".{slug}-someone-else"
        git(clone.parent, "clone", "--quiet", "--branch", spec.name, str(_origin(clone)), str(other))
        for n in range(spec.diverged):
            commits.make(other, f"{slug}-review.md", f"review {n + 1}\n", f"Review fixes {n + 1}", OTHER_AUTHOR)
        git(other, "push", "--quiet", "origin", spec.name)
        shutil.rmtree(other)
    for n in range(spec.ahead):
        commits.make(clone, f"{slug}.md", f"local {n + 1}\n", f"{spec.name}: unpushed change {n + 1}")


def _origin(clone: Path) -> Path:
    return Path(git(clone, "config", "--get", "remote.origin.url"))


def _refs(repo: Path, prefix: str) -> dict[str, str]:
    out = git(repo, "for-each-ref", "--format=%(refname:short) %(objectname)", prefix)
    return dict(line.split(" ", 1) for line in out.splitlines() if line)


def _has_commit(repo: Path, sha: str) -> bool:
    done = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "-e", f"{sha}^{{commit}}"],
        env=git_env(),
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return done.returncode == 0
