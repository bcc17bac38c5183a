"""GitHub's REST API (v3), through the shared HTTP layer: what a handover needs of it.

Who you are, a user by login, a repository, whether someone can be assigned there, open pull
requests by branch, the issue search, assignees and issue comments. The base URL is
`github.url` (`GITHUB_API_URL`): `https://api.github.com`, or `https://HOST/api/v3` on GitHub
Enterprise and the sandbox.

- Auth: `Authorization: Bearer <token>`; a 401 is an `AuthError` (exit 4) naming the fix.
- Paging: the `Link` header's `next`, followed only on the API's own host (the token goes
  nowhere else); search stops at GitHub's 1,000 results.
- Rate limits: a 403 or 429 with `retry-after` (secondary limits) or with
  `x-ratelimit-remaining: 0` (the primary limit) is waited out when the wait fits the retry
  budget (the request was refused, not processed, so a POST is safe to send again), else it is a
  one-line error saying until when. An answer saying the budget is spent makes the next request
  wait for `x-ratelimit-reset` first, rather than be refused. Both waits are the HTTP layer's
  (`rate_wait=` and `HttpClient.hold`): under the request's one deadline, and said while they last.
- Numbers in headers (`x-ratelimit-*`) are read by the strict rule of `core/numbers.py`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from govpress_support.core.errors import ApiError, AuthError, GovPressError, NotFoundError, RateLimitedError
from govpress_support.core.models import GitHubRepo, GitHubUser, IssueComment, PullRequest
from govpress_support.core.numbers import whole_number
from govpress_support.core.timeutil import parse_iso
from govpress_support.services.http import HttpClient, ServiceInfo, describe_body, retry_after

GITHUB = ServiceInfo(
    "GitHub",
    "run `govpress-support auth login github`, or set GITHUB_TOKEN (a token may have expired or been revoked)",
)
API_VERSION = "2022-11-28"
PER_PAGE = 100
SEARCH_LIMIT = 1000  # GitHub answers at most this many search results
SEARCH = "search"  # the search's rate limit is its own: its refusals hold back searches only (`scope=`)
LAST_EPOCH_SECOND = 253_402_300_799  # 9999-12-31 23:59:59 UTC: a reset past it is no time at all


def headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": API_VERSION,
    }


def _get(headers: Mapping[str, str], name: str) -> str | None:
    found = headers.get(name) if isinstance(headers, httpx.Headers) else None
    if found is None:
        found = next((v for k, v in headers.items() if k.lower() == name), None)
    return found


def _reset(headers: Mapping[str, str]) -> float | None:
    """`x-ratelimit-reset`: when the budget comes back, in epoch seconds (None when unreadable)."""
    value = _get(headers, "x-ratelimit-reset")
    number = whole_number(value, maximum=LAST_EPOCH_SECOND) if value is not None else None
    return float(number) if number is not None else None


def _spent(headers: Mapping[str, str]) -> bool:
    """`x-ratelimit-remaining` says none are left."""
    return whole_number(_get(headers, "x-ratelimit-remaining") or "") == 0


def rate_wait(status: int, headers: Mapping[str, str]) -> float | None:
    """Seconds until GitHub lets a refused (403/429) request through, or None when the refusal is
    not a rate limit (a plain 403 is a permission)."""
    after = retry_after(headers)
    if after is not None:
        return after  # a secondary limit
    if _spent(headers):
        reset = _reset(headers)
        if reset is not None:
            return max(0.0, reset - time.time()) + 1.0
    return None


def classify(response: httpx.Response, what: str | None) -> GovPressError | None:
    """GitHub's own reading of its error answers; None leaves the rest to the HTTP layer."""
    status = response.status_code
    _, detail = describe_body(response)
    if status in (403, 429) and rate_wait(status, response.headers) is not None:
        reset = _reset(response.headers)
        if retry_after(response.headers) is None and reset is not None:
            until = datetime.fromtimestamp(reset, UTC).strftime("%H:%M UTC")
            return RateLimitedError(
                f"GitHub's rate limit for this token is spent until {until}", "wait until then and run it again"
            )
        return RateLimitedError(
            "GitHub's secondary rate limit is still refusing requests", "wait a few minutes and run it again"
        )
    if status == 401:
        return AuthError(
            f"GitHub rejected the token (401: {detail or 'Bad credentials'})", GITHUB.login_hint, status=401
        )
    if status == 404 and what:
        return NotFoundError(f"{what} not found on GitHub (or the token may not see it)", status=404)
    if status == 422:
        errors = _errors(response)
        return ApiError(f"GitHub refused {what or 'the request'} (422: {detail}{errors})", status=422)
    return None


