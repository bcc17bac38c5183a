"""Builds the Zendesk, Trello and rota clients for a run: real services or the sandbox.

Clients are built on first use, so a command that only needs Trello never asks for Zendesk
credentials. In sandbox mode the three clients share one in-process emulator and fixed
credentials, and nothing is read from the keyring. Workflows never see `Clients`: the CLI hands
each one the clients it uses.

`transport=` sends every request through that httpx transport instead (tests wrap the sandbox's
in one that injects faults); it wins over the sandbox's own.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import httpx

from govpress_support.core.config import Settings
from govpress_support.core.errors import AuthError, UsageError
from govpress_support.core.models import GitHubUser, Member, User
from govpress_support.core.redact import SECRETS
from govpress_support.core.timeutil import format_duration, now
from govpress_support.services.cache import MetadataCache
from govpress_support.services.completions import CompletionCache, completion_path, metadata_path
from govpress_support.services.credentials import (
    ENV_GITHUB_TOKENS,
    ENV_SLACK_WEBHOOK,
    ENV_TRELLO_KEY,
    ENV_TRELLO_TOKEN,
    ENV_ZENDESK_EMAIL,
    ENV_ZENDESK_TOKEN,
    KEYRING_CHOICE,
    Keyring,
    Secret,
    github_token,
    slack_webhook,
    trello_credentials,
    zendesk_credentials,
)
from govpress_support.services.github import GITHUB, GitHubClient
from govpress_support.services.github import classify as github_classify
from govpress_support.services.github import headers as github_headers
from govpress_support.services.github import rate_wait as github_rate_wait
from govpress_support.services.http import HttpClient, HttpStats, RetryPolicy, ServiceInfo, Wait
from govpress_support.services.rota import RotaClient
from govpress_support.services.slack import SLACK, SlackWebhook, check_webhook_url, register_secret
from govpress_support.services.slack import classify as slack_classify
from govpress_support.services.state import state_dir_error, writable_dir
from govpress_support.services.trello import TrelloClient, classify_error, oauth_header
from govpress_support.services.zendesk import ZendeskClient

if TYPE_CHECKING:
    from govpress_support.sandbox import SandboxApp

ZENDESK = ServiceInfo(
    "Zendesk", "run `govpress-support auth login zendesk`, or set ZENDESK_EMAIL and ZENDESK_API_TOKEN"
)
TRELLO = ServiceInfo("Trello", "run `govpress-support auth login trello`, or set TRELLO_API_KEY and TRELLO_TOKEN")
ROTA = ServiceInfo("the rota service", "check ROTA_URL")

T = TypeVar("T")

ROTA_DEADLINE = 15.0  # the rota is optional and every caller has a fallback: a short time budget

SANDBOX_NOTICE = "Using the built-in sandbox (state in {path}); `govpress-support sandbox reset` reseeds it."
SANDBOX_STALE_AFTER = timedelta(days=1)
SANDBOX_STALE = (
    "The sandbox desk was seeded {age} ago: `govpress-support sandbox reset` refreshes it "
    "(its tickets, SLA times and due dates start again from now)."
)


def identity_hash(secret: str) -> str:
    """A short one-way tag for cache keys: tells tokens apart without storing them."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


