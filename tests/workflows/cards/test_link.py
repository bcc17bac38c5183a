"""The card text, the link rules and name resolution for Trello cards (pure parts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from govpress_support.core.config import ZendeskSettings
from govpress_support.core.errors import UsageError
from govpress_support.core.models import Attachment, Board, Card, Label, Member, SlaMetric, Ticket, TrelloList
from govpress_support.core.sla import TicketSla, Urgency, ticket_sla
from govpress_support.workflows.cards import link as cards
from govpress_support.workflows.cards import text as card_text
from govpress_support.workflows.cards.boards import find_labels, find_list

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
URL = "https://govpress.zendesk.com/agent/tickets/4012"


def make_ticket(**changes: object) -> Ticket:
    ticket = Ticket(
        id=4012,
        subject="Menu  overlaps\nthe banner on mobile",
        status="open",
        priority="high",
        type="task",
        group_id=2,
        assignee_id=None,
        requester_id=None,
        organization_id=7,
        created_at=NOW - timedelta(days=2),
        updated_at=NOW - timedelta(hours=1),
        updated_stamp="2026-11-30T09:00:00Z",
        agent_url=URL,
        due_at=NOW + timedelta(days=2),
        tags=("styling",),
    )
    return replace(ticket, **changes)  # type: ignore[arg-type]


def make_card(short_link: str = "AbCd1234", **changes: object) -> Card:
    card = Card(
        id="5f0000000000000000000001",
        short_link=short_link,
        short_url=f"https://trello.com/c/{short_link}",
        url=f"https://trello.com/c/{short_link}/12-x",
        name="#4012 Menu overlaps the banner on mobile",
        desc="",
        list_id="list-1",
        board_id="board-1",
    )
    return replace(card, **changes)  # type: ignore[arg-type]


class TestCardText:
    def test_name_is_hash_id_and_one_line_subject(self) -> None:
        assert card_text.card_name(make_ticket()) == "#4012 Menu overlaps the banner on mobile"

    def test_description_holds_everything_the_issue_names(self) -> None:
        breach = NOW + timedelta(minutes=42)
        sla = ticket_sla((SlaMetric("next_reply_time", "active", breach),), NOW)
        text = card_text.card_description(make_ticket(), organization="Camden Council", sla=sla)
        lines = text.splitlines()
        assert lines[0] == f"Zendesk ticket #4012: {URL}"
        assert "- **Priority:** high" in lines
        assert "- **Type:** task" in lines
        assert "- **Organisation:** Camden Council" in lines
        assert "- **SLA:** next reply time breaches at 2026-11-30 10:42 UTC (when the card was made)" in lines
        assert "- **Due:** 2026-12-02 10:00 UTC" in lines
        assert card_text.MARKER in lines[-1]

    def test_description_says_what_is_missing(self) -> None:
        ticket = make_ticket(priority=None, type=None, due_at=None)
        text = card_text.card_description(ticket, organization=None, sla=TicketSla(Urgency.NONE))
        assert "- **Priority:** not set" in text
        assert "- **Type:** not set" in text
        assert "- **Organisation:** none" in text
        assert "- **SLA:** none" in text
        assert "- **Due:** no due date" in text

    def test_sla_summaries(self) -> None:
        past = NOW - timedelta(hours=3)
        assert (
            card_text.sla_summary(TicketSla(Urgency.BREACHED, "first_reply_time", "active", past))
            == "first reply time breached at 2026-11-30 07:00 UTC"
        )
        assert (
            card_text.sla_summary(TicketSla(Urgency.PAUSED, "next_reply_time", "paused", None))
            == "next reply time paused"
        )

    def test_due_only_for_tasks(self) -> None:
        assert card_text.card_due(make_ticket()) == NOW + timedelta(days=2)
        assert card_text.card_due(make_ticket(type="problem")) is None
        assert card_text.card_due(make_ticket(due_at=None)) is None

    def test_note_names_the_card_short_url(self) -> None:
        card = make_card()
        note = card_text.ticket_note(card, "GovPress Support and Maintenance Backlog", "Backlog")
        assert note.startswith("Trello card: https://trello.com/c/AbCd1234\n")
        assert card_text.mentions_card(note, card)
        assert not card_text.mentions_card(note, make_card("Zz999999"))

    @pytest.mark.parametrize(
        ("desc", "expected"),
        [
            ("## Check the advisories\nThen more", "Check the advisories"),
            ("\n\n  - **Run** the  backup_check  \n", "Run the backup_check"),
            ("1. First step\n2. Second", "First step"),
            ("Every Monday:\n1. Run `notifier` on all sites.\n2. Read", "Every Monday: Run `notifier` on all sites."),
            ("Intro:\n\nNext: more:\nlast", "Intro: Next: more:"),
            ("", ""),
        ],
    )
    def test_first_line(self, desc: str, expected: str) -> None:
        assert card_text.first_line(desc) == expected

    def test_card_links_in_keeps_order_without_repeats(self) -> None:
        texts = ["see https://trello.com/c/AAAA1111/3-x", "moved: https://trello.com/c/BBBB2222", "AAAA1111 again"]
        assert card_text.card_links_in([*texts, "https://trello.com/c/AAAA1111"]) == ["AAAA1111", "BBBB2222"]


class TestZendeskHalf:
    settings = ZendeskSettings()

    def test_new_card_needs_note_and_tag(self) -> None:
        ticket = make_ticket()
        card = make_card()
        changes = card_text.zendesk_changes(ticket, card, self.settings, has_note=False, note="the note")
        assert changes == {"comment": {"body": "the note", "public": False}, "additional_tags": ["trello_card"]}

    def test_linked_ticket_needs_nothing(self) -> None:
        ticket = make_ticket(tags=("styling", "Trello_Card"))
        assert card_text.zendesk_changes(ticket, make_card(), self.settings, has_note=True, note="x") == {}
        assert card_text.ticket_lacks(ticket, make_card(), self.settings, has_note=True) == ()

    def test_a_missing_tag_alone_adds_no_second_note(self) -> None:
        changes = card_text.zendesk_changes(make_ticket(), make_card(), self.settings, has_note=True, note="x")
        assert changes == {"additional_tags": ["trello_card"]}

    def test_custom_field_when_configured(self) -> None:
        settings = replace(self.settings, trello_card_field_id=360001)
        card = make_card()
        ticket = make_ticket(tags=("trello_card",))
        assert card_text.zendesk_changes(ticket, card, settings, has_note=True, note="x") == {
            "custom_fields": [{"id": 360001, "value": "https://trello.com/c/AbCd1234"}]
        }
        holding = replace(ticket, custom_fields=((360001, "https://trello.com/c/AbCd1234"),))
        assert card_text.zendesk_changes(holding, card, settings, has_note=True, note="x") == {}
        other = replace(ticket, custom_fields=((360001, "https://trello.com/c/Zz999999"),))
        assert card_text.ticket_lacks(other, card, settings, has_note=True) == ("field",)
        assert card_text.ticket_lacks(ticket, None, settings, has_note=False) == ("note", "field")

    def test_no_tag_configured(self) -> None:
        settings = replace(self.settings, trello_card_tag="")
        assert card_text.ticket_lacks(make_ticket(), make_card(), settings, has_note=False) == ("note",)


class TestSteps:
    board = Board("board-1", "pF46aRdl", "GovPress Support and Maintenance Backlog", "https://trello.com/b/pF46aRdl")
    backlog = TrelloList("list-1", "Backlog", "board-1")
    destination = cards.Destination(
        board, backlog, (backlog,), (), Member("m1", "sam", "Sam Okafor"), membership="normal"
    )

    def step(self, card: Card | None, **changes: object) -> cards.CardStep:
        base = cards.CardStep(make_ticket(), "Camden Council", TicketSla(Urgency.NONE), card, zendesk=("note", "tag"))
        return replace(base, **changes)  # type: ignore[arg-type]

    def test_actions(self) -> None:
        assert self.step(None).action is cards.Action.CREATE
        linked = self.step(make_card(), zendesk=())
        assert linked.action is cards.Action.LINKED
        assert not linked.writes_trello
        attach = self.step(make_card(), attach=True, zendesk=())
        assert attach.action is cards.Action.LINK and attach.writes_trello
        assert self.step(make_card()).action is cards.Action.LINK

    def test_descriptions(self) -> None:
        assert (
            self.step(None).describe(self.destination)
            == "make a card in 'Backlog', add a note with the card's URL and the tag to the ticket"
        )
        assert (
            self.step(make_card(), attach=True, zendesk=("tag",)).describe(self.destination)
            == "link card https://trello.com/c/AbCd1234: attach the ticket's URL to the card and "
            "add the tag to the ticket"
        )
        assert self.step(make_card(), zendesk=()).describe(self.destination).startswith("already linked")

    def test_preview_and_records(self) -> None:
        card = make_card(attachments=(Attachment("a1", URL, URL),))
        plan = cards.CardPlan(self.destination, [self.step(None), self.step(card, zendesk=())], join=False)
        assert plan.creates == 1 and plan.links == 0 and len(plan.work) == 1
        would, already = cards.preview(plan)
        record = would.to_record(self.destination)
        assert record["action"] == "would_create"
        assert record["changes"] == ["card", "attachment", "note", "tag"]
        assert record["card_url"] is None
        assert record["list"] == "Backlog"
        assert already.to_record(self.destination)["action"] == "already_linked"
        assert already.to_record(self.destination)["card_url"] == "https://trello.com/c/AbCd1234"

    @pytest.mark.parametrize(
        ("membership", "join", "problem"),
        [
            ("normal", False, None),
            ("admin", False, None),
            (None, False, "are not a member of Trello board"),
            ("observer", False, "are only an observer on Trello board"),
            (None, True, None),
            ("observer", True, None),
        ],
    )
    def test_membership(self, membership: str | None, join: bool, problem: str | None) -> None:
        destination = replace(self.destination, membership=membership)
        plan = cards.CardPlan(destination, [self.step(None)], join=join)
        error = plan.membership_error()
        if problem is None:
            assert error is None
        else:
            assert error is not None and problem in error.message and "--join" in (error.hint or "")
        assert plan.joins is (join and membership not in ("normal", "admin"))
        # Linking the ticket alone writes nothing to Trello: no membership needed.
        only_zendesk = cards.CardPlan(destination, [self.step(make_card(attachments=(Attachment("a", URL, URL),)))])
        assert only_zendesk.membership_error() is None and not only_zendesk.joins


class TestBoardNames:
    board = Board("b1", "pF46aRdl", "Backlog board", "")

    def test_list_by_name_or_the_names_there_are(self) -> None:
        lists = [
            TrelloList("l1", "Backlog", "b1"),
            TrelloList("l2", "In progress", "b1"),
            TrelloList("l3", "Old", "b1", closed=True),
        ]
        assert find_list(lists, "in PROGRESS", self.board).id == "l2"
        with pytest.raises(UsageError) as caught:
            find_list(lists, "Old", self.board)
        assert caught.value.message == "no list 'Old' on Trello board 'Backlog board'"
        assert caught.value.hint == "lists there: 'Backlog', 'In progress'"

    def test_labels_by_name_or_colour(self) -> None:
        labels = [Label("x1", "Bug", "red"), Label("x2", "", "purple")]
        assert find_labels(labels, ["bug", "purple", "Bug"], self.board) == (labels[0], labels[1])
        with pytest.raises(UsageError, match="no label 'Urgent'") as caught:
            find_labels(labels, ["Urgent"], self.board)
        assert caught.value.hint == "labels there: 'Bug', 'purple'"
