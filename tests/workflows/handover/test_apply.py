"""The handover workflow against the in-process sandbox, with faults placed exactly where they
hurt most: a batch's answer lost after Zendesk applied it, a 502 before it did, a crash before
the job id was journaled or while polling, a ticket changed or solved by someone else."""

from __future__ import annotations

import pytest

from govpress_support.core.timeutil import now
from govpress_support.services.connect import Clients
from govpress_support.workflows.handover import plan as handover
from govpress_support.workflows.handover.apply import Listener, PollPolicy, Runner
from govpress_support.workflows.handover.journal import Journal
from govpress_support.workflows.handover.models import FAILED, HANDED_OVER, HandoverPlan, TicketOutcome
from govpress_support.workflows.handover.state import RunState, replay
from tests.desk import Desk
from tests.handover_checks import assert_handed_over, assert_still_sams
from tests.seed_names import PRIYA, SAM, SECOND_LINE, SEED, TOM
from tests.transport_faults import TransportFaults

FAST = PollPolicy(first=0.001, growth=1.0, longest=0.001, timeout=5.0)


def prepare(clients: Clients, options: handover.HandoverOptions | None = None) -> HandoverPlan:
    return handover.prepare(
        clients.zendesk,
        clients.trello_or_none,
        clients.rota_or_none,
        clients.settings,
        options or handover.HandoverOptions(),
        state_dir=clients.state_dir,
        now=now(),
    )


def plan_with_notes(clients: Clients, *, every: str | None = "Ask me on Slack.") -> HandoverPlan:
    plan = prepare(clients)
    texts = {t.id: f"Looked into #{t.id}: the cache." for t in plan.tickets[::2]}
    return plan.with_notes_from(texts, every)


def start(clients: Clients, plan: HandoverPlan) -> handover.HandoverResult:
    return handover.start(clients.zendesk, plan, state_dir=clients.state_dir, poll=FAST)


def resume(clients: Clients, plan: HandoverPlan) -> handover.HandoverResult:
    run = handover.unfinished_run(clients.state_dir, plan.zendesk_url, plan.me.id)
    assert run is not None
    return handover.resume(clients.zendesk, run, poll=FAST)


def texts_of(plan: HandoverPlan) -> dict[int, str]:
    return {t.id: t.note_text for t in plan.tickets if t.note_text}


def updates(faults: TransportFaults) -> int:
    return sum(1 for line in faults.log if line.endswith("/update_many"))


def test_planning_reads_the_suspended_tickets_once(clients: Clients, faults: TransportFaults) -> None:
    """The plan lists them itself: its queue reads (yours, and the group's others) do not count them again."""
    plan = prepare(clients, handover.HandoverOptions(others=True))
    assert plan.suspended is not None and plan.candidates
    assert faults.log.count("GET /api/v2/suspended_tickets") == 1


def test_plan_reads_target_tickets_in_sla_order_and_memberships(clients: Clients, desk: Desk) -> None:
    plan = prepare(clients)
    assert plan.me.email == SAM.email
    assert (plan.target.email, plan.target_source) == (TOM.email, "rota")
    assert len(plan.tickets) >= 10
    from govpress_support.workflows.queue import QueueOptions, fetch_queue

    queue = fetch_queue(
        clients.zendesk, clients.trello_or_none, clients.settings, QueueOptions(assignee="me"), now=now()
    )
    assert [t.id for t in plan.tickets] == [r.ticket.id for r in queue.rows]
    assert plan.add_member is not None and plan.add_member.user.email == TOM.email
    assert plan.remove_member is not None and plan.remove_member.user.email == SAM.email
    assert_still_sams(desk, [t.id for t in plan.tickets])


def test_happy_path_one_request_per_hundred_and_memberships_in_order(
    clients: Clients, faults: TransportFaults, desk: Desk
) -> None:
    plan = plan_with_notes(clients)
    result = start(clients, plan)
    assert result.complete
    assert len(result.handed_over) == len(plan.tickets)
    assert_handed_over(desk, [t.id for t in plan.tickets], texts=texts_of(plan), general="Ask me")
    log = faults.log
    assert updates(faults) == 1
    add = log.index("POST /api/v2/group_memberships")
    put = next(i for i, line in enumerate(log) if line.endswith("/update_many"))
    remove = next(i for i, line in enumerate(log) if line.startswith("DELETE /api/v2/group_memberships"))
    assert add < put < remove


