"""Credentials: the OS keyring, overridden by environment variables for scripts and CI.

Secrets are never written to the config file and never printed: `Secret` masks itself in
`repr` and `str`, and the HTTP layer redacts every secret value from its debug log.
When no keyring backend is usable, reading finds nothing and writing fails with the names of
the environment variables to use instead; nothing falls back to a plain file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govpress_support.core.errors import AuthError
from govpress_support.core.private import write_private

KEYRING_SERVICE = "govpress-support"

ENV_ZENDESK_EMAIL = "ZENDESK_EMAIL"
ENV_ZENDESK_TOKEN = "ZENDESK_API_TOKEN"  # noqa: S105 - a variable name, not a secret
ENV_TRELLO_KEY = "TRELLO_API_KEY"
ENV_TRELLO_TOKEN = "TRELLO_TOKEN"  # noqa: S105
ENV_GITHUB_TOKENS = ("GITHUB_TOKEN", "GH_TOKEN")  # the GitHub CLI's names, in its order
ENV_SLACK_WEBHOOK = "SLACK_WEBHOOK_URL"

SERVICE_ENV = {
    "zendesk": (ENV_ZENDESK_EMAIL, ENV_ZENDESK_TOKEN),
    "trello": (ENV_TRELLO_KEY, ENV_TRELLO_TOKEN),
    "github": ENV_GITHUB_TOKENS[:1],
    "slack": (ENV_SLACK_WEBHOOK,),
}
# What each service keeps in the keyring.
KEYRING_PARTS = {
    "zendesk": ("email", "api_token"),
    "trello": ("api_key", "token"),
    "github": ("token",),
    "slack": ("webhook_url",),
}
GH_TIMEOUT = 10.0  # seconds for `gh auth token`


def mask(value: str) -> str:
    """Enough of a secret to recognise it, never enough to use it."""
    if len(value) <= 8:
        return "****"
    return f"****{value[-4:]}"


@dataclass(frozen=True)
class Secret:
    value: str
    source: str  # "env ZENDESK_API_TOKEN", "keyring", "sandbox"

    def __repr__(self) -> str:
        return f"Secret({mask(self.value)}, source={self.source!r})"

    __str__ = __repr__

    @property
    def masked(self) -> str:
        return mask(self.value)


@dataclass(frozen=True)
class ZendeskCredentials:
    email: str
    email_source: str
    token: Secret


@dataclass(frozen=True)
class TrelloCredentials:
    key: Secret
    token: Secret


KEYRING_CHOICE = "keyring-backend.json"  # in the state dir: the backend keyring chose, kept a day
CHOICE_SECONDS = 24 * 3600
NO_BACKEND = "none"
NO_BACKEND_REASON = "no usable keyring backend is installed"


class Keyring:
    """The OS keyring, imported only when a secret is actually needed.

    Finding the backend costs: importing keyring (~60 ms) and asking every installed backend
    whether it works (~100 ms more without a Secret Service). With `choice` (a file in the state
    dir, 0600) the backend keyring chose, honouring its own config, is remembered for a day, so
    later runs load that one backend, and none at all (not even keyring) when there is none. A
    `PYTHON_KEYRING_BACKEND` in the environment is keyring's to follow; storing or removing
    credentials (`auth login`/`logout`) looks again rather than trust a remembered "none"."""

    def __init__(self, backend: Any | None = None, *, choice: Path | None = None):
        self._backend = backend
        self.choice = choice
        self.unavailable_reason: str | None = None

    def _get_backend(self, *, fresh: bool = False) -> Any | None:
        if self._backend is None:
            remembered = None if fresh or "PYTHON_KEYRING_BACKEND" in os.environ else self._remembered()
            if remembered == NO_BACKEND:
                self.unavailable_reason = NO_BACKEND_REASON
                return None
            import keyring
            from keyring.backends import fail

            backend = _load(remembered) if remembered else None
            if backend is None:
                backend = keyring.get_keyring()
                self._remember(backend)
            if isinstance(backend, fail.Keyring):
                self.unavailable_reason = NO_BACKEND_REASON
                return None
            self._backend = backend
        return self._backend

    def _remembered(self) -> str | None:
        if self.choice is None:
            return None
        try:
            data = json.loads(self.choice.read_text(encoding="utf-8"))
            name, at = data["backend"], float(data["at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        fresh = 0 <= time.time() - at < CHOICE_SECONDS
        return name if fresh and isinstance(name, str) else None

    def _remember(self, backend: Any) -> None:
        """Keep keyring's own backends' names. Another (a plugin's, or one set in-process) is not
        ours to keep: an older choice is dropped, so the next run looks again rather than trust
        a "none" from before it was installed."""
        kind = type(backend)
        name = f"{kind.__module__}.{kind.__qualname__}"
        if self.choice is None:
            return
        if not name.startswith("keyring.backends."):
            with contextlib.suppress(OSError):
                self.choice.unlink(missing_ok=True)
            return
        name = NO_BACKEND if name == "keyring.backends.fail.Keyring" else name
        with contextlib.suppress(OSError):
            write_private(self.choice, json.dumps({"backend": name, "at": time.time()}))

    def get(self, name: str) -> str | None:
        backend = self._get_backend()
        if backend is None:
            return None
        try:
            value = backend.get_password(KEYRING_SERVICE, name)
        except Exception as exc:  # keyring backends raise their own error types
            self.unavailable_reason = _describe_keyring_error(exc)
            return None
        return value if isinstance(value, str) and value else None

    def set(self, name: str, value: str, service: str) -> None:
        backend = self._require(service)
        try:
            backend.set_password(KEYRING_SERVICE, name, value)
        except Exception as exc:
            raise _keyring_failure(_describe_keyring_error(exc), service) from None

    def delete(self, name: str, service: str) -> bool:
        backend = self._require(service)
        try:
            if backend.get_password(KEYRING_SERVICE, name) is None:
                return False
            backend.delete_password(KEYRING_SERVICE, name)
        except Exception as exc:
            raise _keyring_failure(_describe_keyring_error(exc), service) from None
        return True

    def _require(self, service: str) -> Any:
        backend = self._get_backend(fresh=True) if self._backend is None else self._backend
        if backend is None:
            raise _keyring_failure(self.unavailable_reason or "the keyring is unavailable", service)
        return backend


def _load(name: str) -> Any | None:
    """The remembered backend, made current in keyring; None when it no longer loads."""
    import keyring

    try:
        backend = keyring.core.load_keyring(name)
    except Exception:
        return None
    keyring.set_keyring(backend)
    return backend


def _describe_keyring_error(exc: Exception) -> str:
    kind = type(exc).__name__
    if "Locked" in kind:
        return "the keyring is locked"
    return f"the keyring failed ({kind})"


def _keyring_failure(reason: str, service: str) -> AuthError:
    names = " and ".join(SERVICE_ENV[service])
    return AuthError(f"cannot use the keyring: {reason}", f"set {names} in the environment instead")


def _keyring_name(service: str, part: str) -> str:
    return f"{service}:{part}"


def zendesk_credentials(
    environ: Mapping[str, str] | None = None, keyring: Keyring | None = None, config_email: str = ""
) -> ZendeskCredentials | None:
    """Email and API token from the environment, else the config email, else the keyring."""
    env = os.environ if environ is None else environ
    store = keyring or Keyring()
    token_value = env.get(ENV_ZENDESK_TOKEN, "").strip()
    token_source = f"env {ENV_ZENDESK_TOKEN}"
    if not token_value:
        token_value = store.get(_keyring_name("zendesk", "api_token")) or ""
        token_source = "keyring"  # noqa: S105 - where it came from, not a token
    if not token_value:
        return None
    email = env.get(ENV_ZENDESK_EMAIL, "").strip()
    email_source = f"env {ENV_ZENDESK_EMAIL}"
    if not email and config_email:
        email, email_source = config_email, "config file"
    if not email:
        email = store.get(_keyring_name("zendesk", "email")) or ""
        email_source = "keyring"
    if not email:
        return None
    return ZendeskCredentials(email=email, email_source=email_source, token=Secret(token_value, token_source))


def trello_credentials(
    environ: Mapping[str, str] | None = None, keyring: Keyring | None = None
) -> TrelloCredentials | None:
    env = os.environ if environ is None else environ
    store = keyring or Keyring()
    parts: list[Secret] = []
    for env_name, part in ((ENV_TRELLO_KEY, "api_key"), (ENV_TRELLO_TOKEN, "token")):
        value = env.get(env_name, "").strip()
        if value:
            parts.append(Secret(value, f"env {env_name}"))
            continue
        stored = store.get(_keyring_name("trello", part))
        if not stored:
            return None
        parts.append(Secret(stored, "keyring"))
    return TrelloCredentials(key=parts[0], token=parts[1])


def github_token(
    environ: Mapping[str, str] | None = None, keyring: Keyring | None = None, *, host: str = "github.com"
) -> Secret | None:
    """A GitHub token: GITHUB_TOKEN or GH_TOKEN, else the keyring (`auth login github`), else the
    GitHub CLI's (`gh auth token`) when `gh` is installed and logged in to `host`."""
    env = os.environ if environ is None else environ
    for name in ENV_GITHUB_TOKENS:
        value = env.get(name, "").strip()
        if value:
            return Secret(value, f"env {name}")
    stored = (keyring or Keyring()).get(_keyring_name("github", "token"))
    if stored:
        return Secret(stored, "keyring")
    token = gh_token(env, host)
    return Secret(token, "gh auth token") if token else None


def gh_token(environ: Mapping[str, str], host: str) -> str | None:
    """`gh auth token --hostname HOST`, when the GitHub CLI is on PATH; None when it is not, is
    not logged in there, or fails (it never prompts: no terminal, a short timeout)."""
    gh = shutil.which("gh", path=environ.get("PATH"))
    if gh is None:
        return None
    try:
        done = subprocess.run(
            [gh, "auth", "token", "--hostname", host],
            capture_output=True,
            text=True,
            timeout=GH_TIMEOUT,
            stdin=subprocess.DEVNULL,
            env={**environ, "GH_PROMPT_DISABLED": "1", "NO_COLOR": "1"},
            start_new_session=True,  # no controlling terminal: nothing can prompt
        )
    except (OSError, subprocess.SubprocessError):
        return None
    token = done.stdout.strip()
    return token if done.returncode == 0 and token and not any(c.isspace() for c in token) else None


def slack_webhook(environ: Mapping[str, str] | None = None, keyring: Keyring | None = None) -> Secret | None:
    """The Slack incoming webhook URL: SLACK_WEBHOOK_URL, else the keyring (`auth login slack`)."""
    env = os.environ if environ is None else environ
    value = env.get(ENV_SLACK_WEBHOOK, "").strip()
    if value:
        return Secret(value, f"env {ENV_SLACK_WEBHOOK}")
    stored = (keyring or Keyring()).get(_keyring_name("slack", "webhook_url"))
    return Secret(stored, "keyring") if stored else None


def store_github(keyring: Keyring, token: str) -> None:
    keyring.set(_keyring_name("github", "token"), token, "github")


def store_slack(keyring: Keyring, url: str) -> None:
    keyring.set(_keyring_name("slack", "webhook_url"), url, "slack")


def store_zendesk(keyring: Keyring, email: str, token: str) -> None:
    keyring.set(_keyring_name("zendesk", "email"), email, "zendesk")
    keyring.set(_keyring_name("zendesk", "api_token"), token, "zendesk")


def store_trello(keyring: Keyring, key: str, token: str) -> None:
    keyring.set(_keyring_name("trello", "api_key"), key, "trello")
    keyring.set(_keyring_name("trello", "token"), token, "trello")


def forget(keyring: Keyring, service: str) -> bool:
    """Remove a service's stored credentials; True when something was removed."""
    removed = False
    for part in KEYRING_PARTS[service]:
        removed = keyring.delete(_keyring_name(service, part), service) or removed
    return removed
