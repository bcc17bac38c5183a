"""Suspended tickets: when Zendesk says no, 403 (may not see them) is told from 401 (credentials
rejected) by the error's status, whatever the message says; recovering and deleting them against
the sandbox, a lost answer read back rather than resent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from govpress_support.core import config
from govpress_support.core.errors import AuthError, ExitCode
from govpress_support.services.connect import Clients
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows import suspended
from govpress_support.workflows.suspended import fetch_suspended, peek_suspended
from tests.desk import Desk
from tests.seed_names import FROM_SUPPORT, ME, OUT_OF_OFFICE, OUT_OF_OFFICE_TICKET, SPAM
from tests.transport_faults import TransportFaults

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
# A body that mentions the other status, to show the message is not what decides.
BODIES = {403: {"error": "Forbidden", "description": "(401) not for you"}, 401: {"error": "Couldn't authenticate you"}}


def clients_answering(state: Path, status: int) -> Iterator[Clients]:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(status, json=BODIES[status])

    made = Clients(config.Settings(), sandbox=True, state_dir=state, environ={}, transport=httpx.MockTransport(answer))
    yield made
    made.close()
    assert seen and all(path.endswith("/suspended_tickets") for path in seen)  # the given transport won


@pytest.fixture
def forbidden(isolated: Path) -> Iterator[Clients]:
    yield from clients_answering(isolated, 403)


@pytest.fixture
def rejected(isolated: Path) -> Iterator[Clients]:
    yield from clients_answering(isolated, 401)


def test_a_403_leaves_them_out_of_listings_and_is_explained_by_suspended(forbidden: Clients) -> None:
    assert peek_suspended(forbidden.zendesk) is None
    with pytest.raises(AuthError) as caught:
        fetch_suspended(forbidden.zendesk, now=NOW)
    assert caught.value.status == 403 and caught.value.exit_code is ExitCode.AUTH
    assert caught.value.message == "Zendesk does not show you suspended tickets (403)"


def test_a_401_is_an_error_everywhere(rejected: Clients) -> None:
    with pytest.raises(AuthError) as peeked:
        peek_suspended(rejected.zendesk)
    assert peeked.value.status == 401
    with pytest.raises(AuthError) as fetched:
        fetch_suspended(rejected.zendesk, now=NOW)
    assert fetched.value.status == 401 and "rejected the credentials" in fetched.value.message


# --- recovering and deleting, against the sandbox -----------------------------------------------------


def test_recover_says_each_new_ticket_keeps_the_sender_and_names_what_zendesk_refused(
    desk: Desk, zendesk: Callable[..., ZendeskClient], faults: TransportFaults
) -> None:
    client = zendesk()
    plan = suspended.plan_suspended(client, [FROM_SUPPORT, SPAM, 123, OUT_OF_OFFICE], "recover")
    assert [t.id for t in plan.found] == [FROM_SUPPORT, SPAM, OUT_OF_OFFICE] and plan.gone == [123]
    outcomes = {o.id: o for o in suspended.recover(client, plan)}
    [sent] = [r for r in faults.requests if r.method == "PUT"]
    assert sent.url.path.endswith("/recover_many")  # even the one that answers a ticket: the sender is kept
    spam = outcomes[SPAM]
    assert spam.result == "recovered" and spam.ticket_id is not None
    assert desk.ticket(spam.ticket_id)["subject"] == spam.subject
    assert desk.ticket(spam.ticket_id)["requester_id"] != ME.id
    assert outcomes[OUT_OF_OFFICE].ticket_id == OUT_OF_OFFICE_TICKET  # a comment on the ticket it answers
    refused = outcomes[FROM_SUPPORT]
    assert refused.result == "failed" and "Received from support address" in (refused.message or "")
    assert desk.suspended() == [FROM_SUPPORT]

    again = suspended.plan_suspended(client, [SPAM, OUT_OF_OFFICE], "recover")
    assert again.found == [] and again.gone == [SPAM, OUT_OF_OFFICE]  # safe to run twice


def test_a_lost_recover_answer_is_read_back_not_resent(
    desk: Desk, zendesk: Callable[..., ZendeskClient], faults: TransportFaults
) -> None:
    client = zendesk(retries=3)
    plan = suspended.plan_suspended(client, [SPAM], "recover")
    faults.add("PUT", "recover_many", "lost")
    [outcome] = suspended.recover(client, plan)
    assert outcome.result == "recovered" and outcome.ticket_id is None
    assert "answer with its new ticket id was lost" in (outcome.message or "")
    assert len([r for r in faults.requests if r.method == "PUT"]) == 1
    faults.add("PUT", "recover_many", "dropped")  # the next one
    [failed] = suspended.recover(client, suspended.plan_suspended(client, [OUT_OF_OFFICE], "recover"))
    assert failed.result == "failed" and "nothing was recovered" in (failed.message or "")
    assert OUT_OF_OFFICE in desk.suspended()


def test_delete_removes_them_and_a_restricted_agent_is_told_why(
    desk: Desk, zendesk: Callable[..., ZendeskClient]
) -> None:
    client = zendesk()
    outcomes = suspended.delete(client, suspended.plan_suspended(client, [SPAM, FROM_SUPPORT], "delete"))
    assert [(o.id, o.result) for o in outcomes] == [(SPAM, "deleted"), (FROM_SUPPORT, "deleted")]
    assert desk.suspended() == [OUT_OF_OFFICE]
    desk.set_role(ME.email, "agent")
    desk.restrict(ME.email)
    with pytest.raises(AuthError) as caught:
        suspended.plan_suspended(zendesk(), [OUT_OF_OFFICE], "delete")
    assert caught.value.exit_code is ExitCode.AUTH
    assert caught.value.message == "Zendesk does not let you manage suspended tickets (403)"
