"""Workflows run in-process against the sandbox (`desk`, tests/conftest.py), with `faults` to put a
lost answer, a dropped connection or an error status exactly where it hurts."""

from __future__ import annotations

import pytest

from tests.transport_faults import TransportFaults


@pytest.fixture
def faults() -> TransportFaults:
    """No faults yet (a test adds them), and the log of every request sent through them."""
    return TransportFaults()
