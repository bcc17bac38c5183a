"""Status labels and the words people type for a status."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govpress_support.core.errors import UsageError
from govpress_support.core.models import CustomStatus, Ticket
from govpress_support.core.statuses import api_status, parse_settable, status_label, status_word

AT = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
BELIEVED = CustomStatus(36, "pending", "Pending believed solved")


def ticket(status: str = "open", custom: int | None = None, tags: tuple[str, ...] = ()) -> Ticket:
    return Ticket(
        id=4012,
        subject="x",
        status=status,
        priority=None,
        type=None,
        group_id=None,
        assignee_id=None,
        requester_id=None,
        organization_id=None,
        created_at=AT,
        updated_at=AT,
        updated_stamp=None,
        agent_url="https://govpress.zendesk.com/agent/tickets/4012",
        custom_status_id=custom,
        tags=tags,
    )


@pytest.mark.parametrize(
    ("typed", "word"),
    [
        ("on-hold", "on-hold"),
        ("On hold", "on-hold"),
        ("hold", "on-hold"),
        ("onhold", "on-hold"),
        ("on_hold", "on-hold"),
        ("believed_solved", "believed-solved"),
        ("Pending believed solved", "believed-solved"),
        ("open", "open"),
        ("Pending", "pending"),
    ],
)
def test_the_words_people_type(typed: str, word: str) -> None:
    assert status_word(typed) == word


def test_the_api_calls_on_hold_hold() -> None:
    assert api_status("on-hold") == "hold"
    assert api_status("pending") == "pending"


def test_an_unknown_status_lists_the_ones_that_can_be_set() -> None:
    assert parse_settable("hold") == "on-hold"
    with pytest.raises(UsageError) as caught:
        parse_settable("closed")
    assert caught.value.one_line() == (
        "unknown status 'closed' (use one of: open, pending, on-hold, believed-solved, solved)"
    )


def test_a_custom_status_label_wins_over_the_plain_status() -> None:
    assert status_label(ticket("pending", custom=36), [BELIEVED]) == "Pending believed solved"
    assert status_label(ticket("pending", custom=99), [BELIEVED]) == "Pending"
    assert status_label(ticket("hold"), None) == "On-hold"
    assert status_label(ticket("archived"), None) == "Archived"


def test_the_believed_solved_fallback_reads_as_what_it_means() -> None:
    fallback = ticket("pending", tags=("believed_solved",))
    assert status_label(fallback, None, fallback_tag="believed_solved") == "Pending (believed solved)"
    assert status_label(fallback, None) == "Pending"
    assert status_label(ticket("open", tags=("believed_solved",)), None, fallback_tag="believed_solved") == "Open"