def test_answer_lost_after_zendesk_applied_the_batch_adds_no_second_note(
    clients: Clients, faults: TransportFaults, desk: Desk
) -> None:
    plan = plan_with_notes(clients)
    faults.add("PUT", "update_many", "lost")
    result = start(clients, plan)
    assert result.complete
    assert_handed_over(desk, [t.id for t in plan.tickets], texts=texts_of(plan), general="Ask me")
    assert updates(faults) == 1  # verified by reading, not resent


def test_502_before_zendesk_applied_the_batch_is_resent_once(
    clients: Clients, faults: TransportFaults, desk: Desk
) -> None:
    plan = plan_with_notes(clients)
    faults.add("PUT", "update_many", "502")
    result = start(clients, plan)
    assert result.complete
    assert_handed_over(desk, [t.id for t in plan.tickets], texts=texts_of(plan), general="Ask me")
    assert updates(faults) == 2


def test_crash_before_the_job_id_was_journaled_then_resume(
    clients: Clients, faults: TransportFaults, desk: Desk
) -> None:
    plan = plan_with_notes(clients)
    faults.add("PUT", "update_many", "crash")
    with pytest.raises(KeyboardInterrupt):
        start(clients, plan)
    run = handover.unfinished_run(clients.state_dir, plan.zendesk_url, plan.me.id)
    assert run is not None
    kinds = [r["type"] for r in run.journal.records()]
    assert kinds[-1] == "batch" and "job" not in kinds
    result = resume(clients, plan)
    assert result.complete and result.resumed
    assert_handed_over(desk, [t.id for t in plan.tickets], texts=texts_of(plan), general="Ask me")
    assert updates(faults) == 1
    assert handover.unfinished_run(clients.state_dir, plan.zendesk_url, plan.me.id) is None


def test_crash_while_polling_then_resume_polls_the_journaled_job(
    clients: Clients, faults: TransportFaults, desk: Desk
) -> None:
    plan = plan_with_notes(clients)
    faults.add("GET", "job_statuses", "crash")
    with pytest.raises(KeyboardInterrupt):
        start(clients, plan)
    result = resume(clients, plan)
    assert result.complete
    assert_handed_over(desk, [t.id for t in plan.tickets], texts=texts_of(plan), general="Ask me")
    assert updates(faults) == 1


def test_ticket_solved_by_someone_else_is_reported_and_the_rest_go_on(clients: Clients, desk: Desk) -> None:
    plan = plan_with_notes(clients)
    victim = plan.tickets[0].id
    desk.as_agent(PRIYA.email).update(victim, status="solved")
    result = start(clients, plan)
    assert not result.complete
    [(failed, outcome)] = result.failed
    assert failed.id == victim
    assert outcome.reason is not None and outcome.reason.startswith("solved meanwhile")
    rest = [t.id for t in plan.tickets if t.id != victim]
    assert_handed_over(desk, rest, texts=texts_of(plan), general="Ask me")
    assert not [n for n in desk.notes_by(victim, SAM.id) if "Handover from" in n]  # no note on it


def test_ticket_updated_meanwhile_but_still_yours_is_resent_with_a_fresh_stamp(
    clients: Clients, faults: TransportFaults, desk: Desk
) -> None:
    plan = plan_with_notes(clients)
    touched = plan.tickets[1].id
    desk.as_agent(PRIYA.email).update(touched, comment={"body": "Priya: the client called about this", "public": False})
    result = start(clients, plan)
    assert result.complete
    assert_handed_over(desk, [t.id for t in plan.tickets], texts=texts_of(plan), general="Ask me")
    assert updates(faults) == 2  # the batch, then the one conflicted ticket again


