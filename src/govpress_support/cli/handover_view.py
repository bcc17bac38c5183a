"""Rendering for `handover`: the plan (on stderr), the result's one-line summary and what was
left undone. Imported only when `handover` runs."""

from __future__ import annotations

from pathlib import Path

from govpress_support.cli.output import Column, Output
from govpress_support.workflows.handover.models import HandoverPlan, HandoverResult, PlannedTicket
from govpress_support.workflows.handover.report import sla
from govpress_support.workflows.handover.run import PastRun

RESUME_SLACK = "`govpress-support handover --slack --resume` posts it"


def show_plan(out: Output, plan: HandoverPlan) -> None:
    """The plan on stderr: pushes first, then the tickets (a table on a terminal), the notes on
    others' tickets, the memberships, the pull requests and the Slack post."""
    source = "next on the rota after you" if plan.target_source == "rota" else "--to"
    out.info(f"Hand over to {plan.target.label()} ({source})")
    _pushes(out, plan)
    mine = plan.mine
    out.info(f"{plan.group_name}: {len(mine)} ticket(s), {plan.with_notes} with a note")
    _tickets(out, plan, mine)
    if plan.note_only:
        out.info(f"Notes on others' tickets (each stays with its assignee): {len(plan.note_only)}")
        for t in plan.note_only:
            out.info(f"  #{t.id} ({t.assignee_name or 'nobody'}'s) {t.subject}")
    if plan.add_member or plan.remove_member or plan.membership_notes:
        out.info("Group membership:")
        if plan.add_member:
            out.info(f"  + {plan.add_member.describe()} (before the tickets move)")
        if plan.remove_member:
            out.info(f"  - {plan.remove_member.describe()} (after every ticket is reassigned)")
        for text in plan.membership_notes:
            out.info(f"  · {text}")
    _pulls(out, plan)
    if plan.slack:
        who = plan.target.name or plan.target.email
        if plan.slack_mention:
            out.info(f"Slack: a summary goes to the team's channel when done, mentioning {who}")
        else:
            out.info(
                f"Slack: a summary goes to the team's channel when done ({who} is not mentioned: "
                "no Slack member id under [people.slack])"
            )
    for repo in plan.git.repos:
        pushed = [p for p in plan.pushes if p.repo == repo.path and p.skip is None]
        rest = "" if not pushed else f" ({len(pushed)} branch(es) pushed by --push)"
        out.warn(f"unpushed work in {repo.path}: {repo.summary()}{rest}")
    if plan.git.repos and not plan.pushes:
        out.note("--push pushes the branches with unpushed commits (never the default branch, never forced)")
    for warning in plan.git.warnings:
        out.warn(warning)
    if plan.trello_reason:
        out.note(plan.trello_reason)


def _pushes(out: Output, plan: HandoverPlan) -> None:
    pushing = [p for p in plan.pushes if p.skip is None]
    if not plan.pushes:
        return
    out.info(f"Push {len(pushing)} branch(es) first (git push --set-upstream origin BRANCH):")
    for push in plan.pushes:
        if push.skip:
            out.info(f"  · {push.describe()}: not pushed: {push.skip}")
        elif push.warning:
            out.warn(f"  {push.describe()}: {push.warning}")
        else:
            out.info(f"  ↑ {push.describe()}")


def _tickets(out: Output, plan: HandoverPlan, mine: list[PlannedTicket]) -> None:
    now = plan.created_at
    if mine and out.stderr_tty:
        records = [
            {
                "id": f"#{t.id}",
                "subject": t.subject,
                "status": t.status_label,
                "sla": sla(t, now).replace("**", ""),
                "to": plan.target.name,
                "note": "✓" if t.note else "—",
            }
            for t in mine
        ]
        columns = [
            Column("id", "ID", justify="right"),
            Column("subject", "Subject", ratio=1, min_width=16),
            Column("status", "Status", max_width=24),
            Column("sla", "SLA"),
            Column("to", "New assignee", max_width=20),
            Column("note", "Note"),
        ]
        out.show(out.table(records, columns))
        return
    lines = [
        f"  #{t.id} → {plan.target.name} ({'note' if t.note else 'no note'}) {t.subject} [{sla(t, now)}]".replace(
            "**", ""
        )
        for t in mine
    ]
    if lines:
        out.info("\n".join(lines))  # one write, however many tickets