def _errors(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    items = data.get("errors") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return ""
    parts = [str(e.get("message") or e.get("code") or "") for e in items if isinstance(e, dict)]
    return "; " + "; ".join(p for p in parts if p) if any(parts) else ""


class GitHubClient:
    def __init__(self, http: HttpClient):
        self.http = http
        base = urlsplit(http.base_url)
        self._origin = (base.scheme, base.netloc)
        self._me: GitHubUser | None = None

    @property
    def base_url(self) -> str:
        return self.http.base_url

    # --- requests --------------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        what: str,
        scope: str = "",
    ) -> httpx.Response:
        response = self.http.request(method, path, params=params, json=json, what=what, allow=(404,), scope=scope)
        self._note_budget(response)
        if response.status_code == 404:
            raise NotFoundError(f"{what} not found on GitHub (or the token may not see it)", status=404)
        return response

    def _note_budget(self, response: httpx.Response) -> None:
        """An answer saying the core budget is spent holds the next request until its reset."""
        if not _spent(response.headers):
            return
        if (response.headers.get("x-ratelimit-resource") or "core") != "core":
            return  # search has its own, per-minute budget: its 403s are waited out as they come
        reset = _reset(response.headers)
        if reset is not None:
            self.http.hold(reset + 1.0 - time.time())

    def _json(self, method: str, path: str, *, what: str, **kwargs: Any) -> Any:
        return self.http.json_of(self._send(method, path, what=what, **kwargs))

    def _pages(
        self, path: str, params: Mapping[str, Any], *, what: str, limit: int | None = None, scope: str = ""
    ) -> Iterator[Any]:
        """Every page of a list, following `Link: <...>; rel="next"` on the API's own host."""
        url: str | None = path
        query: Mapping[str, Any] | None = {"per_page": PER_PAGE, **params}
        seen = 0
        while url:
            response = self._send("GET", url, params=query, what=what, scope=scope)
            data = self.http.json_of(response)
            yield data
            seen += PER_PAGE
            following = response.links.get("next", {}).get("url")
            url, query = None, None  # the next link carries the query
            if following and (limit is None or seen < limit):
                parts = urlsplit(following)
                if (parts.scheme, parts.netloc) != self._origin:
                    raise ApiError(f"GitHub sent a next-page link to another host ({parts.netloc})", "check github.url")
                url = following

    # --- who -------------------------------------------------------------------------------------

    def me(self) -> GitHubUser:
        if self._me is None:
            self._me = _user(self._json("GET", "user", what="your GitHub user"))
        return self._me

    def user(self, login: str) -> GitHubUser | None:
        try:
            return _user(self._json("GET", f"users/{quote(login, safe='')}", what=f"GitHub user {login}"))
        except NotFoundError:
            return None

    # --- repositories ----------------------------------------------------------------------------

    def repo(self, full_name: str) -> GitHubRepo | None:
        try:
            data = self._json("GET", f"repos/{full_name}", what=f"repository {full_name}")
        except NotFoundError:
            return None
        permissions = data.get("permissions") if isinstance(data, dict) else None
        return GitHubRepo(
            full_name=str(data.get("full_name") or full_name),
            default_branch=str(data.get("default_branch") or "main"),
            can_push=bool(isinstance(permissions, dict) and permissions.get("push")),
        )

    def can_assign(self, full_name: str, login: str) -> bool:
        """Whether `login` may be assigned issues and pull requests in the repository."""
        try:
            self._send("GET", f"repos/{full_name}/assignees/{quote(login, safe='')}", what=f"{login} in {full_name}")
        except NotFoundError:
            return False
        return True

    # --- pull requests ---------------------------------------------------------------------------

    def pulls_for_branch(self, full_name: str, branch: str) -> list[PullRequest]:
        """Open pull requests from `branch` of the repository's owner (`head=owner:branch`)."""
        owner = full_name.split("/", 1)[0]
        found: list[PullRequest] = []
        params = {"state": "open", "head": f"{owner}:{branch}"}
        for page in self._pages(f"repos/{full_name}/pulls", params, what=f"pull requests of {full_name}"):
            found += [p for p in (_pull(item, full_name) for item in _list(page)) if p is not None]
        return found

    def search_pulls(self, query: str) -> list[PullRequest]:
        """Pull requests the issue search finds for `query` (`is:pr` is added), up to 1,000."""
        found: list[PullRequest] = []
        params = {"q": f"is:pr {query}".strip()}
        pages = self._pages("search/issues", params, what="the pull request search", limit=SEARCH_LIMIT, scope=SEARCH)
        for page in pages:
            items = page.get("items") if isinstance(page, dict) else None
            found += [p for p in (_pull(item, None) for item in _list(items)) if p is not None]
        return found

    def pull(self, full_name: str, number: int) -> PullRequest:
        """A pull request as its issue (assignees, state) reads now."""
        data = self._json("GET", f"repos/{full_name}/issues/{int(number)}", what=f"{full_name}#{number}")
        found = _pull(data, full_name)
        if found is None:
            raise ApiError(f"GitHub answered something that is not {full_name}#{number}", "check github.url")
        return found

    def add_assignees(self, full_name: str, number: int, logins: list[str]) -> tuple[str, ...]:
        """Add assignees (those already there stay); the assignees GitHub answered with. GitHub
        leaves out, without an error, anyone who cannot be assigned: the answer says who is."""
        data = self._json(
            "POST",
            f"repos/{full_name}/issues/{int(number)}/assignees",
            json={"assignees": logins},
            what=f"to assign {full_name}#{number}",
        )
        return _logins(data.get("assignees") if isinstance(data, dict) else None)

    def comments(self, full_name: str, number: int) -> list[IssueComment]:
        found: list[IssueComment] = []
        path = f"repos/{full_name}/issues/{int(number)}/comments"
        for page in self._pages(path, {}, what=f"the comments of {full_name}#{number}"):
            found += [c for c in (_comment(item) for item in _list(page)) if c is not None]
        return found

    def add_comment(self, full_name: str, number: int, body: str) -> IssueComment:
        data = self._json(
            "POST",
            f"repos/{full_name}/issues/{int(number)}/comments",
            json={"body": body},
            what=f"to comment on {full_name}#{number}",
        )
        found = _comment(data)
        if found is None:
            raise ApiError(f"GitHub's answer to a comment on {full_name}#{number} is not a comment", "check github.url")
        return found


