"""The sandbox: a built-in emulator of the Zendesk Support API, the Trello REST API, the rota
service, GitHub's REST API and a Slack incoming webhook, for trying the tool, practising a
rotation, the test suite and the benchmarks. `sandbox.git_remote` makes a local git remote to push to.

In-process: `httpx.Client(transport=open_app(dir).transport(), base_url=ZENDESK_URL)`.
Over HTTP: `serve(dir, port=8765)` on 127.0.0.1, then point the base URLs there.
"""

from govpress_support.sandbox.app import SandboxApp, open_app, reset
from govpress_support.sandbox.constants import (
    AGENT_TOKEN,
    DB_NAME,
    DEFAULT_EMAIL,
    GITHUB_API_URL,
    GITHUB_EXPIRED_TOKEN,
    GITHUB_TOKEN,
    ROTA_URL,
    SLACK_WEBHOOK_URL,
    TRELLO_KEY,
    TRELLO_TOKEN,
    TRELLO_URL,
    ZENDESK_URL,
)
from govpress_support.sandbox.faults import Faults
from govpress_support.sandbox.identity import (
    environment,
    github_token_for,
    is_seeded_trello_token,
    trello_token_for,
)
from govpress_support.sandbox.server import make_server, serve
from govpress_support.sandbox.wire import ConnectionDropped, Request, Response

__all__ = [
    "AGENT_TOKEN",
    "DB_NAME",
    "DEFAULT_EMAIL",
    "GITHUB_API_URL",
    "GITHUB_EXPIRED_TOKEN",
    "GITHUB_TOKEN",
    "ROTA_URL",
    "SLACK_WEBHOOK_URL",
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
    "github_token_for",
    "is_seeded_trello_token",
    "make_server",
    "open_app",
    "reset",
    "serve",
    "trello_token_for",
]
