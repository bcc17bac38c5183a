"""GitHub REST v3 under a GitHub Enterprise-style base, `<origin>/api/v3/...`: the endpoints a
handover uses (who am I, pull requests by branch, search, assignees, issue comments) with GitHub's
shapes, token auth, `Link` paging, rate-limit headers, primary and secondary limits, and errors.

As on GitHub: every repository here is private, so one you cannot see is a 404 and its issues are
not in your search results; `head=` without an `owner:` prefix is ignored (every pull request is
listed); assignees who cannot be assigned (unknown logins, people outside the organisation) are
silently left out of a 201; `Link` URLs of repository lists use the `/repositories/{id}/...` form.

Switches for tests live in the settings table (so every process sharing the file sees them) and
are set through the control API, `PUT /_sandbox/github`: a forced primary or secondary rate-limit
answer for the next N requests (or until switched off).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import math
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govpress_support.core import timeutil
from govpress_support.sandbox import switches
from govpress_support.sandbox.constants import GITHUB_API_PREFIX
from govpress_support.sandbox.github_render import GhIssue, GhRepo, GhUser, Renderer
from govpress_support.sandbox.limits import Verdict, Window
from govpress_support.sandbox.routing import Match, Router
from govpress_support.sandbox.stats import Stats
from govpress_support.sandbox.store import Store, loads, next_id
from govpress_support.sandbox.wire import Request, Response, dumps, empty_response, json_response, replace_params, url

DOCS = "https://docs.github.com/rest"
RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_DOCS = f"{RATE_DOCS}#about-secondary-rate-limits"
SEARCH_DOCS = "https://docs.github.com/v3/search/"

CORE_LIMIT, ANON_LIMIT, CORE_WINDOW = 5000, 60, 3600.0  # requests an hour
SEARCH_LIMIT, SEARCH_WINDOW = 30, 60.0  # search requests a minute
CONTENT_LIMIT, CONTENT_WINDOW = 80, 60.0  # content-creating requests a minute (a secondary limit)
DEFAULT_PER_PAGE, MAX_PER_PAGE = 30, 100
SEARCH_MAX_RESULTS = 1000
MAX_ASSIGNEES = 10
MAX_COMMENT = 65536
SWITCH_KEY = "github.rate_limit"  # in the settings table
SWITCH_MODES = ("off", "primary", "secondary")

USERS_CANNOT_BE_SEARCHED = (
    "The listed users cannot be searched either because the users do not exist or you do not have "
    "permission to view the users."
)
RESOURCES_CANNOT_BE_SEARCHED = (
    "The listed users and repositories cannot be searched either because the resources do not exist or "
    "you do not have permission to view them."
)


class GitHubError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        documentation_url: str = DOCS,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.documentation_url = documentation_url
        self.headers = headers or {}

    def response(self) -> Response:
        body: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        body["documentation_url"] = self.documentation_url
        body["status"] = str(self.status)
        return json_response(self.status, body, self.headers)


def not_found() -> GitHubError:
    return GitHubError(404, "Not Found")


def validation_failed(resource: str, field: str, code: str, message: str | None = None) -> GitHubError:
    error: dict[str, Any] = {"resource": resource, "field": field, "code": code}
    if message is not None:
        error = {"message": message, **error}
    return GitHubError(422, "Validation Failed", errors=[error])


@dataclass
class Call:
    req: Request
    params: dict[str, str]
    me: GhUser | None
    users: dict[int, GhUser]
    render: Renderer
    now: datetime


Handler = Callable[["GitHubAPI", Call], Response]


@dataclass(frozen=True)
class Switch:
    """A forced rate-limit answer: `mode` for the next `times` requests (None: until switched off)."""

    mode: str = "off"
    status: int = 403
    times: int | None = None
    retry_after: int = 60

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "status": self.status, "times": self.times, "retry_after": self.retry_after}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Switch:
        """A switch from the control API's JSON; ValueError names what is wrong."""
        known = {"mode", "status", "times", "retry_after"}
        if unknown := set(data) - known:
            raise ValueError(f"unknown field {sorted(unknown)[0]!r}; fields: mode, status, times, retry_after")
        mode = data.get("mode", "off")
        if mode not in SWITCH_MODES:
            raise ValueError(f"mode must be one of {', '.join(SWITCH_MODES)}")
        status = data.get("status", 403)
        if status not in (403, 429):
            raise ValueError("status must be 403 or 429")
        times = data.get("times")
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
            raise ValueError("times must be a whole number >= 1, or null for until switched off")
        retry_after = data.get("retry_after", 60)
        if isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 0:
            raise ValueError("retry_after must be a whole number of seconds >= 0")
        return cls(str(mode), int(status), times, retry_after)


