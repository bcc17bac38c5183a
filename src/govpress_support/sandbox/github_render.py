"""GitHub REST v3 objects as GitHub writes them: users, repositories, issues, pull requests and
issue comments, with their hypermedia URLs on the requesting host (`<origin>/api/v3`) and the web
URLs (`html_url`) on github.com."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from govpress_support.sandbox.constants import GITHUB_WEB


@dataclass(frozen=True)
class GhUser:
    id: int
    login: str
    type: str  # User | Organization
    doc: Mapping[str, Any]

    @property
    def orgs(self) -> tuple[str, ...]:
        return tuple(self.doc.get("orgs") or ())


@dataclass(frozen=True)
class GhRepo:
    id: int
    owner: GhUser
    name: str
    doc: Mapping[str, Any]

    @property
    def full_name(self) -> str:
        return f"{self.owner.login}/{self.name}"

    @property
    def members(self) -> frozenset[int]:
        """Who has push access: the owning organisation's members."""
        return frozenset(self.owner.doc.get("members") or ())


@dataclass(frozen=True)
class GhIssue:
    id: int
    repo: GhRepo
    number: int
    is_pull: bool
    state: str
    user: GhUser
    head_ref: str | None
    created_at: str
    updated_at: str
    doc: Mapping[str, Any]
    comments: int  # how many issue comments it has


def node_id(kind: str, number: int) -> str:
    """A node id in GitHub's legacy form (`MDQ6VXNlcjE=` is "04:User1")."""
    text = f"0{len(kind)}:{kind}{number}"
    return base64.b64encode(text.encode()).decode()


