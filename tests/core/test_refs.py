"""What a user may type for a ticket or an agent: one reading for every command."""

from __future__ import annotations

import re

import pytest

from govpress_support.core.errors import ExitCode, UsageError
from govpress_support.core.numbers import MAX_ID
from govpress_support.core.refs import ME, NOBODY, parse_agent_ref, parse_ticket_ref, parse_ticket_refs, ticket_id_in

DESK = "https://govpress.zendesk.com"
AGENT_URL = f"{DESK}/agent/tickets/4012"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4012", 4012),
        ("#4012", 4012),
        (" 12 ", 12),
        (AGENT_URL, 4012),
        (AGENT_URL + "/events", 4012),
        (AGENT_URL + "?tab=1", 4012),
        ("HTTPS://GovPress.Zendesk.com:443/agent/tickets/7", 7),
        ("https://govpress.zendesk.com/api/v2/tickets/4012.json", 4012),
        ("/agent/tickets/12", 12),
        (str(MAX_ID), MAX_ID),
    ],
)
def test_a_number_a_hash_number_or_a_ticket_url(value: str, expected: int) -> None:
    assert parse_ticket_ref(value, desk=DESK) == expected
    assert ticket_id_in(value) == expected


def test_a_url_on_the_served_sandbox_names_its_port() -> None:
    assert parse_ticket_ref("http://127.0.0.1:8765/agent/tickets/7", desk="http://127.0.0.1:8765") == 7
    with pytest.raises(UsageError, match=r"is a ticket on 127\.0\.0\.1:9999, not on this desk"):
        parse_ticket_ref("http://127.0.0.1:9999/agent/tickets/7", desk="http://127.0.0.1:8765")


def test_a_ticket_url_on_another_host_is_refused_not_read_as_a_local_ticket() -> None:
    with pytest.raises(UsageError) as caught:
        parse_ticket_ref("https://evil.example/agent/tickets/4012", desk=DESK)
    assert caught.value.one_line() == (
        "'https://evil.example/agent/tickets/4012' is a ticket on evil.example, not on this desk "
        "(govpress.zendesk.com) (give the number, or a URL on govpress.zendesk.com)"
    )
    assert ticket_id_in("https://evil.example/agent/tickets/4012") == 4012  # the shape is a ticket's


@pytest.mark.parametrize("value", [str(MAX_ID + 1), "99999999999999999999", "9" * 5000, "#" + "1" * 4400])
def test_ids_beyond_zendesks_64_bits_are_refused_before_any_request(value: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_ticket_ref(value, desk=DESK)
    assert re.fullmatch(
        r"ticket id [0-9]{1,24}…? is out of range \(Zendesk ids are at most 9223372036854775807\)",
        caught.value.one_line(),
    )
    assert ticket_id_in(value) is None


@pytest.mark.parametrize("value", ["²", "4012²", "٤٠١٢", "４０１２"])
def test_only_ascii_digits_make_an_id(value: str) -> None:
    assert ticket_id_in(value) is None
    with pytest.raises(UsageError, match="is not a ticket id"):
        parse_ticket_ref(value, desk=DESK)


@pytest.mark.parametrize(
    "value",
    ["", "abc", "0", "#", "#0", "12a", "4012 4013", "https://trello.com/c/AbCd1234", "see /agent/tickets/4012 please"],
)
def test_anything_else_is_one_usage_error(value: str) -> None:
    assert ticket_id_in(value) is None
    with pytest.raises(UsageError) as caught:
        parse_ticket_ref(value, desk=DESK)
    assert caught.value.exit_code is ExitCode.USAGE
    assert caught.value.one_line() == (
        f"{value!r} is not a ticket id (give the number, e.g. 4012 or #4012, or the ticket's URL)"
    )


def test_several_keep_their_order_once_each() -> None:
    assert parse_ticket_refs(["4013", "#4012", AGENT_URL, "4013"], desk=DESK) == [4013, 4012]
    with pytest.raises(UsageError, match="no ticket id given"):
        parse_ticket_refs([], desk=DESK)


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


@pytest.mark.parametrize("value", ["a@b c", "@govpress.example", "alex@", "a@@b", "alex\x1b[2J@govpress.example"])
def test_an_email_with_spaces_control_characters_or_an_empty_part_is_refused(value: str) -> None:
    with pytest.raises(UsageError, match="is not an email address"):
        parse_agent_ref(value)


def test_suspended_ids_are_whole_ascii_numbers_within_64_bits() -> None:
    from govpress_support.core.refs import parse_suspended_ids

    assert parse_suspended_ids(["70002", " 70001 ", "070002"]) == [70002, 70001]
    for value, said in (
        ("²", "'²' is not a suspended ticket id"),
        ("seventy", "'seventy' is not a suspended ticket id"),
        ("0", "'0' is not a suspended ticket id"),
        ("#70002", "'#70002' is not a suspended ticket id"),
        ("9" * 30, "suspended ticket id 999999999999999999999999… is out of range"),
    ):
        with pytest.raises(UsageError) as refused:
            parse_suspended_ids([value])
        assert refused.value.message == said