def test_membership_stays_while_the_desk_shows_a_ticket_still_yours_whatever_the_journal_says(
    clients: Clients, desk: Desk
) -> None:
    """The journal claims every ticket went (nothing "still yours"), but none was sent: removing Sam
    would make Zendesk unassign them all. What the desk shows decides."""
    plan = plan_with_notes(clients, every=None)
    journal = Journal.create(clients.state_dir / "handover", "test-run")
    journal.append({"type": "plan", "plan": plan.to_dict()})
    state = RunState(plan=plan)
    stuck = plan.tickets[0].id
    state.outcomes = {t.id: TicketOutcome(t.id, HANDED_OVER) for t in plan.tickets}
    state.outcomes[stuck] = TicketOutcome(stuck, FAILED, "Zendesk refused: RecordInvalid")
    memberships = Runner(clients.zendesk, journal, state, poll=FAST).run()
    removal = next(m for m in memberships if m.change.action == "remove")
    assert removal.state == "skipped"
    assert f"#{stuck}, " in (removal.reason or "") and "still assigned to you there" in (removal.reason or "")
    assert SAM.id in desk.members(SECOND_LINE)
    assert_still_sams(desk, [t.id for t in plan.tickets])
    assert replay(journal.records()).finished_at is not None


def test_a_ticket_given_to_you_during_the_handover_keeps_you_in_the_group(clients: Clients, desk: Desk) -> None:
    """Someone assigns Sam a 2nd line ticket while the handover runs: it was never in the plan,
    and the journal knows nothing of it; the desk does, so Sam stays (and keeps the ticket)."""
    plan = plan_with_notes(clients, every=None)
    arriving = SEED.unassigned_2nd_line

    def meanwhile(message: str) -> None:
        if message.startswith("added "):
            desk.as_agent(PRIYA.email).update(arriving, assignee_id=SAM.id)

    result = handover.start(
        clients.zendesk, plan, state_dir=clients.state_dir, poll=FAST, listener=Listener(step=meanwhile)
    )
    assert len(result.handed_over) == len(plan.tickets)
    [removal] = [m for m in result.memberships if m.change.action == "remove"]
    assert removal.state == "skipped" and f"#{arriving} still assigned to you" in (removal.reason or "")
    assert SAM.id in desk.members(SECOND_LINE)
    assert desk.ticket(arriving)["assignee_id"] == SAM.id


def test_resume_after_success_changes_nothing(clients: Clients) -> None:
    plan = plan_with_notes(clients)
    start(clients, plan)
    assert handover.unfinished_run(clients.state_dir, plan.zendesk_url, plan.me.id) is None
    again = prepare(clients)
    assert again.nothing_to_do
    [run] = handover.past_runs(clients.state_dir, plan.zendesk_url, plan.me.id)
    assert run.finished_at is not None


def test_an_unfinished_run_blocks_a_new_one(clients: Clients, faults: TransportFaults) -> None:
    from govpress_support.core.errors import UsageError

    plan = plan_with_notes(clients)
    faults.add("PUT", "update_many", "crash")
    with pytest.raises(KeyboardInterrupt):
        start(clients, plan)
    with pytest.raises(UsageError, match="is not finished"):
        prepare(clients)


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("nobody@govpress.example", "no Zendesk user has that email"),
        (SAM.email, "is you"),
        ("not-an-email", "is not an email address"),
    ],
)
def test_bad_targets(clients: Clients, to: str, message: str) -> None:
    from govpress_support.core.errors import UsageError

    with pytest.raises(UsageError, match=message):
        prepare(clients, handover.HandoverOptions(to=to))


def test_end_user_target_is_refused(clients: Clients, desk: Desk) -> None:
    from govpress_support.core.errors import UsageError

    customer = next(u for u in desk.get("/api/v2/users/search", query="gov")["users"] if u["role"] == "end-user")
    with pytest.raises(UsageError, match="is not a Zendesk agent"):
        prepare(clients, handover.HandoverOptions(to=customer["email"]))


def test_keep_membership_refuses_a_target_outside_the_group(clients: Clients) -> None:
    from govpress_support.core.errors import UsageError

    with pytest.raises(UsageError, match="assigns a ticket only to a member"):
        prepare(clients, handover.HandoverOptions(keep_membership=True))
