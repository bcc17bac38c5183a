"""The handover summary in Markdown: for Slack and the next stand-up. Pure.

Times are absolute (UTC) with the distance from when the report was made, since the report is
read later than it is written.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from govpress_support.core.sla import metric_name
from govpress_support.core.timeutil import format_duration
from govpress_support.workflows.handover.gitpush import PlannedPush
from govpress_support.workflows.handover.gitwork import RepoWork
from govpress_support.workflows.handover.models import HandoverResult, PlannedTicket

SUSPENDED_LISTED = 10


def when(moment: datetime | None, now: datetime) -> str:
    """`2026-11-26 15:00 UTC (in 42m)`."""
    if moment is None:
        return "—"
    delta = moment - now
    distance = format_duration(delta)
    relative = f"in {distance}" if delta.total_seconds() >= 0 else f"{distance} ago"
    return f"{moment.strftime('%Y-%m-%d %H:%M')} UTC ({relative})"


def sla(ticket: PlannedTicket, now: datetime) -> str:
    metric = metric_name(ticket.sla_metric)
    prefix = f"{metric} " if metric else ""
    if ticket.sla_urgency == "breached":
        return f"**{prefix}breached** {when(ticket.sla_breach_at, now)}"
    if ticket.sla_urgency == "active":
        return f"{prefix}due {when(ticket.sla_breach_at, now)}"
    if ticket.sla_urgency == "paused":
        return f"{prefix}paused"
    return "no SLA"


def render(result: HandoverResult, now: datetime) -> str:
    plan = result.plan
    handed = result.handed_over
    failed = [(t, o) for t, o in result.failed if t.reassign]
    lines: list[str] = [
        f"# Handover: {plan.me.name or plan.me.email} → {plan.target.name or plan.target.email}",
        "",
        f"{now.strftime('%Y-%m-%d %H:%M')} UTC · {plan.group_name} · "
        f"{_n(len(handed), 'ticket')} handed over"
        + (f" · **{len(failed)} not handed over**" if failed else "")
        + f" · {_n(sum(1 for t in handed if t.note_text), 'ticket note')}"
        + (" · a general note on each" if plan.general_note and handed else "")
        + (f" · {_n(len(result.noted), 'note')} on others' tickets" if plan.note_only else ""),
        "",
    ]

    lines += ["## Tickets handed over", ""]
    if handed:
        lines += ["| Ticket | Subject | Priority | Status | SLA | Due | Trello |", "|---|---|---|---|---|---|---|"]
        for t in handed:
            lines.append(
                f"| [#{t.id}]({t.url}) | {_cell(t.subject)} | {t.priority or '—'} | {_cell(t.status_label)} | "
                f"{sla(t, now)} | {when(t.due_at, now) if t.due_at else '—'} | {_card(t)} |"
            )
    else:
        lines.append("None.")
    lines.append("")

    if failed:
        lines += ["## Not handed over", ""]
        for t, outcome in failed:
            still = " (still assigned to you)" if outcome.still_yours else ""
            lines.append(f"- [#{t.id}]({t.url}) {_cell(t.subject)}: {outcome.reason or 'failed'}{still}")
        lines.append("")

    noted = [t for t in handed if t.note_text]
    lines += ["## Notes", ""]
    if noted:
        for t in noted:
            lines += [f"### [#{t.id}]({t.url}) {_cell(t.subject)}", "", (t.note_text or "").strip(), ""]
    else:
        lines += ["No ticket notes.", ""]
    if plan.general_note:
        where = "every ticket handed over" if plan.note_only else "every ticket"  # not on others' tickets
        lines += [f"On {where}: {plan.general_note}", ""]
    if plan.note_only:
        lines += ["## Notes on others' tickets", ""]
        for t in result.noted:
            lines += [f"### [#{t.id}]({t.url}) {_cell(t.subject)} ({t.assignee_name or 'nobody'}'s)", ""]
            lines += [(t.note_text or "").strip(), ""]
        lines += _undone(result, [t for t in plan.note_only if t not in result.noted])

    lines += ["## Tickets without Trello cards", ""]
    missing = [t for t in handed if t.trello_card == "missing"]
    if plan.trello_reason and not any(t.trello_card != "unknown" for t in handed):
        lines.append(f"Not checked: {plan.trello_reason}.")
    elif missing:
        lines += [f"- [#{t.id}]({t.url}) {_cell(t.subject)}" for t in missing]
    else:
        lines.append("Every ticket handed over has a card.")
    lines.append("")

    if plan.pushes:
        lines += ["## Branches pushed", ""]
        for push in plan.pushes:
            lines.append(f"- `{push.branch}` ({push.github_repo or push.repo}): {_pushed(result, push)}")
        lines.append("")

    lines += _pulls(result)

    lines += ["## Unpushed work", ""]
    left = still_unpushed(result)
    if left:
        for repo in left:
            lines.append(f"- `{repo.path}`: {repo.summary()}")
    elif plan.git.checked:
        pushed = " (after the pushes)" if plan.git.repos else ""
        lines.append(f"None in {_n(plan.git.checked, 'repository', 'repositories')}{pushed}.")
    else:
        lines.append("Not checked (no repositories configured: `handover.repos` or `--repos`).")
    lines += [f"- {w}" for w in plan.git.warnings]
    lines.append("")

    lines += ["## Suspended tickets", ""]
    if plan.suspended is None:
        lines.append("Not visible to you (Zendesk shows them to admins and unrestricted agents).")
    elif not plan.suspended:
        lines.append("None waiting.")
    else:
        count = f"{len(plan.suspended)}{'+' if plan.suspended_more else ''}"
        lines.append(f"{count} waiting in the Suspended tickets view:")
        lines.append("")
        for s in plan.suspended[:SUSPENDED_LISTED]:
            author = f" from {s.author}" if s.author else ""
            lines.append(f"- {_cell(s.subject)}{author} ({s.cause}, {when(s.created_at, now)})")
        if len(plan.suspended) > SUSPENDED_LISTED:
            lines.append(f"- … and {len(plan.suspended) - SUSPENDED_LISTED} more")
    lines.append("")

    lines += ["## Group membership", ""]
    for m in result.memberships:
        verb = {"done": "done", "skipped": "skipped", "failed": "**failed**", "planned": "not done"}.get(
            m.state, m.state
        )
        reason = f" ({m.reason})" if m.reason else ""
        lines.append(f"- {m.change.describe()}: {verb}{reason}")
    lines += [f"- {note}" for note in plan.membership_notes]
    if not result.memberships and not plan.membership_notes:
        lines.append("- unchanged")
    if result.slack is not None:
        posted = {"done": "posted to the team's channel", "failed": "**not posted**", "sending": "**maybe posted**"}
        why = f" ({result.slack.reason})" if result.slack.reason and result.slack.state != "done" else ""
        lines += ["", "## Slack", "", f"Summary {posted.get(result.slack.state, 'not posted yet')}{why}."]
        if result.slack.state != "done":
            lines.append("`govpress-support handover --slack --resume` posts it.")
    return "\n".join(lines).rstrip() + "\n"


def still_unpushed(result: HandoverResult) -> list[RepoWork]:
    """The unpushed work the plan found, less the branches this run pushed."""
    done = {(p.repo, p.branch) for p in result.plan.pushes if (o := result.pushes.get(p.key)) and o.state != "failed"}
    left: list[RepoWork] = []
    for repo in result.plan.git.repos:
        branches = tuple(b for b in repo.branches if (repo.path, b.name) not in done)
        trimmed = replace(repo, branches=branches)
        if trimmed.unpushed:
            left.append(trimmed)
    return left


def _pushed(result: HandoverResult, push: PlannedPush) -> str:
    pushed = result.pushes.get(push.key)
    if push.skip:
        return f"not pushed: {push.skip}"
    if pushed is None:
        return "not pushed yet"
    return f"**failed**: {pushed.reason}" if not pushed.ok else pushed.state.replace("_", " ")


def _pulls(result: HandoverResult) -> list[str]:
    github = result.plan.github
    if not github.pulls and not github.notes:
        return []
    lines = ["## Pull requests", ""]
    for pull in github.pulls:
        title = f"[{pull.ref}]({pull.url}) {_cell(pull.title)}" + (" (draft)" if pull.draft else "")
        failures = [(step, o) for p, step, o in result.pull_failures if p.ref == pull.ref]
        if pull.skip:
            state = pull.skip
        elif failures:
            state = "; ".join(f"**{step} failed**: {o.reason}" for step, o in failures)
        elif result.pull_done(pull):
            state = f"handed over to @{github.login} ({' and '.join(pull.steps)})"
        else:
            state = "not done yet"
        lines.append(f"- {title}: {state}")
    lines += [f"- {note}" for note in github.notes]
    return [*lines, ""]


def _undone(result: HandoverResult, tickets: list[PlannedTicket]) -> list[str]:
    lines = []
    for t in tickets:
        outcome = result.outcomes.get(t.id)
        lines.append(
            f"- [#{t.id}]({t.url}) {_cell(t.subject)}: note **{'failed' if outcome else 'not added yet'}**"
            + (f" ({outcome.reason})" if outcome and outcome.reason else "")
        )
    return [*lines, ""] if lines else []


def _card(ticket: PlannedTicket) -> str:
    if ticket.trello_card_url:
        return f"[card]({ticket.trello_card_url})"
    return "**missing**" if ticket.trello_card == "missing" else "?"


def _cell(text: str) -> str:
    """One table-safe line: no pipes or newlines to break the row."""
    return " ".join(text.split()).replace("|", "\\|")


def _n(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"
