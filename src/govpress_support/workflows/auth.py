"""Logging in and checking credentials: verify against the service, then keep in the keyring."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from govpress_support.core.config import Settings
from govpress_support.core.errors import AuthError, GovPressError
from govpress_support.services.connect import Clients
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


def status(clients: Clients) -> list[ServiceStatus]:
    """Who each service says we are, or why not. Never raises for a missing credential."""
    settings = clients.settings
    zendesk = (
        zendesk_credentials(clients.environ, clients.keyring, settings.zendesk.email) if not clients.sandbox else None
    )
    trello = trello_credentials(clients.environ, clients.keyring) if not clients.sandbox else None
    return [
        _status(
            clients,
            "zendesk",
            settings.zendesk.base_url(),
            zendesk.token if zendesk else None,
            lambda: _zendesk_who(clients),
            f"run `govpress-support auth login zendesk`, or set {ENV_ZENDESK_EMAIL} and {ENV_ZENDESK_TOKEN}",
        ),
        _status(
            clients,
            "trello",
            settings.trello.url,
            trello.token if trello else None,
            lambda: _trello_who(clients),
            f"run `govpress-support auth login trello`, or set {ENV_TRELLO_KEY} and {ENV_TRELLO_TOKEN}",
        ),
    ]


def _zendesk_who(clients: Clients) -> tuple[str, str]:
    me = clients.zendesk.me()
    return f"{me.name} <{me.email}> ({me.role})", clients.zendesk.base_url


def _trello_who(clients: Clients) -> tuple[str, str]:
    me = clients.trello.me()
    return f"{me.full_name} (@{me.username})" + (f" <{me.email}>" if me.email else ""), clients.trello.http.base_url


def _status(
    clients: Clients,
    service: str,
    url: str,
    token: Secret | None,
    who: Callable[[], tuple[str, str]],
    fix: str,
) -> ServiceStatus:
    if not clients.sandbox and token is None:
        why = clients.keyring.unavailable_reason
        problem = "not logged in" + (f" ({why})" if why else "")
        return ServiceStatus(service, url, ok=False, logged_in=False, problem=problem, fix=fix)
    source, masked = (
        ("sandbox", None) if clients.sandbox else (token.source if token else None, token.masked if token else None)
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
    base_env = {
        k: v
        for k, v in environ.items()
        if k not in (ENV_ZENDESK_EMAIL, ENV_ZENDESK_TOKEN, ENV_TRELLO_KEY, ENV_TRELLO_TOKEN)
    }
    if service == "zendesk":
        if not email or "@" not in email:
            raise AuthError("a Zendesk login needs your agent email", "pass --email or set ZENDESK_EMAIL")
        probe = Clients(
            settings,
            sandbox=False,
            state_dir=state_dir,
            environ={**base_env, ENV_ZENDESK_EMAIL: email, ENV_ZENDESK_TOKEN: token},
        )
        try:
            me = probe.zendesk.me()
        finally:
            probe.close()
        store_zendesk(keyring, email, token)
        return f"{me.name} <{me.email}> ({me.role})"
    if not key:
        raise AuthError("a Trello login needs your API key", "pass --key or set TRELLO_API_KEY")
    probe = Clients(
        settings, sandbox=False, state_dir=state_dir, environ={**base_env, ENV_TRELLO_KEY: key, ENV_TRELLO_TOKEN: token}
    )
    try:
        member = probe.trello.me()
    finally:
        probe.close()
    store_trello(keyring, key, token)
    return f"{member.full_name} (@{member.username})"
