"""The handover workflow's clients: the sandbox in the test's state dir (the `desk` sees the same
desk), every request going through the `faults` transport."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from govpress_support import sandbox
from govpress_support.core import config
from govpress_support.services.connect import Clients
from tests.transport_faults import TransportFaults


@pytest.fixture
def clients(isolated: Path, faults: TransportFaults) -> Iterator[Clients]:
    settings = config.load(isolated / "none.toml", {})
    app = sandbox.open_app(isolated)
    made = Clients(settings, sandbox=True, state_dir=isolated, environ={}, transport=faults.wrap(app.transport()))
    yield made
    made.close()
    app.close()
