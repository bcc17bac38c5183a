"""The Trello client on a mock transport: what it sends, what it reads, and its errors in plain
text and in JSON (what the sandbox cannot be made to answer on demand)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from govpress_support.core.errors import ApiError, AuthError, ExitCode, NotFoundError
from govpress_support.services.http import HttpClient, RetryPolicy, ServiceInfo
from govpress_support.services.trello import TrelloClient, classify_error
from tests.support import FakeSleep

BASE = "https://api.trello.example/1"


def client(handler: Callable[[httpx.Request], httpx.Response], sleep: FakeSleep | None = None) -> TrelloClient:
    http = HttpClient(
        ServiceInfo("Trello", "run `govpress-support auth login trello`"),
        BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=3, max_total_wait=60.0),
        sleep=sleep or FakeSleep(),
        classify=classify_error,
    )
    return TrelloClient(http)


def test_card_with_labels_and_due_complete() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/1/cards/AbCd1234"
        assert request.url.params["attachments"] == "true"
        return httpx.Response(
            200,
            json={
                "id": "5f0000000000000000000001",
                "shortLink": "AbCd1234",
                "name": "Check backups",
                "due": "2026-12-01T09:00:00.000Z",
                "dueComplete": True,
                "labels": [{"id": "l1", "name": "Weekly", "color": "yellow"}, {"id": "l2", "name": "", "color": "red"}],
                "attachments": [{"id": "a1", "name": "x", "url": "https://x.zendesk.com/agent/tickets/5"}],
            },
        )

    card = client(handler).card("AbCd1234")
    assert card.short_url == "https://trello.com/c/AbCd1234"
    assert card.due_complete is True
    assert [(label.name, label.color) for label in card.labels] == [("Weekly", "yellow"), ("", "red")]
    assert card.attachments[0].url.endswith("/tickets/5")


def test_members_of_board_and_my_boards() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.path}?{request.url.query.decode()}")
        if request.url.path == "/1/boards/b1/members":
            return httpx.Response(200, json=[{"id": "m1", "username": "sam", "fullName": "Sam Okafor"}, {"bad": 1}])
        return httpx.Response(
            200,
            json=[
                {"id": "b1", "name": "Backlog", "shortLink": "pF46aRdl", "closed": False},
                {"id": "b2", "name": "Old", "shortLink": "Zz999999", "closed": True},
            ],
        )

    trello = client(handler)
    assert [(m.id, m.full_name) for m in trello.members_of_board("b1")] == [("m1", "Sam Okafor")]
    assert [b.short_link for b in trello.my_boards()] == ["pF46aRdl"]
    assert seen[1].startswith("/1/members/me/boards?filter=open")


def test_create_card_sends_url_source_and_is_never_retried_on_5xx() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(
            503, text="<html><title>Service Unavailable</title></html>", headers={"content-type": "text/html"}
        )

    with pytest.raises(ApiError) as caught:
        client(handler).create_card("list-1", "#5 Fix it", url_source="https://x.zendesk.com/agent/tickets/5")
    assert len(calls) == 1
    assert calls[0].url.params["urlSource"] == "https://x.zendesk.com/agent/tickets/5"
    assert caught.value.status == 503
    assert caught.value.hint == "the change may or may not have been made: check before running it again"


def test_plain_text_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/1/cards":
            return httpx.Response(401, text="unauthorized permission requested")
        if request.url.path == "/1/boards/nope1234":
            return httpx.Response(400, text="invalid id")
        return httpx.Response(401, text="invalid token")

    trello = client(handler)
    with pytest.raises(AuthError) as refused:
        trello.create_card("list-1", "#5 Fix it")
    assert refused.value.message == (
        "Trello does not allow you to add cards to this Trello board (unauthorized permission requested)"
    )
    assert refused.value.exit_code is ExitCode.AUTH
    with pytest.raises(NotFoundError, match=r"Trello board 'nope1234' not found \(Trello: invalid id\)"):
        trello.board("nope1234")
    with pytest.raises(AuthError, match=r"Trello rejected the credentials \(401: invalid token\)"):
        trello.lists("b1")


def test_json_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"message": "invalid value for idList", "error": "ERROR"})

    with pytest.raises(ApiError) as caught:
        client(handler).create_card("not-a-list", "#5 Fix it")
    assert caught.value.one_line() == (
        "Trello refused the request to add cards to this Trello board (HTTP 400: invalid value for idList)"
    )
    assert caught.value.code == "ERROR"


def test_429_in_json_backs_off_on_the_rate_limit_headers_then_succeeds() -> None:
    answers = iter(
        [
            httpx.Response(
                429,
                json={"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"},
                headers={"x-rate-limit-api-token-remaining": "0"},
            ),
            httpx.Response(200, json=[{"id": "l1", "name": "Backlog", "idBoard": "b1"}]),
        ]
    )
    sleep = FakeSleep()
    lists = client(lambda request: next(answers), sleep).lists("b1")
    assert [lst.name for lst in lists] == ["Backlog"]
    assert sleep.calls == [5.0]  # half of Trello's 10 s window: it sends no Retry-After
