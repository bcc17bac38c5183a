"""Credentials and environment for talking to the sandbox as one of its seeded agents."""

from __future__ import annotations

from govpress_support.sandbox.constants import AGENT_TOKEN, DEFAULT_EMAIL, TRELLO_KEY, TRELLO_TOKEN
from govpress_support.sandbox.seed_data import AGENTS


def trello_token_for(email: str) -> str:
    """The Trello token of the seeded agent with this email (the default agent's otherwise)."""
    wanted = (email or DEFAULT_EMAIL).strip().casefold()
    for agent in AGENTS:
        if agent.email.casefold() == wanted:
            return agent.trello_token
    return TRELLO_TOKEN


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
    }
