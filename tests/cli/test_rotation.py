"""`doctor` and `start-rotation` on the in-process sandbox, checked through the APIs after."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.seed_names import ADE, BACKLOG, MORGAN, PRIYA, SAM, SECOND_LINE, SECOND_LINE_NAME, SEED, TOM, WEEK
from tests.support import sent_requests

TEMPLATE_COPY = "Add Sam Okafor to the support rota"


@pytest.fixture(autouse=True)
def config(tmp_path: Path) -> Path:
    """Tools that exist on any machine, and the permanent members of the seeded desk."""
    path = tmp_path / "config.toml"
    path.write_text(
        "[groups]\n"
        'permanent_members = ["morgan.lee@govpress.example", "ade.bello@govpress.example"]\n'
        "[rotation.tools]\n"
        'sh = "install a POSIX shell"\n'
    )
    return path


def template_copies(desk: Desk) -> list[dict[str, Any]]:
    return [c for c in desk.cards(BACKLOG) if c["name"] == TEMPLATE_COPY]


def priyas_tickets(desk: Desk) -> list[int]:
    """Priya's unsolved 2nd line tickets (the seed gives her two)."""
    found = desk.search(f'group:"{SECOND_LINE_NAME}" status<solved assignee:{PRIYA.email}')["results"]
    return sorted(t["id"] for t in found)


def priya_hands_over(desk: Desk) -> None:
    """Priya's 2nd line tickets go to Ade, as her handover would have done: she may then leave."""
    for ticket_id in priyas_tickets(desk):
        desk.update(ticket_id, assignee_id=ADE.id)


def test_doctor_on_a_fresh_sandbox(cli: Invoke) -> None:
    result = cli("--sandbox", "doctor", "--json")
    assert result.code == 1  # not yet a member of the boards
    checks = {c["name"]: c for c in result.json()}
    assert checks["config"]["ok"]
    assert checks["Zendesk login"]["ok"]
    assert "Sam Okafor" in checks["Zendesk login"]["detail"]
    assert all(checks[f"group {a}"]["ok"] for a in ("triage", "1st", "2nd", "scoping"))
    assert checks["group memberships"]["ok"]
    assert not checks["Backlog board"]["ok"]
    assert "start-rotation" in checks["Backlog board"]["fix"]
    assert checks["rota service"]["ok"]
    assert checks["tool sh"]["ok"]


def test_doctor_names_missing_tools_with_their_hint(cli: Invoke, config: Path) -> None:
    config.write_text('[rotation.tools]\nwhippet-not-here = "brew install dxw/tap/whippet"\n')
    result = cli("--sandbox", "doctor")
    assert result.code == 1
    assert "✗ tool whippet-not-here: not on PATH" in result.stdout
    assert "fix: brew install dxw/tap/whippet" in result.stdout


def test_doctor_for_an_agent_says_who_to_ask(cli: Invoke, desk: Desk) -> None:
    """Tom, an agent outside 2nd line, cannot join it himself."""
    assert TOM.id not in desk.members(SECOND_LINE)
    checks = {c["name"]: c for c in cli("--sandbox", "doctor", "--json", env={"ZENDESK_EMAIL": TOM.email}).json()}
    assert not checks["group memberships"]["ok"]
    assert "Morgan Lee" in checks["group memberships"]["fix"]  # the admin in the 2nd line group


