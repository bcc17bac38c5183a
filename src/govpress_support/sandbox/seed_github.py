"""The GitHub side of the GovPress desk: the organisations, their people (with logins that are not
guessable from names, as real ones are not), private repositories, pull requests and issues.

Plain data and one function that writes it, called by `seed.seed`. The branch names here are the
ones `git_remote` gives the working clone, so a push in a test lands on a branch GitHub has a pull
request for.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from govpress_support.core import timeutil
from govpress_support.sandbox.constants import GITHUB_TOKEN
from govpress_support.sandbox.store import dumps

ORG = "govpress"  # the GovPress organisation
LABS_ORG = "govpress-labs"  # a second organisation Sam belongs to (not configured by default)
THEME_REPO = "govpress-theme"
BLOCKS_REPO = "govpress-blocks"
PLATFORM_REPO = "govpress-platform"
LABS_REPO = "experiments"

FIRST_ISSUE_ID = 1_900_000_001  # global ids of issues and pulls
FIRST_COMMENT_ID = 2_500_000_001


@dataclass(frozen=True)
class GitHubUser:
    id: int
    login: str
    name: str
    email: str  # the agent's email (Zendesk and rota), public on the profile
    orgs: tuple[str, ...] = (ORG,)

    @property
    def token(self) -> str:
        return GITHUB_TOKEN if self.login == SAM else f"{GITHUB_TOKEN}-{self.login}"


SAM, PRIYA, TOM, MORGAN, ADE, CHRIS, JO = (
    "sam-okafor",
    "priyashah",
    "tomhughes-dev",
    "mlee-govpress",
    "adebello",
    "cwong",
    "jo-patel",
)
OUTSIDER = "alex-rivera"  # a GitHub user outside both organisations: cannot be assigned

USERS: tuple[GitHubUser, ...] = (
    GitHubUser(7001, SAM, "Sam Okafor", "sam.okafor@govpress.example", (ORG, LABS_ORG)),
    GitHubUser(7002, PRIYA, "Priya Shah", "priya.shah@govpress.example"),
    GitHubUser(7003, TOM, "Tom Hughes", "tom.hughes@govpress.example"),
    GitHubUser(7004, MORGAN, "Morgan Lee", "morgan.lee@govpress.example", (ORG, LABS_ORG)),
    GitHubUser(7005, ADE, "Ade Bello", "ade.bello@govpress.example"),
    GitHubUser(7006, CHRIS, "Chris Wong", "chris.wong@govpress.example"),
    GitHubUser(7007, JO, "Jo Patel", "jo.patel@govpress.example"),
    GitHubUser(7100, OUTSIDER, "Alex Rivera", "alex@rivera.example", ()),
)

# (id, login, name)
ORGS: tuple[tuple[int, str, str], ...] = (
    (9001, ORG, "GovPress"),
    (9002, LABS_ORG, "GovPress Labs"),
)

# (id, owner, name, description); every repository is private and its default branch is main
REPOS: tuple[tuple[int, str, str, str], ...] = (
    (6001, ORG, THEME_REPO, "The GovPress WordPress theme"),
    (6002, ORG, BLOCKS_REPO, "Custom Gutenberg blocks for GovPress sites"),
    (6003, ORG, PLATFORM_REPO, "Hosting, deployment and the platform's plugins"),
    (6004, LABS_ORG, LABS_REPO, "Spikes and prototypes"),
)

# The branches of the working clone `git_remote` makes (govpress/govpress-theme).
HEADER_BRANCH = "fix/4015-header-colour"  # PR #42, Sam's, unassigned; local commits to push
COOKIE_BRANCH = "fix/4028-cookie-banner-skip-link"  # PR #43, Sam's draft, self-assigned; commits to push
FOOTER_BRANCH = "fix/4032-footer-privacy-link"  # PR #44, Sam's, already assigned to Tom; pushed
NEW_BRANCH = "spike/4023-events-timezone"  # never pushed: no upstream, no pull request
DIVERGED_BRANCH = "fix/4019-yoast-sitemap"  # someone else pushed to it since: a push is rejected
PRIYA_BRANCH = "fix/4014-php-deprecations"  # PR #45, Priya's


@dataclass(frozen=True)
class SeedIssue:
    repo: str  # owner/name
    number: int
    title: str
    author: str  # login
    days_ago: float
    branch: str | None = None  # head ref: a pull request when set
    body: str = ""
    state: str = "open"
    merged: bool = False
    draft: bool = False
    assignees: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    comments: tuple[tuple[str, str], ...] = ()  # (login, body)

    @property
    def is_pull(self) -> bool:
        return self.branch is not None


THEME, BLOCKS, PLATFORM, LABS = (
    f"{ORG}/{THEME_REPO}",
    f"{ORG}/{BLOCKS_REPO}",
    f"{ORG}/{PLATFORM_REPO}",
    f"{LABS_ORG}/{LABS_REPO}",
)

ISSUES: tuple[SeedIssue, ...] = (
    SeedIssue(
        THEME,
        39,
        "Accessibility statement page template (#4018)",
        SAM,
        20,
        "fix/4018-accessibility-statement",
        "Adds the page template the accessibility statement needs.",
        state="closed",
        merged=True,
    ),
    SeedIssue(THEME, 40, "Theme JSON: document the brand palette tokens", MORGAN, 16, labels=("documentation",)),
    SeedIssue(
        THEME,
        41,
        "Header colours do not match the new brand palette",
        PRIYA,
        9,
        body="Reported in Zendesk #4015.",
        labels=("bug",),
    ),
    SeedIssue(
        THEME,
        42,
        "Header colour from the new brand palette (#4015)",
        SAM,
        6,
        HEADER_BRANCH,
        "Zendesk #4015. Moves the header to the palette's `primary` token.",
        labels=("bug",),
        comments=((PRIYA, "Looks good; one nit on the focus ring colour."),),
    ),
    SeedIssue(
        THEME,
        43,
        "Cookie banner no longer covers the skip link (#4028)",
        SAM,
        4,
        COOKIE_BRANCH,
        "Zendesk #4028. Work in progress: the banner moves below the skip link on small screens.",
        draft=True,
        assignees=(SAM,),
    ),
    SeedIssue(
        THEME,
        44,
        "Footer links to the new privacy notice (#4032)",
        SAM,
        3,
        FOOTER_BRANCH,
        "Zendesk #4032.",
        assignees=(TOM,),
    ),
    SeedIssue(
        THEME,
        45,
        "Silence PHP 8.2 deprecation warnings on the login page (#4014)",
        PRIYA,
        2,
        PRIYA_BRANCH,
        "Zendesk #4014.",
        assignees=(PRIYA,),
    ),
    SeedIssue(BLOCKS, 16, "Accordion block loses focus when opened with the keyboard", CHRIS, 12, labels=("a11y",)),
    SeedIssue(
        BLOCKS,
        17,
        "Hide draft pages from search for logged-out visitors (#4024)",
        SAM,
        5,
        "fix/4024-search-drafts",
        "Zendesk #4024.",
    ),
    SeedIssue(PLATFORM, 8, "Upgrade the staging servers to PHP 8.3", ADE, 30, labels=("infrastructure",)),
    SeedIssue(LABS, 3, "Spike: headless preview for editors", SAM, 8, "spike/headless-preview"),
)


def fake_sha(*parts: str) -> str:
    """A stable 40-hex commit id for a branch tip the sandbox has no real commit for."""
    return hashlib.sha1(":".join(parts).encode(), usedforsecurity=False).hexdigest()


def seed_github(conn: sqlite3.Connection, now: datetime) -> None:
    """Write the GitHub data (inside the caller's write transaction)."""
    long_ago = timeutil.iso(now - timedelta(days=900))
    members: dict[str, list[int]] = {org: [] for _, org, _ in ORGS}
    for user in USERS:
        for org in user.orgs:
            members[org].append(user.id)
        doc: dict[str, Any] = {
            "type": "User",
            "name": user.name,
            "email": user.email,
            "company": "@govpress" if ORG in user.orgs else None,
            "orgs": list(user.orgs),
            "created_at": long_ago,
            "updated_at": long_ago,
        }
        conn.execute(
            "INSERT INTO gh_users (id, login, token, doc) VALUES (?, ?, ?, ?)",
            (user.id, user.login, user.token, dumps(doc)),
        )
    for oid, login, name in ORGS:
        org_doc: dict[str, Any] = {
            "type": "Organization",
            "name": name,
            "members": members[login],
            "created_at": long_ago,
        }
        conn.execute(
            "INSERT INTO gh_users (id, login, token, doc) VALUES (?, ?, NULL, ?)", (oid, login, dumps(org_doc))
        )
    repo_ids: dict[str, int] = {}
    for rid, owner, name, description in REPOS:
        repo_ids[f"{owner}/{name}"] = rid
        repo_doc: dict[str, Any] = {
            "description": description,
            "private": True,
            "default_branch": "main",
            "created_at": long_ago,
            "pushed_at": timeutil.iso(now - timedelta(days=1)),
        }
        conn.execute(
            "INSERT INTO gh_repos (id, owner, name, doc) VALUES (?, ?, ?, ?)", (rid, owner, name, dumps(repo_doc))
        )
    logins = {u.login: u.id for u in USERS}
    comment_id = FIRST_COMMENT_ID
    for n, issue in enumerate(sorted(ISSUES, key=lambda i: -i.days_ago)):
        created = now - timedelta(days=issue.days_ago)
        updated = created + timedelta(hours=5)
        issue_doc: dict[str, Any] = {
            "title": issue.title,
            "body": issue.body,
            "assignees": [logins[a] for a in issue.assignees],
            "labels": list(issue.labels),
            "draft": issue.draft,
            "base": "main",
            "head_sha": fake_sha(issue.repo, issue.branch or "", "head"),
            "base_sha": fake_sha(issue.repo, "main"),
            "closed_at": timeutil.iso(updated) if issue.state == "closed" else None,
            "merged_at": timeutil.iso(updated) if issue.merged else None,
        }
        issue_id = FIRST_ISSUE_ID + n
        conn.execute(
            "INSERT INTO gh_issues (id, repo_id, number, is_pull, state, user_id, head_ref, created_at, "
            "updated_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                issue_id,
                repo_ids[issue.repo],
                issue.number,
                int(issue.is_pull),
                issue.state,
                logins[issue.author],
                issue.branch,
                timeutil.iso(created),
                timeutil.iso(updated),
                dumps(issue_doc),
            ),
        )
        for k, (login, body) in enumerate(issue.comments):
            at = timeutil.iso(created + timedelta(hours=1 + k))
            conn.execute(
                "INSERT INTO gh_comments (id, issue_id, user_id, body, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (comment_id, issue_id, logins[login], body, at, at),
            )
            comment_id += 1
    conn.execute("INSERT INTO counters (name, value) VALUES ('gh_comment', ?)", (comment_id - 1,))
