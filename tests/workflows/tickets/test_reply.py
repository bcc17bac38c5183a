"""A public reply can never go out internal, and a note never public: not on the first send, not
on a retry, not after a lost answer is read back, not in a bulk job. Faults are put exactly where
they hurt (tests/transport_faults.py) and every body sent is checked, then the sandbox's thread
and the emails it recorded."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from govpress_support.core.config import Settings
from govpress_support.core.errors import GovPressError, UsageError
from govpress_support.core.models import Ticket
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.tickets.plan import Batch, apply, prepare_note
from govpress_support.workflows.tickets.reply import ReplyPlan, ReplyRequest, prepare_reply
from govpress_support.workflows.tickets.write import ChangeOutcome, TicketConflict, TicketPlan
from tests.desk import Desk
from tests.seed_names import CUSTOM_STATUSES, ME, SEED
from tests.transport_faults import TransportFaults

Zendesk = Callable[..., ZendeskClient]

REPLY = "Hi Hannah, the contact form sends again: could you try it and let us know?"
NOTE = "Checked the mail relay logs: the SMTP password had expired."
CONTACT = SEED.breached_urgent  # requester Hannah Price, CC Liam Foster
SEARCH = SEED.mine_open_with_card  # requester Grace Adeyemi, CC Oliver Grant
OTHER = SEED.mine_on_hold
LATER = SEED.breaching_soon_no_card
SRC = Path(__file__).parents[3] / "src" / "govpress_support"


def reply_batch(zendesk: ZendeskClient, ids: list[int], text: str = REPLY, **options: Any) -> Batch:
    request = ReplyRequest(text, bulk=len(ids) > 1, **options)
    return prepare_reply(zendesk, Settings(), ids, request)


def sent_comments(faults: TransportFaults, path: str) -> list[dict[str, Any]]:
    """Every comment sent in a PUT whose path contains `path` (single updates and bulk items)."""
    found: list[dict[str, Any]] = []
    for body in faults.sent("PUT", path):
        items = body.get("tickets") or [body.get("ticket") or {}]
        found.extend(item["comment"] for item in items if "comment" in item)
    return found


def thread(desk: Desk, ticket_id: int, text: str) -> list[bool]:
    """The `public` of each comment with this text on the ticket."""
    return [c["public"] for c in desk.comments(ticket_id) if c["body"] == text]


def attempt(zendesk: ZendeskClient, batch: Batch) -> None:
    # A write that surely did not happen raises to say so; what matters here is what reached Zendesk.
    with contextlib.suppress(GovPressError):
        apply(zendesk, batch, poll_interval=0.0)


FAULTS = ("lost", "dropped", "502", "no-fault")


@pytest.mark.parametrize("retries", [0, 2])
@pytest.mark.parametrize("fault", FAULTS)
def test_one_ticket_a_reply_is_public_and_a_note_internal_whatever_happens_to_the_answer(
    desk: Desk, faults: TransportFaults, zendesk: Zendesk, fault: str, retries: int
) -> None:
    client = zendesk(retries)
    replying, noting = reply_batch(client, [CONTACT]), prepare_note(client, [OTHER], NOTE)
    if fault != "no-fault":
        faults.add("PUT", f"/tickets/{CONTACT}", fault)
        faults.add("PUT", f"/tickets/{OTHER}", fault)
    attempt(client, replying)
    attempt(client, noting)

    assert sent_comments(faults, f"/tickets/{CONTACT}")  # something was sent, every time as a reply
    assert all(c["public"] is True for c in sent_comments(faults, f"/tickets/{CONTACT}"))
    assert all(c["public"] is False for c in sent_comments(faults, f"/tickets/{OTHER}"))
    # Any second send carries the stamp of the first read, so Zendesk refuses it if the first landed;
    # without retries, a lost answer is read back instead of sending again.
    for ticket_id, batch in ((CONTACT, replying), (OTHER, noting)):
        puts = faults.sent("PUT", f"/tickets/{ticket_id}")
        assert {(p["ticket"]["safe_update"], p["ticket"]["updated_stamp"]) for p in puts} == {
            (True, batch.plans[0].ticket.updated_stamp)
        }
        if retries == 0:
            assert len(puts) == 1
    # Exactly once, unless the one send never arrived and was not retried: then not at all.
    once = not (retries == 0 and fault in ("dropped", "502"))
    assert thread(desk, CONTACT, REPLY) == ([True] if once else [])
    assert thread(desk, OTHER, NOTE) == ([False] if once else [])
    assert len(desk.emails(CONTACT)) == (1 if once else 0)
    assert desk.emails(OTHER) == []


@pytest.mark.parametrize("fault", ["lost", "dropped", "502"])
def test_bulk_replies_and_notes_keep_their_kind_through_the_job_and_its_resend(
    desk: Desk, faults: TransportFaults, zendesk: Zendesk, fault: str
) -> None:
    client = zendesk(2)
    replying = reply_batch(client, [CONTACT, SEARCH])
    faults.add("PUT", "update_many", fault)
    attempt(client, replying)
    noting = prepare_note(client, [OTHER, LATER], NOTE)
    faults.add("PUT", "update_many", fault, nth=2)  # the notes' first send
    attempt(client, noting)

    bulk = faults.sent("PUT", "update_many")
    replies = [i for body in bulk for i in body["tickets"] if i["id"] in (CONTACT, SEARCH)]
    notes = [i for body in bulk for i in body["tickets"] if i["id"] in (OTHER, LATER)]
    assert replies and all(i["comment"] == {"body": REPLY, "public": True} for i in replies)
    assert notes and all(i["comment"] == {"body": NOTE, "public": False} for i in notes)
    for ticket_id in (CONTACT, SEARCH):
        assert thread(desk, ticket_id, REPLY) == [True]
        assert len(desk.emails(ticket_id)) == 1
    for ticket_id in (OTHER, LATER):
        assert thread(desk, ticket_id, NOTE) == [False]
        assert desk.emails(ticket_id) == []


def test_a_same_words_internal_note_never_counts_as_the_reply_sent(
    desk: Desk, faults: TransportFaults, zendesk: Zendesk
) -> None:
    """After a lost answer the ticket is read back: a note by you with the reply's words is not the
    reply (nor a reply the note), so nothing is taken as done that was not."""
    client = zendesk(0)
    replying = reply_batch(client, [CONTACT])
    noting = prepare_note(client, [OTHER], NOTE)
    desk.update(CONTACT, comment={"body": REPLY, "public": False})  # you, elsewhere, meanwhile
    desk.update(OTHER, comment={"body": NOTE, "public": True})
    faults.add("PUT", f"/tickets/{CONTACT}", "dropped")
    faults.add("PUT", f"/tickets/{OTHER}", "dropped")
    with pytest.raises(TicketConflict):
        apply(client, replying)
    with pytest.raises(TicketConflict):
        apply(client, noting)
    assert thread(desk, CONTACT, REPLY) == [False]
    assert thread(desk, OTHER, NOTE) == [True]
    assert desk.emails(CONTACT) == []


def test_the_client_writing_meanwhile_is_a_conflict_that_sends_nothing_and_carries_the_message(
    desk: Desk, faults: TransportFaults, zendesk: Zendesk
) -> None:
    client = zendesk()
    replying = reply_batch(client, [CONTACT], status="pending")
    news = "Actually it is still broken on the Welsh page.\nScreenshot attached."
    desk.touch(CONTACT, comment={"body": news, "public": True})
    with pytest.raises(TicketConflict) as caught:
        apply(client, replying)
    assert caught.value.exit_code == 5
    [(author, message)] = caught.value.messages
    assert message.body == news and message.public and author
    assert thread(desk, CONTACT, REPLY) == []
    assert desk.ticket(CONTACT)["status"] == "open"


def test_only_the_reply_plan_says_public_true() -> None:
    """The one place in the tool that sends `public: True` is `ReplyPlan.body`: a literal there,
    none anywhere else (the sandbox, which answers, aside)."""
    found = [
        (path.relative_to(SRC), line.strip())
        for path in SRC.rglob("*.py")
        if "sandbox" not in path.parts
        for line in path.read_text(encoding="utf-8").splitlines()
        if '"public": True' in line
    ]
    assert [(str(p), line) for p, line in found] == [
        ("workflows/tickets/reply.py", 'body["comment"] = {"body": self.reply, "public": True}')
    ]


def test_a_reply_plan_carries_no_note_and_a_plan_has_no_public_switch(desk: Desk, zendesk: Zendesk) -> None:
    ticket: Ticket = zendesk().tickets([CONTACT], sideload=()).tickets[0]
    assert TicketPlan(ticket, note=NOTE).body()["comment"] == {"body": NOTE, "public": False}
    assert ReplyPlan(ticket, reply=REPLY).body()["comment"] == {"body": REPLY, "public": True}
    with pytest.raises(ValueError, match="no internal note"):
        ReplyPlan(ticket, reply=REPLY, note=NOTE).body()
    with pytest.raises(TypeError):
        TicketPlan(ticket, note=NOTE, public=True)  # type: ignore[call-arg]


def test_running_it_twice_sends_once_and_an_older_same_note_does_not_stop_it(
    desk: Desk, faults: TransportFaults, zendesk: Zendesk
) -> None:
    client = zendesk()
    desk.update(CONTACT, comment={"body": REPLY, "public": False})  # an internal draft with the same words
    first = reply_batch(client, [CONTACT])
    assert first.plans[0].to_write
    assert [r.outcome for r in apply(client, first)] == [ChangeOutcome.UPDATED]
    again = reply_batch(client, [CONTACT])
    assert not again.to_write
    assert again.plans[0].unchanged == "its latest public comment is already this reply by you"
    assert thread(desk, CONTACT, REPLY) == [False, True]


def test_status_goes_in_the_same_update_and_the_on_hold_reason_is_a_note_after(
    desk: Desk, faults: TransportFaults, zendesk: Zendesk
) -> None:
    client = zendesk()
    with pytest.raises(UsageError, match="on-hold needs --reason"):
        reply_batch(client, [CONTACT], status="on-hold")
    with pytest.raises(UsageError, match="--reason goes with --status"):
        reply_batch(client, [CONTACT], reason="Why")
    batch = reply_batch(client, [CONTACT], status="on-hold", reason="Waiting for their SMTP password")
    [result] = apply(client, batch)
    assert result.outcome is ChangeOutcome.UPDATED
    first, second = faults.sent("PUT", f"/tickets/{CONTACT}")
    assert first["ticket"]["comment"] == {"body": REPLY, "public": True}
    assert first["ticket"]["custom_status_id"] == CUSTOM_STATUSES["On-hold"]
    assert second["ticket"]["comment"] == {"body": "Waiting for their SMTP password", "public": False}
    assert second["ticket"]["updated_stamp"] != first["ticket"]["updated_stamp"]  # guarded by a fresh read
    assert thread(desk, CONTACT, REPLY) == [True]
    assert thread(desk, CONTACT, "Waiting for their SMTP password") == [False]
    assert desk.ticket(CONTACT)["status"] == "hold"


def test_several_tickets_need_bulk_and_every_recipient_is_named(desk: Desk, zendesk: Zendesk) -> None:
    client = zendesk()
    with pytest.raises(UsageError, match="needs --bulk"):
        prepare_reply(client, Settings(), [CONTACT, SEARCH], ReplyRequest(REPLY))
    batch = reply_batch(client, [CONTACT, SEARCH])
    [people] = [n for n in batch.notices if "will be emailed" in n]
    for name in ("Hannah Price", "Liam Foster", "Grace Adeyemi", "Oliver Grant"):
        assert name in people
    assert batch.question is not None and "PUBLIC" in batch.question


class TestMacros:
    def test_a_public_macro_is_a_reply_with_its_changes_in_one_update(
        self, desk: Desk, faults: TransportFaults, zendesk: Zendesk
    ) -> None:
        client = zendesk()
        batch = reply_batch(client, [SEARCH], text="The page you sent would help most.", macro="Ask for more detail")
        [plan] = batch.plans
        assert isinstance(plan, ReplyPlan) and plan.macro == "Ask for more detail"
        faults.add("PUT", f"/tickets/{SEARCH}", "lost")
        apply(client, batch)
        [sent, *_] = faults.sent("PUT", f"/tickets/{SEARCH}")
        assert sent["ticket"]["comment"]["public"] is True
        assert sent["ticket"]["status"] == "pending"
        [comment] = [c for c in desk.comments(SEARCH) if c["author_id"] == ME.id and c["public"]][-1:]
        assert comment["body"].startswith("Hi Grace,")  # rendered by Zendesk for this ticket
        assert comment["body"].endswith("The page you sent would help most.")
        assert desk.ticket(SEARCH)["status"] == "pending"
        assert len(desk.emails(SEARCH)) == 1

    def test_an_internal_macro_stays_a_note_and_says_so(
        self, desk: Desk, faults: TransportFaults, zendesk: Zendesk
    ) -> None:
        client = zendesk()
        batch = reply_batch(client, [SEARCH], text="", macro="scoped")
        [plan] = batch.plans
        assert not isinstance(plan, ReplyPlan)
        assert any("internal note, not a public reply" in w for w in plan.warnings)
        faults.add("PUT", f"/tickets/{SEARCH}", "lost")
        apply(client, batch)
        assert all(c["public"] is False for c in sent_comments(faults, f"/tickets/{SEARCH}"))
        assert "scoping" in desk.ticket(SEARCH)["tags"]
        assert desk.emails(SEARCH) == []

    def test_unknown_and_ambiguous_macros_are_usage_errors_naming_the_way_out(self, zendesk: Zendesk) -> None:
        client = zendesk()
        with pytest.raises(UsageError, match="no active macro called 'Helpful'"):
            reply_batch(client, [SEARCH], macro="Helpful")  # the retired one is not active
        with pytest.raises(UsageError, match=r"'s' matches \d+ macros") as caught:
            reply_batch(client, [SEARCH], macro="s")
        assert "360090001 'Pending believed solved'" in caught.value.message
        with pytest.raises(UsageError, match="no active macro 360090006"):
            reply_batch(client, [SEARCH], macro="360090006")  # Priya's own
