"""The handover's pull requests: yours, open, assigned to the next engineer with a comment.

Which: your open pull requests for the branches the handover looks at (`head=owner:branch` in
each repository's GitHub remote), and any other open pull request you authored in the
organisations of `github.orgs` (one search each). Who: the next engineer's GitHub login from
`[people.github]` in the config, else the rota when it carries one; an unknown login is said in
the plan (nothing assigned), a login GitHub does not know is an error before anything is sent.

Look before you write: the plan reads each pull request's assignees and comments, so one already
assigned to them, or already carrying your hand-over comment to them, is not assigned or
commented on again; a step a run may have sent without hearing back is read again first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from govpress_support.core.config import Settings
from govpress_support.core.errors import GovPressError, NetworkError, UsageError
from govpress_support.core.models import IssueComment, PullRequest
from govpress_support.services.github import GitHubClient
from govpress_support.services.parallel import SideBySide

ASSIGN, COMMENT = "assign", "comment"
DONE, FAILED = "done", "failed"


@dataclass(frozen=True)
class PlannedPull:
    repo: str  # owner/name
    number: int
    title: str
    url: str
    branch: str | None
    draft: bool
    assignees: tuple[str, ...]
    assign: bool = False  # add the next engineer as an assignee
    comment: str | None = None  # the comment to add; None: none to add
    skip: str | None = None  # why nothing is done

    @property
    def ref(self) -> str:
        return f"{self.repo}#{self.number}"

    @property
    def steps(self) -> tuple[str, ...]:
        return tuple(s for s, wanted in ((ASSIGN, self.assign), (COMMENT, self.comment is not None)) if wanted)

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["assignees"] = list(self.assignees)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlannedPull:
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls) if f.name in data}
        values["number"] = int(data["number"])
        values["assignees"] = tuple(str(a) for a in data.get("assignees") or ())
        values["draft"] = bool(data.get("draft"))
        values["assign"] = bool(data.get("assign"))
        return cls(**values)


@dataclass(frozen=True)
class GitHubPlan:
    me: str | None = None  # your login
    login: str | None = None  # the next engineer's
    login_source: str | None = None  # "[people.github]" | "the rota"
    pulls: tuple[PlannedPull, ...] = ()
    notes: tuple[str, ...] = ()  # what the plan says about GitHub: no token, a login unknown

    @property
    def to_do(self) -> list[PlannedPull]:
        return [p for p in self.pulls if p.steps]

    def to_dict(self) -> dict[str, Any]:
        return {
            "me": self.me,
            "login": self.login,
            "login_source": self.login_source,
            "pulls": [p.to_dict() for p in self.pulls],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> GitHubPlan:
        if not data:
            return cls()
        return cls(
            me=data.get("me"),
            login=data.get("login"),
            login_source=data.get("login_source"),
            pulls=tuple(PlannedPull.from_dict(p) for p in data.get("pulls") or [] if isinstance(p, dict)),
            notes=tuple(str(n) for n in data.get("notes") or []),
        )


def marker(login: str) -> str:
    """What every hand-over comment to `login` starts with: how a second run knows it is there."""
    return f"Handed over to @{login}"


def comment_text(login: str, giver: str, taker: str, day: date) -> str:
    return (
        f"{marker(login)}: {giver}'s 2nd line support rotation ended on {day.isoformat()}, "
        f"and {taker} takes this on. (govpress-support handover)"
    )


def has_comment(comments: Sequence[IssueComment], me: str, login: str) -> bool:
    wanted = marker(login).casefold()
    return any(c.author.casefold() == me.casefold() and wanted in c.body.casefold() for c in comments)


@dataclass(frozen=True)
class Target:
    """The next engineer as the plan knows them."""

    name: str
    email: str
    rota_login: str | None = None  # the rota's, when it carries one


def plan_github(
    github: GitHubClient | None,
    settings: Settings,
    target: Target,
    branches: Sequence[tuple[str, str]],
    *,
    giver: str,
    day: date,
) -> GitHubPlan:
    """Your open pull requests and what the handover does to each. Raises `UsageError` for a
    login GitHub does not know, `AuthError` (exit 4) for a token GitHub refuses."""
    if github is None:
        return GitHubPlan(
            notes=(
                "no GitHub token, so pull requests are not handed over "
                "(`govpress-support auth login github`, GITHUB_TOKEN, or `gh auth login`)",
            )
        )
    login, source = _login(settings, target)
    with SideBySide(name="github") as pool:
        asked_me = pool.start(github.me)
        asked_user = pool.start(github.user, login) if login else None
        by_branch = [pool.start(github.pulls_for_branch, repo, branch) for repo, branch in branches]
        searches = [pool.start(github.search_pulls, f"is:open author:@me org:{org}") for org in settings.github.orgs]
        me = asked_me.result().login  # a refused token is the first thing to say
        if asked_user is not None and asked_user.result() is None:
            raise UsageError(
                f"GitHub does not know the login {login!r} ({target.name}'s, from {source})",
                f'fix "{target.email}" under [people.github] in the config'
                if source == "[people.github]"
                else "fix it in the rota, or set it under [people.github] in the config",
            )
        found: dict[tuple[str, int], PullRequest] = {}
        for future in [*by_branch, *searches]:
            for pull in future.result():
                if pull.state == "open" and pull.author.casefold() == me.casefold():
                    found.setdefault((pull.repo.casefold(), pull.number), pull)
        pulls = sorted(found.values(), key=lambda p: (p.repo.casefold(), p.number))
        if not login:
            name = target.name or target.email
            note = (
                f"{name}'s GitHub login is unknown, so {len(pulls)} pull request(s) are not assigned: add "
                f'"{target.email}" = "THEIR-LOGIN" under [people.github] in the config'
            )
            skipped = tuple(_planned(p, skip="the next engineer's GitHub login is unknown") for p in pulls)
            return GitHubPlan(me=me, pulls=skipped, notes=(note,))
        pending = [p for p in pulls if login.casefold() not in {a.casefold() for a in p.assignees}]
        repos = sorted({p.repo for p in pending})
        asked_assignable = [pool.start(github.can_assign, repo, login) for repo in repos]
        # A hand-over comment follows the assignment, so only those assigned already may have it.
        done = [p for p in pulls if p not in pending]
        asked_threads = [pool.start(github.comments, p.repo, p.number) for p in done]
        assignable = dict(zip(repos, [f.result() for f in asked_assignable], strict=True))
        threads = dict(zip(done, [f.result() for f in asked_threads], strict=True))
    text = comment_text(login, giver, target.name or target.email, day)
    planned: list[PlannedPull] = []
    for pull in pulls:
        to_assign = pull in pending
        commented = pull in threads and has_comment(threads[pull], me, login)
        if to_assign and not assignable.get(pull.repo, False):
            why = f"@{login} cannot be assigned in {pull.repo} (not a collaborator there)"
            planned.append(_planned(pull, skip=why))
        elif not to_assign and commented:
            planned.append(_planned(pull, skip=f"already handed over to @{login}"))
        else:
            planned.append(_planned(pull, assign=to_assign, comment=None if commented else text))
    return GitHubPlan(me=me, login=login, login_source=source, pulls=tuple(planned))


def _login(settings: Settings, target: Target) -> tuple[str | None, str | None]:
    configured = settings.people.github_login(target.email)
    if configured:
        return configured, "[people.github]"
    if target.rota_login:
        return target.rota_login, "the rota"
    return None, None


def _planned(pull: PullRequest, **what: Any) -> PlannedPull:
    return PlannedPull(
        repo=pull.repo,
        number=pull.number,
        title=pull.title,
        url=pull.url,
        branch=pull.branch,
        draft=pull.draft,
        assignees=pull.assignees,
        **what,
    )


# --- carrying it out -------------------------------------------------------------------------------


Record = Callable[[PlannedPull, str, str, str | None], None]  # (pull, step, state, reason)


def hand_over(
    github: GitHubClient,
    pull: PlannedPull,
    plan: GitHubPlan,
    states: Mapping[str, str],
    record: Record,
) -> None:
    """Assign, then comment, as planned. `states` holds each step's journaled state ("sending":
    sent without an answer heard, so read again before sending). Failures are recorded, not
    raised, except a network failure (the run stops; `--resume` looks again)."""
    assert plan.login is not None and plan.me is not None
    login, me = plan.login, plan.me
    for step in pull.steps:
        state = states.get(step)
        if state in (DONE, FAILED):
            continue
        try:
            if state == "sending" and _already(github, pull, step, me, login):
                record(pull, step, DONE, "found done on GitHub")
                continue
            record(pull, step, "sending", None)
            if step == ASSIGN:
                after = github.add_assignees(pull.repo, pull.number, [login])
                if login.casefold() in {a.casefold() for a in after}:
                    record(pull, step, DONE, None)
                else:
                    record(pull, step, FAILED, f"GitHub did not assign @{login} (it may not be a collaborator)")
            else:
                assert pull.comment is not None
                github.add_comment(pull.repo, pull.number, pull.comment)
                record(pull, step, DONE, None)
        except GovPressError as exc:
            if isinstance(exc, NetworkError):
                raise
            record(pull, step, FAILED, exc.one_line())


def _already(github: GitHubClient, pull: PlannedPull, step: str, me: str, login: str) -> bool:
    if step == ASSIGN:
        return login.casefold() in {a.casefold() for a in github.pull(pull.repo, pull.number).assignees}
    return has_comment(github.comments(pull.repo, pull.number), me, login)
