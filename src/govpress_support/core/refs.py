"""What the user may type to name a ticket or an agent, read the same way by every command.

A ticket is `4012`, `#4012`, or a URL with `/tickets/4012` in it (the agent page, or the API's
`/api/v2/tickets/4012.json`). An agent is `me`, `none` (or `nobody`), or an email address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from govpress_support.core.errors import UsageError

_TICKET_REF = re.compile(r"#?(\d+)|\S*/tickets/(\d+)(?:[/?#.]\S*)?")
TICKET_REF_HINT = "give the number, e.g. 4012 or #4012, or the ticket's URL"


def ticket_id_in(value: str) -> int | None:
    """The ticket a reference names, or None when it names none."""
    match = _TICKET_REF.fullmatch(value.strip())
    if match is None:
        return None
    number = int(match.group(1) or match.group(2))
    return number if number > 0 else None


def parse_ticket_ref(value: str) -> int:
    ticket_id = ticket_id_in(value)
    if ticket_id is None:
        raise UsageError(f"{value!r} is not a ticket id", TICKET_REF_HINT)
    return ticket_id


def parse_ticket_refs(values: Iterable[str]) -> list[int]:
    """Ticket ids in the order given, each once; at least one."""
    ids = list(dict.fromkeys(parse_ticket_ref(v) for v in values))
    if not ids:
        raise UsageError("no ticket id given", "e.g. govpress-support ticket show 4012")
    return ids


ME = "me"
NOBODY = "none"


def parse_agent_ref(value: str) -> str:
    """`me`, `none`, or the email address as given (stripped)."""
    key = value.strip().lower()
    if key == ME:
        return ME
    if key in (NOBODY, "nobody"):
        return NOBODY
    if "@" not in key:
        raise UsageError(f"{value!r} is not me, none or an email", "e.g. me, none or alex.chen@govpress.example")
    return value.strip()
