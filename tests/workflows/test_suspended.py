"""Suspended tickets when Zendesk says no: 403 (may not see them) is told from 401 (credentials
rejected) by the error's status, whatever the message says."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from govpress_support.core import config
from govpress_support.core.errors import AuthError, ExitCode
from govpress_support.services.connect import Clients
from govpress_support.workflows.suspended import fetch_suspended, peek_suspended

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
# A body that mentions the other status, to show the message is not what decides.
BODIES = {403: {"error": "Forbidden", "description": "(401) not for you"}, 401: {"error": "Couldn't authenticate you"}}


def clients_answering(state: Path, status: int) -> Iterator[Clients]:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(status, json=BODIES[status])

    made = Clients(config.Settings(), sandbox=True, state_dir=state, environ={}, transport=httpx.MockTransport(answer))
    yield made
    made.close()
    assert seen and all(path.endswith("/suspended_tickets") for path in seen)  # the given transport won


@pytest.fixture
def forbidden(isolated: Path) -> Iterator[Clients]:
    yield from clients_answering(isolated, 403)


@pytest.fixture
def rejected(isolated: Path) -> Iterator[Clients]:
    yield from clients_answering(isolated, 401)


def test_a_403_leaves_them_out_of_listings_and_is_explained_by_suspended(forbidden: Clients) -> None:
    assert peek_suspended(forbidden.zendesk) is None
    with pytest.raises(AuthError) as caught:
        fetch_suspended(forbidden.zendesk, now=NOW)
    assert caught.value.status == 403 and caught.value.exit_code is ExitCode.AUTH
    assert caught.value.message == "Zendesk does not show you suspended tickets (403)"


def test_a_401_is_an_error_everywhere(rejected: Clients) -> None:
    with pytest.raises(AuthError) as peeked:
        peek_suspended(rejected.zendesk)
    assert peeked.value.status == 401
    with pytest.raises(AuthError) as fetched:
        fetch_suspended(rejected.zendesk, now=NOW)
    assert fetched.value.status == 401 and "rejected the credentials" in fetched.value.message
