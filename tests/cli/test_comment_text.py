"""The text of a note or a public reply: read one way (cli/comment_text.py), refused before anything
is sent when it is not UTF-8 or over what Zendesk takes in one comment; a ticket that holds
Zendesk's 5,000 comments said plainly."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from govpress_support.cli.comment_text import read_stdin
from govpress_support.core.comments import COMMENT_LIMIT, clean_note
from govpress_support.core.errors import UsageError
from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import SEED

OVER = "error: the note on stdin is over the 64 KB Zendesk takes in one comment: nothing was sent"
ATTACH = "(attach it as a file to the ticket in Zendesk instead, and say in the note what it is)"


@pytest.mark.parametrize("size", [120 * 1024, 1024 * 1024])
def test_a_big_note_on_stdin_is_refused_before_anything_is_sent(cli: Invoke, desk: Desk, size: int) -> None:
    before = len(desk.comments(SEED.mine_on_hold))
    result = cli("--sandbox", "note", SEED.mine_on_hold, "-", "--yes", input="log line\n" * (size // 9))
    assert result.code == 2
    assert result.stderr == f"{OVER} {ATTACH}\n"
    assert len(desk.comments(SEED.mine_on_hold)) == before


def test_a_big_note_as_an_argument_says_its_size(cli: Invoke, desk: Desk) -> None:
    before = len(desk.comments(SEED.mine_on_hold))
    result = cli("--sandbox", "note", SEED.mine_on_hold, "x" * (70 * 1024), "--yes")
    assert result.code == 2
    assert result.stderr == (
        f"error: the note is 70 KB, over the 64 KB Zendesk takes in one comment: nothing was sent {ATTACH}\n"
    )
    assert len(desk.comments(SEED.mine_on_hold)) == before


def test_a_note_at_the_limit_goes(cli: Invoke, desk: Desk) -> None:
    text = "é" * (COMMENT_LIMIT // 2)  # two bytes each: exactly the limit
    assert clean_note(text) == text
    with pytest.raises(UsageError, match="over the 64 KB"):
        clean_note(text + "e")


def test_seventy_megabytes_on_stdin_are_not_read_whole() -> None:
    class Endless(io.RawIOBase):
        """A 70 MB pipe: counts what is read from it."""

        read_bytes = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            if self.read_bytes >= 70 * 1024 * 1024:
                return 0
            buffer[:] = b"x" * len(buffer)
            self.read_bytes += len(buffer)
            return len(buffer)

    pipe = Endless()
    stdin = io.TextIOWrapper(io.BufferedReader(pipe), encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_stdin(stdin)
    assert caught.value.message.startswith("the note on stdin is over the 64 KB")
    assert pipe.read_bytes < 2 * COMMENT_LIMIT, "refused after reading just past the limit"


def test_a_note_on_stdin_that_is_not_utf8_is_refused(cli: Invoke, desk: Desk) -> None:
    before = len(desk.comments(SEED.mine_on_hold))
    result = cli("--sandbox", "note", SEED.mine_on_hold, "-", "--yes", input=b"caf\xe9 au lait\n")
    assert result.code == 2
    assert result.stderr == (
        "error: the note on stdin is not UTF-8 text (byte 0xe9 at offset 3): nothing was sent (convert it first "
        "(for example `iconv -f latin1 -t utf-8`), or attach the file to the ticket in Zendesk)\n"
    )
    assert len(desk.comments(SEED.mine_on_hold)) == before


def test_a_note_saved_in_the_editor_that_is_not_utf8_is_refused(
    cli: Invoke, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govpress_support.cli import output

    monkeypatch.setattr(output, "_isatty", lambda stream: True)  # a person at a terminal
    script = tmp_path / "latin1_editor.py"
    script.write_text("import sys\nopen(sys.argv[1], 'wb').write(b'caf\\xe9 au lait')\n")
    before = len(desk.comments(SEED.mine_on_hold))
    result = cli("--sandbox", "note", SEED.mine_on_hold, "--yes", env={"EDITOR": f"{sys.executable} {script}"})
    assert result.code == 2
    assert "is not UTF-8 text (byte 0xe9): nothing was sent (save it as UTF-8)" in result.stderr
    assert len(desk.comments(SEED.mine_on_hold)) == before


def test_a_ticket_that_holds_zendesks_5000_comments_is_said_plainly(cli: Invoke, desk: Desk) -> None:
    held = len(desk.comments(SEED.mine_on_hold))
    desk.settings(comment_limit=held)  # the sandbox answers as Zendesk does at 5,000
    result = cli("--sandbox", "note", SEED.mine_on_hold, "One more", "--yes")
    assert result.code == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: nothing was written to ticket {SEED.mine_on_hold}: it already holds {held:,} comments, the most "
        "Zendesk allows on one ticket (Zendesk takes no more comments on it: add a follow-up ticket in Zendesk "
        "and write there)"
    )
    assert len(desk.comments(SEED.mine_on_hold)) == held


def test_in_a_bulk_note_each_full_ticket_is_said_plainly(cli: Invoke, desk: Desk) -> None:
    desk.settings(comment_limit=1)  # every seeded ticket holds at least one comment
    result = cli("--sandbox", "note", SEED.mine_on_hold, SEED.mine_pending, "One more", "--yes")
    assert result.code == 3
    assert f"✗ #{SEED.mine_on_hold} failed: it already holds 1 comments, the most Zendesk allows" in result.stderr
    assert "RecordInvalid" not in result.stderr


# --- replies: the same rule ---------------------------------------------------------------------------


def test_a_big_reply_is_refused_before_anything_is_sent_as_a_note_is(cli: Invoke, desk: Desk) -> None:
    ticket = SEED.breached_urgent
    before = len(desk.comments(ticket))
    piped = cli("--sandbox", "reply", ticket, "-", "--yes", input="log line\n" * (120 * 1024 // 9))
    assert piped.code == 2
    assert piped.stderr == (
        f"error: the reply on stdin is over the 64 KB Zendesk takes in one comment: nothing was sent {ATTACH}\n"
    )
    given = cli("--sandbox", "reply", ticket, "x" * (70 * 1024), "--yes")
    assert given.code == 2
    assert "error: the reply is 70 KB, over the 64 KB Zendesk takes in one comment: nothing was sent" in given.stderr
    assert len(desk.comments(ticket)) == before and desk.emails(ticket) == []


def test_a_macro_with_text_past_the_limit_is_refused_as_one_comment(cli: Invoke, desk: Desk) -> None:
    ticket = SEED.mine_open_with_card
    text = "x" * (COMMENT_LIMIT - 10)  # fits alone; not with the macro's own reply above it
    result = cli("--sandbox", "reply", ticket, text, "--macro", "Ask for more detail", "--yes")
    assert result.code == 2
    assert "error: the reply is 64 KB, over the 64 KB Zendesk takes in one comment: nothing was sent" in result.stderr
    assert desk.emails(ticket) == []


def test_a_reply_on_stdin_that_is_not_utf8_is_refused(cli: Invoke, desk: Desk) -> None:
    ticket = SEED.breached_urgent
    result = cli("--sandbox", "reply", ticket, "-", "--yes", input=b"Bore da, caf\xe9\n")
    assert result.code == 2
    assert "error: the reply on stdin is not UTF-8 text (byte 0xe9 at offset 12): nothing was sent" in result.stderr
    assert desk.emails(ticket) == []
