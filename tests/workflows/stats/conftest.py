"""`stats` run in-process against the sandbox seeded at the clock of the seeded week (Thursday
2026-11-26 14:20:20 UTC), every request through the `faults` transport so tests can count them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from govpress_support import sandbox
from govpress_support.core import config, timeutil
from govpress_support.sandbox import SandboxApp
from govpress_support.services.connect import Clients
from govpress_support.services.zendesk_metrics import ZendeskMetrics
from govpress_support.workflows.stats import StatsOptions, StatsResult, run_stats
from govpress_support.workflows.stats.cache import StatsCache
from tests.sandbox.conftest import START, Clock
from tests.transport_faults import TransportFaults

WEEK_END = START  # the clock of tests/sandbox's SEEDED_WEEK, Thursday 2026-11-26 14:20:20 UTC


@pytest.fixture
def clock() -> Iterator[Clock]:
    frozen = Clock(WEEK_END)
    timeutil.set_clock(frozen)
    yield frozen
    timeutil.set_clock(None)


@pytest.fixture
def app(isolated: Path, clock: Clock) -> Iterator[SandboxApp]:
    """The sandbox seeded at the frozen clock, its rate limits off (a test turns them on)."""
    made = sandbox.open_app(isolated)
    made.settings.rate_limits = False
    yield made
    made.close()


Stats = Callable[..., StatsResult]


@pytest.fixture
def stats(isolated: Path, clock: Clock, app: SandboxApp, faults: TransportFaults) -> Iterator[Stats]:
    """`stats(group="2nd", email=None, on_wait=None, **options)`: one run, as `email` (default Sam,
    an admin), with the cache in the test's state dir; long waits told to `on_wait` as the HTTP
    layer tells the CLI, each moving the clock instead of sleeping."""
    opened: list[Clients] = []

    def run(group: str = "2nd", email: str | None = None, on_wait: Any = None, **options: Any) -> StatsResult:
        environ = {"ZENDESK_EMAIL": email} if email else {}
        clients = Clients(
            config.Settings(),
            sandbox=True,
            state_dir=isolated,
            environ=environ,
            transport=faults.wrap(app.transport()),
            on_wait=on_wait,
        )
        opened.append(clients)
        clients.zendesk.http.sleep = lambda s: clock.advance(seconds=s)
        return run_stats(
            clients.zendesk,
            ZendeskMetrics(clients.zendesk),
            clients.rota_or_none,
            clients.settings,
            StatsOptions(group=group, **options),
            now=clock.now,
            cache=StatsCache.in_state_dir(isolated, f"sandbox {email}", clock.now),
        )

    yield run
    for clients in opened:
        clients.close()
