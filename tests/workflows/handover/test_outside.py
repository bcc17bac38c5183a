"""The handover beyond your own tickets, in-process against the sandbox: notes on others' tickets
(note only), pushes to a local bare remote, pull requests on the sandbox's GitHub, the Slack post;
with faults where a careless retry would do something twice."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from govpress_support.core import config
from govpress_support.core.errors import AuthError, UsageError
from govpress_support.core.timeutil import now
from govpress_support.sandbox.git_remote import (
    DEFAULT_BRANCHES,
    DIVERGED_SPEC,
    MAIN_AHEAD_SPEC,
    NEW_BRANCH_SPEC,
    GitRemote,
    make_git_remote,
    make_repo_without_remote,
)
from govpress_support.sandbox.seed_github import COOKIE_BRANCH, DIVERGED_BRANCH, HEADER_BRANCH, NEW_BRANCH
from govpress_support.sandbox.seed_github import TOM as TOM_LOGIN
from govpress_support.services.connect import Clients
from govpress_support.workflows.handover import plan as handover
from govpress_support.workflows.handover.apply import PollPolicy
from govpress_support.workflows.handover.models import NOTED, HandoverPlan
from govpress_support.workflows.handover.pulls import marker
from tests.desk import Desk
from tests.handover_checks import HEADING
from tests.seed_names import PRIYA, SAM, SEED, TOM
from tests.transport_faults import TransportFaults

FAST = PollPolicy(first=0.001, growth=1.0, longest=0.001, timeout=5.0)
THEME = "govpress/govpress-theme"
PEOPLE = {"people": {"github": {TOM.email: TOM_LOGIN}, "slack": {TOM.email: "U0TOMHUGHES"}}}


@pytest.fixture
def people(clients: Clients, isolated: Path) -> Clients:
    """The clients, with Tom's GitHub login and Slack member id in the settings."""
    clients.settings = config.load(isolated / "none.toml", {}, PEOPLE)
    return clients


def prepare(clients: Clients, **options: object) -> HandoverPlan:
    return handover.prepare(
        clients.zendesk,
        clients.trello_or_none,
        clients.rota_or_none,
        clients.settings,
        handover.HandoverOptions(**options),  # type: ignore[arg-type]
        state_dir=clients.state_dir,
        now=now(),
        github=clients.github_or_none,
    )


def start(clients: Clients, plan: HandoverPlan) -> handover.HandoverResult:
    return handover.start(clients.zendesk, plan, state_dir=clients.state_dir, poll=FAST, github=clients.github_or_none)


def resume(clients: Clients, plan: HandoverPlan) -> handover.HandoverResult:
    run = handover.unfinished_run(clients.state_dir, plan.zendesk_url, plan.me.id)
    assert run is not None
    return handover.resume(clients.zendesk, run, poll=FAST, github=clients.github_or_none)


def handed_comments(desk: Desk, number: int, repo: str = THEME) -> list[str]:
    return [body for login, body in desk.pull(repo, number)["comments"] if marker(TOM_LOGIN) in body]


# --- notes on others' tickets ---------------------------------------------------------------------


def test_others_tickets_are_offered_in_queue_order_and_only_get_their_note(clients: Clients, desk: Desk) -> None:
    plan = prepare(clients, others=True)
    queue = [t["id"] for t in desk.export('group:"GovPress 2nd line support" status<solved')]
    others = [t.id for t in plan.candidates]
    assert set(others) == {i for i in queue if desk.ticket(i)["assignee_id"] != SAM.id}
    assert SEED.breached_with_card in others and not set(others) & {t.id for t in plan.tickets}
    assert others.index(SEED.breached_with_card) < others.index(SEED.priyas_not_breached)  # breached first

    texts = {plan.tickets[0].id: "Mine: the cache.", SEED.breached_with_card: "Priya's: tried PHP 8.2."}
    planned = plan.with_notes_from(texts, "Ask me on Slack.")
    assert [t.id for t in planned.note_only] == [SEED.breached_with_card]  # only those with a note
    result = start(clients, planned)
    assert result.complete
    assert [t.id for t in result.noted] == [SEED.breached_with_card]
    assert result.outcomes[SEED.breached_with_card].state == NOTED
    ticket = desk.ticket(SEED.breached_with_card)
    assert ticket["assignee_id"] == PRIYA.id  # stays hers
    [note] = [n for n in desk.notes_by(SEED.breached_with_card, SAM.id) if HEADING in n]
    assert "Priya's: tried PHP 8.2." in note and "Ask me on Slack." not in note  # the general line is for yours


