"""Taking someone out of a group (workflows/memberships.py, and start-rotation's use of it): only
when the desk shows no ticket there still assigned to them, and never more than one member."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from govpress_support import sandbox
from govpress_support.core import config
from govpress_support.core.errors import UsageError
from govpress_support.services.connect import Clients
from govpress_support.workflows.memberships import Member, held_tickets, remove_member
from govpress_support.workflows.rotation.start import StepKind, apply_rotation, plan_rotation
from tests.desk import Desk
from tests.seed_names import ADE, PRIYA, SECOND_LINE, SECOND_LINE_NAME, SEED


@pytest.fixture
def clients(isolated: Path, desk: Desk) -> Iterator[Clients]:
    settings = config.load(isolated / "none.toml", {})
    app = sandbox.open_app(isolated)
    made = Clients(settings, sandbox=True, state_dir=isolated, environ={}, transport=app.transport())
    yield made
    made.close()
    app.close()


PRIYA_IN_2ND = Member(PRIYA.id, PRIYA.email, PRIYA.name, SECOND_LINE, SECOND_LINE_NAME)


def test_a_member_holding_tickets_is_not_removed(clients: Clients, desk: Desk) -> None:
    held = held_tickets(clients.zendesk, PRIYA_IN_2ND)
    assert SEED.breached_with_card in held
    removal = remove_member(clients.zendesk, PRIYA_IN_2ND)
    assert not removal.removed and removal.held == tuple(held)
    assert PRIYA.id in desk.members(SECOND_LINE)
    for ticket_id in held:
        desk.update(ticket_id, assignee_id=ADE.id)
    assert remove_member(clients.zendesk, PRIYA_IN_2ND).removed
    assert PRIYA.id not in desk.members(SECOND_LINE)
    assert not remove_member(clients.zendesk, PRIYA_IN_2ND).removed  # already gone


def test_start_rotation_asks_the_desk_again_when_removing(clients: Clients, desk: Desk) -> None:
    """Priya was free when the plan was made; a ticket reaches her before the plan is applied."""
    for ticket_id in held_tickets(clients.zendesk, PRIYA_IN_2ND):
        desk.update(ticket_id, assignee_id=ADE.id)
    plan = plan_rotation(clients.zendesk, None, None, clients.settings, today=date.today(), previous_email=PRIYA.email)
    assert [s.kind for s in plan.steps] == [StepKind.REMOVE_MEMBER]  # Sam is in 2nd line already
    desk.update(SEED.unassigned_2nd_line, assignee_id=PRIYA.id)
    [result] = [
        r
        for r in apply_rotation(clients.zendesk, None, clients.settings, plan)
        if r.step.kind is StepKind.REMOVE_MEMBER
    ]
    assert not result.ok and f"not removed: #{SEED.unassigned_2nd_line} still assigned to their" in result.detail
    assert PRIYA.id in desk.members(SECOND_LINE)
    assert desk.ticket(SEED.unassigned_2nd_line)["assignee_id"] == PRIYA.id


def test_never_more_than_one_member_removed(clients: Clients, desk: Desk) -> None:
    for ticket_id in held_tickets(clients.zendesk, PRIYA_IN_2ND):
        desk.update(ticket_id, assignee_id=ADE.id)
    plan = plan_rotation(clients.zendesk, None, None, clients.settings, today=date.today(), previous_email=PRIYA.email)
    [removal] = [s for s in plan.steps if s.kind is StepKind.REMOVE_MEMBER]
    plan.steps.append(replace(removal, user_id=ADE.id, name=ADE.name, email=ADE.email))
    before = desk.members(SECOND_LINE)
    with pytest.raises(UsageError, match="never more than the one previous engineer"):
        apply_rotation(clients.zendesk, None, clients.settings, plan)
    assert desk.members(SECOND_LINE) == before
