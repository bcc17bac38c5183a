"""Run the CLI in-process, exactly as the console script does (`run(args)`), and capture it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
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
    def invoke(*args: str, input: str | None = None, env: Mapping[str, str | None] | None = None) -> Result:
        runner = CliRunner()
        with runner.isolation(input=input, env=dict(env or {})) as streams:
            import sys

            code = run(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
            out, err = streams[0], streams[1]
            return Result(code, out.getvalue().decode(), err.getvalue().decode())

    return invoke


@dataclass
class Sandbox:
    """The in-process sandbox the CLI under test uses, for arranging and checking state."""

    app: Any

    def _client(self, base: str, **kwargs: Any) -> Any:
        import httpx

        return httpx.Client(transport=self.app.transport(), base_url=base, timeout=30, **kwargs)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        with self._client("https://sandbox.control.invalid") as client:
            response = client.request(method, f"/_sandbox/{path}", json=body)
            response.raise_for_status()
            return response.json() if response.content else None

    def zendesk(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        from govpress_support import sandbox

        auth = (f"{sandbox.DEFAULT_EMAIL}/token", sandbox.AGENT_TOKEN)
        with self._client(sandbox.ZENDESK_URL, auth=auth) as client:
            response = client.request(method, f"/api/v2/{path}", json=body, params=params)
            response.raise_for_status()
            return response.json() if response.content else None

    def trello(self, method: str, path: str, **params: Any) -> Any:
        from govpress_support import sandbox

        params = {"key": sandbox.TRELLO_KEY, "token": sandbox.TRELLO_TOKEN, **params}
        with self._client(sandbox.TRELLO_URL) as client:
            response = client.request(method, path, params=params)
            response.raise_for_status()
            return response.json() if response.content else None


@pytest.fixture
def sandbox_state(isolated: Path) -> Sandbox:
    from govpress_support import sandbox

    return Sandbox(sandbox.open_app(isolated))
