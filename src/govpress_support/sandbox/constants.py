"""Fixed names of the sandbox: base URLs, credentials of the seeded accounts, the state file.

The credentials are public fakes: they only open the sandbox.
"""

from __future__ import annotations

ZENDESK_URL = "https://sandbox.zendesk.invalid"  # base used in-process
TRELLO_URL = "https://sandbox.trello.invalid/1"
ROTA_URL = "https://sandbox.rota.invalid/v2/dev/rota.json"
# Every seeded agent's Zendesk API token.
AGENT_TOKEN = "sandbox-token"  # noqa: S105
TRELLO_KEY = "sandbox-key"
# Token of the default Trello member; the others' are sandbox-token-<username>.
TRELLO_TOKEN = "sandbox-token"  # noqa: S105
DEFAULT_EMAIL = "sam.okafor@govpress.example"  # the default identity ("me")
DB_NAME = "sandbox.sqlite3"

TRELLO_WEB = "https://trello.com"  # public card and board URLs use the real host, as Trello's do
