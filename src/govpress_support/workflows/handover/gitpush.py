"""`handover --push`: push each branch with commits its upstream lacks (or with no upstream).

`git push --porcelain --set-upstream origin BRANCH`, never forced, with prompts off, no terminal
to prompt on and a time limit, so a push that needs a password fails instead of waiting. The
remote's default branch is never pushed (GitHub protects it; work reaches it through a pull
request). A push's result is git's answer: its porcelain status line for the branch, and git's
own reason when it refused (rejected, no remote, authentication, a protected branch).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govpress_support.workflows.handover.gitwork import GitReport, git_environment, github_repo

PUSH_TIMEOUT = 120.0  # seconds for one push
PUSHED, UP_TO_DATE, FAILED, SKIPPED = "pushed", "up_to_date", "failed", "skipped"
FALLBACK_DEFAULTS = ("main", "master")  # the default branch when the clone does not say


@dataclass(frozen=True)
class PlannedPush:
    repo: Path
    branch: str
    commits: int  # what the push takes to the remote
    upstream: str | None  # None: a new branch on the remote
    sha: str
    github_repo: str | None = None  # owner/name, read off origin's URL
    skip: str | None = None  # why it is not pushed (the default branch)
    warning: str | None = None  # why git will likely refuse (no remote named origin)

    @property
    def key(self) -> str:
        return f"{self.repo}:{self.branch}"

    def describe(self) -> str:
        what = "new branch" if self.upstream is None else f"{_n(self.commits, 'commit')} onto {self.upstream}"
        if self.upstream is None:
            what = f"{_n(self.commits, 'commit')}, {what}"
        return f"{self.branch} in {self.repo} ({what})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "repo": str(self.repo),
            "branch": self.branch,
            "commits": self.commits,
            "upstream": self.upstream,
            "sha": self.sha,
            "github_repo": self.github_repo,
            "skip": self.skip,
            "warning": self.warning,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlannedPush:
        return cls(
            repo=Path(str(data["repo"])),
            branch=str(data["branch"]),
            commits=int(data.get("commits") or 0),
            upstream=data.get("upstream"),
            sha=str(data.get("sha") or ""),
            github_repo=data.get("github_repo"),
            skip=data.get("skip"),
            warning=data.get("warning"),
        )


@dataclass(frozen=True)
class PushOutcome:
    state: str  # pushed | up_to_date | failed | skipped
    reason: str | None = None  # git's reason for a failure, or what it said ("[new branch]")

    @property
    def ok(self) -> bool:
        return self.state in (PUSHED, UP_TO_DATE, SKIPPED)


def plan_pushes(git: GitReport, defaults: dict[str, str] | None = None) -> tuple[PlannedPush, ...]:
    """A push for every branch with commits its upstream lacks, or with no upstream. `defaults`
    maps `owner/name` to GitHub's default branch, for clones that do not know theirs."""
    planned: list[PlannedPush] = []
    for repo in git.repos:
        if repo.error:
            continue
        full_name = github_repo(repo.origin)
        default = repo.default_branch or (defaults or {}).get(full_name or "")
        for branch in repo.branches:
            skip = None
            if branch.name == default or (default is None and branch.name in FALLBACK_DEFAULTS):
                skip = "the default branch is never pushed by a handover: its work goes through a pull request"
            warning = None if repo.origin else "no remote named origin: git has nowhere to push it"
            planned.append(
                PlannedPush(
                    repo=repo.path,
                    branch=branch.name,
                    commits=branch.ahead or branch.commits,
                    upstream=branch.upstream,
                    sha=branch.sha,
                    github_repo=full_name,
                    skip=skip,
                    warning=warning,
                )
            )
    return tuple(planned)


def github_branches(pushes: Iterable[PlannedPush]) -> list[tuple[str, str]]:
    """(owner/name, branch) of each branch pushed, or already on the remote: where pull requests
    come from."""
    return list(dict.fromkeys((p.github_repo, p.branch) for p in pushes if p.github_repo and not p.skip))


def push(planned: PlannedPush) -> PushOutcome:
    """Push one branch; the outcome from git's answer. Never raises for git's own failures."""
    ref = f"refs/heads/{planned.branch}"
    try:
        done = subprocess.run(
            ["git", "-C", str(planned.repo), "push", "--porcelain", "--set-upstream", "origin", planned.branch],
            capture_output=True,
            text=True,
            timeout=PUSH_TIMEOUT,
            env=git_environment(),
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # no controlling terminal: ssh cannot ask for a passphrase either
        )
    except subprocess.TimeoutExpired:
        return PushOutcome(FAILED, f"git push did not finish in {PUSH_TIMEOUT:.0f}s (a network or login problem?)")
    except OSError as exc:
        return PushOutcome(FAILED, f"cannot run git: {exc.strerror or exc}")
    flag, summary = _status(done.stdout, ref)
    if done.returncode == 0 and flag in (" ", "*", "="):
        return PushOutcome(UP_TO_DATE if flag == "=" else PUSHED, summary or None)
    return PushOutcome(FAILED, _reason(summary, done.stderr, done.returncode))


def _status(porcelain: str, ref: str) -> tuple[str | None, str]:
    """The flag and summary of `ref`'s line in `git push --porcelain` output."""
    for line in porcelain.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[1].split(":", 1)[0] == ref:
            return parts[0][:1], parts[2].strip()
    return None, ""


_ADVICE = {
    "fetch first": "someone pushed to it since: pull (or fetch and rebase), then push",
    "non-fast-forward": "the remote branch has moved on: pull (or fetch and rebase), then push",
}


def _reason(summary: str, stderr: str, code: int) -> str:
    """git's own reason, on one line: the status summary and its error lines."""
    lines = [" ".join(line.split()) for line in stderr.splitlines()]
    errors = [
        line
        for line in lines
        if line.startswith(("fatal:", "error:", "remote: error:", "remote: fatal:", "ERROR:"))
        and "failed to push some refs" not in line
    ]
    parts = [summary] if summary else []
    parts += list(dict.fromkeys(errors))
    advice = next((text for key, text in _ADVICE.items() if key in summary), None)
    if advice:
        parts.append(advice)
    reason = "; ".join(parts) or f"git push failed (exit {code})"
    return reason if len(reason) <= 400 else reason[:399] + "…"


def _n(count: int, singular: str) -> str:
    return f"{count} {singular if count == 1 else singular + 's'}"
