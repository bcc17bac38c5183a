"""The sandbox's Slack incoming webhook: Slack's plain-text answers, the Block Kit checks, the
per-webhook rate limit, recorded posts and forced failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from govpress_support.sandbox import SLACK_WEBHOOK_URL, Faults
from govpress_support.sandbox.constants import SLACK_WEBHOOK_PATH
from tests.desk import Desk
from tests.seed_names import SEED

from .conftest import Clock

HOOK = SLACK_WEBHOOK_URL
SUMMARY_BLOCKS = [
    {"type": "header", "text": {"type": "plain_text", "text": "Handover: Sam Okafor → Tom Hughes"}},
    {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": f"*12* tickets, *2* breached: <https://x/{SEED.breached_urgent}|#{SEED.breached_urgent}>",
        },
    },
    {"type": "divider"},
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "<@U0TOMHUGHES> over to you"}]},
]


@pytest.fixture
def slack(desk: Desk) -> Iterator[httpx.Client]:
    with httpx.Client(transport=desk.app.transport()) as client:
        yield client


def posts(control: httpx.Client) -> dict[str, Any]:
    data = control.get("/_sandbox/slack").json()
    assert isinstance(data, dict)
    return data


def test_a_message_is_answered_ok_in_plain_text_and_recorded(slack: httpx.Client, desk: Desk, clock: Clock) -> None:
    response = slack.post(HOOK, json={"text": "Handover from Sam to Tom", "blocks": SUMMARY_BLOCKS})
    assert (response.status_code, response.text) == (200, "ok")
    assert response.headers["content-type"].startswith("text/plain")
    record = posts(desk.http)
    [post] = record["posts"]
    assert record["rejected"] == []
    assert post["text"] == "Handover from Sam to Tom"
    assert post["blocks"] == SUMMARY_BLOCKS
    assert post["channel"] == "#govpress-support"
    assert post["at"] == "2026-11-26T14:20:20Z"
    assert record["webhook_url"].endswith(SLACK_WEBHOOK_PATH)  # on the host the desk.http API was asked on


def test_blocks_alone_and_a_form_encoded_payload_are_accepted(slack: httpx.Client, desk: Desk) -> None:
    assert slack.post(HOOK, json={"blocks": SUMMARY_BLOCKS}).text == "ok"
    assert slack.post(HOOK, data={"payload": json.dumps({"text": "from a form"})}).text == "ok"
    assert [p["text"] for p in posts(desk.http)["posts"]] == [None, "from a form"]


@pytest.mark.parametrize(
    ("content", "ctype"),
    [
        (b"Handover from Sam", "text/plain"),
        (b'["a list", "not an object"]', "application/json"),
        (b'{"text": 42}', "application/json"),
        (b'{"text": "x", "attachments": "one"}', "application/json"),
    ],
)
def test_what_is_not_a_json_message_is_invalid_payload(
    slack: httpx.Client, desk: Desk, content: bytes, ctype: str
) -> None:
    response = slack.post(HOOK, content=content, headers={"Content-Type": ctype})
    assert (response.status_code, response.text) == (400, "invalid_payload")
    assert posts(desk.http)["posts"] == []
    assert [r["answer"] for r in posts(desk.http)["rejected"]] == ["invalid_payload"]


@pytest.mark.parametrize("message", [{}, {"text": "   "}, {"blocks": []}, {"text": "", "attachments": []}])
def test_nothing_to_show_is_no_text(slack: httpx.Client, message: dict[str, Any]) -> None:
    response = slack.post(HOOK, json=message)
    assert (response.status_code, response.text) == (400, "no_text")


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


@pytest.mark.parametrize(
    "blocks",
    [
        "not a list",
        [{"type": "carousel"}],
        [{"text": {"type": "mrkdwn", "text": "no type"}}],
        [{"type": "header", "text": {"type": "mrkdwn", "text": "headers are plain text"}}],
        [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
        [_section("x" * 3001)],
        [_section("")],
        [{"type": "section"}],
        [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
        [{"type": "context", "elements": []}],
        [{**_section("a"), "block_id": "same"}, {**_section("b"), "block_id": "same"}],
        [_section("line")] * 51,
    ],
)
def test_block_kit_slack_would_refuse_is_invalid_blocks(slack: httpx.Client, blocks: Any) -> None:
    response = slack.post(HOOK, json={"text": "fallback", "blocks": blocks})
    assert (response.status_code, response.text) == (400, "invalid_blocks")


def test_the_limits_themselves_are_accepted(slack: httpx.Client, desk: Desk) -> None:
    desk.app.settings.rate_limits = False
    at_limit = [_section("x" * 3000)] * 50
    assert slack.post(HOOK, json={"text": "fallback", "blocks": at_limit}).text == "ok"
    header = [{"type": "header", "text": {"type": "plain_text", "text": "x" * 150}}]
    assert slack.post(HOOK, json={"text": "fallback", "blocks": header}).text == "ok"


def test_text_over_40000_characters_is_truncated_not_refused(slack: httpx.Client, desk: Desk) -> None:
    assert slack.post(HOOK, json={"text": "y" * 40_500}).text == "ok"
    [post] = posts(desk.http)["posts"]
    assert len(post["text"]) == 40_000
    assert post["payload"]["truncated"] is True


@pytest.mark.parametrize(
    "path",
    [
        "/services/T0GOVPRESS/B0SUPPORT/revokedSecret00000000000",
        "/services/T0OTHER/B0SUPPORT/sandboxWebhookSecret0001",
        "/services/T0GOVPRESS",
    ],
)
def test_an_unknown_or_revoked_hook_is_404_no_service(slack: httpx.Client, path: str) -> None:
    response = slack.post(f"https://sandbox.slack.invalid{path}", json={"text": "hello"})
    assert (response.status_code, response.text) == (404, "no_service")


def test_about_one_message_a_second_per_webhook(slack: httpx.Client, desk: Desk, clock: Clock) -> None:
    for n in range(5):  # a short burst is fine
        assert slack.post(HOOK, json={"text": f"message {n}"}).status_code == 200
    limited = slack.post(HOOK, json={"text": "one too many"})
    assert (limited.status_code, limited.text) == (429, "rate_limited")
    assert 1 <= int(limited.headers["retry-after"]) <= 5
    assert len(posts(desk.http)["posts"]) == 5
    clock.advance(seconds=5)
    assert slack.post(HOOK, json={"text": "after waiting"}).status_code == 200
    desk.app.settings.rate_limits = False
    assert all(slack.post(HOOK, json={"text": "x"}).status_code == 200 for _ in range(8))


def test_forced_failures_for_the_next_posts(slack: httpx.Client, desk: Desk) -> None:
    switched = desk.http.put("/_sandbox/slack", json={"fail": "channel_is_archived", "times": 2})
    assert switched.json()["switch"] == {"fail": "channel_is_archived", "times": 2, "retry_after": 1}
    for _ in range(2):
        response = slack.post(HOOK, json={"text": "handover"})
        assert (response.status_code, response.text) == (410, "channel_is_archived")
    assert slack.post(HOOK, json={"text": "handover"}).text == "ok"
    desk.http.put("/_sandbox/slack", json={"fail": "rate_limited", "retry_after": 7})
    limited = slack.post(HOOK, json={"text": "handover"})
    assert (limited.status_code, limited.text, limited.headers["retry-after"]) == (429, "rate_limited", "7")
    desk.http.put("/_sandbox/slack", json={"fail": "no_service", "times": None})
    assert [slack.post(HOOK, json={"text": "x"}).status_code for _ in range(3)] == [404, 404, 404]
    desk.http.put("/_sandbox/slack", json={"fail": None})
    assert slack.post(HOOK, json={"text": "back"}).status_code == 200
    record = posts(desk.http)
    assert [p["text"] for p in record["posts"]] == ["handover", "back"]
    assert [r["status"] for r in record["rejected"]] == [410, 410, 429, 404, 404, 404]


@pytest.mark.parametrize(
    "body", [{"fail": "sometimes"}, {"fail": "no_text", "times": 0}, {"error": "no_text"}, ["no_text"]]
)
def test_bad_slack_switches_are_refused(desk: Desk, body: Any) -> None:
    response = desk.http.put("/_sandbox/slack", json=body)
    assert response.status_code == 400
    assert response.json()["error"]


def test_recorded_posts_can_be_cleared_and_a_reset_clears_them_too(desk: Desk, slack: httpx.Client) -> None:
    slack.post(HOOK, json={"text": "one"})
    assert len(desk.http.delete("/_sandbox/slack").json()["posts"]) == 0
    slack.post(HOOK, json={"text": "two"})
    desk.http.put("/_sandbox/slack", json={"fail": "rollup_error", "times": None})
    desk.app.reset()
    assert posts(desk.http)["posts"] == []
    assert slack.post(HOOK, json={"text": "three"}).text == "ok"  # the switch went with the reset


def test_injected_rate_limit_faults_answer_as_slack(desk: Desk, slack: httpx.Client) -> None:
    desk.app.faults = Faults(rate_limit_share=1.0, retry_after=3)
    response = slack.post(HOOK, json={"text": "x"})
    assert (response.status_code, response.text, response.headers["retry-after"]) == (429, "rate_limited", "3")
