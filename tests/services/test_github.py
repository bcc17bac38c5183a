"""The GitHub client on the shared HTTP layer: against the sandbox's GitHub (its rate-limit switch,
its expired token), and a mock transport for what the sandbox has no reason to do (a next-page
link to another host, a spent budget on a successful answer). No real sleeping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from govpress_support import sandbox
from govpress_support.core.errors import ApiError, AuthError, ExitCode, RateLimitedError
from govpress_support.services import credentials
from govpress_support.services.github import GITHUB, GitHubClient, classify, headers, rate_wait
from govpress_support.services.http import HttpClient, RetryPolicy
from tests.desk import Desk
from tests.support import FakeClock, FakeSleep, MemoryKeyring

THEME = "govpress/govpress-theme"


def client(
    transport: httpx.BaseTransport,
    token: str = sandbox.GITHUB_TOKEN,
    *,
    sleep: FakeSleep | None = None,
    base: str = sandbox.GITHUB_API_URL,
) -> GitHubClient:
    http = HttpClient(
        GITHUB,
        base,
        headers=headers(token),
        transport=transport,
        classify=classify,
        rate_wait=rate_wait,
        sleep=sleep or FakeSleep(),
        retry=RetryPolicy(max_retries=3, max_total_wait=60.0, backoff=0.01),
    )
    return GitHubClient(http)


def test_who_am_i_a_login_and_whether_they_can_be_assigned(desk: Desk) -> None:
    github = client(desk.transport())
    assert github.me().login == "sam-okafor"
    assert github.user("tomhughes-dev") is not None and github.user("no-such-person") is None
    assert github.can_assign(THEME, "tomhughes-dev") and not github.can_assign(THEME, "alex-rivera")
    repo = github.repo(THEME)
    assert repo is not None and (repo.default_branch, repo.can_push) == ("main", True)


def test_search_and_branch_lookups_read_github_s_shapes(desk: Desk) -> None:
    github = client(desk.transport())
    [by_branch] = github.pulls_for_branch(THEME, "fix/4028-cookie-banner-skip-link")
    assert (by_branch.number, by_branch.draft, by_branch.assignees, by_branch.branch) == (
        43,
        True,
        ("sam-okafor",),
        "fix/4028-cookie-banner-skip-link",
    )
    found = {p.ref for p in github.search_pulls("is:open author:@me org:govpress")}
    assert found == {f"{THEME}#42", f"{THEME}#43", f"{THEME}#44", "govpress/govpress-blocks#17"}


def test_adding_an_assignee_answers_who_is_assigned_and_leaves_out_who_cannot_be(desk: Desk) -> None:
    github = client(desk.transport())
    assert github.add_assignees(THEME, 42, ["tomhughes-dev"]) == ("tomhughes-dev",)
    assert github.add_assignees(THEME, 42, ["alex-rivera"]) == ("tomhughes-dev",)  # silently left out, as on GitHub
    comment = github.add_comment(THEME, 42, "Handed over.")
    assert comment.author == "sam-okafor" and comment in github.comments(THEME, 42)


def test_a_secondary_rate_limit_is_waited_out_and_the_post_made_once(desk: Desk) -> None:
    desk.control("PUT", "github", {"rate_limit": {"mode": "secondary", "status": 403, "times": 1, "retry_after": 7}})
    sleep = FakeSleep()
    github = client(desk.transport(), sleep=sleep)
    github.add_comment(THEME, 42, "Once.")
    assert sleep.calls == [7.0]
    assert [c.body for c in github.comments(THEME, 42)].count("Once.") == 1


def test_a_spent_primary_limit_says_until_when(desk: Desk) -> None:
    desk.control(
        "PUT", "github", {"rate_limit": {"mode": "primary", "status": 403, "times": None, "retry_after": 3600}}
    )
    with pytest.raises(RateLimitedError) as caught:
        client(desk.transport()).me()
    assert "GitHub's rate limit for this token is spent until" in caught.value.message and "UTC" in caught.value.message


def test_an_expired_token_is_exit_4_with_the_fix(desk: Desk) -> None:
    with pytest.raises(AuthError) as caught:
        client(desk.transport(), sandbox.GITHUB_EXPIRED_TOKEN).me()
    assert caught.value.exit_code == ExitCode.AUTH
    assert caught.value.one_line() == (
        "GitHub rejected the token (401: Bad credentials) (run `govpress-support auth login github`, "
        "or set GITHUB_TOKEN (a token may have expired or been revoked))"
    )


def paged(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def test_link_paging_follows_next_on_the_api_host_only() -> None:
    base = "https://ghe.example/api/v3"

    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        item = {
            "number": page,
            "title": "t",
            "html_url": "",
            "state": "open",
            "user": {"login": "me"},
            "head": {"ref": "b"},
        }
        link = {
            1: f'<{base}/repositories/1/pulls?page=2>; rel="next"',
            2: '<https://evil.example/x?page=3>; rel="next"',
        }
        return httpx.Response(200, json=[item], headers={"link": link.get(page, "")})

    github = client(paged(answer), base=base)
    with pytest.raises(ApiError, match=r"next-page link to another host \(evil.example\)"):
        github.pulls_for_branch("o/r", "b")


def test_a_spent_budget_waits_for_its_reset_before_the_next_request() -> None:
    import time

    reset = int(time.time()) + 5
    calls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(
            200,
            json={"login": "me", "id": 1},
            headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset), "x-ratelimit-resource": "core"},
        )

    sleep = FakeSleep()
    github = client(paged(answer), sleep=sleep)
    github.user("a")
    assert sleep.calls == []
    github.user("b")
    assert len(sleep.calls) == 1 and 4.0 <= sleep.calls[0] <= 7.0  # waited for the reset, then asked
    assert len(calls) == 2


# --- GitHub's rate limits are the HTTP layer's waits: one deadline, said while they last -------------


def told_client(
    transport: httpx.BaseTransport, *, policy: RetryPolicy, clock: FakeClock
) -> tuple[GitHubClient, list[str | None]]:
    told: list[str | None] = []
    http = HttpClient(
        GITHUB,
        sandbox.GITHUB_API_URL,
        headers=headers(sandbox.GITHUB_TOKEN),
        transport=transport,
        classify=classify,
        rate_wait=rate_wait,
        sleep=clock.sleep,
        clock=clock,
        retry=policy,
        on_wait=lambda wait: told.append(None if wait is None else str(wait)),
    )
    return GitHubClient(http), told


def test_a_secondary_limit_403_is_said_as_a_rate_limit_wait(desk: Desk) -> None:
    desk.control("PUT", "github", {"rate_limit": {"mode": "secondary", "status": 403, "times": 1, "retry_after": 7}})
    clock = FakeClock()
    github, told = told_client(desk.transport(), policy=RetryPolicy(max_retries=3, max_total_wait=60.0), clock=clock)
    github.add_comment(THEME, 42, "Once.")
    assert clock.sleeps == [7.0]
    assert told == ["GitHub rate limit: waiting 7 s (try 2 of 4)", None]


def test_a_limit_wait_past_the_deadline_fails_at_once(desk: Desk) -> None:
    """A wait that fits the retry budget (40 s of 120) but not the request's 20 s deadline is not
    waited: the request ends at once, as any late retry does."""
    desk.control("PUT", "github", {"rate_limit": {"mode": "secondary", "status": 429, "times": 1, "retry_after": 40}})
    clock = FakeClock()
    policy = RetryPolicy(max_retries=3, max_total_wait=120.0, deadline=20.0)
    github, told = told_client(desk.transport(), policy=policy, clock=clock)
    with pytest.raises(RateLimitedError, match="secondary rate limit is still refusing"):
        github.me()
    assert clock.sleeps == [] and told == []


def test_a_secondary_limit_one_request_met_holds_back_the_next(desk: Desk) -> None:
    """Requests go side by side: GitHub's refusal to one holds back the client's others until
    its wait is over (said, within their deadline), rather than drawing a refusal each."""
    desk.control("PUT", "github", {"rate_limit": {"mode": "secondary", "status": 403, "times": 1, "retry_after": 7}})
    clock = FakeClock()
    github, told = told_client(desk.transport(), policy=RetryPolicy(max_retries=0), clock=clock)
    with pytest.raises(RateLimitedError, match="secondary rate limit"):
        github.me()  # no retries here: it gives up, and the wait stays the client's
    assert github.user("tomhughes-dev") is not None
    assert clock.sleeps == [7.0]
    assert told == ["GitHub rate limit: waiting 7 s (try 1 of 1)", None]


def test_a_spent_budget_holds_the_next_request_within_its_deadline() -> None:
    import time

    reset = int(time.time()) + 30
    calls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        spent = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset), "x-ratelimit-resource": "core"}
        return httpx.Response(200, json={"login": "me", "id": 1}, headers=spent)

    clock = FakeClock()
    github, told = told_client(paged(answer), policy=RetryPolicy(max_retries=3, deadline=20.0), clock=clock)
    github.user("a")
    with pytest.raises(RateLimitedError) as caught:
        github.user("b")  # 31 s to hold: past the 20 s deadline, so nothing is sent
    assert "GitHub's rate limit is spent until" in caught.value.message and "nothing was sent" in caught.value.message
    assert len(calls) == 1 and clock.sleeps == [] and told == []

    github, told = told_client(paged(answer), policy=RetryPolicy(max_retries=3, deadline=60.0), clock=clock)
    github.user("a")
    github.user("b")  # fits: held, and said as a rate-limit wait
    assert len(clock.sleeps) == 1 and 29.0 <= clock.sleeps[0] <= 32.0
    assert told[0] is not None and told[0].startswith("GitHub rate limit: waiting 3") and told[-1] is None
    assert len(calls) == 3


@pytest.mark.parametrize("reset", ["²", "١٧٠٠٠٠٠٠٠٠", "9" * 5000, "1e9", "-5", "nan"])
def test_rate_limit_headers_are_read_by_the_strict_number_rule(reset: str) -> None:
    """A reset that is not ASCII digits within range is no time: the refusal is not waited for
    (nor is it an unexpected failure), and a successful answer holds nothing."""
    spent = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
    assert rate_wait(403, spent) is None
    assert rate_wait(403, {"x-ratelimit-remaining": "٠", "x-ratelimit-reset": "1"}) is None
    wire = {name: value.encode() for name, value in spent.items()}  # as the bytes arrive
    refused = httpx.Response(403, json={"message": "Forbidden"}, headers=wire)
    assert refused.headers["x-ratelimit-reset"] == reset
    assert classify(refused, "the thing") is None  # a plain 403: the HTTP layer's permission error

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"login": "me", "id": 1}, headers={**wire, "x-ratelimit-resource": b"core"})

    clock = FakeClock()
    github, _ = told_client(paged(answer), policy=RetryPolicy(max_retries=3), clock=clock)
    github.user("a")
    github.user("b")
    assert clock.sleeps == []


# --- where the token comes from ---------------------------------------------------------------------


def test_token_precedence_env_then_keyring_then_gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    log = tmp_path / "gh.log"
    env = {"PATH": os.environ["PATH"], "FAKE_GH_TOKEN": "from-gh-1234", "FAKE_GH_LOG": str(log)}
    keyring = credentials.Keyring(MemoryKeyring())
    token = credentials.github_token(env, keyring, host="ghe.example")
    assert token is not None and (token.value, token.source) == ("from-gh-1234", "gh auth token")
    assert log.read_text().split() == ["auth", "token", "--hostname", "ghe.example"]
    credentials.store_github(keyring, "from-the-keyring")
    assert credentials.github_token(env, keyring).source == "keyring"  # type: ignore[union-attr]
    assert credentials.github_token({**env, "GH_TOKEN": "gh-env"}, keyring).source == "env GH_TOKEN"  # type: ignore[union-attr]
    both = {**env, "GH_TOKEN": "gh-env", "GITHUB_TOKEN": "github-env"}
    assert credentials.github_token(both, keyring).value == "github-env"  # type: ignore[union-attr]


def test_no_gh_login_and_no_token_is_none() -> None:
    import os

    assert credentials.github_token({"PATH": os.environ["PATH"]}, credentials.Keyring(MemoryKeyring())) is None
