"""What a user may type for a ticket or an agent: one reading for every command."""

from __future__ import annotations

import pytest

from govpress_support.core.errors import ExitCode, UsageError
from govpress_support.core.refs import ME, NOBODY, parse_agent_ref, parse_ticket_ref, parse_ticket_refs, ticket_id_in

AGENT_URL = "https://govpress.zendesk.com/agent/tickets/4012"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4012", 4012),
        ("#4012", 4012),
        (" 12 ", 12),
        (AGENT_URL, 4012),
        (AGENT_URL + "/events", 4012),
        (AGENT_URL + "?tab=1", 4012),
        ("http://127.0.0.1:8765/agent/tickets/7", 7),
        ("https://govpress.zendesk.com/api/v2/tickets/4012.json", 4012),
    ],
)
def test_a_number_a_hash_number_or_a_ticket_url(value: str, expected: int) -> None:
    assert parse_ticket_ref(value) == expected
    assert ticket_id_in(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", "abc", "0", "#", "#0", "12a", "4012 4013", "https://trello.com/c/AbCd1234", "see /agent/tickets/4012 please"],
)
def test_anything_else_is_one_usage_error(value: str) -> None:
    assert ticket_id_in(value) is None
    with pytest.raises(UsageError) as caught:
        parse_ticket_ref(value)
    assert caught.value.exit_code is ExitCode.USAGE
    assert caught.value.one_line() == (
        f"{value!r} is not a ticket id (give the number, e.g. 4012 or #4012, or the ticket's URL)"
    )


def test_several_keep_their_order_once_each() -> None:
    assert parse_ticket_refs(["4013", "#4012", AGENT_URL, "4013"]) == [4013, 4012]
    with pytest.raises(UsageError, match="no ticket id given"):
        parse_ticket_refs([])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("me", ME),
        (" ME ", ME),
        ("none", NOBODY),
        ("nobody", NOBODY),
        (" Alex.Chen@govpress.example ", "Alex.Chen@govpress.example"),
    ],
)
def test_an_agent_is_me_none_or_an_email(value: str, expected: str) -> None:
    assert parse_agent_ref(value) == expected


def test_an_agent_that_is_none_of_those_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"'alex' is not me, none or an email"):
        parse_agent_ref("alex")