def test_only_your_tickets_are_searched_unless_others_are_offered(clients: Clients, faults: TransportFaults) -> None:
    """The queue reads the whole group; the handover's own tickets need only yours (fewer pages
    for a big group), and the group's other tickets are read when they are offered for a note."""

    def searches() -> list[str]:
        tickets = ("/api/v2/search", "/api/v2/search.json", "/api/v2/search/export")
        return [str(r.url.params.get("query")) for r in faults.requests if r.url.path.endswith(tickets)]

    plan = prepare(clients)
    assert searches() and all("assignee:me" in query for query in searches())
    assert plan.candidates == () and plan.tickets
    faults.requests.clear()
    plan = prepare(clients, others=True)
    assert {"assignee:me" in query for query in searches()} == {True, False}
    assert plan.candidates and not {t.id for t in plan.candidates} & {t.id for t in plan.tickets}


def test_a_note_only_ticket_whose_answer_was_lost_gets_its_note_once_on_resume(
    clients: Clients, desk: Desk, faults: TransportFaults
) -> None:
    plan = prepare(clients, others=True)
    planned = plan.with_notes_from({SEED.breached_with_card: "Looked into it."}, None)
    faults.add("PUT", "update_many", "crash")  # applied by Zendesk, then the run is interrupted
    with pytest.raises(KeyboardInterrupt):
        start(clients, planned)
    result = resume(clients, planned)
    assert result.complete and [t.id for t in result.noted] == [SEED.breached_with_card]
    assert len([n for n in desk.notes_by(SEED.breached_with_card, SAM.id) if "Looked into it." in n]) == 1
    assert desk.ticket(SEED.breached_with_card)["assignee_id"] == PRIYA.id


def test_a_note_only_ticket_someone_changed_meanwhile_still_gets_its_note(clients: Clients, desk: Desk) -> None:
    plan = prepare(clients, others=True)
    planned = plan.with_notes_from({SEED.breached_with_card: "Checked the logs."}, None)
    desk.as_agent(PRIYA.email).touch(SEED.breached_with_card)  # Priya works on it: its stamp moves (409)
    result = start(clients, planned)
    assert result.outcomes[SEED.breached_with_card].state == NOTED
    assert len([n for n in desk.notes_by(SEED.breached_with_card, SAM.id) if "Checked the logs." in n]) == 1


# --- pushes -----------------------------------------------------------------------------------


@pytest.fixture
def remote(tmp_path: Path) -> GitRemote:
    return make_git_remote(tmp_path / "git", (*DEFAULT_BRANCHES, NEW_BRANCH_SPEC, DIVERGED_SPEC, MAIN_AHEAD_SPEC))


def test_push_plans_each_branch_ahead_of_its_upstream_and_never_the_default_one(
    people: Clients, remote: GitRemote
) -> None:
    plan = prepare(people, push=True, repos=[remote.workdir])
    planned = {p.branch: p for p in plan.pushes}
    assert set(planned) == {HEADER_BRANCH, COOKIE_BRANCH, NEW_BRANCH, DIVERGED_BRANCH, "main"}
    assert planned[HEADER_BRANCH].commits == 2 and planned[NEW_BRANCH].upstream is None
    assert planned["main"].skip is not None and "default branch" in planned["main"].skip
    assert all(p.github_repo == THEME for p in plan.pushes)


def test_pushes_go_first_a_rejected_one_says_why_and_the_rest_go_on(
    people: Clients, desk: Desk, remote: GitRemote, tmp_path: Path
) -> None:
    loose = make_repo_without_remote(remote.workdir / "scratch")
    plan = prepare(people, push=True, repos=[remote.workdir])
    before = remote.remote_sha("main")
    result = start(people, plan)
    states = {(p.repo, p.branch): result.pushes[p.key] for p in plan.pushes if p.key in result.pushes}
    assert states[(remote.clone, HEADER_BRANCH)].state == "pushed"
    assert states[(remote.clone, NEW_BRANCH)].state == "pushed"
    assert remote.upstream(NEW_BRANCH) == f"origin/{NEW_BRANCH}"  # --set-upstream
    diverged = states[(remote.clone, DIVERGED_BRANCH)]
    assert diverged.state == "failed" and "[rejected] (fetch first)" in (diverged.reason or "")
    no_remote = states[(loose, NEW_BRANCH)]
    assert no_remote.state == "failed" and "'origin' does not appear to be a git repository" in (no_remote.reason or "")
    assert remote.remote_sha("main") == before  # the default branch: never pushed
    for branch in (HEADER_BRANCH, COOKIE_BRANCH, NEW_BRANCH):
        assert remote.remote_sha(branch) == remote.local_sha(branch)
    assert not result.complete and {p.branch for p, _ in result.push_failures} == {DIVERGED_BRANCH, NEW_BRANCH}
    assert result.handed_over  # the tickets went anyway


# --- pull requests ---------------------------------------------------------------------------------


