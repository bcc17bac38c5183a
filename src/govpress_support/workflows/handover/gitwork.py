"""Unpushed git work: what would be lost if this laptop went under a bus tonight.

For each repository under the given directories (a directory that is a repository, or the
repositories up to two levels below it): local branches with commits on no remote, a detached
HEAD with commits on no branch or remote, uncommitted changes, untracked files and stashes.
Runs `git` as a subprocess, read-only, with prompts off; a repository git cannot read is
reported with the reason rather than failing the whole check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from govpress_support.core.numbers import whole_number

GIT_TIMEOUT = 30.0  # seconds per git command
MAX_DEPTH = 2
SKIP_DIRS = frozenset({"node_modules", "vendor", "__pycache__"})
BRANCH_FORMAT = "%(refname:short)%09%(upstream:short)%09%(upstream:track,nobracket)%09%(objectname)"


@dataclass(frozen=True)
class BranchWork:
    name: str
    commits: int  # commits on this branch that are on no remote
    upstream: str | None = None  # `origin/<branch>`; None: none, or its remote branch is gone
    ahead: int = 0  # commits its upstream lacks (with no upstream: those on no remote)
    sha: str = ""

    @property
    def describe(self) -> str:
        if self.upstream and self.ahead:
            return f"branch {self.name}: {_n(self.ahead, 'commit')} not on {self.upstream}"
        return f"branch {self.name}: {_n(self.commits, 'commit')} on no remote"


@dataclass(frozen=True)
class RepoWork:
    path: Path
    branches: tuple[BranchWork, ...] = ()
    detached_commits: int = 0
    changed: int = 0  # tracked files with staged or unstaged changes
    untracked: int = 0
    stashes: int = 0
    has_remote: bool = True
    error: str | None = None
    origin: str | None = None  # the URL of the remote named origin
    default_branch: str | None = None  # what origin/HEAD names, when the clone knows it

    @property
    def unpushed(self) -> bool:
        return bool(
            self.branches or self.detached_commits or self.changed or self.untracked or self.stashes or self.error
        )

    def summary(self) -> str:
        """`branch fix-footer: 2 commits on no remote; 3 uncommitted changes`."""
        if self.error:
            return f"not checked: {self.error}"
        parts = [b.describe for b in self.branches]
        if self.detached_commits:
            parts.append(f"detached HEAD: {_n(self.detached_commits, 'commit')} on no branch or remote")
        if self.changed:
            parts.append(f"{_n(self.changed, 'uncommitted change')}")
        if self.untracked:
            parts.append(f"{_n(self.untracked, 'untracked file')}")
        if self.stashes:
            parts.append(f"{_n(self.stashes, 'stash', 'stashes')}")
        if not self.has_remote and parts:
            parts.append("no remote configured")
        return "; ".join(parts)

    def to_record(self) -> dict[str, object]:
        return {
            "repo": str(self.path),
            "branches": [
                {"name": b.name, "commits": b.commits, "upstream": b.upstream, "ahead": b.ahead, "sha": b.sha}
                for b in self.branches
            ],
            "detached_commits": self.detached_commits,
            "uncommitted": self.changed,
            "untracked": self.untracked,
            "stashes": self.stashes,
            "has_remote": self.has_remote,
            "error": self.error,
            "origin": self.origin,
            "default_branch": self.default_branch,
        }

    @classmethod
    def from_record(cls, data: dict[str, object]) -> RepoWork:
        branches = data.get("branches")
        return cls(
            path=Path(str(data.get("repo", ""))),
            branches=tuple(
                BranchWork(
                    str(b.get("name", "")),
                    _int(b.get("commits")),
                    str(b["upstream"]) if b.get("upstream") else None,
                    _int(b.get("ahead")),
                    str(b.get("sha") or ""),
                )
                for b in (branches if isinstance(branches, list) else [])
                if isinstance(b, dict)
            ),
            detached_commits=_int(data.get("detached_commits")),
            changed=_int(data.get("uncommitted")),
            untracked=_int(data.get("untracked")),
            stashes=_int(data.get("stashes")),
            has_remote=data.get("has_remote") is not False,
            error=str(data["error"]) if data.get("error") else None,
            origin=str(data["origin"]) if data.get("origin") else None,
            default_branch=str(data["default_branch"]) if data.get("default_branch") else None,
        )


@dataclass(frozen=True)
class GitReport:
    repos: tuple[RepoWork, ...] = ()  # only those with something unpushed (or unreadable)
    checked: int = 0  # repositories looked at
    warnings: tuple[str, ...] = field(default_factory=tuple)  # directories missing, git absent


def find_repos(roots: Iterable[Path], max_depth: int = MAX_DEPTH) -> tuple[list[Path], list[str]]:
    """Repositories at or below each root (not inside another repository), and warnings."""
    found: list[Path] = []
    warnings: list[str] = []

    def walk(directory: Path, depth: int) -> None:
        if (directory / ".git").exists():
            found.append(directory)
            return
        if depth >= max_depth:
            return
        try:
            children = sorted(p for p in directory.iterdir() if p.is_dir() and not p.is_symlink())
        except OSError as exc:
            warnings.append(f"cannot read {directory}: {exc.strerror or exc}")
            return
        for child in children:
            if child.name.startswith(".") or child.name in SKIP_DIRS:
                continue
            walk(child, depth + 1)

    for root in roots:
        path = root.expanduser()
        if not path.is_dir():
            warnings.append(f"{root} is not a directory: not checked")
            continue
        walk(path.resolve(), 0)
    return list(dict.fromkeys(found)), warnings


def check_repo(path: Path) -> RepoWork:
    """What in one repository is on no remote. Never raises for git's own failures."""
    try:
        remotes = _git(path, "remote").split()
        branches: list[BranchWork] = []
        refs = _git(path, "for-each-ref", f"--format={BRANCH_FORMAT}", "refs/heads")
        for line in refs.splitlines():
            name, upstream, track, sha = [*line.split("\t"), "", "", ""][:4]
            if not name:
                continue
            if track == "gone":
                upstream = ""  # its remote branch was deleted (merged, most likely)
            ahead = _ahead(track)
            if upstream and not ahead:
                continue  # everything on it is on its upstream, so on a remote
            count = _count(path, f"refs/heads/{name}", "--not", "--remotes")
            if count or ahead:
                branches.append(BranchWork(name, count, upstream or None, ahead if upstream else count, sha))
        detached = 0
        if _git(path, "symbolic-ref", "-q", "HEAD", check=False) == "" and _has_head(path):
            detached = _count(path, "HEAD", "--not", "--remotes", "--branches")
        changed, untracked = _status_counts(_git(path, "status", "--porcelain=v1", "-z", "--untracked-files=normal"))
        stashes = len([s for s in _git(path, "stash", "list").splitlines() if s])
    except _GitFailed as exc:
        return RepoWork(path=path, error=str(exc))
    origin = _git(path, "config", "--get", "remote.origin.url", check=False) if "origin" in remotes else ""
    head = _git(path, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", check=False)
    return RepoWork(
        path=path,
        branches=tuple(branches),
        detached_commits=detached,
        changed=changed,
        untracked=untracked,
        stashes=stashes,
        has_remote=bool(remotes),
        origin=origin or None,
        default_branch=head.removeprefix("origin/") or None,
    )


def github_repo(url: str | None) -> str | None:
    """`owner/name` from a remote's URL: the last two parts of its path, as in
    `git@github.com:owner/name.git`, `https://github.com/owner/name` or a local
    `.../owner/name.git` (the sandbox's remote)."""
    if not url:
        return None
    text = url.strip()
    if "://" not in text and ":" in text.split("/", 1)[0]:
        text = text.split(":", 1)[1]  # scp-like: git@host:owner/name.git
    elif "://" in text:
        text = text.split("://", 1)[1].split("/", 1)[1] if "/" in text.split("://", 1)[1] else ""
    parts = [p for p in text.replace("\\", "/").split("/") if p]
    if len(parts) < 2:
        return None
    owner, name = parts[-2], parts[-1].removesuffix(".git")
    return f"{owner}/{name}" if owner and name else None


def unpushed_work(roots: Sequence[Path]) -> GitReport:
    """Check every repository under `roots`; report those with unpushed work."""
    if not roots:
        return GitReport()
    if shutil.which("git") is None:
        return GitReport(warnings=("git is not installed: unpushed work not checked",))
    repos, warnings = find_repos(roots)
    results = [check_repo(repo) for repo in repos]
    return GitReport(
        repos=tuple(r for r in results if r.unpushed),
        checked=len(results),
        warnings=tuple(warnings),
    )


class _GitFailed(Exception):
    pass


def git_environment() -> dict[str, str]:
    """git with no prompts: a push that needs a password fails instead of waiting for one."""
    return {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GCM_INTERACTIVE": "never",
        "LC_ALL": "C",
        "GIT_OPTIONAL_LOCKS": "0",
    }


def _git(path: Path, *args: str, check: bool = True) -> str:
    env = git_environment()
    try:
        done = subprocess.run(
            ["git", "-C", str(path), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise _GitFailed(f"git {args[0]} failed: {exc}") from None
    if check and done.returncode != 0:
        message = " ".join(done.stderr.split())[:200] or f"exit {done.returncode}"
        raise _GitFailed(f"git {args[0]}: {message}")
    # Trailing newline only: `status -z` output starts with a significant space.
    return done.stdout.rstrip("\n") if done.returncode == 0 else ""


def _status_counts(porcelain: str) -> tuple[int, int]:
    """(changed, untracked) from `git status --porcelain=v1 -z`. A rename or copy entry is
    followed by its source path as a separate field, which is not an entry of its own."""
    changed = untracked = 0
    fields = porcelain.split("\0")
    index = 0
    while index < len(fields):
        entry = fields[index]
        index += 1
        if len(entry) < 4:
            continue
        if entry.startswith("??"):
            untracked += 1
        elif not entry.startswith("!!"):
            changed += 1
            if entry[0] in "RC":
                index += 1
    return changed, untracked


def _ahead(track: str) -> int:
    """N from `ahead N` in `%(upstream:track,nobracket)` ("ahead 2, behind 1")."""
    for part in track.split(","):
        word, _, number = part.strip().partition(" ")
        if word == "ahead" and (count := whole_number(number)) is not None:
            return count
    return 0


def _count(path: Path, *revs: str) -> int:
    out = _git(path, "rev-list", "--count", *revs)
    return whole_number(out) or 0


def _has_head(path: Path) -> bool:
    return _git(path, "rev-parse", "--verify", "-q", "HEAD", check=False) != ""


def _n(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
