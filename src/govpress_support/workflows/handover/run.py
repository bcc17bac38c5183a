"""Carrying a handover out: journal the plan, run it, resume it, read past runs, post to Slack.

`start` journals the plan and carries it out (`apply.Runner` for Zendesk, `outside.Outside` for
pushes and pull requests beside it); `resume` finishes an interrupted run from its journal
(`state.py`); `post_to_slack` posts a finished run's summary once, journaled after it.

Journals live in `<state dir>/handover/`, one JSON-lines file per run. A run is "yours" when
its plan names the same Zendesk and the same agent, so one state dir can serve the sandbox and
the real desk without mixing them up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from govpress_support.core.timeutil import iso
from govpress_support.core.timeutil import now as clock_now
from govpress_support.services.github import GitHubClient
from govpress_support.services.slack import SlackWebhook
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.handover import announce
from govpress_support.workflows.handover.apply import Listener, PollPolicy, Runner
from govpress_support.workflows.handover.journal import SUFFIX, Journal, JournalError, journals, new_run_id
from govpress_support.workflows.handover.models import HandoverPlan, HandoverResult, StepOutcome
from govpress_support.workflows.handover.outside import Outside
from govpress_support.workflows.handover.state import (
    RunState,
    membership_outcomes,
    pull_outcomes,
    push_outcomes,
    replay,
    slack_outcome,
)

JOURNAL_DIR = "handover"
WARNING = timedelta(hours=1)  # "breaching soon" in the Slack post: the queue's default `sla_warning`


@dataclass(frozen=True)
class PastRun:
    """A journaled run of yours, for "nothing to do" and "unfinished" messages."""

    journal: Journal
    plan: HandoverPlan
    finished_at: datetime | None
    slack: StepOutcome | None = None  # its Slack post: None when none was asked for

    def describe(self) -> str:
        when = iso(self.finished_at or self.plan.created_at)
        count = len(self.plan.mine)
        verb = "finished" if self.finished_at else "started"
        return f"the handover to {self.plan.target.label()} ({count} tickets) {verb} at {when}"


def journal_dir(state_dir: Path) -> Path:
    return state_dir / JOURNAL_DIR


# --- past runs -----------------------------------------------------------------------------------


def past_runs(state_dir: Path, zendesk_url: str, me_id: int) -> list[PastRun]:
    """Your journaled runs on this Zendesk, oldest first."""
    runs: list[PastRun] = []
    for journal in journals(journal_dir(state_dir)):
        records = journal.records()
        if not records or records[0].get("type") != "plan":
            continue
        try:
            state = replay(records)
        except (KeyError, TypeError, ValueError) as exc:
            # Never skip it: it may be an unfinished run that a new one would repeat.
            raise JournalError(
                f"cannot read the handover journal {journal.path} ({type(exc).__name__}: {exc})",
                "look at it, or move it aside if that handover is settled",
            ) from None
        if state.plan.zendesk_url != zendesk_url or state.plan.me.id != me_id:
            continue
        runs.append(PastRun(journal, state.plan, state.finished_at, slack_outcome(state)))
    return runs


def unfinished_run(state_dir: Path, zendesk_url: str, me_id: int) -> PastRun | None:
    unfinished = [r for r in past_runs(state_dir, zendesk_url, me_id) if r.finished_at is None]
    return unfinished[-1] if unfinished else None


# --- carrying it out -----------------------------------------------------------------------------


def start(
    zendesk: ZendeskClient,
    plan: HandoverPlan,
    *,
    state_dir: Path,
    listener: Listener | None = None,
    poll: PollPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
    github: GitHubClient | None = None,
    slack: SlackWebhook | None = None,
    warning: timedelta = WARNING,
) -> HandoverResult:
    """Journal the plan, then carry it out (with `slack`, the plan's summary is posted too)."""
    journal = Journal.create(journal_dir(state_dir), new_run_id(plan.created_at))
    plan = replace(plan, run_id=journal.run_id, candidates=())
    journal.append({"type": "plan", "plan": plan.to_dict()})
    telling = Telling(slack, warning) if slack is not None and plan.slack else None
    return _run(zendesk, journal, RunState(plan=plan), listener, poll, sleep, github, telling, resumed=False)


def resume(
    zendesk: ZendeskClient,
    run: PastRun,
    *,
    listener: Listener | None = None,
    poll: PollPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
    github: GitHubClient | None = None,
    slack: SlackWebhook | None = None,
    warning: timedelta = WARNING,
    asked: bool = False,
) -> HandoverResult:
    """Finish an interrupted run from its journal: nothing done twice. Its Slack post (when the
    run asked for one, or `asked`) goes out unless it did; one sent without an answer heard is
    sent again only when `asked`."""
    state = replay(run.journal.records())
    wanted = slack is not None and (state.plan.slack or asked)
    telling = Telling(slack, warning, again=asked) if wanted and slack is not None else None
    return _run(zendesk, run.journal, state, listener, poll, sleep, github, telling, resumed=True)


def result_of(run: PastRun) -> HandoverResult:
    """A past run's result, from its journal alone."""
    return _result(replay(run.journal.records()), run.journal, resumed=False)


def _run(
    zendesk: ZendeskClient,
    journal: Journal,
    state: RunState,
    listener: Listener | None,
    poll: PollPolicy | None,
    sleep: Callable[[float], None] | None,
    github: GitHubClient | None,
    telling: Telling | None,
    *,
    resumed: bool,
) -> HandoverResult:
    outside = Outside(journal, state, github, (listener or Listener()).step)

    def tell() -> None:
        assert telling is not None
        telling.post(state, journal, _result(state, journal, resumed=resumed))

    runner = Runner(
        zendesk,
        journal,
        state,
        listener=listener,
        poll=poll,
        side=outside.run if outside.has_work else None,
        then=tell if telling is not None and telling.due(state) else None,
        **({"sleep": sleep} if sleep is not None else {}),
    )
    runner.run()
    return _result(state, journal, resumed=resumed)


def _result(state: RunState, journal: Journal, *, resumed: bool) -> HandoverResult:
    return HandoverResult(
        plan=state.plan,
        run_id=state.plan.run_id or journal.run_id,
        outcomes=dict(state.outcomes),
        memberships=tuple(membership_outcomes(state)),
        finished_at=state.finished_at or state.plan.created_at,
        resumed=resumed,
        pushes=push_outcomes(state),
        pulls=pull_outcomes(state),
        slack=slack_outcome(state),
    )


# --- Slack -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Telling:
    """The run's Slack post: where, what "breaching soon" means, and whether a post sent without
    an answer heard is to be sent again (only when asked)."""

    slack: SlackWebhook
    warning: timedelta
    again: bool = False

    def due(self, state: RunState) -> bool:
        made = (state.slack or {}).get("state")
        return made not in ("done", "sending") or (made == "sending" and self.again)

    def post(self, state: RunState, journal: Journal, result: HandoverResult) -> None:
        payload = announce.handover_message(result, now=clock_now(), warning=self.warning)
        outcome = announce.post(self.slack, journal, payload)
        state.slack = {"type": "slack", "state": outcome.state, "reason": outcome.reason}


def post_to_slack(
    slack: SlackWebhook, result: HandoverResult, *, state_dir: Path, now: datetime, warning: timedelta
) -> HandoverResult:
    """Post the run's summary (journaled: sending, then done or failed); the result with the
    post's outcome. A failure is an outcome, never an exception: the handover stands."""
    journal = Journal(journal_dir(state_dir) / f"{result.run_id}{SUFFIX}")
    payload = announce.handover_message(result, now=now, warning=warning)
    return replace(result, slack=announce.post(slack, journal, payload))