class GitHubAPI:
    service = "github"

    def __init__(self, store: Store, stats: Stats):
        self.store = store
        self.stats = stats
        self.core_window = Window(CORE_LIMIT, CORE_WINDOW)
        self.anon_window = Window(ANON_LIMIT, CORE_WINDOW)
        self.search_window = Window(SEARCH_LIMIT, SEARCH_WINDOW)
        self.content_window = Window(CONTENT_LIMIT, CONTENT_WINDOW)
        self.router: Router[Handler] = Router()
        for method, pattern, handler in ROUTES:
            self.router.add(method, GITHUB_API_PREFIX + pattern, handler)
        self._request_ids = itertools.count(1)

    def clear_windows(self) -> None:
        for window in (self.core_window, self.anon_window, self.search_window, self.content_window):
            window.clear()

    def match(self, req: Request) -> Match[Handler] | None:
        return self.router.match(req.method, req.path)

    # --- switches --------------------------------------------------------------------------------

    def switch(self) -> Switch:
        data = switches.load(self.store, SWITCH_KEY)
        return Switch.parse(data) if data else Switch()

    def set_switch(self, switch: Switch) -> Switch:
        switches.save(self.store, SWITCH_KEY, switch.as_dict())
        return switch

    def _take_switch(self) -> Switch | None:
        """The forced answer for this request, if any, counting one use of it."""
        data = switches.take(self.store, SWITCH_KEY, lambda d: d.get("mode", "off") != "off", Switch().as_dict())
        return Switch.parse(data) if data else None

    # --- dispatch --------------------------------------------------------------------------------

    def dispatch(self, req: Request, match: Match[Handler] | None) -> Response:
        now = timeutil.now()
        request_id = f"{0xC0DE:04X}:{next(self._request_ids):06X}:{int(now.timestamp()) % 0xFFFFFF:06X}"
        headers = {
            "x-github-api-version-selected": "2022-11-28",
            "x-github-media-type": "github.v3; format=json",
            "x-github-request-id": request_id,
        }
        me: GhUser | None = None
        try:
            users = self._users()
            try:
                me = self._authenticate(req, users)
            except GitHubError as err:
                err.headers.update(_limit_headers(self.anon_window.hit(_client(req)), now, "core"))
                raise
            if match is not None and match.route.pattern != f"{GITHUB_API_PREFIX}/rate_limit":
                headers.update(self._limits(req, match, me, now, request_id))
            if match is None:
                raise not_found()
            render = Renderer(req.origin + GITHUB_API_PREFIX, users)
            response = match.route.handler(self, Call(req, match.params, me, users, render, now))
        except GitHubError as err:
            response = err.response()
            headers.update(err.headers)
        if me is not None:
            headers["x-oauth-scopes"] = "read:org, repo"  # a classic token's scopes
        response.headers = {**headers, **response.headers}
        return response

    def _users(self) -> dict[int, GhUser]:
        out: dict[int, GhUser] = {}
        for row in self.store.all("SELECT id, login, doc FROM gh_users"):
            doc = loads(row["doc"]) or {}
            out[int(row["id"])] = GhUser(int(row["id"]), str(row["login"]), str(doc.get("type", "User")), doc)
        return out

    def _authenticate(self, req: Request, users: dict[int, GhUser]) -> GhUser | None:
        header = (req.header("authorization") or "").strip()
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        value = value.strip()
        token: str | None = None
        if scheme.lower() in ("bearer", "token") and value:
            token = value
        elif scheme.lower() == "basic" and value:
            try:
                token = base64.b64decode(value, validate=True).decode().partition(":")[2] or None
            except (binascii.Error, UnicodeDecodeError):
                token = None
        uid = self.store.scalar("SELECT id FROM gh_users WHERE token = ?", (token,)) if token else None
        if uid is None:
            raise GitHubError(401, "Bad credentials")
        return users[int(uid)]

    def _limits(
        self, req: Request, match: Match[Handler], me: GhUser | None, now: datetime, request_id: str
    ) -> dict[str, str]:
        """Count the request against its primary limit; raise the 403/429 a limit answers."""
        resource = "search" if "/search/" in match.route.pattern else "core"
        if me is None:
            window, key = self.anon_window, _client(req)
        else:
            window, key = (self.search_window if resource == "search" else self.core_window), str(me.id)
        enforce = self.store.settings().rate_limits
        switch = self._take_switch()
        if switch is not None and switch.mode == "primary":
            verdict = window.hit(key, count=False)
            exhausted = Verdict(False, verdict.limit, 0, switch.retry_after)
            raise self._primary(switch.status, exhausted, now, resource, me, request_id)
        verdict = window.hit(key)
        headers = _limit_headers(verdict, now, resource)
        if not verdict.allowed and enforce:
            self.stats.limit(f"github {resource}")
            raise self._primary(403, verdict, now, resource, me, request_id)
        if switch is not None and switch.mode == "secondary":
            raise _secondary(switch.status, switch.retry_after, headers, request_id)
        if req.method in ("POST", "PATCH", "PUT", "DELETE") and me is not None:
            content = self.content_window.hit(str(me.id))
            if not content.allowed and enforce:
                self.stats.limit("github content")
                raise _secondary(403, content.reset, headers, request_id)
        return headers

    @staticmethod
    def _primary(
        status: int, verdict: Verdict, now: datetime, resource: str, me: GhUser | None, request_id: str
    ) -> GitHubError:
        who = f"user ID {me.id}" if me is not None else "127.0.0.1"
        stamp = now.strftime("%Y-%m-%d %H:%M:%S")
        message = (
            f"API rate limit exceeded for {who}. If you reach out to GitHub Support for help, please include "
            f"the request ID {request_id} and timestamp {stamp} UTC."
        )
        exhausted = Verdict(False, verdict.limit, 0, verdict.reset)
        return GitHubError(
            status, message, documentation_url=RATE_DOCS, headers=_limit_headers(exhausted, now, resource)
        )

    # --- look-ups --------------------------------------------------------------------------------

    def _repo_row(self, call: Call) -> GhRepo:
        """The repository of the path (`{owner}/{repo}` or `/repositories/{id}`), if the caller can see it."""
        if "id" in call.params:
            row = self.store.one("SELECT * FROM gh_repos WHERE id = ?", (int(call.params["id"]),))
        else:
            row = self.store.one(
                "SELECT * FROM gh_repos WHERE owner = ? AND name = ?",
                (call.params["owner"], _strip_git(call.params["repo"])),
            )
        if row is None:
            raise not_found()
        repo = self._repo(row, call.users)
        if not _can_see(call.me, repo):
            raise not_found()
        return repo

    @staticmethod
    def _repo(row: Any, users: dict[int, GhUser]) -> GhRepo:
        owner = next((u for u in users.values() if u.login.lower() == str(row["owner"]).lower()), None)
        if owner is None:
            owner = GhUser(0, str(row["owner"]), "Organization", {})
        return GhRepo(int(row["id"]), owner, str(row["name"]), loads(row["doc"]) or {})

    def _issues(
        self, repo: GhRepo, users: dict[int, GhUser], where: str = "", args: Iterable[Any] = ()
    ) -> list[GhIssue]:
        sql = "SELECT i.*, (SELECT COUNT(*) FROM gh_comments c WHERE c.issue_id = i.id) AS n_comments FROM gh_issues i"
        rows = self.store.all(f"{sql} WHERE i.repo_id = ? {where} ORDER BY i.number", (repo.id, *args))
        return [_issue_of(row, repo, users) for row in rows]

    def _issue(self, call: Call, repo: GhRepo) -> GhIssue:
        found = self._issues(repo, call.users, "AND i.number = ?", (int(call.params["number"]),))
        if not found:
            raise not_found()
        return found[0]

    # --- endpoints -------------------------------------------------------------------------------

    def user(self, call: Call) -> Response:
        if call.me is None:
            raise GitHubError(401, "Requires authentication")
        return json_response(200, call.render.private_user(call.me))

    def user_by_login(self, call: Call) -> Response:
        wanted = call.params["username"].lower()
        user = next((u for u in call.users.values() if u.login.lower() == wanted), None)
        if user is None:
            raise not_found()
        return json_response(200, call.render.public_user(user))

    def rate_limit(self, call: Call) -> Response:
        """`GET /rate_limit`: the windows, without counting against them."""
        if call.me is None:
            core = self.anon_window.hit(_client(call.req), count=False)
            search = Verdict(True, 10, 10, 60)
        else:
            core = self.core_window.hit(str(call.me.id), count=False)
            search = self.search_window.hit(str(call.me.id), count=False)
        resources = {"core": _limit_body(core, call.now), "search": _limit_body(search, call.now)}
        return json_response(200, {"resources": resources, "rate": resources["core"]})

    def repo(self, call: Call) -> Response:
        return json_response(200, call.render.full_repo(self._repo_row(call), call.me))

    def pulls(self, call: Call) -> Response:
        repo = self._repo_row(call)
        req = call.req
        state = req.arg("state") or "open"
        if state not in ("open", "closed", "all"):
            raise validation_failed("Issue", "state", "invalid")
        pulls = [i for i in self._issues(repo, call.users, "AND i.is_pull = 1") if state in ("all", i.state)]
        head = req.arg("head")
        if head and ":" in head:  # without `owner:` GitHub ignores the filter
            owner, _, ref = head.partition(":")
            pulls = [p for p in pulls if repo.owner.login.lower() == owner.lower() and p.head_ref == ref]
        if base := req.arg("base"):
            pulls = [p for p in pulls if p.doc.get("base") == base]
        sort = req.arg("sort") or "created"
        keys: dict[str, Callable[[GhIssue], Any]] = {
            "created": lambda p: p.created_at,
            "updated": lambda p: p.updated_at,
            "popularity": lambda p: p.comments,
            "long-running": lambda p: p.created_at,
        }
        if sort not in keys:
            raise validation_failed("Issue", "sort", "invalid")
        default = "desc" if sort == "created" else "asc"
        direction = req.arg("direction") or default
        pulls.sort(key=lambda p: (keys[sort](p), p.number), reverse=direction == "desc")
        return self._page(call, [call.render.pull(p) for p in pulls], f"/repositories/{repo.id}/pulls")

    def pull(self, call: Call) -> Response:
        issue = self._issue(call, self._repo_row(call))
        if not issue.is_pull:
            raise not_found()
        return json_response(200, call.render.pull(issue))

    def issue(self, call: Call) -> Response:
        return json_response(200, call.render.issue(self._issue(call, self._repo_row(call))))

    def can_assign(self, call: Call) -> Response:
        """`GET .../assignees/{assignee}`: 204 when the user can be assigned, 404 when not."""
        repo = self._repo_row(call)
        wanted = call.params["assignee"].lower()
        user = next((u for u in call.users.values() if u.login.lower() == wanted and u.type == "User"), None)
        if user is None or user.id not in repo.members:
            raise not_found()
        return empty_response(204)

    def add_assignees(self, call: Call) -> Response:
        repo = self._repo_row(call)
        issue = self._issue(call, repo)
        body = _json_body(call.req)
        logins = body.get("assignees", [])
        if isinstance(logins, str):
            logins = [logins]
        if not isinstance(logins, list) or not all(isinstance(x, str) for x in logins):
            raise GitHubError(
                422, f"Invalid request.\n\nFor 'properties/assignees', {json.dumps(logins)} is not an array."
            )
        current = list(issue.doc.get("assignees", []))
        if call.me is not None and call.me.id in repo.members:  # otherwise silently ignored
            by_login = {u.login.lower(): u for u in call.users.values() if u.type == "User"}
            for login in logins:
                user = by_login.get(login.lower())
                if user is None or user.id not in repo.members or user.id in current:
                    continue  # GitHub leaves out who cannot be assigned, without an error
                if len(current) >= MAX_ASSIGNEES:
                    break
                current.append(user.id)
        if current != list(issue.doc.get("assignees", [])):
            self._update_issue(issue, call.now, assignees=current)
        return json_response(201, call.render.issue(self._issue(call, repo)))

    def comments(self, call: Call) -> Response:
        repo = self._repo_row(call)
        issue = self._issue(call, repo)
        since = timeutil.parse_iso(call.req.arg("since")) if call.req.arg("since") else None
        rows = self.store.all("SELECT * FROM gh_comments WHERE issue_id = ? ORDER BY id", (issue.id,))
        items = [
            call.render.comment(
                issue, int(r["id"]), call.users[int(r["user_id"])], r["body"], r["created_at"], r["updated_at"]
            )
            for r in rows
            if since is None or (timeutil.parse_iso(r["updated_at"]) or call.now) >= since
        ]
        return self._page(call, items, f"/repositories/{repo.id}/issues/{issue.number}/comments")

    def add_comment(self, call: Call) -> Response:
        repo = self._repo_row(call)
        issue = self._issue(call, repo)
        body = _json_body(call.req).get("body")
        if body is None:
            raise GitHubError(422, 'Invalid request.\n\n"body" wasn\'t supplied.')
        if not isinstance(body, str):
            raise GitHubError(422, f"Invalid request.\n\nFor 'properties/body', {json.dumps(body)} is not a string.")
        if not body.strip():
            raise validation_failed("IssueComment", "body", "missing_field")
        if len(body) > MAX_COMMENT:
            raise validation_failed(
                "IssueComment", "body", "custom", f"body is too long (maximum is {MAX_COMMENT} characters)"
            )
        assert call.me is not None  # a visible private repository means someone signed in
        at = timeutil.iso(call.now) or ""
        with self.store.write() as conn:
            comment_id = next_id(conn, "gh_comment", 2_500_000_001)
            conn.execute(
                "INSERT INTO gh_comments (id, issue_id, user_id, body, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (comment_id, issue.id, call.me.id, body, at, at),
            )
            conn.execute("UPDATE gh_issues SET updated_at = ? WHERE id = ?", (at, issue.id))
        out = call.render.comment(issue, comment_id, call.me, body, at, at)
        return json_response(201, out, {"location": out["url"]})

    def search_issues(self, call: Call) -> Response:
        req = call.req
        q = (req.arg("q") or "").strip()
        if not q:
            raise validation_failed("Search", "q", "missing")
        matches = self._search(call, q)
        sort = req.arg("sort")
        order = req.arg("order") or "desc"
        keys: dict[str, Callable[[GhIssue], Any]] = {
            "created": lambda i: i.created_at,
            "updated": lambda i: i.updated_at,
            "comments": lambda i: i.comments,
        }
        key = keys.get(sort or "", keys["created"])  # "best match" has no order of its own here
        matches.sort(key=lambda i: (key(i), i.id), reverse=order != "asc")
        page, per_page = _page_args(req)
        if (page - 1) * per_page >= SEARCH_MAX_RESULTS:
            raise GitHubError(422, "Only the first 1000 search results are available", documentation_url=SEARCH_DOCS)
        total = len(matches)
        reachable = matches[:SEARCH_MAX_RESULTS]
        chunk = reachable[(page - 1) * per_page : page * per_page]
        body = {
            "total_count": total,
            "incomplete_results": False,
            "items": [call.render.issue(i, score=1.0) for i in chunk],
        }
        link = _link(req, req.path, page, per_page, len(reachable))
        return json_response(200, body, {"link": link} if link else None)

    # --- helpers ---------------------------------------------------------------------------------

    def _search(self, call: Call, q: str) -> list[GhIssue]:
        """The issues and pulls the query matches, among those the caller can see."""
        try:
            terms = shlex.split(q)
        except ValueError:
            terms = q.split()
        filters: list[Callable[[GhIssue], bool]] = []
        words: list[str] = []
        by_login = {u.login.lower(): u for u in call.users.values()}

        def person(value: str) -> GhUser:
            if value == "@me":
                if call.me is None:
                    raise validation_failed("Search", "q", "invalid", USERS_CANNOT_BE_SEARCHED)
                return call.me
            found = by_login.get(value.lower())
            if found is None:
                raise validation_failed("Search", "q", "invalid", USERS_CANNOT_BE_SEARCHED)
            return found

        for term in terms:
            negate = term.startswith("-") and ":" in term
            key, sep, value = term.lstrip("-").partition(":") if negate else term.partition(":")
            key = key.lower()
            test = _qualifier(key, value, person) if sep else None
            if test is None:
                words.append(term.lower())
                continue
            filters.append((lambda t: lambda i: not t(i))(test) if negate else test)
        repos = [self._repo(r, call.users) for r in self.store.all("SELECT * FROM gh_repos ORDER BY id")]
        out: list[GhIssue] = []
        for repo in repos:
            if not _can_see(call.me, repo):
                continue
            for issue in self._issues(repo, call.users):
                text = f"{issue.doc.get('title', '')}\n{issue.doc.get('body', '')}".lower()
                if all(w in text for w in words) and all(f(issue) for f in filters):
                    out.append(issue)
        return out

    def _page(self, call: Call, items: list[dict[str, Any]], link_path: str) -> Response:
        page, per_page = _page_args(call.req)
        chunk = items[(page - 1) * per_page : page * per_page]
        link = _link(call.req, GITHUB_API_PREFIX + link_path, page, per_page, len(items))
        return json_response(200, chunk, {"link": link} if link else None)

    def _update_issue(self, issue: GhIssue, now: datetime, **changes: Any) -> None:
        with self.store.write() as conn:
            row = conn.execute("SELECT doc FROM gh_issues WHERE id = ?", (issue.id,)).fetchone()
            doc = loads(row[0]) or {}
            doc.update(changes)
            conn.execute(
                "UPDATE gh_issues SET doc = ?, updated_at = ? WHERE id = ?",
                (dumps(doc), timeutil.iso(now), issue.id),
            )