class Renderer:
    """Builds the JSON objects for one request: `api` is the base the client used."""

    def __init__(self, api: str, users: Mapping[int, GhUser]):
        self.api = api.rstrip("/")
        self.users = users

    # --- users -----------------------------------------------------------------------------------

    def simple_user(self, user: GhUser) -> dict[str, Any]:
        url = f"{self.api}/users/{user.login}"
        return {
            "login": user.login,
            "id": user.id,
            "node_id": node_id(user.type, user.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4",
            "gravatar_id": "",
            "url": url,
            "html_url": f"{GITHUB_WEB}/{user.login}",
            "followers_url": f"{url}/followers",
            "following_url": f"{url}/following{{/other_user}}",
            "gists_url": f"{url}/gists{{/gist_id}}",
            "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{url}/subscriptions",
            "organizations_url": f"{url}/orgs",
            "repos_url": f"{url}/repos",
            "events_url": f"{url}/events{{/privacy}}",
            "received_events_url": f"{url}/received_events",
            "type": user.type,
            "user_view_type": "public",
            "site_admin": False,
        }

    def public_user(self, user: GhUser) -> dict[str, Any]:
        doc = user.doc
        return {
            **self.simple_user(user),
            "name": doc.get("name"),
            "company": doc.get("company"),
            "blog": "",
            "location": "London" if user.type == "User" else None,
            "email": doc.get("email"),
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": 0,
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": doc.get("created_at"),
            "updated_at": doc.get("updated_at", doc.get("created_at")),
        }

    def private_user(self, user: GhUser) -> dict[str, Any]:
        """`GET /user`: the authenticated user, with the private counts."""
        return {
            **self.public_user(user),
            "notification_email": user.doc.get("email"),
            "private_gists": 0,
            "total_private_repos": 0,
            "owned_private_repos": 0,
            "disk_usage": 0,
            "collaborators": 0,
            "two_factor_authentication": True,
            "plan": {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000},
        }

    # --- repositories ----------------------------------------------------------------------------

    def repo(self, repo: GhRepo) -> dict[str, Any]:
        url = f"{self.api}/repos/{repo.full_name}"
        doc = repo.doc
        return {
            "id": repo.id,
            "node_id": node_id("Repository", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "private": bool(doc.get("private", True)),
            "owner": self.simple_user(repo.owner),
            "html_url": f"{GITHUB_WEB}/{repo.full_name}",
            "description": doc.get("description"),
            "fork": False,
            "url": url,
            "assignees_url": f"{url}/assignees{{/user}}",
            "branches_url": f"{url}/branches{{/branch}}",
            "comments_url": f"{url}/comments{{/number}}",
            "commits_url": f"{url}/commits{{/sha}}",
            "issue_comment_url": f"{url}/issues/comments{{/number}}",
            "issues_url": f"{url}/issues{{/number}}",
            "labels_url": f"{url}/labels{{/name}}",
            "pulls_url": f"{url}/pulls{{/number}}",
            "git_url": f"git://github.com/{repo.full_name}.git",
            "ssh_url": f"git@github.com:{repo.full_name}.git",
            "clone_url": f"{GITHUB_WEB}/{repo.full_name}.git",
            "homepage": None,
            "language": "PHP",
            "archived": False,
            "disabled": False,
            "visibility": "private" if doc.get("private", True) else "public",
            "default_branch": doc.get("default_branch", "main"),
            "created_at": doc.get("created_at"),
            "updated_at": doc.get("pushed_at"),
            "pushed_at": doc.get("pushed_at"),
        }

    def full_repo(self, repo: GhRepo, viewer: GhUser | None) -> dict[str, Any]:
        """`GET /repos/{owner}/{repo}`: the repository with the viewer's permissions."""
        push = viewer is not None and viewer.id in repo.members
        out = self.repo(repo)
        out["permissions"] = {"admin": False, "maintain": False, "push": push, "triage": push, "pull": push}
        if repo.owner.type == "Organization":
            out["organization"] = self.simple_user(repo.owner)
        return out

    # --- issues, pulls, comments -----------------------------------------------------------------

    def _association(self, issue_repo: GhRepo, user: GhUser) -> str:
        return "MEMBER" if user.id in issue_repo.members else "NONE"

    def _assignees(self, issue: GhIssue) -> list[dict[str, Any]]:
        return [self.simple_user(self.users[uid]) for uid in issue.doc.get("assignees", []) if uid in self.users]

    def _labels(self, issue: GhIssue) -> list[dict[str, Any]]:
        repo_url = f"{self.api}/repos/{issue.repo.full_name}"
        return [
            {
                "id": 5_000_000 + sum(map(ord, name)),
                "node_id": node_id("Label", 5_000_000 + sum(map(ord, name))),
                "url": f"{repo_url}/labels/{name}",
                "name": name,
                "color": "d73a4a" if name == "bug" else "0075ca",
                "default": name in ("bug", "documentation"),
                "description": None,
            }
            for name in issue.doc.get("labels", [])
        ]

    def issue(self, issue: GhIssue, *, score: float | None = None) -> dict[str, Any]:
        """An issue, or the issue side of a pull request (then with `pull_request` and `draft`)."""
        repo_url = f"{self.api}/repos/{issue.repo.full_name}"
        url = f"{repo_url}/issues/{issue.number}"
        kind = "pull" if issue.is_pull else "issues"
        assignees = self._assignees(issue)
        doc = issue.doc
        out: dict[str, Any] = {
            "url": url,
            "repository_url": repo_url,
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": f"{GITHUB_WEB}/{issue.repo.full_name}/{kind}/{issue.number}",
            "id": issue.id,
            "node_id": node_id("PullRequest" if issue.is_pull else "Issue", issue.id),
            "number": issue.number,
            "title": doc.get("title", ""),
            "user": self.simple_user(issue.user),
            "labels": self._labels(issue),
            "state": issue.state,
            "locked": False,
            "assignee": assignees[0] if assignees else None,
            "assignees": assignees,
            "milestone": None,
            "comments": issue.comments,
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "closed_at": doc.get("closed_at"),
            "author_association": self._association(issue.repo, issue.user),
            "type": None,
            "active_lock_reason": None,
            "body": doc.get("body") or None,
            "closed_by": None,
            "reactions": _reactions(f"{url}/reactions"),
            "timeline_url": f"{url}/timeline",
            "performed_via_github_app": None,
            "state_reason": ("completed" if issue.state == "closed" else None),
        }
        if issue.is_pull:
            web = f"{GITHUB_WEB}/{issue.repo.full_name}/pull/{issue.number}"
            out["draft"] = bool(doc.get("draft"))
            out["pull_request"] = {
                "url": f"{repo_url}/pulls/{issue.number}",
                "html_url": web,
                "diff_url": f"{web}.diff",
                "patch_url": f"{web}.patch",
                "merged_at": doc.get("merged_at"),
            }
            out["state_reason"] = None
        if score is not None:
            out["score"] = score
        return out

    def pull(self, issue: GhIssue) -> dict[str, Any]:
        """A pull request as `GET /repos/{owner}/{repo}/pulls` lists it."""
        repo_url = f"{self.api}/repos/{issue.repo.full_name}"
        url = f"{repo_url}/pulls/{issue.number}"
        web = f"{GITHUB_WEB}/{issue.repo.full_name}/pull/{issue.number}"
        issue_url = f"{repo_url}/issues/{issue.number}"
        doc = issue.doc
        assignees = self._assignees(issue)
        owner = issue.repo.owner
        head_ref = issue.head_ref or ""
        base_ref = str(doc.get("base", "main"))
        return {
            "url": url,
            "id": issue.id,
            "node_id": node_id("PullRequest", issue.id),
            "html_url": web,
            "diff_url": f"{web}.diff",
            "patch_url": f"{web}.patch",
            "issue_url": issue_url,
            "number": issue.number,
            "state": issue.state,
            "locked": False,
            "title": doc.get("title", ""),
            "user": self.simple_user(issue.user),
            "body": doc.get("body") or None,
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "closed_at": doc.get("closed_at"),
            "merged_at": doc.get("merged_at"),
            "merge_commit_sha": doc.get("head_sha") if doc.get("merged_at") else None,
            "assignee": assignees[0] if assignees else None,
            "assignees": assignees,
            "requested_reviewers": [],
            "requested_teams": [],
            "labels": self._labels(issue),
            "milestone": None,
            "draft": bool(doc.get("draft")),
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{repo_url}/pulls/comments{{/number}}",
            "comments_url": f"{issue_url}/comments",
            "statuses_url": f"{repo_url}/statuses/{doc.get('head_sha')}",
            "head": {
                "label": f"{owner.login}:{head_ref}",
                "ref": head_ref,
                "sha": doc.get("head_sha"),
                "user": self.simple_user(owner),
                "repo": self.repo(issue.repo),
            },
            "base": {
                "label": f"{owner.login}:{base_ref}",
                "ref": base_ref,
                "sha": doc.get("base_sha"),
                "user": self.simple_user(owner),
                "repo": self.repo(issue.repo),
            },
            "_links": {
                "self": {"href": url},
                "html": {"href": web},
                "issue": {"href": issue_url},
                "comments": {"href": f"{issue_url}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{repo_url}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{repo_url}/statuses/{doc.get('head_sha')}"},
            },
            "author_association": self._association(issue.repo, issue.user),
            "auto_merge": None,
            "active_lock_reason": None,
        }

    def comment(
        self, issue: GhIssue, comment_id: int, user: GhUser, body: str, created: str, updated: str
    ) -> dict[str, Any]:
        repo_url = f"{self.api}/repos/{issue.repo.full_name}"
        kind = "pull" if issue.is_pull else "issues"
        url = f"{repo_url}/issues/comments/{comment_id}"
        return {
            "url": url,
            "html_url": f"{GITHUB_WEB}/{issue.repo.full_name}/{kind}/{issue.number}#issuecomment-{comment_id}",
            "issue_url": f"{repo_url}/issues/{issue.number}",
            "id": comment_id,
            "node_id": node_id("IssueComment", comment_id),
            "user": self.simple_user(user),
            "created_at": created,
            "updated_at": updated,
            "body": body,
            "author_association": self._association(issue.repo, user),
            "reactions": _reactions(f"{url}/reactions"),
            "performed_via_github_app": None,
        }


def _reactions(url: str) -> dict[str, Any]:
    return {
        "url": url,
        "total_count": 0,
        "+1": 0,
        "-1": 0,
        "laugh": 0,
        "hooray": 0,
        "confused": 0,
        "heart": 0,
        "rocket": 0,
        "eyes": 0,
    }
