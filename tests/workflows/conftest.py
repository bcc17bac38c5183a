"""Workflows run in-process against the sandbox (`desk`, tests/conftest.py), with `faults` to put a
lost answer, a dropped connection or an error status exactly where it hurts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from govpress_support import sandbox
from govpress_support.core.redact import Redactor
from govpress_support.services.http import HttpClient, RetryPolicy, ServiceInfo
from govpress_support.services.zendesk import ZendeskClient
from tests.desk import Desk
from tests.seed_names import ME
from tests.transport_faults import TransportFaults


@pytest.fixture
def faults() -> TransportFaults:
    """No faults yet (a test adds them), and the log of every request sent through them."""
    return TransportFaults()


@pytest.fixture
def zendesk(desk: Desk, faults: TransportFaults) -> Iterator[Callable[..., ZendeskClient]]:
    """The tool's Zendesk client on the in-process sandbox, through `faults`, as the default agent
    (`zendesk(retries=0)` for one that never retries)."""
    made: list[HttpClient] = []

    def make(retries: int = 2) -> ZendeskClient:
        http = HttpClient(
            ServiceInfo("Zendesk", "login"),
            sandbox.ZENDESK_URL,
            auth=httpx.BasicAuth(f"{ME.email}/token", sandbox.AGENT_TOKEN),
            transport=faults.wrap(desk.transport()),
            retry=RetryPolicy(max_retries=retries, backoff=0.0),
            redactor=Redactor(),
            sleep=lambda s: None,
        )
        made.append(http)
        return ZendeskClient(http)

    yield make
    for http in made:
        http.close()
