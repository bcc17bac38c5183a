"""`handover --push --slack` and the pull requests, in-process on the sandbox (a local bare remote
to push to, the sandbox's GitHub and Slack webhook), and bad input for them: each one clear line
with its exit code, before anything is sent. Results are checked through the APIs and git."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from govpress_support import sandbox
from govpress_support.sandbox.git_remote import (
    DEFAULT_BRANCHES,
    DIVERGED_SPEC,
    GitRemote,
    make_git_remote,
    make_repo_without_remote,
)
from govpress_support.sandbox.seed_github import COOKIE_BRANCH, DIVERGED_BRANCH, HEADER_BRANCH
from govpress_support.sandbox.seed_github import TOM as TOM_LOGIN
from tests.cli.conftest import Invoke
from tests.desk import Desk
from tests.handover_checks import assert_handed_over
from tests.seed_names import SEED, TOM

THEME = "govpress/govpress-theme"
PEOPLE = f'[people.github]\n"{TOM.email}" = "{TOM_LOGIN}"\n[people.slack]\n"{TOM.email}" = "U0TOMHUGHES"\n'


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"  # the test's GOVPRESS_SUPPORT_CONFIG
    path.write_text(PEOPLE)
    return path


@pytest.fixture
def remote(tmp_path: Path) -> GitRemote:
    return make_git_remote(tmp_path / "git")


def handed(desk: Desk, number: int) -> int:
    return sum(1 for _, body in desk.pull(THEME, number)["comments"] if f"Handed over to @{TOM_LOGIN}" in body)


def test_push_pull_requests_and_slack_in_one_run_then_nothing_twice(
    cli: Invoke, desk: Desk, people: Path, remote: GitRemote
) -> None:
    args = ("--sandbox", "handover", "--no-notes", "--push", "--slack", "--repos", str(remote.workdir), "--yes")
    result = cli(*args, "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert [(p["branch"], p["state"]) for p in data["pushes"]] == [(HEADER_BRANCH, "pushed"), (COOKIE_BRANCH, "pushed")]
    assert remote.remote_sha(HEADER_BRANCH) == remote.local_sha(HEADER_BRANCH)
    assert {p["number"]: (p["assign"], p["comment"]) for p in data["pull_requests"] if p["repo"] == THEME} == {
        42: ("done", "done"),
        43: ("done", "done"),
        44: ("skipped", "done"),  # already Tom's: the comment only
    }
    assert data["slack"] == {"state": "posted", "reason": None}
    [post] = desk.slack_posts()
    assert post["text"].startswith("Handover: Sam Okafor → Tom Hughes. <@U0TOMHUGHES> takes over")
    assert "2 branches pushed" in post["text"] and "4 pull requests handed over" in post["text"]
    assert (
        "✓ 12 ticket(s) handed over to Tom Hughes; 2 branch(es) pushed; 4 pull request(s) handed over" in result.stderr
    )

    again = cli(*args)
    assert again.code == 0 and "Nothing to hand over" in again.stderr
    assert [handed(desk, n) for n in (42, 43, 44)] == [1, 1, 1]
    assert len(desk.slack_posts()) == 1


def test_the_plan_lists_pushes_first_and_a_dry_run_changes_nothing(
    cli: Invoke, desk: Desk, people: Path, remote: GitRemote
) -> None:
    before = remote.remote_branches()
    result = cli(
        "--sandbox", "handover", "--no-notes", "--push", "--slack", "--repos", str(remote.workdir), "--dry-run"
    )
    assert result.code == 0, result.stderr
    lines = result.stderr.splitlines()
    push = next(i for i, line in enumerate(lines) if line.startswith("Push 2 branch(es) first"))
    tickets = next(i for i, line in enumerate(lines) if line.startswith("GovPress 2nd line support:"))
    assert push < tickets
    assert f"  → {THEME}#42 Header colour from the new brand palette (#4015): assign and comment" in lines
    assert "Slack: a summary goes to the team's channel when done, mentioning Tom Hughes" in lines
    assert remote.remote_branches() == before and desk.slack_posts() == [] and handed(desk, 42) == 0


def test_a_refused_push_is_git_s_reason_and_the_rest_goes_on(
    cli: Invoke, desk: Desk, people: Path, tmp_path: Path
) -> None:
    remote = make_git_remote(tmp_path / "git", (*DEFAULT_BRANCHES, DIVERGED_SPEC))
    loose = make_repo_without_remote(remote.workdir / "scratch")
    result = cli("--sandbox", "handover", "--no-notes", "--push", "--repos", str(remote.workdir), "--yes")
    assert result.code == 3, result.stderr
    assert f"push of {DIVERGED_BRANCH} in govpress-theme ([rejected] (fetch first)" in result.stderr
    assert (
        "push of spike/4023-events-timezone in scratch (fatal: 'origin' does not appear to be a git repository"
        in result.stderr
    )
    assert "warning:   spike/4023-events-timezone in " in result.stderr and "no remote named origin" in result.stderr
    assert remote.remote_sha(HEADER_BRANCH) == remote.local_sha(HEADER_BRANCH)  # the rest went on
    assert "- `fix/4019-yoast-sitemap` (govpress/govpress-theme): **failed**: [rejected] (fetch first)" in result.stdout
    assert loose.exists()
    ids = [
        t["id"] for t in desk.export('group:"GovPress 2nd line support" status<solved') if t["assignee_id"] == TOM.id
    ]
    assert ids  # the tickets were handed over all the same


def test_a_failed_slack_post_never_undoes_the_handover_and_resume_posts_it(
    cli: Invoke, desk: Desk, people: Path
) -> None:
    desk.slack_fail("channel_is_archived")
    result = cli("--sandbox", "handover", "--no-notes", "--slack", "--yes")
    assert result.code == 3
    assert result.stderr.splitlines()[-1] == (
        "error: the handover is done, but the summary was not posted to Slack: Slack refused the message "
        "(410 channel_is_archived: the webhook's channel is archived) (make a new incoming webhook for the channel "
        "and `govpress-support auth login slack`); `govpress-support handover --slack --resume` posts it"
    )
    assert "## Slack\n\nSummary **not posted**" in result.stdout
    held = [t for t in desk.export('group:"GovPress 2nd line support" status<solved') if t["assignee_id"] == TOM.id]
    assert len(held) >= 12 and desk.slack_posts() == []

    posted = cli("--sandbox", "handover", "--slack", "--resume")
    assert posted.code == 0, posted.stderr
    assert "summary posted to Slack" in posted.stderr
    assert len(desk.slack_posts()) == 1
    again = cli("--sandbox", "handover", "--slack", "--resume")
    assert again.code == 0 and "Nothing to post" in again.stderr
    assert len(desk.slack_posts()) == 1


def test_the_general_note_and_notes_on_others_tickets_in_one_file(cli: Invoke, desk: Desk, tmp_path: Path) -> None:
    mine = [t["id"] for t in cli("--sandbox", "handover", "--dry-run", "--json").json()["tickets"]]
    notes = tmp_path / "notes.md"
    notes.write_text(f"## #{mine[0]}\nMine.\n## #{SEED.breached_with_card}\nPriya's: PHP 8.2 image.\n")
    result = cli("--sandbox", "handover", "--notes-file", str(notes), "--note", "Slack me", "--yes", "--json")
    assert result.code == 0, result.stderr
    tickets = result.json()["tickets"]
    assert [(t["id"], t["reassign"], t["outcome"]) for t in tickets if not t["reassign"]] == [
        (SEED.breached_with_card, False, "noted")
    ]
    assert_handed_over(desk, mine, texts={mine[0]: "Mine."}, general="Slack me")


def test_the_editor_template_lists_others_tickets_after_yours_marked_note_only(
    cli: Invoke, desk: Desk, tmp_path: Path
) -> None:
    script = tmp_path / "editor.py"
    script.write_text(
        "import re, sys, pathlib\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text()\n"
        f"pathlib.Path({str(tmp_path / 'template.md')!r}).write_text(text)\n"
        f"text = re.sub(r'^(## #{SEED.breached_with_card} .*)$', r'\\1\\nPriya: look at the logs.', text, flags=re.M)\n"
        "path.write_text(text)\n"
    )
    result = cli("--sandbox", "handover", "--yes", env={"EDITOR": f"{sys.executable} {script}"})
    assert result.code == 0, result.stderr
    template = (tmp_path / "template.md").read_text()
    divider = template.index("note only (a note is added; the ticket stays with its assignee)")
    assert template.index(f"## #{SEED.mine_open} ") < divider < template.index(f"## #{SEED.breached_with_card} ")
    assert "# note only · assigned to Priya Shah · Open" in template
    assert "Priya: look at the logs." in desk.notes_by(SEED.breached_with_card, desk.user(desk.email)["id"])[-1]


# --- bad input: one clear line ------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A sandbox served in a thread, and the environment pointing at it (not in sandbox mode)."""
    server = sandbox.make_server(tmp_path / "served")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sandbox.environment(f"http://127.0.0.1:{server.port}")
    server.shutdown()


