"""The Slack incoming webhook on the shared HTTP layer, against the sandbox's webhook (its answers
and its fail switch), and Block Kit kept within Slack's limits. No real sleeping."""

from __future__ import annotations

import pytest

from govpress_support import sandbox
from govpress_support.core.errors import ApiError, AuthError, ExitCode, UsageError
from govpress_support.core.redact import SECRETS
from govpress_support.sandbox.slack_api import valid_blocks
from govpress_support.services.http import HttpClient, RetryPolicy
from govpress_support.services.slack import (
    SLACK,
    Message,
    SlackWebhook,
    check_webhook_url,
    classify,
    escape,
    link,
    register_secret,
)
from tests.desk import Desk
from tests.support import FakeSleep

SECRET = sandbox.SLACK_WEBHOOK_URL.rsplit("/", 1)[-1]


def webhook(desk: Desk, sleep: FakeSleep | None = None) -> SlackWebhook:
    http = HttpClient(
        SLACK,
        sandbox.SLACK_WEBHOOK_URL,
        transport=desk.transport(),
        classify=classify,
        sleep=sleep or FakeSleep(),
        retry=RetryPolicy(max_retries=3, max_total_wait=60.0, backoff=0.01),
    )
    return SlackWebhook(http, sandbox.SLACK_WEBHOOK_URL)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "http://127.0.0.1:8765/services/T0GOVPRESS/B0SUPPORT/sandboxWebhookSecret0001",
    ],
)
def test_slack_s_hooks_host_and_this_machine_are_webhooks(url: str) -> None:
    check_webhook_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.slack.com/services/T000/B000/XXXX",  # not https
        "https://hooks.slack.com.evil.example/services/T000/B000/XXXX",
        "https://example.org/services/T000/B000/XXXX",
        "https://hooks.slack.com/workflows/T000/XXXX",  # a workflow trigger, not an incoming webhook
        "not a url",
    ],
)
def test_anything_else_is_refused_in_one_line_without_the_secret(url: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_webhook_url(url, where="SLACK_WEBHOOK_URL")
    line = caught.value.one_line()
    assert line.startswith("SLACK_WEBHOOK_URL is not a Slack incoming webhook") and "nothing was posted" in line
    assert "XXXX" not in line and caught.value.exit_code == ExitCode.USAGE


def test_a_webhook_url_is_a_secret_wherever_it_would_show() -> None:
    url = "https://hooks.slack.com/services/T000/B000/s3cretS3cretS3cret"
    register_secret(url)
    assert "s3cretS3cretS3cret" not in SECRETS(f"> POST {url}") + SECRETS("path /services/T000/B000/s3cretS3cretS3cret")


def test_a_post_is_made_once_and_ok_is_the_answer(desk: Desk) -> None:
    webhook(desk).post({"text": "hello"})
    assert [p["text"] for p in desk.slack_posts()] == ["hello"]


def test_a_rate_limit_is_waited_out(desk: Desk) -> None:
    desk.control("PUT", "slack", {"fail": "rate_limited", "times": 1, "retry_after": 3})
    sleep = FakeSleep()
    webhook(desk, sleep).post({"text": "after the wait"})
    assert sleep.calls == [3.0]
    assert [p["text"] for p in desk.slack_posts()] == ["after the wait"]


@pytest.mark.parametrize(
    ("code", "kind", "line"),
    [
        (
            "channel_is_archived",
            AuthError,
            "Slack refused the message (410 channel_is_archived: the webhook's channel is archived)",
        ),
        (
            "no_service",
            AuthError,
            "Slack refused the message (404 no_service: the webhook was revoked or never existed)",
        ),
        (
            "invalid_blocks",
            ApiError,
            "Slack refused the message (400 invalid_blocks: Slack did not accept the message's blocks)",
        ),
    ],
)
def test_slack_s_refusals_are_one_line(desk: Desk, code: str, kind: type[Exception], line: str) -> None:
    desk.slack_fail(code)
    with pytest.raises(kind) as caught:
        webhook(desk).post({"text": "x"})
    assert str(caught.value).startswith(line)
    assert desk.slack_posts() == []


def test_the_probe_posts_nothing_and_tells_a_revoked_webhook(desk: Desk) -> None:
    webhook(desk).probe()
    assert desk.slack_posts() == []
    desk.slack_fail("no_service")
    with pytest.raises(AuthError):
        webhook(desk).probe()


def test_long_lists_are_summarised_with_a_count_and_the_blocks_stay_within_slack_s_limits(desk: Desk) -> None:
    message = Message(fallback="x" * 5000)
    message.header("H" * 400)
    message.items(
        "*Breached*", [link(f"https://desk.example/tickets/{n}", f"#{n} " + "subject " * 30) for n in range(300)]
    )
    for n in range(80):
        message.section(f"section {n}")
    payload = message.payload()
    assert len(payload["blocks"]) == 50 and len(payload["blocks"][0]["text"]["text"]) <= 150
    listed = payload["blocks"][1]["text"]["text"]
    assert len(listed) <= 3000 and "… and 29" in listed and listed.endswith("more")
    assert len(payload["text"]) <= 3000
    assert valid_blocks(payload["blocks"])
    webhook(desk).post(payload)  # and Slack (the sandbox's checks) takes it
    assert len(desk.slack_posts()) == 1


def test_service_text_is_shown_not_obeyed_by_slack() -> None:
    assert escape("<!channel> & <@U123>") == "&lt;!channel&gt; &amp; &lt;@U123&gt;"
    assert link("https://x.example/a", "#1 a|b>c") == "<https://x.example/a|#1 a¦b&gt;c>"
    assert link("javascript:alert(1)", "x") == "x"