def test_full_start_then_a_second_run_changes_nothing(cli: Invoke, desk: Desk) -> None:
    assert PRIYA.id in desk.members(SECOND_LINE)
    priya_hands_over(desk)
    first = cli("--sandbox", "--debug", "start-rotation", "--yes", "--json")
    assert first.code == 0, first.stderr
    assert sent_requests(first.stderr).count("GET /api/v2/suspended_tickets") == 1  # the list, not a count too
    data = first.json()
    assert data["previous"] == {"name": "Priya Shah", "email": "priya.shah@govpress.example", "source": "rota"}
    assert data["first_time"] is True
    kinds = sorted(r["kind"] for r in data["results"])
    assert kinds == ["copy_template", "join_board", "join_board", "remove_member"]
    assert all(r["ok"] for r in data["results"])
    assert data["blocked"] == []
    # the briefing
    assert data["tickets"]
    assert data["tickets"][0]["sla_urgency"] == "breached"
    assert data["deadlines"] == sorted(data["deadlines"], key=lambda d: d["due_at"])
    assert data["without_trello_card"]
    assert "#dxw-govpress-support-2nd-line" in data["slack_channels"]
    assert len(data["suspended"]) == 3

    # verified through the APIs
    after = desk.members(SECOND_LINE)
    assert SAM.id in after
    assert PRIYA.id not in after
    assert {MORGAN.id, ADE.id} <= after
    assert desk.on_board(BACKLOG)
    assert desk.on_board(WEEK)
    copies = template_copies(desk)
    assert len(copies) == 1
    me = desk.trello_me()["id"]
    assert copies[0]["idMembers"] == [me]

    second = cli("--sandbox", "start-rotation", "--yes", "--json")
    assert second.code == 0
    assert second.json()["planned"] == []
    assert second.json()["results"] == []
    assert "nothing to change" in second.stderr
    assert len(template_copies(desk)) == 1
    assert desk.members(SECOND_LINE) == after


def test_the_previous_engineer_who_still_holds_tickets_stays(cli: Invoke, desk: Desk) -> None:
    """Removing Priya would make Zendesk unassign her tickets: she stays, the tickets are named,
    and the rest is done (exit 3)."""
    held = priyas_tickets(desk)
    assert len(held) == 2
    result = cli("--sandbox", "start-rotation", "--yes", "--json")
    assert result.code == 3
    [blocked] = result.json()["blocked"]
    assert blocked.startswith(
        f"Priya Shah still holds 2 unsolved ticket(s) in '{SECOND_LINE_NAME}' (#{held[0]}, #{held[1]})"
    )
    assert "remove_member" not in [r["kind"] for r in result.json()["results"]]
    assert PRIYA.id in desk.members(SECOND_LINE)
    assert [desk.ticket(i)["assignee_id"] for i in held] == [PRIYA.id, PRIYA.id]
    assert desk.on_board(BACKLOG)  # the rest was done


def test_membership_forbidden_carries_on_and_exits_3(cli: Invoke, desk: Desk) -> None:
    priya_hands_over(desk)
    desk.set_role(SAM.email, "agent")
    result = cli("--sandbox", "start-rotation", "--yes")
    assert result.code == 3
    assert "ask an admin to remove Priya Shah from 'GovPress 2nd line support'" in result.stderr
    assert PRIYA.id in desk.members(SECOND_LINE)
    assert desk.on_board(BACKLOG)  # the rest was done
    assert len(template_copies(desk)) == 1


def test_without_a_rota_answer_nobody_is_removed(cli: Invoke, desk: Desk, config: Path) -> None:
    """No rota, and no --previous: the members are listed and nobody leaves, even with no
    permanent members configured (the group would otherwise be emptied)."""
    priya_hands_over(desk)
    config.write_text('[rotation.tools]\nsh = "install a POSIX shell"\n')  # no permanent members
    desk.settings(rota="down")
    before = desk.members(SECOND_LINE)
    result = cli("--sandbox", "start-rotation", "--yes", "--json")
    assert result.code == 0, result.stderr
    assert "rota service unavailable" in result.stderr
    assert result.json()["previous"] is None
    assert "remove_member" not in [s["kind"] for s in result.json()["planned"]]
    assert (
        "no rota answer to say who was on before you, so nobody is removed from 'GovPress 2nd line support' "
        "(in it: Ade Bello <ade.bello@govpress.example>, Morgan Lee <morgan.lee@govpress.example>, "
        "Priya Shah <priya.shah@govpress.example>); pass --previous EMAIL"
    ) in result.stderr
    assert desk.members(SECOND_LINE) == before | {SAM.id}


