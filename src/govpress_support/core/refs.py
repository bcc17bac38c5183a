"""What the user may type to name a ticket or an agent, read the same way by every command.

A ticket is `4012`, `#4012`, or a URL with `/tickets/4012` in it (the agent page, or the API's
`/api/v2/tickets/4012.json`) on the desk in use: a URL on another host names another desk's
ticket and is refused. Ids are Zendesk's 64-bit integers. An agent is `me`, `none` (or
`nobody`), or an email address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from govpress_support.core.errors import UsageError
from govpress_support.core.numbers import MAX_ID, clipped, is_digits, whole_number

_TICKET_REF = re.compile(r"#?([0-9]+)|\S*/tickets/([0-9]+)(?:[/?#.]\S*)?")
TICKET_REF_HINT = "give the number, e.g. 4012 or #4012, or the ticket's URL"
SUSPENDED_REF_HINT = "give the ids `govpress-support suspended` lists"


def _digits_in(value: str) -> str | None:
    match = _TICKET_REF.fullmatch(value.strip())
    return None if match is None else match.group(1) or match.group(2)


def ticket_id_in(value: str) -> int | None:
    """The ticket a reference names, or None when it names none (the shape only: the host of a
    URL is checked by `parse_ticket_ref`)."""
    digits = _digits_in(value)
    number = whole_number(digits) if digits is not None else None
    return number if number else None


def parse_ticket_ref(value: str, *, desk: str) -> int:
    """The ticket id `value` names on the desk at base URL `desk`; a `UsageError` otherwise."""
    digits = _digits_in(value)
    if digits is None or not digits.strip("0"):
        raise UsageError(f"{clipped(value)!r} is not a ticket id", TICKET_REF_HINT)
    number = whole_number(digits)
    if number is None:
        raise UsageError(f"ticket id {clipped(digits, 24)} is out of range", f"Zendesk ids are at most {MAX_ID}")
    try:
        host = _host(value)
    except ValueError:  # a port that is not a number, or out of range
        raise UsageError(f"{clipped(value)!r} is not a ticket URL", TICKET_REF_HINT) from None
    if host is not None and host != _host(desk):
        raise UsageError(
            f"{clipped(value)!r} is a ticket on {_host_text(value)}, not on this desk ({_host_text(desk)})",
            f"give the number, or a URL on {_host_text(desk)}",
        )
    return number


def parse_ticket_refs(values: Iterable[str], *, desk: str) -> list[int]:
    """Ticket ids in the order given, each once; at least one."""
    ids = list(dict.fromkeys(parse_ticket_ref(v, desk=desk) for v in values))
    if not ids:
        raise UsageError("no ticket id given", "e.g. govpress-support ticket show 4012")
    return ids


def parse_suspended_ids(values: Iterable[str]) -> list[int]:
    """Suspended ticket ids (the numbers `suspended` lists) in the order given, each once; at
    least one. Whole ASCII numbers within Zendesk's 64 bits; a `UsageError` otherwise."""
    ids: list[int] = []
    for value in values:
        number = whole_number(value)
        if not number:
            if number is None and is_digits(value.strip()):
                raise UsageError(
                    f"suspended ticket id {clipped(value.strip(), 24)} is out of range",
                    f"Zendesk ids are at most {MAX_ID}",
                )
            raise UsageError(f"{clipped(value)!r} is not a suspended ticket id", SUSPENDED_REF_HINT)
        ids.append(number)
    if not ids:
        raise UsageError("no suspended ticket id given", SUSPENDED_REF_HINT)
    return list(dict.fromkeys(ids))


def _host(url: str) -> tuple[str, int | None] | None:
    """(host, port) of an absolute URL, the scheme's default port made explicit; None for a
    bare number or a path."""
    text = url.strip()
    if "://" not in text:
        return None
    parts = urlsplit(text)
    port = parts.port  # ValueError when it is not a number in range
    host = (parts.hostname or "").lower()
    return host, port or {"http": 80, "https": 443}.get(parts.scheme.lower())


def _host_text(url: str) -> str:
    found = _host(url)
    if found is None:
        return url
    host, port = found
    return host if port in (80, 443, None) else f"{host}:{port}"


ME = "me"
NOBODY = "none"

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")


def parse_email(value: str, what: str = "email") -> str:
    """An email address as given (stripped): one `@` between two parts, no spaces."""
    email = value.strip()
    if _EMAIL.fullmatch(email) is None or not email.isprintable():
        raise UsageError(
            f"{clipped(value)!r} is not an email address", f"give the {what}, e.g. alex.chen@govpress.example"
        )
    return email


def parse_agent_ref(value: str) -> str:
    """`me`, `none`, or the email address as given (stripped)."""
    key = value.strip().lower()
    if key == ME:
        return ME
    if key in (NOBODY, "nobody"):
        return NOBODY
    if "@" not in key:
        raise UsageError(
            f"{clipped(value)!r} is not me, none or an email", "e.g. me, none or alex.chen@govpress.example"
        )
    return parse_email(value, "agent's email")
