"""Fixtures for the sandbox tests: a clock the test moves, frozen before the sandbox seeds itself,
and the `desk` on a fresh sandbox (tests/desk.py), whose raw clients drive the app in-process as
the tool's clients do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from govpress_support.core import timeutil
from govpress_support.sandbox import open_app
from tests.desk import Desk

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
def desk(isolated: Path, clock: Clock) -> Iterator[Desk]:
    """A fresh sandbox seeded at the frozen clock's time; `desk.app` is the emulator itself."""
    app = open_app(isolated)
    with Desk.in_process(app) as found:
        yield found
    app.close()
