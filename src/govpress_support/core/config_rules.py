"""The rules a config's values keep, for `config.load`: each value read as its setting's type and
within the range in the setting's metadata (`coerce`), and the values with a shape checked
(`validate`): URLs, the SLA warning, [people] (email = GitHub login or Slack member id) and
[github] orgs. Every error names the setting and where it came from, the value clipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from govpress_support.core.errors import ConfigError, UsageError
from govpress_support.core.numbers import MAX_ID, clipped, whole_number

if TYPE_CHECKING:
    from govpress_support.core.config import Settings

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
GITHUB_LOGIN = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
SLACK_MEMBER_ID = r"[UW][A-Z0-9]{2,20}"


def coerce(value: Any, default: Any, limits: Mapping[str, Any], label: str) -> Any:
    """`value` as the type of the setting's `default`, within the range in its metadata
    (`least` <= it, `above` < it, it <= `most`); a ConfigError naming `label` otherwise."""

    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{label} must be {expected}, got {clipped(repr(value))}")

    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise bad("true or false")
    if isinstance(default, int | float):
        number = _number(value, whole=isinstance(default, int))
        expected = "a whole number" if isinstance(default, int) else "a number"
        if number is None:
            raise bad(expected)
        least, above, most = limits.get("least"), limits.get("above"), limits.get("most")
        if least is not None and number < least:
            raise bad(f"{expected} of at least {least:g}")
        if above is not None and number <= above:
            raise bad(f"{expected} above {above:g}")
        if most is not None and number > most:
            raise bad(f"{expected} of at most {most:g}")
        return number
    if isinstance(default, str):
        if isinstance(value, str):
            return value
        raise bad("a string")
    if isinstance(default, list):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        raise bad("a list of strings")
    if isinstance(default, dict):
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            return dict(value)
        raise bad("a table of strings")
    raise AssertionError(f"unhandled setting type for {label}")  # pragma: no cover


def _number(value: Any, *, whole: bool) -> int | float | None:
    """A finite number from TOML or the environment; ints as ASCII digits with an optional
    sign, within 64 bits. None when it is none of that."""
    if isinstance(value, bool):
        return None
    if whole:
        if isinstance(value, int):
            return value if abs(value) <= MAX_ID else None
        if isinstance(value, str):
            text = value.strip()
            sign = -1 if text.startswith("-") else 1
            number = whole_number(text.removeprefix("-"))
            return None if number is None else sign * number
        return None
    real: float
    if isinstance(value, int | float):
        real = float(value) if abs(value) < 1e308 else math.inf
    elif isinstance(value, str):
        try:
            real = float(value.strip()) if value.strip().isascii() else math.nan
        except ValueError:
            return None
    else:
        return None
    return real if math.isfinite(real) else None


def validate(settings: Settings) -> None:
    """Check values that have a shape: URLs and durations."""
    from govpress_support.core.timeutil import parse_duration

    for section, key, optional in (
        ("zendesk", "url", True),
        ("trello", "url", False),
        ("rota", "url", True),
        ("github", "url", False),
    ):
        value = getattr(getattr(settings, section), key)
        if value or not optional:
            check_url(value, f"{section}.{key}", settings.source.get(f"{section}.{key}"))
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", settings.zendesk.subdomain):
        raise ConfigError(
            f"zendesk.subdomain {settings.zendesk.subdomain!r} is not a Zendesk subdomain",
            "use the part before .zendesk.com",
        )
    try:
        parse_duration(settings.queue.sla_warning)
    except UsageError as exc:
        raise ConfigError(f"queue.sla_warning: {exc.message}", exc.hint) from exc
    _check_people_and_orgs(settings)


def _check_people_and_orgs(settings: Settings) -> None:
    """[people]: email = GitHub login or Slack member id; [github] orgs: GitHub names. Said as
    every config error is: the setting, where it came from, the value clipped."""
    from govpress_support.core.refs import parse_email

    def label(name: str) -> str:
        where = settings.source.get(name)
        return f"config {name}" + (f" (from {where})" if where else "")

    for key, pattern, what in (
        ("github", GITHUB_LOGIN, "a GitHub login (letters, digits and single hyphens)"),
        ("slack", SLACK_MEMBER_ID, "a Slack member id (U or W and capitals or digits, e.g. U0123ABCD)"),
    ):
        for email, value in getattr(settings.people, key).items():
            try:
                parse_email(email)
            except UsageError:
                good = False
            else:
                good = re.fullmatch(pattern, value.strip()) is not None
            if not good:
                raise ConfigError(
                    f"{label(f'people.{key}')}: {clipped(repr(email))} = {clipped(repr(value))}: "
                    f"the key must be an email, the value {what}",
                    f'write it as "name@example.org" = "..." under [people.{key}]',
                )
    for org in settings.github.orgs:
        if re.fullmatch(GITHUB_LOGIN, org.strip()) is None:
            raise ConfigError(
                f"{label('github.orgs')} must be a list of GitHub organisation names, got {clipped(repr(org))}",
                'e.g. orgs = ["govpress"]',
            )


def check_url(value: str, name: str, where: str | None = None) -> None:
    """A base URL must be https, or plain http to this machine only (the sandbox, a tunnel)."""
    origin = f" (from {where})" if where else ""
    try:
        parts = urlsplit(value)
    except ValueError:  # an unclosed [IPv6] bracket
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"{name}{origin} is not a URL: {value!r}", "use a full URL such as https://example.zendesk.com"
        )
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ConfigError(
            f"{name}{origin} uses plain http to a remote host ({parts.hostname})",
            "use https; plain http is accepted only for 127.0.0.1 and localhost",
        )
