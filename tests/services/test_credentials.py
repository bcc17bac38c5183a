"""The keyring backend chosen once (`<state>/keyring-backend.json`): it serves every credential the
keyring holds, GitHub's and Slack's as well as Zendesk's and Trello's, and an environment
credential never opens the keyring at all."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from govpress_support.services import credentials
from govpress_support.services.credentials import KEYRING_CHOICE, NO_BACKEND, NO_BACKEND_REASON, Keyring
from tests.support import MemoryKeyring


def no_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asking keyring to look for a backend fails the test (patch within a `monkeypatch.context()`:
    the suite's own check reads the keyring in use after the test)."""

    def refused() -> None:
        raise AssertionError("keyring looked for a backend")

    monkeypatch.setattr(keyring, "get_keyring", refused)


def test_a_remembered_none_answers_github_and_slack_without_looking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    choice = tmp_path / KEYRING_CHOICE
    choice.write_text(json.dumps({"backend": NO_BACKEND, "at": time.time()}))
    store = Keyring(choice=choice)
    path = {"PATH": os.environ["PATH"]}  # the stand-in gh, logged in nowhere
    with monkeypatch.context() as patched:
        no_discovery(patched)
        assert credentials.github_token(path, store) is None
        assert credentials.slack_webhook({}, store) is None
    assert store.unavailable_reason == NO_BACKEND_REASON


def test_environment_credentials_never_open_the_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Keyring(choice=tmp_path / KEYRING_CHOICE)
    with monkeypatch.context() as patched:
        no_discovery(patched)
        token = credentials.github_token({"GH_TOKEN": "ghp_" + "x" * 36}, store)
        webhook = credentials.slack_webhook({"SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/x"}, store)
    assert token is not None and token.source == "env GH_TOKEN"
    assert webhook is not None and webhook.source == "env SLACK_WEBHOOK_URL"
    assert not (tmp_path / KEYRING_CHOICE).exists()


def test_the_choice_is_kept_private_and_used_by_the_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    choice = tmp_path / "state" / KEYRING_CHOICE
    keyring.set_keyring(fail.Keyring())
    assert credentials.github_token({}, Keyring(choice=choice)) is None  # looked once, found none
    assert json.loads(choice.read_text())["backend"] == NO_BACKEND
    assert stat.S_IMODE(choice.stat().st_mode) == 0o600
    with monkeypatch.context() as patched:
        no_discovery(patched)
        assert credentials.slack_webhook({}, Keyring(choice=choice)) is None  # the next run: no looking


def test_login_looks_again_and_a_later_run_finds_what_it_stored(tmp_path: Path) -> None:
    """A "none" remembered before a backend was installed does not hide the token `auth login
    github` then stores in it."""
    choice = tmp_path / KEYRING_CHOICE
    choice.write_text(json.dumps({"backend": NO_BACKEND, "at": time.time()}))
    keyring.set_keyring(MemoryKeyring())  # installed since (a backend not keyring's own)
    credentials.store_github(Keyring(choice=choice), "ghp_" + "y" * 36)
    assert not choice.exists()  # the stale choice is dropped: the next run looks again
    found = credentials.github_token({}, Keyring(choice=choice))
    assert found is not None and (found.value, found.source) == ("ghp_" + "y" * 36, "keyring")
