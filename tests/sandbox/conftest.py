"""Fixtures for the sandbox tests: a fresh sandbox per test, a clock the test moves, and httpx
clients driving the app in-process as the tool's clients will."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from govpress_support.core import timeutil
from govpress_support.sandbox import (
    AGENT_TOKEN,
    DEFAULT_EMAIL,
    TRELLO_KEY,
    TRELLO_TOKEN,
    TRELLO_URL,
    ZENDESK_URL,
    SandboxApp,
    open_app,
)

START = datetime(2026, 11, 26, 14, 20, 20, tzinfo=UTC)  # a Thursday


class Clock:
    def __init__(self, start: datetime = START):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Iterator[Clock]:
    frozen = Clock()
    timeutil.set_clock(frozen)
    yield frozen
    timeutil.set_clock(None)


@pytest.fixture
def app(tmp_path: Path, clock: Clock) -> Iterator[SandboxApp]:
    sandbox = open_app(tmp_path)
    yield sandbox
    sandbox.close()


def zendesk_client(app: SandboxApp, email: str = DEFAULT_EMAIL) -> httpx.Client:
    return httpx.Client(transport=app.transport(), base_url=ZENDESK_URL, auth=(f"{email}/token", AGENT_TOKEN))


def trello_client(app: SandboxApp, token: str = TRELLO_TOKEN) -> httpx.Client:
    return httpx.Client(transport=app.transport(), base_url=TRELLO_URL, params={"key": TRELLO_KEY, "token": token})


@pytest.fixture
def zd(app: SandboxApp) -> Iterator[httpx.Client]:
    with zendesk_client(app) as client:
        yield client


@pytest.fixture
def zd_as(app: SandboxApp) -> Iterator[Callable[[str], httpx.Client]]:
    clients: list[httpx.Client] = []

    def make(email: str) -> httpx.Client:
        clients.append(zendesk_client(app, email))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def trello(app: SandboxApp) -> Iterator[httpx.Client]:
    with trello_client(app) as client:
        yield client


@pytest.fixture
def control(app: SandboxApp) -> Iterator[httpx.Client]:
    with httpx.Client(transport=app.transport(), base_url=ZENDESK_URL) as client:
        yield client
