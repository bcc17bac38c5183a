"""The sandbox's GitHub REST v3: shapes, token auth, head filters, search qualifiers, paging by
`Link`, assignees and comments as GitHub answers them, and the rate-limit answers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from govpress_support.sandbox import (
    GITHUB_API_URL,
    GITHUB_EXPIRED_TOKEN,
    GITHUB_TOKEN,
    Faults,
    SandboxApp,
    environment,
    make_server,
)
from govpress_support.sandbox.seed_github import (
    COOKIE_BRANCH,
    FOOTER_BRANCH,
    HEADER_BRANCH,
    OUTSIDER,
    PRIYA,
    SAM,
    TOM,
    USERS,
)
from govpress_support.sandbox.server import SandboxServer
from tests.desk import Desk
from tests.seed_names import SEED

from .conftest import Clock

THEME = "/repos/govpress/govpress-theme"
MY_OPEN_PRS = "is:pr is:open author:@me org:govpress"
TOKENS = {u.login: u.token for u in USERS}


def github_client(app: SandboxApp, token: str | None = GITHUB_TOKEN, scheme: str = "Bearer") -> httpx.Client:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    if token is not None:
        headers["Authorization"] = f"{scheme} {token}"
    return httpx.Client(transport=app.transport(), base_url=GITHUB_API_URL, headers=headers)


@pytest.fixture
def gh(desk: Desk) -> Iterator[httpx.Client]:
    with github_client(desk.app) as client:
        yield client


@pytest.fixture
def gh_as(desk: Desk) -> Iterator[Callable[[str], httpx.Client]]:
    clients: list[httpx.Client] = []

    def make(login: str) -> httpx.Client:
        clients.append(github_client(desk.app, TOKENS[login]))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def numbers(items: list[dict[str, Any]]) -> list[int]:
    return [int(i["number"]) for i in items]


def links(response: httpx.Response) -> dict[str, str]:
    return {rel: str(v["url"]) for rel, v in response.links.items()}


# --- auth and the authenticated user -------------------------------------------------------------


def test_the_token_is_the_user_and_every_answer_carries_the_rate_limit(gh: httpx.Client, clock: Clock) -> None:
    response = gh.get("/user")
    assert response.status_code == 200
    me = response.json()
    assert (me["login"], me["name"], me["type"]) == (SAM, "Sam Okafor", "User")
    assert me["url"] == f"{GITHUB_API_URL}/users/{SAM}"
    assert me["html_url"] == f"https://github.com/{SAM}"
    headers = response.headers
    assert headers["x-ratelimit-limit"] == "5000"
    assert headers["x-ratelimit-remaining"] == "4999"
    assert headers["x-ratelimit-used"] == "1"
    assert headers["x-ratelimit-resource"] == "core"
    assert int(headers["x-ratelimit-reset"]) > int(clock.now.timestamp())
    assert gh.get("/user").headers["x-ratelimit-remaining"] == "4998"


@pytest.mark.parametrize("scheme", ["Bearer", "token", "bearer"])
def test_bearer_and_token_schemes_both_work(desk: Desk, scheme: str) -> None:
    with github_client(desk.app, TOKENS[TOM], scheme) as client:
        assert client.get("/user").json()["login"] == TOM


@pytest.mark.parametrize("token", [GITHUB_EXPIRED_TOKEN, "ghp_not-a-token", ""])
def test_a_bad_or_expired_token_is_401_bad_credentials(desk: Desk, token: str) -> None:
    with github_client(desk.app, token) as client:
        response = client.get(f"{THEME}/pulls")
    assert response.status_code == 401
    assert response.json() == {
        "message": "Bad credentials",
        "documentation_url": "https://docs.github.com/rest",
        "status": "401",
    }
    assert response.headers["x-ratelimit-limit"] == "60"  # counted as an anonymous request


def test_without_a_token_user_needs_auth_and_private_repos_are_not_found(desk: Desk) -> None:
    with github_client(desk.app, None) as anonymous:
        user = anonymous.get("/user")
        assert user.status_code == 401
        assert user.json()["message"] == "Requires authentication"
        assert anonymous.get(f"{THEME}/pulls").status_code == 404
        search = anonymous.get("/search/issues", params={"q": MY_OPEN_PRS})
        assert search.status_code == 422  # there is no "me" to search for


def test_someone_outside_the_organisation_cannot_see_its_repositories(gh_as: Callable[[str], httpx.Client]) -> None:
    outsider = gh_as(OUTSIDER)
    assert outsider.get("/user").json()["login"] == OUTSIDER
    missing = outsider.get(f"{THEME}/pulls")
    assert missing.status_code == 404
    assert missing.json()["message"] == "Not Found"
    assert outsider.get("/search/issues", params={"q": "is:pr org:govpress"}).json()["total_count"] == 0


def test_users_and_repositories(gh: httpx.Client) -> None:
    tom = gh.get(f"/users/{TOM}").json()
    assert (tom["login"], tom["name"], tom["email"]) == (TOM, "Tom Hughes", "tom.hughes@govpress.example")
    assert gh.get("/users/no-such-login-here").status_code == 404
    repo = gh.get(THEME).json()
    assert repo["full_name"] == "govpress/govpress-theme"
    assert repo["private"] is True
    assert repo["default_branch"] == "main"
    assert repo["permissions"]["push"] is True
    assert repo["owner"] == {**repo["owner"], "login": "govpress", "type": "Organization"}
    assert gh.get("/repos/govpress/nothing-here").status_code == 404


# --- pull requests -------------------------------------------------------------------------------


def test_a_pull_request_by_its_branch_has_githubs_shape(gh: httpx.Client) -> None:
    response = gh.get(f"{THEME}/pulls", params={"state": "open", "head": f"govpress:{HEADER_BRANCH}"})
    assert response.status_code == 200
    assert "link" not in response.headers  # one page: no Link header
    [pull] = response.json()
    assert pull["number"] == 42
    assert pull["html_url"] == "https://github.com/govpress/govpress-theme/pull/42"
    assert pull["url"] == f"{GITHUB_API_URL}{THEME}/pulls/42"
    assert pull["issue_url"] == f"{GITHUB_API_URL}{THEME}/issues/42"
    assert pull["title"] == f"Header colour from the new brand palette (#{SEED.mine_low_priority})"
    assert (pull["state"], pull["draft"], pull["assignees"], pull["assignee"]) == ("open", False, [], None)
    assert pull["user"]["login"] == SAM
    assert pull["head"]["ref"] == HEADER_BRANCH
    assert pull["head"]["label"] == f"govpress:{HEADER_BRANCH}"
    assert pull["head"]["repo"]["full_name"] == "govpress/govpress-theme"
    assert len(pull["head"]["sha"]) == 40
    assert pull["base"]["ref"] == "main"
    assert pull["author_association"] == "MEMBER"
    assert pull["_links"]["html"]["href"] == pull["html_url"]


def test_head_without_an_owner_is_ignored_as_github_does(gh: httpx.Client) -> None:
    every_open = numbers(gh.get(f"{THEME}/pulls").json())
    assert every_open == [45, 44, 43, 42]  # newest first
    assert numbers(gh.get(f"{THEME}/pulls", params={"head": HEADER_BRANCH}).json()) == every_open
    assert gh.get(f"{THEME}/pulls", params={"head": "someone-else:" + HEADER_BRANCH}).json() == []
    assert numbers(gh.get(f"{THEME}/pulls", params={"head": f"GovPress:{COOKIE_BRANCH}"}).json()) == [43]


def test_pull_state_filter_and_its_validation(gh: httpx.Client) -> None:
    assert numbers(gh.get(f"{THEME}/pulls", params={"state": "closed"}).json()) == [39]
    assert sorted(numbers(gh.get(f"{THEME}/pulls", params={"state": "all"}).json())) == [39, 42, 43, 44, 45]
    bad = gh.get(f"{THEME}/pulls", params={"state": "merged"})
    assert bad.status_code == 422
    assert bad.json()["message"] == "Validation Failed"
    draft = gh.get(f"{THEME}/pulls/43").json()
    assert (draft["draft"], [a["login"] for a in draft["assignees"]]) == (True, [SAM])
    assert gh.get(f"{THEME}/pulls/41").status_code == 404  # #41 is an issue, not a pull request


def test_pulls_page_by_link_header_in_the_repositories_form(gh: httpx.Client) -> None:
    first = gh.get(f"{THEME}/pulls", params={"state": "open", "per_page": 3})
    assert numbers(first.json()) == [45, 44, 43]
    rel = links(first)
    assert set(rel) == {"next", "last"}
    assert rel["next"] == f"{GITHUB_API_URL}/repositories/6001/pulls?state=open&per_page=3&page=2"
    second = gh.get(rel["next"])  # followed verbatim, as clients must
    assert numbers(second.json()) == [42]
    assert set(links(second)) == {"prev", "first"}
    assert gh.get(f"{THEME}/pulls", params={"per_page": 3, "page": 9}).json() == []
    assert len(gh.get(f"{THEME}/pulls", params={"per_page": 500}).json()) == 4  # capped at 100, not refused


# --- search --------------------------------------------------------------------------------------


def test_search_finds_my_open_pull_requests_in_the_organisation(gh: httpx.Client) -> None:
    response = gh.get("/search/issues", params={"q": MY_OPEN_PRS})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"total_count", "incomplete_results", "items"}
    assert (body["total_count"], body["incomplete_results"]) == (4, False)
    assert sorted(numbers(body["items"])) == [17, 42, 43, 44]
    item = next(i for i in body["items"] if i["number"] == 17)
    assert item["repository_url"] == f"{GITHUB_API_URL}/repos/govpress/govpress-blocks"
    assert item["pull_request"]["html_url"] == "https://github.com/govpress/govpress-blocks/pull/17"
    assert item["html_url"] == item["pull_request"]["html_url"]
    assert item["user"]["login"] == SAM
    assert item["score"] == 1.0
    assert response.headers["x-ratelimit-resource"] == "search"
    assert response.headers["x-ratelimit-limit"] == "30"


def test_search_qualifiers_narrow_as_on_github(gh: httpx.Client, gh_as: Callable[[str], httpx.Client]) -> None:
    def found(q: str, client: httpx.Client = gh) -> list[int]:
        return sorted(numbers(client.get("/search/issues", params={"q": q}).json()["items"]))

    assert found("is:pr is:open author:@me org:govpress-labs") == [3]
    assert found(f"is:pr is:open author:{SAM}") == [3, 17, 42, 43, 44]
    assert found("is:pr is:closed author:@me") == [39]
    assert found("is:issue org:govpress") == [8, 16, 40, 41]
    assert found(f"is:pr is:open assignee:{TOM}") == [44]
    assert found("is:pr is:open author:@me org:govpress -assignee:tomhughes-dev") == [17, 42, 43]
    assert found("is:pr author:@me repo:govpress/govpress-theme draft:true") == [43]
    assert found("is:pr author:@me brand palette") == [42]
    assert found(MY_OPEN_PRS, gh_as(PRIYA)) == [45]


def test_search_refuses_unknown_users_and_a_missing_query(gh: httpx.Client) -> None:
    unknown = gh.get("/search/issues", params={"q": "is:pr author:nobody-by-this-name"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["message"].startswith("The listed users cannot be searched")
    missing = gh.get("/search/issues")
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"resource": "Search", "field": "q", "code": "missing"}]
    too_deep = gh.get("/search/issues", params={"q": MY_OPEN_PRS, "per_page": 100, "page": 11})
    assert too_deep.status_code == 422
    assert "first 1000 search results" in too_deep.json()["message"]


def test_search_pages_by_link_header(gh: httpx.Client) -> None:
    first = gh.get("/search/issues", params={"q": MY_OPEN_PRS, "per_page": 3})
    assert first.json()["total_count"] == 4
    assert len(first.json()["items"]) == 3
    nxt = links(first)["next"]
    assert nxt.startswith(f"{GITHUB_API_URL}/search/issues?q=")
    second = gh.get(nxt)
    assert len(second.json()["items"]) == 1
    seen = numbers(first.json()["items"]) + numbers(second.json()["items"])
    assert sorted(seen) == [17, 42, 43, 44]


# --- assignees and comments ----------------------------------------------------------------------


def test_assignees_skip_who_cannot_be_assigned_and_never_duplicate(gh: httpx.Client, clock: Clock) -> None:
    clock.advance(minutes=5)
    url = f"{THEME}/issues/42/assignees"
    response = gh.post(url, json={"assignees": [TOM, OUTSIDER, "no-such-user-anywhere"]})
    assert response.status_code == 201
    issue = response.json()
    assert [a["login"] for a in issue["assignees"]] == [TOM]
    assert issue["assignee"]["login"] == TOM
    assert issue["number"] == 42
    assert issue["html_url"] == "https://github.com/govpress/govpress-theme/pull/42"
    assert issue["pull_request"]["url"] == f"{GITHUB_API_URL}{THEME}/pulls/42"
    assert issue["updated_at"] == "2026-11-26T14:25:20Z"
    again = gh.post(url, json={"assignees": [TOM]})
    assert again.status_code == 201
    assert [a["login"] for a in again.json()["assignees"]] == [TOM]
    pull = gh.get(f"{THEME}/pulls", params={"head": f"govpress:{HEADER_BRANCH}"}).json()[0]
    assert [a["login"] for a in pull["assignees"]] == [TOM]


def test_adding_an_assignee_keeps_those_already_there(gh: httpx.Client) -> None:
    issue = gh.post(f"{THEME}/issues/43/assignees", json={"assignees": [TOM]}).json()
    assert [a["login"] for a in issue["assignees"]] == [SAM, TOM]
    footer = gh.get(f"{THEME}/pulls", params={"head": f"govpress:{FOOTER_BRANCH}"}).json()[0]
    assert [a["login"] for a in footer["assignees"]] == [TOM]  # the one handed over already


def test_assignability_check_and_bad_assignee_bodies(gh: httpx.Client) -> None:
    assert gh.get(f"{THEME}/assignees/{TOM}").status_code == 204
    assert gh.get(f"{THEME}/assignees/{OUTSIDER}").status_code == 404
    assert gh.get(f"{THEME}/assignees/no-such-user-anywhere").status_code == 404
    bad = gh.post(f"{THEME}/issues/42/assignees", json={"assignees": 7})
    assert bad.status_code == 422
    assert bad.json()["message"].startswith("Invalid request.")
    assert gh.post(f"{THEME}/issues/42/assignees", content=b"{not json").status_code == 400
    assert gh.post(f"{THEME}/issues/999/assignees", json={"assignees": [TOM]}).status_code == 404


def test_an_outsider_cannot_assign_or_comment(gh_as: Callable[[str], httpx.Client]) -> None:
    outsider = gh_as(OUTSIDER)
    assert outsider.post(f"{THEME}/issues/42/assignees", json={"assignees": [OUTSIDER]}).status_code == 404
    assert outsider.post(f"{THEME}/issues/42/comments", json={"body": "hi"}).status_code == 404


def test_comments_are_listed_and_created_with_githubs_shape(gh: httpx.Client, clock: Clock) -> None:
    url = f"{THEME}/issues/42/comments"
    [seeded] = gh.get(url).json()
    assert seeded["user"]["login"] == PRIYA
    clock.advance(minutes=1)
    created = gh.post(url, json={"body": "Handed over to @tomhughes-dev at the end of my rotation."})
    assert created.status_code == 201
    comment = created.json()
    assert comment["body"] == "Handed over to @tomhughes-dev at the end of my rotation."
    assert comment["user"]["login"] == SAM
    assert comment["html_url"] == f"https://github.com/govpress/govpress-theme/pull/42#issuecomment-{comment['id']}"
    assert comment["issue_url"] == f"{GITHUB_API_URL}{THEME}/issues/42"
    assert created.headers["location"] == comment["url"]
    assert comment["created_at"] == "2026-11-26T14:21:20Z"
    assert [c["id"] for c in gh.get(url).json()] == [seeded["id"], comment["id"]]
    issue = gh.get(f"{THEME}/issues/42").json()
    assert (issue["comments"], issue["updated_at"]) == (2, "2026-11-26T14:21:20Z")
    page = gh.get(url, params={"per_page": 1})
    assert links(page)["next"] == f"{GITHUB_API_URL}/repositories/6001/issues/42/comments?per_page=1&page=2"
    assert [c["id"] for c in gh.get(links(page)["next"]).json()] == [comment["id"]]


def test_comment_bodies_are_checked(gh: httpx.Client) -> None:
    url = f"{THEME}/issues/42/comments"
    missing = gh.post(url, json={})
    assert missing.status_code == 422
    assert '"body" wasn\'t supplied' in missing.json()["message"]
    too_long = gh.post(url, json={"body": "x" * 65537})
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["message"] == "body is too long (maximum is 65536 characters)"
    assert gh.post(url, json={"body": "x" * 65536}).status_code == 201
    assert len(gh.get(url).json()) == 2


def test_a_reset_brings_back_the_seeded_assignees_and_comments(desk: Desk, gh: httpx.Client) -> None:
    gh.post(f"{THEME}/issues/42/assignees", json={"assignees": [TOM]})
    gh.post(f"{THEME}/issues/42/comments", json={"body": "handed over"})
    desk.app.reset()
    assert gh.get(f"{THEME}/issues/42").json()["assignees"] == []
    assert len(gh.get(f"{THEME}/issues/42/comments").json()) == 1


# --- rate limits ---------------------------------------------------------------------------------


def test_a_switched_on_primary_limit_answers_403_with_nothing_remaining(
    gh: httpx.Client, desk: Desk, clock: Clock
) -> None:
    switched = desk.http.put(
        "/_sandbox/github", json={"rate_limit": {"mode": "primary", "times": 1, "retry_after": 90}}
    )
    assert switched.json()["rate_limit"] == {"mode": "primary", "status": 403, "times": 1, "retry_after": 90}
    limited = gh.get(f"{THEME}/pulls")
    assert limited.status_code == 403
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert limited.headers["x-ratelimit-reset"] == str(int(clock.now.timestamp()) + 90)
    body = limited.json()
    assert body["message"].startswith("API rate limit exceeded for user ID 7001.")
    assert body["documentation_url"] == "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
    assert gh.get(f"{THEME}/pulls").status_code == 200  # the one forced answer is used up
    assert desk.http.get("/_sandbox/github").json()["rate_limit"]["mode"] == "off"
    desk.http.put("/_sandbox/github", json={"rate_limit": {"mode": "primary", "status": 429, "times": 1}})
    assert gh.get("/user").status_code == 429


def test_a_secondary_limit_says_so_with_retry_after_until_switched_off(gh: httpx.Client, desk: Desk) -> None:
    desk.http.put("/_sandbox/github", json={"rate_limit": {"mode": "secondary", "status": 429, "retry_after": 30}})
    for _ in range(2):
        limited = gh.post(f"{THEME}/issues/42/comments", json={"body": "handed over"})
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "30"
        assert limited.headers["x-ratelimit-remaining"] != "0"  # not the primary limit
        assert limited.json()["message"].startswith("You have exceeded a secondary rate limit")
    desk.http.put("/_sandbox/github", json={"rate_limit": {"mode": "off"}})
    assert gh.post(f"{THEME}/issues/42/comments", json={"body": "handed over"}).status_code == 201
    assert len(gh.get(f"{THEME}/issues/42/comments").json()) == 2  # nothing was written while limited


@pytest.mark.parametrize(
    "body",
    [
        {"rate_limit": {"mode": "sometimes"}},
        {"rate_limit": {"mode": "primary", "status": 500}},
        {"rate_limit": {"mode": "primary", "times": 0}},
        {"rate_limit": {"mode": "primary", "colour": "red"}},
        {"mode": "primary"},
    ],
)
def test_bad_switches_are_refused(desk: Desk, body: dict[str, Any]) -> None:
    response = desk.http.put("/_sandbox/github", json=body)
    assert response.status_code == 400
    assert response.json()["error"]


def test_search_has_its_own_primary_limit_of_30_a_minute(gh: httpx.Client, clock: Clock) -> None:
    for n in range(30):
        response = gh.get("/search/issues", params={"q": MY_OPEN_PRS})
        assert response.status_code == 200, n
    limited = gh.get("/search/issues", params={"q": MY_OPEN_PRS})
    assert limited.status_code == 403
    assert (limited.headers["x-ratelimit-remaining"], limited.headers["x-ratelimit-resource"]) == ("0", "search")
    assert gh.get("/user").status_code == 200  # the core limit is separate
    assert gh.get("/rate_limit").json()["resources"]["search"]["remaining"] == 0
    clock.advance(seconds=61)
    assert gh.get("/search/issues", params={"q": MY_OPEN_PRS}).status_code == 200


def test_content_creation_meets_a_secondary_limit(desk: Desk, gh: httpx.Client, clock: Clock) -> None:
    url = f"{THEME}/issues/42/comments"
    for _ in range(80):
        assert gh.post(url, json={"body": "again"}).status_code == 201
    limited = gh.post(url, json={"body": "one too many"})
    assert limited.status_code == 403
    assert int(limited.headers["retry-after"]) > 0
    assert "secondary rate limit" in limited.json()["message"]
    desk.app.settings.rate_limits = False
    assert gh.post(url, json={"body": "limits off"}).status_code == 201


def test_injected_rate_limit_faults_look_like_githubs_secondary_limit(desk: Desk, gh: httpx.Client) -> None:
    desk.app.faults = Faults(rate_limit_share=1.0, retry_after=2, seed=3)
    statuses = set()
    for _ in range(8):
        response = gh.get(f"{THEME}/pulls")
        statuses.add(response.status_code)
        assert response.headers["retry-after"] == "2"
        assert "secondary rate limit" in response.json()["message"]
    assert statuses == {403, 429}


# --- served --------------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SandboxServer]:
    srv = make_server(tmp_path)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_served_github_answers_on_the_environments_base_url(server: SandboxServer) -> None:
    env = environment(server.url, "tom.hughes@govpress.example")
    assert env["GITHUB_API_URL"] == f"{server.url}/api/v3"
    headers = {"Authorization": f"Bearer {env['GITHUB_TOKEN']}"}
    with httpx.Client(base_url=env["GITHUB_API_URL"], headers=headers) as client:
        assert client.get("/user").json()["login"] == TOM
        first = client.get(f"{THEME}/pulls", params={"per_page": 2})
        nxt = links(first)["next"]
        assert nxt.startswith(f"{server.url}/api/v3/repositories/6001/pulls?")
        assert numbers(first.json()) + numbers(client.get(nxt).json()) == [45, 44, 43, 42]