class Clients:
    def __init__(
        self,
        settings: Settings,
        *,
        sandbox: bool,
        state_dir: Path,
        environ: Mapping[str, str] | None = None,
        log: Callable[[str], None] | None = None,
        notice: Callable[[str], None] | None = None,
        on_wait: Callable[[Wait | None], None] | None = None,
        keyring: Keyring | None = None,
        stats: HttpStats | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        self.settings = settings
        self.sandbox = sandbox
        self.state_dir = state_dir
        self.environ = os.environ if environ is None else environ
        self.log = log
        self.notice = notice
        self.on_wait = on_wait  # long waits (rate limits, retries) to say while they last
        self.keyring = keyring or Keyring(choice=state_dir / KEYRING_CHOICE)
        self.stats = stats or HttpStats()
        self.transport = transport
        self._made: list[HttpClient] = []
        self.cache = MetadataCache(metadata_path(state_dir), settings.zendesk.metadata_cache_seconds, on_error=log)
        self.completions = CompletionCache(completion_path(state_dir), on_error=log)

    # --- the emulator ---

    @cached_property
    def sandbox_app(self) -> SandboxApp:

        app = open_sandbox(self.state_dir)
        if self.notice is not None:
            self.notice(SANDBOX_NOTICE.format(path=self.state_dir))
            seeded = app.seeded_at
            if seeded is not None and now() - seeded > SANDBOX_STALE_AFTER:  # said once a run
                self.notice(SANDBOX_STALE.format(age=format_duration(now() - seeded)))
        return app

    def _transport(self) -> httpx.BaseTransport | None:
        if self.transport is not None:
            return self.transport
        return self.sandbox_app.transport() if self.sandbox else None

    def _http(
        self, service: ServiceInfo, base_url: str, *, retry: RetryPolicy | None = None, **kwargs: object
    ) -> HttpClient:
        h = self.settings.http
        client = HttpClient(
            service,
            base_url,
            timeout=h.timeout,
            connect_timeout=h.connect_timeout,
            retry=retry
            or RetryPolicy(
                max_retries=h.max_retries, max_total_wait=h.max_retry_wait, backoff=h.backoff, deadline=h.deadline
            ),
            transport=self._transport(),
            log=self.log,
            stats=self.stats,
            offline_hint=_offline_hint(base_url),
            on_wait=self.on_wait,
            **kwargs,  # type: ignore[arg-type]
        )
        self._made.append(client)
        return client

    # --- the clients ---

    @property
    def zendesk_url(self) -> str:
        """The desk's base URL, known without credentials (ticket URLs are checked against it)."""
        if self.sandbox:
            from govpress_support import sandbox

            return sandbox.ZENDESK_URL
        return self.settings.zendesk.base_url()

    @cached_property
    def zendesk(self) -> ZendeskClient:
        if self.sandbox:
            from govpress_support import sandbox

            email = self.environ.get(ENV_ZENDESK_EMAIL, "").strip() or sandbox.DEFAULT_EMAIL
            token, base = sandbox.AGENT_TOKEN, sandbox.ZENDESK_URL
        else:
            creds = zendesk_credentials(self.environ, self.keyring, self.settings.zendesk.email)
            if creds is None:
                raise self._missing("Zendesk", "zendesk", ENV_ZENDESK_EMAIL, ENV_ZENDESK_TOKEN)
            email, token, base = creds.email, creds.token.value, self.settings.zendesk.base_url()
        SECRETS.add_basic_auth(f"{email}/token", token)
        http = self._http(ZENDESK, base, auth=httpx.BasicAuth(f"{email}/token", token))
        client = ZendeskClient(http, self.cache)
        client.on_users = self.completions.saw_users
        return client

    @cached_property
    def trello_or_none(self) -> TrelloClient | None:
        if self.sandbox:
            from govpress_support import sandbox

            key, token, base = (
                sandbox.TRELLO_KEY,
                sandbox.trello_token_for(self.environ.get(ENV_ZENDESK_EMAIL, "")),
                sandbox.TRELLO_URL,
            )
        else:
            creds = trello_credentials(self.environ, self.keyring)
            if creds is None:
                return None
            key, token, base = creds.key.value, creds.token.value, self.settings.trello.url
            token = self._served_sandbox_token(base, key, token)
        SECRETS.add(key, token)
        http = self._http(TRELLO, base, headers=oauth_header(key, token), classify=classify_error)
        return TrelloClient(http, self.cache, identity=identity_hash(f"{base} {token}"))

    def _served_sandbox_token(self, base: str, key: str, token: str) -> str:
        """A served sandbox's public Trello credentials act as the agent ZENDESK_EMAIL names, as the
        in-process sandbox's do: one person per run, whichever sandbox. A token the sandbox never
        gave out is left to be refused. (Loopback only: a real Trello is never there, and the
        sandbox package is imported only then.)"""
        if httpx.URL(base).host not in LOOPBACK:
            return token
        from govpress_support import sandbox

        if key != sandbox.TRELLO_KEY or not sandbox.is_seeded_trello_token(token):
            return token
        creds = zendesk_credentials(self.environ, self.keyring, self.settings.zendesk.email)
        return sandbox.trello_token_for(creds.email) if creds is not None else token

    @property
    def trello(self) -> TrelloClient:
        client = self.trello_or_none
        if client is None:
            raise self._missing("Trello", "trello", ENV_TRELLO_KEY, ENV_TRELLO_TOKEN)
        return client

    def _missing(self, name: str, service: str, *variables: str, also: str = "") -> AuthError:
        names = " and ".join(variables)
        reason = self.keyring.unavailable_reason
        if reason:  # logging in would not help: say what will
            return AuthError(f"no {name} credentials in the environment, and {reason}", f"set {names}")
        more = f", {also}" if also else ""
        return AuthError(f"no {name} credentials", f"run `govpress-support auth login {service}`, or set {names}{more}")

    @cached_property
    def rota_or_none(self) -> RotaClient | None:
        if self.sandbox:
            from govpress_support import sandbox

            url = sandbox.ROTA_URL
        else:
            url = self.settings.rota.url
            if not url:
                return None
        # The rota is optional and every caller has a fallback: a short retry budget.
        h = self.settings.http
        retry = RetryPolicy(
            max_retries=min(2, h.max_retries),
            max_total_wait=min(5.0, h.max_retry_wait),
            backoff=h.backoff,
            deadline=min(ROTA_DEADLINE, h.deadline),
        )
        return RotaClient(self._http(ROTA, url, retry=retry), url)

    # --- GitHub and Slack (the handover's) ---

    @cached_property
    def github_token(self) -> Secret | None:
        """The GitHub token in use and where it came from (None: there is none)."""
        if self.sandbox:
            from govpress_support import sandbox

            return Secret(sandbox.github_token_for(self.environ.get(ENV_ZENDESK_EMAIL, "")), "sandbox")
        return github_token(self.environ, self.keyring, host=github_host(self.settings.github.url))

    @cached_property
    def github_or_none(self) -> GitHubClient | None:
        token = self.github_token
        if token is None:
            return None
        if self.sandbox:
            from govpress_support import sandbox

            base = sandbox.GITHUB_API_URL
        else:
            base = self.settings.github.url
        SECRETS.add(token.value)
        http = self._http(
            GITHUB, base, headers=github_headers(token.value), classify=github_classify, rate_wait=github_rate_wait
        )
        return GitHubClient(http)

    @property
    def github(self) -> GitHubClient:
        client = self.github_or_none
        if client is None:
            raise self._missing("GitHub", "github", ENV_GITHUB_TOKENS[0], also="or log in with `gh auth login`")
        return client

    @cached_property
    def slack(self) -> SlackWebhook:
        """The Slack incoming webhook; AuthError when there is none, UsageError when the URL is
        not Slack's (both before anything is posted)."""
        also: tuple[str, ...] = ()
        if self.sandbox:
            from govpress_support import sandbox

            url, where = sandbox.SLACK_WEBHOOK_URL, "the sandbox's webhook URL"
            also = (httpx.URL(url).host,)
        else:
            secret = slack_webhook(self.environ, self.keyring)
            if secret is None:
                raise self._missing("Slack webhook", "slack", ENV_SLACK_WEBHOOK)
            url = secret.value
            where = ENV_SLACK_WEBHOOK if secret.source.startswith("env") else "the Slack webhook URL in the keyring"
        register_secret(url)  # before anything could print it
        check_webhook_url(url, where=where, also=also)
        http = self._http(SLACK, url, classify=slack_classify)
        return SlackWebhook(http, url)

    @property
    def rota(self) -> RotaClient:
        client = self.rota_or_none
        if client is None:
            raise UsageError("no rota service configured", "set ROTA_URL or rota.url in the config file")
        return client

    def close(self) -> None:
        self.completions.save()
        for client in self._made:
            client.close()


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def github_host(api_url: str) -> str:
    """The GitHub host an API URL belongs to (`gh auth token --hostname`): github.com for
    api.github.com, else the Enterprise host itself."""
    host = httpx.URL(api_url).host
    return "github.com" if host == "api.github.com" else host


def open_sandbox(state_dir: Path) -> SandboxApp:
    """The sandbox in `state_dir`, or one line saying why it cannot be written there."""
    import sqlite3

    from govpress_support import sandbox

    writable_dir(state_dir, "the sandbox's database")
    try:
        return sandbox.open_app(state_dir)
    except (OSError, sqlite3.Error) as exc:
        raise state_dir_error(state_dir, "the sandbox's database", exc) from None


def _offline_hint(base_url: str) -> str | None:
    host = httpx.URL(base_url).host
    if host in LOOPBACK:
        return "is `govpress-support sandbox serve` (or your tunnel) running on that port?"
    return None


# --- checking credentials before they are stored (`auth login`) -----------------------------------


def _probe(
    settings: Settings,
    state_dir: Path,
    environ: Mapping[str, str],
    credentials: Mapping[str, str],
    ask: Callable[[Clients], T],
) -> T:
    """`ask` of clients that use these credentials and no others (none from the keyring)."""
    others = (
        ENV_ZENDESK_EMAIL,
        ENV_ZENDESK_TOKEN,
        ENV_TRELLO_KEY,
        ENV_TRELLO_TOKEN,
        *ENV_GITHUB_TOKENS,
        ENV_SLACK_WEBHOOK,
    )
    env = {**{k: v for k, v in environ.items() if k not in others}, **credentials}
    probe = Clients(settings, sandbox=False, state_dir=state_dir, environ=env)
    try:
        return ask(probe)
    finally:
        probe.close()


def probe_zendesk(settings: Settings, *, state_dir: Path, environ: Mapping[str, str], email: str, token: str) -> User:
    """Who Zendesk says these credentials are (AuthError when it rejects them)."""
    credentials = {ENV_ZENDESK_EMAIL: email, ENV_ZENDESK_TOKEN: token}
    return _probe(settings, state_dir, environ, credentials, lambda clients: clients.zendesk.me())


def probe_trello(settings: Settings, *, state_dir: Path, environ: Mapping[str, str], key: str, token: str) -> Member:
    """Who Trello says these credentials are (AuthError when it rejects them)."""
    credentials = {ENV_TRELLO_KEY: key, ENV_TRELLO_TOKEN: token}
    return _probe(settings, state_dir, environ, credentials, lambda clients: clients.trello.me())


def probe_github(settings: Settings, *, state_dir: Path, environ: Mapping[str, str], token: str) -> GitHubUser:
    """Who GitHub says this token is (AuthError when it rejects it)."""
    credentials = {ENV_GITHUB_TOKENS[0]: token}
    return _probe(settings, state_dir, environ, credentials, lambda clients: clients.github.me())


def probe_slack(settings: Settings, *, state_dir: Path, environ: Mapping[str, str], url: str) -> None:
    """Refuse a URL that is not Slack's (UsageError), and check the webhook exists without posting
    anything (AuthError when Slack does not know it)."""
    _probe(settings, state_dir, environ, {ENV_SLACK_WEBHOOK: url}, lambda clients: clients.slack.probe())