def test_a_webhook_url_that_is_not_slack_s_is_refused_before_anything(cli: Invoke, served: dict[str, str]) -> None:
    env = {**served, "SLACK_WEBHOOK_URL": "https://example.org/services/T0/B0/notSlackSecret123"}
    result = cli("handover", "--no-notes", "--slack", "--yes", env=env)
    assert result.code == 2
    assert result.stderr.splitlines() == [
        "error: SLACK_WEBHOOK_URL is not a Slack incoming webhook (example.org): nothing was posted (use the URL "
        "Slack gave you, https://hooks.slack.com/services/T…/B…/…, with `govpress-support auth login slack` or "
        "SLACK_WEBHOOK_URL)"
    ]
    login = cli("auth", "login", "slack", "--with-token", input=env["SLACK_WEBHOOK_URL"] + "\n", env=served)
    assert login.code == 2 and "notSlackSecret123" not in login.stderr


def test_no_webhook_at_all_is_exit_4_with_the_fix(cli: Invoke, served: dict[str, str]) -> None:
    env = {**served, "SLACK_WEBHOOK_URL": ""}
    result = cli("handover", "--no-notes", "--slack", "--yes", env=env)
    assert result.code == 4
    assert "run `govpress-support auth login slack`, or set SLACK_WEBHOOK_URL" in result.stderr