# --- module helpers ------------------------------------------------------------------------------


def _issue_of(row: Any, repo: GhRepo, users: dict[int, GhUser]) -> GhIssue:
    return GhIssue(
        id=int(row["id"]),
        repo=repo,
        number=int(row["number"]),
        is_pull=bool(row["is_pull"]),
        state=str(row["state"]),
        user=users[int(row["user_id"])],
        head_ref=row["head_ref"],
        created_at=str(row["created_at"]),
        updated_at=str(row["updated_at"]),
        doc=loads(row["doc"]) or {},
        comments=int(row["n_comments"]),
    )


def _qualifier(key: str, value: str, person: Callable[[str], GhUser]) -> Callable[[GhIssue], bool] | None:
    """The test for one `key:value` search qualifier; None for text GitHub would search for."""
    v = value.lower()
    if key in ("is", "type"):
        kinds: dict[str, Callable[[GhIssue], bool]] = {
            "pr": lambda i: i.is_pull,
            "pull-request": lambda i: i.is_pull,
            "issue": lambda i: not i.is_pull,
            "open": lambda i: i.state == "open",
            "closed": lambda i: i.state == "closed",
            "merged": lambda i: bool(i.doc.get("merged_at")),
            "unmerged": lambda i: i.is_pull and not i.doc.get("merged_at"),
            "draft": lambda i: bool(i.doc.get("draft")),
        }
        return kinds.get(v, _always)
    if key == "state":
        return lambda i: i.state == v
    if key == "author":
        uid = person(value).id
        return lambda i: i.user.id == uid
    if key == "assignee":
        uid = person(value).id
        return lambda i: uid in i.doc.get("assignees", [])
    if key in ("org", "user"):
        owner = person(value).login.lower()
        return lambda i: i.repo.owner.login.lower() == owner
    if key == "repo":
        if "/" not in value:
            raise validation_failed("Search", "q", "invalid", RESOURCES_CANNOT_BE_SEARCHED)
        return lambda i: i.repo.full_name.lower() == v
    if key == "head":
        return lambda i: (i.head_ref or "") == value
    if key == "base":
        return lambda i: i.is_pull and i.doc.get("base") == value
    if key == "draft":
        return lambda i: bool(i.doc.get("draft")) == (v == "true")
    if key == "label":
        return lambda i: v in [str(x).lower() for x in i.doc.get("labels", [])]
    if key == "no" and v == "assignee":
        return lambda i: not i.doc.get("assignees")
    if key in ("archived", "in", "sort"):
        return _always
    return None


