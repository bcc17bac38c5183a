"""Credentials and environment for talking to the sandbox as one of its seeded agents."""

from __future__ import annotations

from collections.abc import Iterable

from govpress_support.sandbox.constants import (
    AGENT_TOKEN,
    DEFAULT_EMAIL,
    GITHUB_API_PREFIX,
    GITHUB_TOKEN,
    SLACK_WEBHOOK_PATH,
    TRELLO_KEY,
    TRELLO_TOKEN,
)
from govpress_support.sandbox.seed_data import AGENTS


def _for(email: str, people: Iterable[tuple[str, str]], default: str) -> str:
    """The value paired with this email (case-insensitive), or `default`."""
    wanted = (email or DEFAULT_EMAIL).strip().casefold()
    return next((value for address, value in people if address.casefold() == wanted), default)


def trello_token_for(email: str) -> str:
    """The Trello token of the seeded agent with this email (the default agent's otherwise)."""
    return _for(email, ((a.email, a.trello_token) for a in AGENTS), TRELLO_TOKEN)


def is_seeded_trello_token(token: str) -> bool:
    """Whether `token` is one of the seeded agents' (public) Trello tokens."""
    return token == TRELLO_TOKEN or any(token == a.trello_token for a in AGENTS)


def github_token_for(email: str) -> str:
    """The GitHub token of the seeded person with this email (Sam Okafor's otherwise)."""
    from govpress_support.sandbox.seed_github import USERS as GITHUB_USERS

    return _for(email, ((u.email, u.token) for u in GITHUB_USERS), GITHUB_TOKEN)


def environment(base_url: str, email: str = DEFAULT_EMAIL) -> dict[str, str]:
    """The environment that points the CLI at a served sandbox, as `email`."""
    base = base_url.rstrip("/")
    return {
        "ZENDESK_URL": base,
        "TRELLO_URL": f"{base}/1",
        "ROTA_URL": f"{base}/v2/dev/rota.json",
        "ZENDESK_EMAIL": email,
        "ZENDESK_API_TOKEN": AGENT_TOKEN,
        "TRELLO_API_KEY": TRELLO_KEY,
        "TRELLO_TOKEN": trello_token_for(email),
        "GITHUB_API_URL": f"{base}{GITHUB_API_PREFIX}",
        "GITHUB_TOKEN": github_token_for(email),
        "SLACK_WEBHOOK_URL": f"{base}{SLACK_WEBHOOK_PATH}",
    }
