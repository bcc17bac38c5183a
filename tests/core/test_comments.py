"""Is this note already there? One rule for notes, reasons, handover notes and read-backs."""

from __future__ import annotations

from datetime import UTC, datetime

from govpress_support.core.comments import is_note
from govpress_support.core.models import Comment

ME, OTHER = 10001, 10002
AT = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def comment(body: str, *, author: int = ME, public: bool = False) -> Comment:
    return Comment(1, author, body, public, AT)


def test_a_note_rewrapped_by_zendesk_is_still_the_note() -> None:
    note = "Handover from Sam:\n\nLine one\nline two"
    assert is_note(comment("Handover from Sam: Line one line two"), note, ME)
    assert is_note(comment("  Handover from Sam:   Line one\n\nline two\n"), note, ME)


def test_part_of_the_note_is_not_the_note() -> None:
    assert not is_note(comment("Handover from Sam: Line one"), "Handover from Sam:\n\nLine one\nline two", ME)


def test_only_our_internal_notes_count() -> None:
    assert not is_note(comment("Checked the logs", author=OTHER), "Checked the logs", ME)
    assert not is_note(comment("Checked the logs", public=True), "Checked the logs", ME)
    assert is_note(comment("Checked the logs"), "Checked the logs", ME)


def test_an_older_note_that_holds_the_words_is_not_this_note() -> None:
    """`note 4012 "Deployed"` after "Deployed to staging" is a new note, never skipped."""
    assert not is_note(comment("Deployed to staging"), "Deployed", ME)


def test_a_reply_and_a_note_with_the_same_words_are_never_each_other() -> None:
    from govpress_support.core.comments import is_reply, latest_public

    reply = Comment(1, 7, "Fixed: please  check", public=True, created_at=None)
    note = Comment(2, 7, "Fixed: please check", public=False, created_at=None)
    assert is_reply(reply, "Fixed: please check", 7) and not is_reply(note, "Fixed: please check", 7)
    assert is_note(note, "Fixed: please check", 7) and not is_note(reply, "Fixed: please check", 7)
    assert not is_reply(reply, "Fixed: please check", 8)  # someone else's
    assert not is_reply(reply, "Fixed", 7)  # a shorter text is not the same reply
    assert latest_public([reply, note]) is reply
    assert latest_public([note]) is None
