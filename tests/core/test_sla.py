"""The queue's SLA rule on hand-made tickets at a fixed now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from govpress_support.core.models import SlaMetric, Ticket
from govpress_support.core.sla import Urgency, breaching_within, in_queue_order, priority_rank, ticket_sla

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return NOW + timedelta(minutes=minutes)


def ticket(
    tid: int,
    *metrics: SlaMetric,
    priority: str | None = "normal",
    due: datetime | None = None,
    updated: datetime | None = None,
    slas: bool = True,
) -> Ticket:
    return Ticket(
        id=tid,
        subject=f"ticket {tid}",
        status="open",
        priority=priority,
        type=None,
        group_id=1,
        assignee_id=None,
        requester_id=None,
        organization_id=None,
        created_at=NOW,
        updated_at=updated or NOW,
        updated_stamp=None,
        agent_url=f"https://x/agent/tickets/{tid}",
        due_at=due,
        sla_metrics=tuple(metrics) if slas else None,
    )


def active(minutes: int, metric: str = "next_reply_time") -> SlaMetric:
    return SlaMetric(metric, "active", at(minutes))


def test_the_four_groups_in_order() -> None:
    tickets = [
        ticket(1),  # no SLA
        ticket(2, SlaMetric("next_reply_time", "paused", None), priority="urgent"),
        ticket(3, active(90)),
        ticket(4, active(-5)),
        ticket(5, active(-120)),
        ticket(6, active(20)),
    ]
    order = [t.id for t, _ in in_queue_order(tickets, NOW)]
    assert order == [5, 4, 6, 3, 2, 1]


def test_earliest_active_metric_counts_and_achieved_never() -> None:
    t = ticket(
        1,
        SlaMetric("first_reply_time", "achieved", at(-600)),
        active(300, "periodic_update_time"),
        active(45, "next_reply_time"),
    )
    sla = ticket_sla(t.sla_metrics, NOW)
    assert sla.urgency is Urgency.ACTIVE
    assert sla.metric == "next_reply_time"
    assert sla.breach_at == at(45)


def test_only_achieved_is_no_sla() -> None:
    sla = ticket_sla((SlaMetric("first_reply_time", "achieved", at(-5)),), NOW)
    assert sla.urgency is Urgency.NONE


def test_breached_stage_counts_as_active_past() -> None:
    sla = ticket_sla((SlaMetric("requester_wait_time", "breached", at(-30)),), NOW)
    assert sla.urgency is Urgency.BREACHED and sla.breached


def test_odd_payloads_are_placed_not_crashed() -> None:
    missing = ticket(1, slas=False)
    empty = ticket(2)
    null_breach = ticket(3, SlaMetric("next_reply_time", "active", None))
    unknown_stage = ticket(4, SlaMetric("next_reply_time", "scheduled", at(10)))
    unknown_metric = ticket(5, SlaMetric("brand_new_metric", "active", at(10)))
    order = in_queue_order([missing, empty, null_breach, unknown_stage, unknown_metric], NOW)
    assert [t.id for t, _ in order] == [5, 1, 2, 3, 4]
    assert all(sla.urgency is Urgency.NONE for t, sla in order if t.id != 5)


def test_paused_by_priority_then_id() -> None:
    paused = SlaMetric("next_reply_time", "paused", None)
    tickets = [
        ticket(9, paused, priority="low"),
        ticket(8, paused, priority="high"),
        ticket(7, paused, priority="high"),
    ]
    assert [t.id for t, _ in in_queue_order(tickets, NOW)] == [7, 8, 9]


def test_no_sla_by_priority_then_due_then_least_recently_updated() -> None:
    tickets = [
        ticket(1, priority="low"),
        ticket(2, priority=None),
        ticket(3, priority="high", due=at(60 * 48)),
        ticket(4, priority="high", due=at(60 * 5)),
        ticket(5, priority="high", updated=at(-60)),
        ticket(6, priority="high", updated=at(-600)),
        ticket(7, priority="urgent"),
    ]
    assert [t.id for t, _ in in_queue_order(tickets, NOW)] == [7, 4, 3, 6, 5, 1, 2]


def test_ties_on_breach_time_go_by_priority_then_id() -> None:
    tickets = [
        ticket(3, active(10), priority="low"),
        ticket(2, active(10), priority="urgent"),
        ticket(1, active(10), priority="low"),
    ]
    assert [t.id for t, _ in in_queue_order(tickets, NOW)] == [2, 1, 3]


def test_breaching_within_window() -> None:
    window = timedelta(hours=2)
    assert breaching_within(ticket_sla((active(-10),), NOW), NOW, window)
    assert breaching_within(ticket_sla((active(119),), NOW), NOW, window)
    assert not breaching_within(ticket_sla((active(121),), NOW), NOW, window)
    assert not breaching_within(ticket_sla((), NOW), NOW, window)


def test_priority_rank() -> None:
    assert [priority_rank(p) for p in ("urgent", "high", "normal", "low", None, "weird")] == [0, 1, 2, 3, 4, 4]


def test_a_tickets_metrics_in_sla_order_breached_first() -> None:
    from govpress_support.core.sla import metrics_in_order

    ownership = SlaMetric("group_ownership_time", "active", at(239))
    reply = SlaMetric("next_reply_time", "breached", at(-20))
    update = SlaMetric("periodic_update_time", "active", at(30))
    paused = SlaMetric("pausable_update_time", "paused", None)
    done = SlaMetric("first_reply_time", "achieved", None)
    ordered = metrics_in_order([done, ownership, paused, reply, update], NOW)
    assert ordered == [reply, update, ownership, paused, done]
    assert metrics_in_order(None, NOW) == []
