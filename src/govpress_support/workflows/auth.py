"""Logging in and checking credentials: verify against the service, then keep in the keyring."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from govpress_support.core.config import Settings
from govpress_support.core.errors import AuthError, GovPressError
from govpress_support.services.connect import probe_trello, probe_zendesk
from govpress_support.services.credentials import (
    ENV_TRELLO_KEY,
    ENV_TRELLO_TOKEN,
    ENV_ZENDESK_EMAIL,
    ENV_ZENDESK_TOKEN,
    Keyring,
    Secret,
    store_trello,
    store_zendesk,
    trello_credentials,
    zendesk_credentials,
)
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import ZendeskClient

SERVICES = ("zendesk", "trello")


@dataclass(frozen=True)
class ServiceStatus:
    service: str  # zendesk | trello
    url: str
    ok: bool
    logged_in: bool  # credentials were found
    who: str | None = None  # "Sam Okafor <sam@...> (admin)"
    source: str | None = None  # where the token came from
    token: str | None = None  # masked
    problem: str | None = None
    fix: str | None = None


def status(
    settings: Settings,
    *,
    sandbox: bool,
    environ: Mapping[str, str],
    keyring: Keyring,
    zendesk: Callable[[], ZendeskClient],
    trello: Callable[[], TrelloClient],
) -> list[ServiceStatus]:
    """Who each service says we are, or why not. Never raises for a missing credential: the
    clients are built (`zendesk()`, `trello()`) only once their credentials are found."""
    zendesk_creds = zendesk_credentials(environ, keyring, settings.zendesk.email) if not sandbox else None
    trello_creds = trello_credentials(environ, keyring) if not sandbox else None

    def zendesk_who() -> tuple[str, str]:
        client = zendesk()
        me = client.me()
        return f"{me.name} <{me.email}> ({me.role})", client.base_url

    def trello_who() -> tuple[str, str]:
        client = trello()
        me = client.me()
        return f"{me.full_name} (@{me.username})" + (f" <{me.email}>" if me.email else ""), client.http.base_url

    return [
        _status(
            "zendesk",
            settings.zendesk.base_url(),
            zendesk_creds.token if zendesk_creds else None,
            zendesk_who,
            f"run `govpress-support auth login zendesk`, or set {ENV_ZENDESK_EMAIL} and {ENV_ZENDESK_TOKEN}",
            sandbox=sandbox,
            keyring=keyring,
        ),
        _status(
            "trello",
            settings.trello.url,
            trello_creds.token if trello_creds else None,
            trello_who,
            f"run `govpress-support auth login trello`, or set {ENV_TRELLO_KEY} and {ENV_TRELLO_TOKEN}",
            sandbox=sandbox,
            keyring=keyring,
        ),
    ]


def _status(
    service: str,
    url: str,
    token: Secret | None,
    who: Callable[[], tuple[str, str]],
    fix: str,
    *,
    sandbox: bool,
    keyring: Keyring,
) -> ServiceStatus:
    if not sandbox and token is None:
        why = keyring.unavailable_reason
        problem = "not logged in" + (f" ({why})" if why else "")
        return ServiceStatus(service, url, ok=False, logged_in=False, problem=problem, fix=fix)
    source, masked = (
        ("sandbox", None) if sandbox else (token.source if token else None, token.masked if token else None)
    )
    try:
        name, url = who()
    except GovPressError as exc:
        return ServiceStatus(
            service,
            url,
            ok=False,
            logged_in=True,
            source=source,
            token=masked,
            problem=exc.message,
            fix=exc.hint or fix,
        )
    return ServiceStatus(service, url, ok=True, logged_in=True, who=name, source=source, token=masked)


def login(
    service: str,
    settings: Settings,
    keyring: Keyring,
    *,
    environ: Mapping[str, str],
    state_dir: Path,
    email: str = "",
    key: str = "",
    token: str,
) -> str:
    """Check the credentials against the service, then store them. Returns who they belong to.

    Nothing is stored when the service rejects them.
    """
    if service == "zendesk":
        if not email or "@" not in email:
            raise AuthError("a Zendesk login needs your agent email", "pass --email or set ZENDESK_EMAIL")
        me = probe_zendesk(settings, state_dir=state_dir, environ=environ, email=email, token=token)
        store_zendesk(keyring, email, token)
        return f"{me.name} <{me.email}> ({me.role})"
    if not key:
        raise AuthError("a Trello login needs your API key", "pass --key or set TRELLO_API_KEY")
    member = probe_trello(settings, state_dir=state_dir, environ=environ, key=key, token=token)
    store_trello(keyring, key, token)
    return f"{member.full_name} (@{member.username})"
