"""The sandbox: a built-in emulator of the Zendesk Support API, the Trello REST API and the rota
service, for trying the tool, practising a rotation, the test suite and the benchmarks.

In-process: `httpx.Client(transport=open_app(dir).transport(), base_url=ZENDESK_URL)`.
Over HTTP: `serve(dir, port=8765)` on 127.0.0.1, then point the base URLs there.
"""

from govpress_support.sandbox.app import SandboxApp, open_app, reset
from govpress_support.sandbox.constants import (
    AGENT_TOKEN,
    DB_NAME,
    DEFAULT_EMAIL,
    ROTA_URL,
    TRELLO_KEY,
    TRELLO_TOKEN,
    TRELLO_URL,
    ZENDESK_URL,
)
from govpress_support.sandbox.faults import Faults
from govpress_support.sandbox.identity import environment, trello_token_for
from govpress_support.sandbox.server import make_server, serve
from govpress_support.sandbox.wire import ConnectionDropped, Request, Response

__all__ = [
    "AGENT_TOKEN",
    "DB_NAME",
    "DEFAULT_EMAIL",
    "ROTA_URL",
    "TRELLO_KEY",
    "TRELLO_TOKEN",
    "TRELLO_URL",
    "ZENDESK_URL",
    "ConnectionDropped",
    "Faults",
    "Request",
    "Response",
    "SandboxApp",
    "environment",
    "make_server",
    "open_app",
    "reset",
    "serve",
    "trello_token_for",
]
