"""Notes template and parser: the format the editor and --notes-file share."""

from __future__ import annotations

import pytest

from govpress_support.core.errors import ExitCode
from govpress_support.workflows.handover import notes


def test_template_round_trips_to_no_notes() -> None:
    text = notes.template(
        [notes.TemplateTicket(12, "Footer  broken\non council site", "Open · high"), notes.TemplateTicket(7, "B", "x")],
        ["Handover notes for Tom.", "", "Second line."],
    )
    assert "## #12 Footer broken on council site" in text
    assert "# Open · high" in text
    assert text.index("#12") < text.index("#7")  # the order given (SLA order)
    assert notes.parse(text, [12, 7]) == {}


def test_sections_become_notes_without_comments_or_edge_blank_lines() -> None:
    text = (
        "# header comment\n"
        "\n"
        "## #12 Footer broken\n"
        "# Open · high\n"
        "\n"
        "Tried clearing the cache.\n"
        "  Indented detail stays.\n"
        "# a comment inside\n"
        "\n"
        "Ask Priya about the theme.\n"
        "\n"
        "## 7 no hash before the id is fine\n"
        "\n"
        "## #9 empty section\n"
        "\n"
    )
    assert notes.parse(text, [12, 7, 9]) == {
        12: "Tried clearing the cache.\n  Indented detail stays.\n\nAsk Priya about the theme."
    }


def test_crlf_and_bom_are_accepted() -> None:
    assert notes.parse("\ufeff## #3 x\r\nline one\r\n", [3]) == {3: "line one"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("stray text\n## #1 a\n", "line 1: text before the first ticket section"),
        ("## #1 a\n## Notes\n", "line 2: '## Notes' names no ticket"),
        ("## #1 a\nx\n## #1 again\n", "line 3: ticket #1 has a second section (the first is at line 1)"),
        ("## #1 a\n## #99 b\nnote\n## #98\n", "not unsolved in the group: #98 (line 4), #99 (line 2)"),
        ("## #" + "9" * 5000 + "\n", "line 1: '## #999"),  # past 64 bits (and int()'s 4,300 digits)
        ("## #²\n", "line 1: '## #²' names no ticket"),
    ],
)
def test_malformed_notes_name_the_line(text: str, message: str) -> None:
    with pytest.raises(notes.NotesError) as caught:
        notes.parse(text, [1], source="notes.md")
    assert message in caught.value.message
    assert caught.value.message.startswith("notes.md")
    assert caught.value.exit_code == ExitCode.USAGE


def test_unknown_id_is_an_error_even_when_its_section_is_empty() -> None:
    with pytest.raises(notes.NotesError):
        notes.parse("## #5\n", [1])


def test_compose_heading_text_and_general_line() -> None:
    heading = "Handover from Sam to Tom:"
    assert (
        notes.compose("Did X.", "Ask me on Slack.", heading)
        == "Handover from Sam to Tom:\n\nDid X.\n\nAsk me on Slack."
    )
    assert notes.compose(None, "Ask me.", heading) == "Handover from Sam to Tom:\n\nAsk me."
    assert notes.compose("  ", None, heading) is None
