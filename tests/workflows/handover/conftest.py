"""The handover workflow's clients: the sandbox in the test's state dir (the `desk` sees the same
desk), every request going through the `faults` transport."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from govpress_support.core import config
from govpress_support.services.connect import Clients
from tests.transport_faults import TransportFaults


@pytest.fixture
def clients(isolated: Path, faults: TransportFaults, monkeypatch: pytest.MonkeyPatch) -> Iterator[Clients]:
    original = Clients._transport

    def through_faults(self: Clients) -> httpx.BaseTransport:
        inner = original(self)
        assert inner is not None
        return faults.wrap(inner)

    monkeypatch.setattr(Clients, "_transport", through_faults)
    settings = config.load(isolated / "none.toml", {})
    made = Clients(settings, sandbox=True, state_dir=isolated, environ={})
    yield made
    made.close()