def _always(issue: GhIssue) -> bool:
    return True


def _can_see(me: GhUser | None, repo: GhRepo) -> bool:
    return not repo.doc.get("private", True) or (me is not None and me.id in repo.members)


def _strip_git(name: str) -> str:
    return name[:-4] if name.endswith(".git") else name


def _client(req: Request) -> str:
    return "anon:" + (req.header("x-forwarded-for") or req.host)


def _json_body(req: Request) -> dict[str, Any]:
    try:
        data = req.json()
    except ValueError:
        raise GitHubError(400, "Problems parsing JSON") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise GitHubError(400, "Problems parsing JSON")
    return data


def _page_args(req: Request) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        raw = req.arg(name)
        return int(raw) if raw and re.fullmatch(r"\d+", raw) else default

    per_page = number("per_page", DEFAULT_PER_PAGE)
    per_page = DEFAULT_PER_PAGE if per_page < 1 else min(per_page, MAX_PER_PAGE)
    return max(1, number("page", 1)), per_page


def _link(req: Request, path: str, page: int, per_page: int, total: int) -> str | None:
    """GitHub's `Link` header: prev, next, last and first, as they apply; None on a single page."""
    last = max(1, math.ceil(total / per_page))
    if last == 1 and page == 1:
        return None

    def ref(n: int) -> str:
        return url(req.origin, path, replace_params(req.query, page=str(n)))

    parts: list[str] = []
    if page > 1:
        parts.append(f'<{ref(min(page - 1, last))}>; rel="prev"')
    if page < last:
        parts.append(f'<{ref(page + 1)}>; rel="next"')
        parts.append(f'<{ref(last)}>; rel="last"')
    if page > 1:
        parts.append(f'<{ref(1)}>; rel="first"')
    return ", ".join(parts) or None