def _pulls(out: Output, plan: HandoverPlan) -> None:
    github = plan.github
    if github.pulls:
        to = f"@{github.login} (from {github.login_source})" if github.login else "nobody (login unknown)"
        out.info(f"Pull requests of yours ({len(github.to_do)} to hand over to {to}):")
        for pull in github.pulls:
            what = " and ".join(pull.steps) or "nothing"
            title = f"{pull.ref} {pull.title}" + (" (draft)" if pull.draft else "")
            if pull.skip:
                out.info(f"  · {title}: {pull.skip}")
            else:
                out.info(f"  → {title}: {what}")
    for note in github.notes:
        out.note(note)


def summary(result: HandoverResult) -> str:
    """`12 ticket(s) handed over to Tom Hughes; 2 notes on others' tickets; 2 branch(es) pushed…`."""
    plan = result.plan
    parts = [f"{len(result.handed_over)} ticket(s) handed over to {plan.target.name}"]
    if plan.note_only:
        parts.append(f"{len(result.noted)} note(s) on others' tickets")
    if plan.pushes:
        pushed = sum(1 for o in result.pushes.values() if o.state in ("pushed", "up_to_date"))
        parts.append(f"{pushed} branch(es) pushed")
    if plan.github.to_do:
        parts.append(f"{sum(1 for p in plan.github.to_do if result.pull_done(p))} pull request(s) handed over")
    if result.slack is not None and result.slack.state == "done":
        parts.append("summary posted to Slack")
    return "; ".join(parts)


def problems(result: HandoverResult) -> list[str]:
    """What was left undone, one short phrase each (the Slack post aside)."""
    found = [f"#{t.id} ({o.reason or 'failed'})" for t, o in result.failed]
    found += [f"{m.change.describe()} ({m.reason or 'failed'})" for m in result.membership_failures]
    found += [f"push of {p.branch} in {p.repo.name} ({o.reason or 'failed'})" for p, o in result.push_failures]
    found += [f"{step} on {p.ref} ({o.reason or 'failed'})" for p, step, o in result.pull_failures]
    return found


def slack_problem(result: HandoverResult) -> str | None:
    """Why the summary is not (known to be) in the channel, with how to post it; None when it is,
    or none was asked for."""
    outcome = result.slack
    if outcome is None or outcome.state == "done":
        return None
    if outcome.state == "sending":
        return (
            f"the Slack post may or may not have arrived ({outcome.reason or 'interrupted while posting'}): "
            f"look in the channel; {RESUME_SLACK} again"
        )
    if outcome.state == "failed":
        return f"the summary was not posted to Slack: {outcome.reason}; {RESUME_SLACK}"
    return f"the summary is not posted to Slack yet; {RESUME_SLACK}"


def post_pending(out: Output, run: PastRun, *, asked: bool) -> bool:
    """Whether a finished run's Slack post is to be made now: asked for (`--slack`) and not made,
    or asked for by the run and failed. A post sent without an answer heard is made again only
    when asked."""
    outcome = run.slack
    state = outcome.state if outcome is not None else None
    if state == "done":
        return False
    if asked:
        return True
    if state == "sending":
        out.warn(
            "the Slack post of the last handover may or may not have arrived: look in the channel; "
            "`govpress-support handover --slack --resume` posts it again"
        )
        return False
    return state in ("planned", "failed")


# --- the report file ---------------------------------------------------------------------------


def check_report(path: Path) -> None:
    """Refuse a --report path that cannot be written, before anything is sent (exit 2)."""
    import os

    from govpress_support.core.errors import UsageError

    target = path.expanduser()
    folder = target.parent
    problem = None
    if target.is_dir():
        problem = "it is a directory"
    elif not folder.is_dir():
        problem = f"there is no directory {folder}"
    elif not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        problem = "permission denied"
    if problem is not None:
        raise UsageError(
            f"cannot write the report to {path}: {problem}; nothing was sent",
            "give --report a file in an existing directory, or leave it out to print the report",
        )


def write_report(path: Path, text: str) -> str | None:
    """Write the report; None when done, else why not."""
    import os

    target = path.expanduser()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        return str(exc.strerror or exc)
    return None


def keep_report(state_dir: Path, result: HandoverResult, text: str) -> Path:
    """The report in the state dir (private, beside the journal), when it could not go where asked."""
    from govpress_support.core.private import write_private
    from govpress_support.workflows.handover.plan import journal_dir

    kept = journal_dir(state_dir) / f"report-{result.run_id}.md"
    write_private(kept, text)
    return kept
