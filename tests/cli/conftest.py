"""Run the CLI in-process, exactly as the console script does (`run(args)`), and capture it.
The sandbox those commands use is the `desk` fixture's (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner

from govpress_support.cli.app import run


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        import json

        return json.loads(self.stdout)


Invoke = Callable[..., Result]


@pytest.fixture
def cli() -> Invoke:
    def invoke(
        *args: str | int, input: str | bytes | None = None, env: Mapping[str, str | None] | None = None
    ) -> Result:
        """Run `govpress-support *args` (a ticket id may be given as an int)."""
        runner = CliRunner()
        with runner.isolation(input=input, env=dict(env or {})) as streams:
            import sys

            code = run([str(arg) for arg in args])
            sys.stdout.flush()
            sys.stderr.flush()
            out, err = streams[0], streams[1]
            result = Result(code, out.getvalue().decode(), err.getvalue().decode())
        # Whatever a test feeds the tool, a bug is the only way to an "unexpected failure".
        assert "unexpected failure" not in result.stderr, result.stderr
        return result

    return invoke


@pytest.fixture(autouse=True)
def quick_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Poll bulk jobs without the half-second wait meant for the real Zendesk."""
    from govpress_support.workflows.tickets import write

    monkeypatch.setattr(write, "POLL_INTERVAL", 0.0)
