"""The ticket record: one table of fields, the lists picked from it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from govpress_support.core import records
from govpress_support.core.models import Comment, SlaMetric, Ticket, User
from govpress_support.core.sla import ticket_sla

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "fields",
    [records.QUEUE_FIELDS, records.QUEUE_TSV_FIELDS, records.SHOW_FIELDS, records.SHOW_TSV_FIELDS],
)
def test_every_list_names_fields_of_the_one_table_once(fields: tuple[str, ...]) -> None:
    assert set(fields) <= set(records.FIELDS)
    assert len(set(fields)) == len(fields)


def test_card_state() -> None:
    assert records.card_state(None, trello_checked=True) == "missing"
    assert records.card_state(None, trello_checked=False) == "unknown"


def test_a_record_has_its_fields_in_order_with_nested_metrics_and_comments() -> None:
    breached = SlaMetric("first_reply_time", "active", NOW - timedelta(minutes=5))
    later = SlaMetric("next_reply_time", "active", NOW + timedelta(hours=2))
    ticket = Ticket(
        id=4013,
        subject="Banner",
        status="open",
        priority="urgent",
        type="incident",
        group_id=2,
        assignee_id=7,
        requester_id=None,
        organization_id=None,
        created_at=NOW,
        updated_at=NOW,
        updated_stamp=None,
        agent_url="https://govpress.zendesk.com/agent/tickets/4013",
        tags=("a",),
        sla_metrics=(breached, later),
    )
    sam = User(7, "Sam Okafor", "sam.okafor@govpress.example", "agent")
    facts = records.TicketFacts(
        ticket,
        "Open",
        ticket_sla(ticket.sla_metrics, NOW),
        group="GovPress 2nd line support",
        assignee=sam,
        organization=None,
        card=None,
        trello_checked=True,
        comments=[
            (Comment(1, 7, "Looked", False, NOW), sam),
            (Comment(2, 7, "Handover from Sam Okafor to Tom Hughes:\n\nAsk Priya.", False, NOW), sam),
        ],
        now=NOW,
    )
    shown = records.record(facts, records.SHOW_FIELDS)
    assert list(shown) == list(records.SHOW_FIELDS)
    assert shown["sla_urgency"] == "breached" and shown["sla_metric"] == "first_reply_time"
    assert [m["breached"] for m in shown["sla_metrics"]] == [True, False]
    assert list(shown["sla_metrics"][0]) == list(records.SLA_METRIC_FIELDS)
    assert shown["comments"][0] == {
        "id": 1,
        "author_id": 7,
        "author_name": "Sam Okafor",
        "public": False,
        "internal": True,
        "handover": False,
        "created_at": NOW,
        "body": "Looked",
    }
    assert list(shown["comments"][1]) == list(records.COMMENT_FIELDS)
    assert shown["comments"][1]["handover"] is True  # `ticket show` marks the handover's notes
    assert shown["trello_card"] == "missing" and shown["assignee_email"] == "sam.okafor@govpress.example"
    assert list(records.record(facts, records.QUEUE_FIELDS)) == list(records.QUEUE_FIELDS)
