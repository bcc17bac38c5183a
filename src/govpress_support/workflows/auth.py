"""Logging in and checking credentials: verify against the service, then keep in the keyring."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from govpress_support.core.config import Settings
from govpress_support.core.errors import AuthError, GovPressError
from govpress_support.services.connect import probe_github, probe_slack, probe_trello, probe_zendesk
from govpress_support.services.credentials import (
    ENV_GITHUB_TOKENS,
    ENV_SLACK_WEBHOOK,
    ENV_TRELLO_KEY,
    ENV_TRELLO_TOKEN,
    ENV_ZENDESK_EMAIL,
    ENV_ZENDESK_TOKEN,
    Keyring,
    Secret,
    store_github,
    store_slack,
    store_trello,
    store_zendesk,
    trello_credentials,
    zendesk_credentials,
)
from govpress_support.services.github import GitHubClient
from govpress_support.services.slack import SlackWebhook
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import ZendeskClient

SERVICES = ("zendesk", "trello")  # what every command needs: `auth login` asks for both
OPTIONAL = ("github", "slack")  # the handover's: needed only for its pull requests and Slack post
ALL_SERVICES = (*SERVICES, *OPTIONAL)


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
    optional: bool = False  # not set up is fine (only `handover` and `start-rotation --slack` use it)

    @property
    def fine(self) -> bool:
        """Nothing to fix: working, or optional and not set up."""
        return self.ok or (self.optional and not self.logged_in)


def status(
    settings: Settings,
    *,
    sandbox: bool,
    environ: Mapping[str, str],
    keyring: Keyring,
    zendesk: Callable[[], ZendeskClient],
    trello: Callable[[], TrelloClient],
    github: Callable[[], GitHubClient] | None = None,
    github_token: Secret | None = None,
    slack: Callable[[], SlackWebhook] | None = None,
    slack_url: Secret | None = None,
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

    found = [
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
    if github is not None:

        def github_who() -> tuple[str, str]:
            client = github()
            me = client.me()
            return f"@{me.login}" + (f" ({me.name})" if me.name else ""), client.base_url

        found.append(
            _optional(
                "github",
                settings.github.url,
                github_token,
                github_who,
                f"run `govpress-support auth login github`, set {ENV_GITHUB_TOKENS[0]}, or `gh auth login`",
                sandbox=sandbox,
                keyring=keyring,
            )
        )
    if slack is not None:

        def slack_who() -> tuple[str, str]:
            slack().probe()
            return "an incoming webhook Slack knows (checked without posting)", "Slack"

        found.append(
            _optional(
                "slack",
                "Slack",
                slack_url,
                slack_who,
                f"run `govpress-support auth login slack`, or set {ENV_SLACK_WEBHOOK}",
                sandbox=sandbox,
                keyring=keyring,
            )
        )
    return found


def _optional(
    service: str,
    url: str,
    secret: Secret | None,
    who: Callable[[], tuple[str, str]],
    fix: str,
    *,
    sandbox: bool,
    keyring: Keyring,
) -> ServiceStatus:
    if not sandbox and secret is None:
        return ServiceStatus(
            service, url, ok=False, logged_in=False, problem="not set up (optional)", fix=fix, optional=True
        )
    return replace(_status(service, url, secret, who, fix, sandbox=sandbox, keyring=keyring), optional=True)


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
    if service == "github":
        account = probe_github(settings, state_dir=state_dir, environ=environ, token=token)
        store_github(keyring, token)
        return f"@{account.login}" + (f" ({account.name})" if account.name else "")
    if service == "slack":
        probe_slack(settings, state_dir=state_dir, environ=environ, url=token)
        store_slack(keyring, token)
        return "the incoming webhook (Slack knows it; nothing was posted)"
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