def test_your_open_pull_requests_are_found_by_branch_and_in_the_organisations(
    people: Clients, remote: GitRemote
) -> None:
    plan = prepare(people, repos=[remote.workdir])
    github = plan.github
    assert (github.me, github.login, github.login_source) == ("sam-okafor", TOM_LOGIN, "[people.github]")
    found = {p.ref: p for p in github.pulls}
    # 42 and 43 by their branches and the search; 17 only by the search; Priya's 45, the closed 39
    # and govpress-labs (not a configured organisation) are not yours to hand over
    assert set(found) == {f"{THEME}#42", f"{THEME}#43", f"{THEME}#44", "govpress/govpress-blocks#17"}
    assert found[f"{THEME}#42"].steps == ("assign", "comment")
    assert found[f"{THEME}#44"].steps == ("comment",)  # already assigned to Tom


def test_pull_requests_are_assigned_and_commented_once_and_a_second_run_does_nothing(
    people: Clients, desk: Desk, remote: GitRemote
) -> None:
    result = start(people, prepare(people, repos=[remote.workdir]))
    assert result.complete
    for number in (42, 43, 44):
        assert TOM_LOGIN in desk.pull(THEME, number)["assignees"]
        assert len(handed_comments(desk, number)) == 1
    assert "sam-okafor" in desk.pull(THEME, 43)["assignees"]  # those already there stay
    again = prepare(people, repos=[remote.workdir])
    assert not again.github.to_do and again.nothing_to_do
    assert all(p.skip == f"already handed over to @{TOM_LOGIN}" for p in again.github.pulls)


def test_a_comment_whose_answer_was_lost_is_looked_for_before_it_is_sent_again(
    people: Clients, desk: Desk, faults: TransportFaults, remote: GitRemote
) -> None:
    plan = prepare(people, repos=[remote.workdir])
    faults.add("POST", "/issues/42/comments", "crash")  # made on GitHub, then the run dies
    with pytest.raises(KeyboardInterrupt):
        start(people, plan)
    faults.clear()
    sent = len(faults.sent("POST", "/issues/42/comments"))
    result = resume(people, plan)
    assert result.complete
    assert len(handed_comments(desk, 42)) == 1
    assert len(faults.sent("POST", "/issues/42/comments")) == sent  # found on GitHub, not sent again


def test_the_next_engineer_without_a_known_login_is_said_and_nothing_is_assigned(
    clients: Clients, remote: GitRemote
) -> None:
    plan = prepare(clients, repos=[remote.workdir])
    assert plan.github.login is None and not plan.github.to_do
    assert 'add "tom.hughes@govpress.example" = "THEIR-LOGIN" under [people.github]' in plan.github.notes[0]
    assert plan.github.pulls  # still listed, each saying why


def test_a_login_github_does_not_know_is_refused_before_anything(clients: Clients, isolated: Path) -> None:
    clients.settings = config.load(isolated / "none.toml", {}, {"people": {"github": {TOM.email: "no-such-login"}}})
    with pytest.raises(UsageError, match="GitHub does not know the login 'no-such-login'"):
        prepare(clients)


def test_an_expired_token_is_exit_4_before_anything(
    clients: Clients, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govpress_support import sandbox
    from govpress_support.services.credentials import Secret

    clients.__dict__["github_token"] = Secret(sandbox.GITHUB_EXPIRED_TOKEN, "env GITHUB_TOKEN")
    with pytest.raises(AuthError) as caught:
        prepare(clients)
    assert caught.value.exit_code == 4 and "GitHub rejected the token (401: Bad credentials)" in caught.value.message
    assert "auth login github" in (caught.value.hint or "")


def test_a_rota_that_carries_logins_names_the_next_engineer_on_github_and_slack(clients: Clients) -> None:
    import httpx

    from govpress_support.services.http import HttpClient, ServiceInfo
    from govpress_support.services.rota import RotaClient

    today = now().date()
    person = {"name": TOM.name, "email": TOM.email, "github": TOM_LOGIN, "slack_id": "U0TOMROTA"}
    entries = [
        {"date": today.isoformat(), "role": "dev", "person": {"name": SAM.name, "email": SAM.email}},
        {"date": (today + timedelta(days=7)).isoformat(), "role": "dev", "person": person},
    ]
    url = "https://rota.example/v2/dev/rota.json"
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=entries))
    clients.__dict__["rota_or_none"] = RotaClient(
        HttpClient(ServiceInfo("rota", "check ROTA_URL"), url, transport=transport), url
    )
    plan = prepare(clients)
    assert (plan.target.email, plan.github.login, plan.github.login_source) == (TOM.email, TOM_LOGIN, "the rota")
    assert plan.slack_mention == "U0TOMROTA"
    assert plan.github.to_do  # known from the rota alone: the pull requests are handed over
