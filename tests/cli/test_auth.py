"""`auth login|status|logout` with an in-memory keyring, against a sandbox served in a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from govpress_support import sandbox
from tests.cli.conftest import Invoke
from tests.support import MemoryKeyring

EMAIL = "sam.okafor@govpress.example"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, str]]:
    server = sandbox.make_server(tmp_path / "served")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.port}"
    yield {"ZENDESK_URL": base, "TRELLO_URL": f"{base}/1"}
    server.shutdown()


def stored() -> dict[tuple[str, str], str]:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)
    return backend.store


def test_login_status_logout_round_trip(cli: Invoke, served: dict[str, str]) -> None:
    login = cli("auth", "login", "zendesk", "--with-token", "--email", EMAIL, input="sandbox-token\n", env=served)
    assert login.code == 0, login.stderr
    assert "logged in to Zendesk as Sam Okafor" in login.stderr
    assert stored()[("govpress-support", "zendesk:api_token")] == "sandbox-token"
    assert stored()[("govpress-support", "zendesk:email")] == EMAIL

    trello = cli("auth", "login", "trello", "--with-token", "--key", "sandbox-key", input="sandbox-token\n", env=served)
    assert trello.code == 0, trello.stderr
    assert "@samokafor" in trello.stderr

    status = cli("auth", "status", "--json", env=served)
    assert status.code == 0
    zendesk, trello_status, github, slack = status.json()
    assert zendesk["source"] == "keyring"
    assert zendesk["who"] == f"Sam Okafor <{EMAIL}> (admin)"
    assert trello_status["ok"]
    # GitHub and Slack are the handover's: not set up is said, and is no failure
    assert [(github["service"], github["optional"], github["logged_in"]) for github in (github, slack)] == [
        ("github", True, False),
        ("slack", True, False),
    ]
    assert "sandbox-token" not in status.stdout

    # commands now find the credentials in the keyring
    assert cli("queue", "--limit", "1", env=served).code == 0

    logout = cli("auth", "logout", env=served)
    assert logout.code == 0
    assert stored() == {}
    after = cli("auth", "status", env=served)
    assert after.code == 4
    assert "✗ Zendesk: not logged in" in after.stdout
    assert "fix: run `govpress-support auth login zendesk`" in after.stdout


def test_a_rejected_login_stores_nothing(cli: Invoke, served: dict[str, str]) -> None:
    result = cli("auth", "login", "zendesk", "--with-token", "--email", EMAIL, input="wrong\n", env=served)
    assert result.code == 4
    assert "rejected the credentials" in result.stderr
    assert stored() == {}


def test_login_needs_a_token_and_an_email(cli: Invoke, served: dict[str, str]) -> None:
    empty = cli("auth", "login", "zendesk", "--with-token", "--email", EMAIL, input="\n", env=served)
    assert empty.code == 2
    assert "no token on stdin" in empty.stderr
    no_email = cli("auth", "login", "zendesk", "--with-token", input="sandbox-token\n", env=served)
    assert no_email.code == 4
    assert "needs your agent email" in no_email.stderr
    prompt = cli("auth", "login", "zendesk", env=served)
    assert prompt.code == 2
    assert "use --with-token" in prompt.stderr


def test_login_on_the_sandbox_is_refused(cli: Invoke) -> None:
    result = cli("--sandbox", "auth", "login", "zendesk")
    assert result.code == 2
    assert "the sandbox needs no login" in result.stderr


def test_status_on_the_sandbox(cli: Invoke) -> None:
    result = cli("--sandbox", "auth", "status")
    assert result.code == 0
    assert "✓ Zendesk: Sam Okafor" in result.stdout
    assert "✓ Trello: Sam Okafor (@samokafor)" in result.stdout


def test_environment_beats_keyring_and_is_named(cli: Invoke, served: dict[str, str]) -> None:
    cli("auth", "login", "zendesk", "--with-token", "--email", EMAIL, input="sandbox-token\n", env=served)
    env = {**served, "ZENDESK_API_TOKEN": "from-the-environment-0000"}
    status = cli("auth", "status", "--json", env=env).json()
    assert status[0]["source"] == "env ZENDESK_API_TOKEN"
    assert status[0]["token"] == "****0000"
    assert not status[0]["ok"]  # the sandbox does not know that token
    logout = cli("auth", "logout", "zendesk", env=env)
    assert "ZENDESK_API_TOKEN still set in the environment" in logout.stderr