def test_an_expired_github_token_is_exit_4_before_anything(cli: Invoke, desk: Desk, served: dict[str, str]) -> None:
    env = {**served, "GITHUB_TOKEN": sandbox.GITHUB_EXPIRED_TOKEN}
    result = cli("handover", "--no-notes", "--yes", env=env)
    assert result.code == 4
    assert (
        "error: GitHub rejected the token (401: Bad credentials) (run `govpress-support auth login github`"
        in result.stderr
    )
    assert sandbox.GITHUB_EXPIRED_TOKEN not in result.stderr


def test_an_unknown_github_login_is_one_line(cli: Invoke, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(f'[people.github]\n"{TOM.email}" = "tom-nobody-knows"\n')
    result = cli("--sandbox", "handover", "--no-notes", "--yes")
    assert result.code == 2
    assert result.stderr.splitlines()[-1] == (
        "error: GitHub does not know the login 'tom-nobody-knows' (Tom Hughes's, from [people.github]) "
        f'(fix "{TOM.email}" under [people.github] in the config)'
    )


def test_gh_auth_token_is_used_when_nothing_else_is_set(cli: Invoke, served: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "gh.log"
    env = {**served, "GITHUB_TOKEN": "", "FAKE_GH_TOKEN": sandbox.GITHUB_TOKEN, "FAKE_GH_LOG": str(log)}
    status = cli("auth", "status", "--json", env=env)
    github = next(s for s in status.json() if s["service"] == "github")
    assert (github["ok"], github["source"], github["who"]) == (True, "gh auth token", "@sam-okafor (Sam Okafor)")
    assert log.read_text().split() == ["auth", "token", "--hostname", "127.0.0.1"]


def test_auth_login_github_and_slack_keep_them_in_the_keyring(cli: Invoke, served: dict[str, str]) -> None:
    env = {**served, "GITHUB_TOKEN": "", "SLACK_WEBHOOK_URL": ""}
    github = cli("auth", "login", "github", "--with-token", input=sandbox.GITHUB_TOKEN + "\n", env=env)
    assert github.code == 0 and "logged in to GitHub as @sam-okafor (Sam Okafor)" in github.stderr
    slack = cli("auth", "login", "slack", "--with-token", input=served["SLACK_WEBHOOK_URL"] + "\n", env=env)
    assert slack.code == 0 and "nothing was posted" in slack.stderr
    assert "sandboxWebhookSecret0001" not in slack.stderr + slack.stdout
    status = cli("auth", "status", env=env)
    assert "✓ GitHub: @sam-okafor (Sam Okafor)" in status.stdout and "✓ Slack:" in status.stdout
    wrong = cli("auth", "login", "github", "--with-token", input=sandbox.GITHUB_EXPIRED_TOKEN + "\n", env=env)
    assert wrong.code == 4


def test_a_post_whose_answer_was_never_heard_is_not_sent_again_unless_asked(
    cli: Invoke, desk: Desk, tmp_path: Path
) -> None:
    done = cli("--sandbox", "handover", "--no-notes", "--yes")
    assert done.code == 0, done.stderr
    [journal] = (tmp_path / "state" / "handover").glob("*.jsonl")
    with journal.open("a") as handle:  # as a run killed while posting leaves it
        handle.write('{"type":"slack","state":"sending","at":"2026-11-26T17:00:00Z"}\n')
    quiet = cli("--sandbox", "handover", "--resume")
    assert quiet.code == 0
    assert "may or may not have arrived: look in the channel" in quiet.stderr
    assert desk.slack_posts() == []
    asked = cli("--sandbox", "handover", "--slack", "--resume")
    assert asked.code == 0, asked.stderr
    assert len(desk.slack_posts()) == 1


def test_debug_never_shows_the_webhook_or_the_token(cli: Invoke, people: Path) -> None:
    result = cli("--sandbox", "--debug", "handover", "--no-notes", "--slack", "--yes")
    assert result.code == 0, result.stderr
    assert "> POST ***" in result.stderr  # the request to the webhook is logged, its URL redacted
    assert "sandboxWebhookSecret0001" not in result.stderr + result.stdout
    assert sandbox.GITHUB_TOKEN not in result.stderr.replace("sandbox-github-token-", "")