def _limit_headers(verdict: Verdict, now: datetime, resource: str) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(verdict.limit),
        "x-ratelimit-remaining": str(verdict.remaining),
        "x-ratelimit-reset": str(int(now.timestamp()) + verdict.reset),
        "x-ratelimit-used": str(verdict.limit - verdict.remaining),
        "x-ratelimit-resource": resource,
    }


def _limit_body(verdict: Verdict, now: datetime) -> dict[str, int]:
    return {
        "limit": verdict.limit,
        "used": verdict.limit - verdict.remaining,
        "remaining": verdict.remaining,
        "reset": int(now.timestamp()) + verdict.reset,
    }


def _secondary(status: int, retry_after: int, headers: dict[str, str], request_id: str) -> GitHubError:
    message = (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you "
        f"reach out to GitHub Support for help, please include the request ID {request_id}."
    )
    return GitHubError(
        status, message, documentation_url=SECONDARY_DOCS, headers={**headers, "retry-after": str(retry_after)}
    )


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/user", GitHubAPI.user),
    ("GET", "/users/{username}", GitHubAPI.user_by_login),
    ("GET", "/rate_limit", GitHubAPI.rate_limit),
    ("GET", "/search/issues", GitHubAPI.search_issues),
    ("GET", "/repos/{owner}/{repo}", GitHubAPI.repo),
    ("GET", "/repos/{owner}/{repo}/pulls", GitHubAPI.pulls),
    ("GET", "/repositories/{id:int}/pulls", GitHubAPI.pulls),
    ("GET", "/repos/{owner}/{repo}/pulls/{number:int}", GitHubAPI.pull),
    ("GET", "/repos/{owner}/{repo}/issues/{number:int}", GitHubAPI.issue),
    ("GET", "/repos/{owner}/{repo}/assignees/{assignee}", GitHubAPI.can_assign),
    ("POST", "/repos/{owner}/{repo}/issues/{number:int}/assignees", GitHubAPI.add_assignees),
    ("GET", "/repos/{owner}/{repo}/issues/{number:int}/comments", GitHubAPI.comments),
    ("GET", "/repositories/{id:int}/issues/{number:int}/comments", GitHubAPI.comments),
    ("POST", "/repos/{owner}/{repo}/issues/{number:int}/comments", GitHubAPI.add_comment),
)


# --- the control API: `/_sandbox/github` (handlers take the ControlAPI, whose `app.github` is us) --


def _control_state(api: GitHubAPI, req: Request) -> dict[str, Any]:
    tokens = {
        str(r["login"]): str(r["token"])
        for r in api.store.all("SELECT login, token FROM gh_users WHERE token IS NOT NULL ORDER BY id")
    }
    return {"api_url": req.origin + GITHUB_API_PREFIX, "rate_limit": api.switch().as_dict(), "tokens": tokens}


def control_get(control: Any, req: Request, params: dict[str, str]) -> Response:
    return json_response(200, _control_state(control.app.github, req))


def control_put(control: Any, req: Request, params: dict[str, str]) -> Response:
    api: GitHubAPI = control.app.github
    try:
        data = req.json()
        if not isinstance(data, dict) or set(data) - {"rate_limit"} or not isinstance(data.get("rate_limit"), dict):
            raise ValueError(
                'the body must be {"rate_limit": {"mode": ..., "status": ..., "times": ..., "retry_after": ...}}'
            )
        api.set_switch(Switch.parse(data["rate_limit"]))
    except ValueError as err:
        return json_response(400, {"error": str(err)})
    return json_response(200, _control_state(api, req))
