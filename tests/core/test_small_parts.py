"""Credentials, rota parsing and arithmetic, durations and times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import keyring
import pytest

from govpress_support.core import timeutil
from govpress_support.core.errors import ApiError, AuthError, UsageError
from govpress_support.core.models import RotaEntry
from govpress_support.services import credentials, rota
from tests.support import LockedKeyring, MemoryKeyring


class TestCredentials:
    def test_environment_overrides_keyring(self) -> None:
        store = credentials.Keyring()
        credentials.store_zendesk(store, "keyring@example.org", "from-keyring-token")
        creds = credentials.zendesk_credentials({"ZENDESK_API_TOKEN": "from-env-token-123"}, store)
        assert creds is not None
        assert creds.token.value == "from-env-token-123"
        assert creds.token.source == "env ZENDESK_API_TOKEN"
        assert creds.email == "keyring@example.org"
        assert creds.email_source == "keyring"

    def test_keyring_alone(self) -> None:
        store = credentials.Keyring()
        credentials.store_trello(store, "key-1234567890", "token-1234567890")
        creds = credentials.trello_credentials({}, store)
        assert creds is not None and creds.key.source == "keyring"

    def test_secret_never_prints_itself(self) -> None:
        secret = credentials.Secret("very-secret-value-1234", "keyring")
        assert "very-secret" not in repr(secret)
        assert "very-secret" not in str(secret)
        assert secret.masked == "****1234"

    def test_no_backend_reads_nothing_and_refuses_to_write(self) -> None:
        from keyring.backends import fail

        keyring.set_keyring(fail.Keyring())
        store = credentials.Keyring()
        assert credentials.zendesk_credentials({}, store) is None
        assert store.unavailable_reason == "no usable keyring backend is installed"
        with pytest.raises(AuthError) as caught:
            credentials.store_zendesk(store, "a@b.c", "t")
        assert "ZENDESK_EMAIL and ZENDESK_API_TOKEN" in (caught.value.hint or "")

    def test_locked_keyring(self) -> None:
        keyring.set_keyring(LockedKeyring())
        store = credentials.Keyring()
        assert credentials.trello_credentials({}, store) is None
        assert store.unavailable_reason == "the keyring is locked"
        with pytest.raises(AuthError, match="locked"):
            credentials.store_trello(store, "k", "t")

    def test_forget(self) -> None:
        backend = MemoryKeyring()
        keyring.set_keyring(backend)
        store = credentials.Keyring()
        credentials.store_trello(store, "k" * 12, "t" * 12)
        assert credentials.forget(store, "trello") is True
        assert backend.store == {}
        assert credentials.forget(store, "trello") is False


def entry(day: str, email: str, role: str = "dev") -> dict[str, object]:
    return {"date": day, "role": role, "person": {"name": email.split("@")[0], "email": email}, "extra": 1}


class TestRota:
    def test_parse_accepts_extra_keys_and_filters_role(self) -> None:
        entries = rota.parse_rota(
            [entry("2026-11-27", "b@x"), entry("2026-11-26", "a@x"), entry("2026-11-26", "o@x", "ops")], "dev"
        )
        assert [(e.day, e.email) for e in entries] == [(date(2026, 11, 26), "a@x"), (date(2026, 11, 27), "b@x")]

    @pytest.mark.parametrize(
        ("data", "problem"),
        [
            ({"html": "nope"}, "not a rota"),
            ([{"date": "2026-11-26", "role": "dev"}], "has no person"),
            ([{"date": "2026-11-26", "role": "dev", "person": {"name": "x"}}], "person.email"),
            ([{"date": "tomorrow", "role": "dev", "person": {"name": "x", "email": "y"}}], "unreadable date"),
        ],
    )
    def test_parse_rejects_junk_clearly(self, data: object, problem: str) -> None:
        with pytest.raises(ApiError, match=problem):
            rota.parse_rota(data)

    def week(self, start: date, email: str) -> list[RotaEntry]:
        return [RotaEntry(start + timedelta(days=i), "dev", email, email) for i in range(5)]

    def test_previous_and_next(self) -> None:
        monday = date(2026, 11, 23)
        entries = (
            self.week(monday - timedelta(days=14), "ade@x")
            + self.week(monday - timedelta(days=7), "priya@x")
            + self.week(monday, "sam@x")
            + self.week(monday + timedelta(days=7), "tom@x")
        )
        today = date(2026, 11, 26)
        previous = rota.previous_engineer(entries, "sam@x", today)
        following = rota.next_engineer(entries, "sam@x", today)
        assert previous is not None and previous.email == "priya@x"
        assert following is not None and following.email == "tom@x"
        assert rota.on_duty(entries, today) is not None
        assert not rota.has_served(entries, "sam@x", today)
        assert rota.has_served(entries + self.week(monday - timedelta(days=21), "sam@x"), "sam@x", today)

    def test_previous_when_starting_next_week(self) -> None:
        monday = date(2026, 11, 30)
        entries = self.week(monday - timedelta(days=7), "priya@x") + self.week(monday, "sam@x")
        previous = rota.previous_engineer(entries, "SAM@x", date(2026, 11, 26))
        assert previous is not None and previous.email == "priya@x"


class TestTime:
    @pytest.mark.parametrize(
        ("text", "seconds"),
        [("90m", 5400), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), ("45", 2700), ("30s", 30), (" 2H ", 7200)],
    )
    def test_durations(self, text: str, seconds: int) -> None:
        assert timeutil.parse_duration(text) == timedelta(seconds=seconds)

    @pytest.mark.parametrize("text", ["", "soon", "2x", "0m", "-1h", "1h30"])
    def test_bad_durations(self, text: str) -> None:
        with pytest.raises(UsageError, match="invalid duration"):
            timeutil.parse_duration(text)

    def test_parse_and_print_iso(self) -> None:
        parsed = timeutil.parse_iso("2026-11-26T09:00:00.000Z")
        assert parsed == datetime(2026, 11, 26, 9, tzinfo=UTC)
        assert timeutil.iso(parsed) == "2026-11-26T09:00:00Z"
        assert timeutil.parse_iso("garbage") is None
        assert timeutil.parse_iso(None) is None

    def test_relative(self) -> None:
        now = datetime(2026, 11, 26, 12, tzinfo=UTC)
        assert timeutil.relative(now + timedelta(minutes=42), now) == "in 42m"
        assert timeutil.relative(now - timedelta(hours=3), now) == "3h ago"
        assert timeutil.relative(now + timedelta(hours=2, minutes=5), now) == "in 2h 5m"
        assert timeutil.relative(now - timedelta(days=3, hours=4), now) == "3d 4h ago"
