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

# GitHub REST v3 under a GitHub Enterprise-style base (`<base>/api/v3/...`), served or in-process.
GITHUB_API_PREFIX = "/api/v3"
GITHUB_API_URL = f"https://sandbox.github.invalid{GITHUB_API_PREFIX}"
GITHUB_WEB = "https://github.com"  # html_url of pulls, issues and users use the real host
# Sam Okafor's GitHub token; the other seeded users' are sandbox-github-token-<login>.
GITHUB_TOKEN = "sandbox-github-token"  # noqa: S105
GITHUB_EXPIRED_TOKEN = "sandbox-github-token-expired"  # noqa: S105 - answered 401 Bad credentials
# Slack incoming webhook: the real path shape (/services/T…/B…/secret) on the sandbox's host.
SLACK_WEBHOOK_PATH = "/services/T0GOVPRESS/B0SUPPORT/sandboxWebhookSecret0001"
SLACK_WEBHOOK_URL = f"https://sandbox.slack.invalid{SLACK_WEBHOOK_PATH}"
