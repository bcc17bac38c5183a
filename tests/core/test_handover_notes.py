"""Recognising a handover's notes in a thread, and the handover they came from. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from govpress_support.core.handover_notes import heading, latest, previous_handover, read
from govpress_support.core.models import Comment

AT = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)


def note(comment_id: int, body: str, *, public: bool = False, hours: float = 0) -> Comment:
    return Comment(comment_id, 7, body, public, AT + timedelta(hours=hours))


def test_a_handover_note_is_internal_and_headed_as_a_handover_writes_it() -> None:
    body = f"{heading('Sam Okafor', 'Tom Hughes')}\n\nTried the cache.\n\nAsk me on Slack."
    found = read(note(1, body))
    assert found is not None
    assert (found.giver, found.taker, found.text) == (
        "Sam Okafor",
        "Tom Hughes",
        "Tried the cache.\n\nAsk me on Slack.",
    )
    assert read(note(2, body, public=True)) is None  # a public reply quoting one is no note
    assert read(note(3, "Handover from Sam Okafor to Tom Hughes was mentioned on Slack")) is None
    assert read(note(4, "Some text\nHandover from A to B:")) is None  # only as the first line


def test_the_latest_of_several_is_the_one_shown() -> None:
    thread = [
        note(1, f"{heading('Ade', 'Sam')}\nOld."),
        note(2, "Unrelated."),
        note(3, f"{heading('Sam', 'Tom')}\nNew."),
    ]
    found = latest(thread)
    assert found is not None and (found.comment_id, found.text) == (3, "New.")
    assert latest([note(1, "Nothing here.")]) is None


def test_the_previous_handover_is_the_latest_and_its_batch_with_the_general_line() -> None:
    def handed(comment_id: int, text: str, *, hours: float = 0, giver: str = "Sam") -> Comment:
        return note(comment_id, f"{heading(giver, 'Tom')}\n\n{text}", hours=hours)

    notes = {
        10: read(handed(1, "Mine.\n\nSlack me.")),
        11: read(handed(2, "Slack me.", hours=0.1)),
        12: read(handed(3, "Priya's: note only.", hours=0.1)),  # no general line: someone else's ticket
        13: read(handed(4, "Slack me.", hours=-200, giver="Ade")),  # an older handover, by someone else
    }
    previous = previous_handover({k: v for k, v in notes.items() if v is not None})
    assert previous is not None
    assert (previous.giver, previous.taker, previous.tickets) == ("Sam", "Tom", (10, 11, 12))
    assert previous.general == "Slack me."
    assert previous_handover({}) is None