# --- readers -------------------------------------------------------------------------------------


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _user(data: Any) -> GitHubUser:
    if not isinstance(data, dict) or not isinstance(data.get("login"), str) or not isinstance(data.get("id"), int):
        raise ApiError("GitHub answered something that is not a user", "check github.url (GITHUB_API_URL)")
    name = data.get("name")
    return GitHubUser(id=int(data["id"]), login=str(data["login"]), name=name if isinstance(name, str) else None)


def _logins(value: Any) -> tuple[str, ...]:
    return tuple(str(u["login"]) for u in _list(value) if isinstance(u.get("login"), str))


def _repo_of(item: dict[str, Any]) -> str | None:
    """`owner/name` from a search item's `repository_url` (`.../repos/owner/name`)."""
    url = item.get("repository_url")
    if not isinstance(url, str):
        return None
    parts = urlsplit(url).path.rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 and parts[-3:-2] == ["repos"] else None


def _pull(item: dict[str, Any], full_name: str | None) -> PullRequest | None:
    """A pull request from a pulls list, a search item or an issue (None for a plain issue)."""
    if not isinstance(item.get("number"), int):
        return None
    is_pull = "head" in item or "pull_request" in item
    if not is_pull:
        return None
    head = item.get("head")
    base_repo = (item.get("base") or {}).get("repo") if isinstance(item.get("base"), dict) else None
    repo = full_name or (base_repo.get("full_name") if isinstance(base_repo, dict) else None) or _repo_of(item)
    user = item.get("user")
    if repo is None or not isinstance(user, dict):
        return None
    return PullRequest(
        repo=str(repo),
        number=int(item["number"]),
        title=str(item.get("title") or ""),
        url=str(item.get("html_url") or ""),
        author=str(user.get("login") or ""),
        state=str(item.get("state") or "open"),
        draft=bool(item.get("draft")),
        assignees=_logins(item.get("assignees")),
        branch=str(head["ref"]) if isinstance(head, dict) and isinstance(head.get("ref"), str) else None,
    )


def _comment(item: Any) -> IssueComment | None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), int):
        return None
    user = item.get("user")
    return IssueComment(
        id=int(item["id"]),
        author=str(user.get("login") or "") if isinstance(user, dict) else "",
        body=str(item.get("body") or ""),
        url=str(item.get("html_url") or ""),
        created_at=parse_iso(item.get("created_at")) if isinstance(item.get("created_at"), str) else None,
    )