def test_without_a_rota_answer_a_terminal_may_pick_the_previous_engineer(
    cli: Invoke, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govpress_support.cli import output

    priya_hands_over(desk)
    desk.settings(rota="down")
    monkeypatch.setattr(output, "_isatty", lambda stream: True)
    result = cli("--sandbox", "start-rotation", input="1\ny\n")
    assert result.code == 0, result.stderr
    assert "1. Priya Shah <priya.shah@govpress.example>" in result.stderr
    assert "previous engineer: Priya Shah <priya.shah@govpress.example> (from --previous)" in result.stderr
    assert PRIYA.id not in desk.members(SECOND_LINE)
    assert {MORGAN.id, ADE.id} <= desk.members(SECOND_LINE)


def test_rota_junk_is_said_and_survived(cli: Invoke, desk: Desk) -> None:
    desk.settings(rota="junk")
    result = cli("--sandbox", "start-rotation", "--dry-run")
    assert result.code == 0
    assert "rota service unavailable" in result.stderr
    assert "HTML page titled" in result.stderr


def test_dry_run_changes_nothing(cli: Invoke, desk: Desk) -> None:
    priya_hands_over(desk)
    before = desk.members(SECOND_LINE)
    result = cli("--sandbox", "start-rotation", "--dry-run", "--markdown")
    assert result.code == 0
    assert "• remove Priya Shah from 'GovPress 2nd line support'" in result.stderr
    assert "dry run: nothing changed" in result.stderr
    assert result.stdout.startswith("# 2nd line briefing: Sam Okafor")
    assert "## Slack channels to join" in result.stdout
    assert desk.members(SECOND_LINE) == before
    assert not desk.on_board(BACKLOG)
    assert template_copies(desk) == []


def test_off_a_terminal_without_yes_nothing_happens(cli: Invoke, desk: Desk) -> None:
    before = desk.members(SECOND_LINE)
    result = cli("--sandbox", "start-rotation")
    assert result.code == 2
    assert "pass --yes" in result.stderr
    assert desk.members(SECOND_LINE) == before


def test_unknown_previous_engineer(cli: Invoke) -> None:
    result = cli("--sandbox", "start-rotation", "--previous", "ghost@govpress.example", "--dry-run")
    assert result.code == 2
    assert "no Zendesk user with email ghost@govpress.example" in result.stderr


def test_permanent_member_named_as_previous_stays(cli: Invoke, desk: Desk) -> None:
    result = cli("--sandbox", "start-rotation", "--previous", "morgan.lee@govpress.example", "--yes")
    assert result.code == 0
    assert "Morgan Lee is a permanent member" in result.stderr
    assert MORGAN.id in desk.members(SECOND_LINE)


def test_renamed_second_line_group(cli: Invoke, config: Path) -> None:
    config.write_text('[groups]\nsecond_line = "GovPress 2nd-line"\n')
    result = cli("--sandbox", "start-rotation", "--dry-run")
    assert result.code == 2
    assert "no Zendesk group 'GovPress 2nd-line'" in result.stderr


def test_template_card_gone(cli: Invoke, config: Path) -> None:
    config.write_text('[trello]\nrota_template_card = "ZZZZZZZZ"\n')
    result = cli("--sandbox", "start-rotation", "--yes")
    assert result.code == 3
    assert "the rota template card ZZZZZZZZ is gone" in result.stderr


def test_the_next_engineer_added_by_the_handover_is_not_told_to_ask_for_it(cli: Invoke, desk: Desk) -> None:
    """Tom, an agent, was added to 2nd line by Sam's handover: doctor and his briefing say he is in
    it, not "ask Morgan Lee to add you"."""
    assert cli("--sandbox", "handover", "--to", TOM.email, "--no-notes", "--yes").code == 0
    assert TOM.id in desk.members(SECOND_LINE)
    as_tom = {"ZENDESK_EMAIL": TOM.email}
    checks = {c["name"]: c for c in cli("--sandbox", "doctor", "--json", env=as_tom).json()}
    membership = checks["group memberships"]
    assert membership["ok"] and membership["fix"] is None
    assert membership["detail"].startswith("you are in 'GovPress 2nd line support' (your role, agent")
    briefing = cli("--sandbox", "start-rotation", "--dry-run", "--json", env=as_tom).json()
    assert "group memberships" not in [c["name"] for c in briefing["doctor_failures"]]


# --- what the last engineer left ------------------------------------------------------------------


def sam_hands_over(cli: Invoke, tmp_path: Path) -> dict[int, str]:
    """Sam's handover with notes on two of his tickets and one of Priya's, and a general line."""
    mine = [t["id"] for t in cli("--sandbox", "handover", "--dry-run", "--json").json()["tickets"]]
    texts = {
        mine[0]: "The SMTP relay rejects our mail.",
        mine[1]: "Waiting on the client.",
        SEED.breached_with_card: "PHP 8.2 image needed.",
    }
    notes = tmp_path / "notes.md"
    notes.write_text("".join(f"## #{i}\n{text}\n" for i, text in texts.items()))
    done = cli("--sandbox", "handover", "--notes-file", str(notes), "--note", "Slack me until Friday", "--yes")
    assert done.code == 0, done.stderr
    return texts


AS_TOM = {"ZENDESK_EMAIL": TOM.email}


def test_the_next_engineer_s_briefing_shows_the_handover_notes(cli: Invoke, desk: Desk, tmp_path: Path) -> None:
    texts = sam_hands_over(cli, tmp_path)
    result = cli("--sandbox", "start-rotation", "--yes", "--json", env=AS_TOM)
    assert result.code == 0, result.stderr
    data = result.json()
    previous = data["previous_handover"]
    assert (previous["from"], previous["to"], previous["general"]) == (SAM.name, TOM.name, "Slack me until Friday")
    assert set(texts) <= set(previous["tickets"])
    notes = {t["id"]: t["handover_note"] for t in data["tickets"]}
    for ticket_id, text in texts.items():
        assert notes[ticket_id]["from"] == SAM.name and notes[ticket_id]["to"] == TOM.name
        assert notes[ticket_id]["text"].startswith(text) and notes[ticket_id]["at"]
    assert notes[SEED.breached_with_card]["text"] == "PHP 8.2 image needed."  # note only: no general line
    untouched = [t for t in data["tickets"] if t["assignee_email"] == MORGAN.email]
    assert untouched and all(t["handover_note"] is None for t in untouched)

    markdown = cli("--sandbox", "start-rotation", "--yes", "--markdown", env=AS_TOM).stdout
    top = markdown.split("\n## ")[0]
    assert f"Previous handover: {SAM.name} → {TOM.name}," in top and "General note: Slack me until Friday" in top
    section = markdown.split("## Handover notes\n")[1].split("\n## ")[0]
    assert f"[#{SEED.breached_with_card}]" in section and "PHP 8.2 image needed." in section


def test_start_rotation_slack_posts_the_briefing_and_a_refusal_is_exit_3(
    cli: Invoke, desk: Desk, tmp_path: Path
) -> None:
    sam_hands_over(cli, tmp_path)
    result = cli("--sandbox", "start-rotation", "--yes", "--slack", env=AS_TOM)
    assert result.code == 0, result.stderr
    [post] = desk.slack_posts()
    assert post["text"].startswith("Tom Hughes starts 2nd line:")
    assert "Handed over by Sam Okafor" in post["blocks"][1]["text"]["text"]
    desk.slack_fail("action_prohibited")
    refused = cli("--sandbox", "start-rotation", "--yes", "--slack", env=AS_TOM)
    assert refused.code == 3
    assert (
        "error: the briefing was not posted to Slack: Slack refused the message (403 action_prohibited"
        in refused.stderr
    )
    dry = cli("--sandbox", "start-rotation", "--dry-run", "--slack", env=AS_TOM)
    assert dry.code == 0 and len(desk.slack_posts()) == 1
