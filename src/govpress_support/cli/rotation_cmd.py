"""`govpress-support doctor` and `govpress-support start-rotation`."""

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import DryRunOption, JsonOption, YesOption, mutating

if TYPE_CHECKING:
    from datetime import datetime

    from govpress_support.cli.output import Output
    from govpress_support.cli.runtime import Runtime
    from govpress_support.core.handover_notes import HandoverNote
    from govpress_support.services.slack import SlackWebhook
    from govpress_support.workflows.rotation.doctor import Check
    from govpress_support.workflows.rotation.start import Briefing, RotationPlan, RotationStepResult

DOCTOR_HELP = """Check you are ready for a rotation: one line per check, ✓ or ✗ with its fix.

Checks the config file, Zendesk and Trello credentials (who you are), the four support groups,
whether your Zendesk role can change group memberships, the Backlog and Week in Progress boards
(readable, and you a member), the rota service (when configured) and the tools a rota engineer
needs on PATH (config [rotation.tools]). Exit 0 when all pass, 1 otherwise.

Examples:

    govpress-support doctor

    govpress-support doctor --json | jq '.[] | select(.ok | not)'
"""

START_HELP = """Start your 2nd line rotation: group membership, Trello boards, and a briefing.

Shows its plan and asks once (--yes for scripts, --dry-run to only show), then:

1. adds you to the 2nd line group and removes the previous rota engineer: --previous EMAIL,
else the rota service's engineer before you. With neither, nobody is removed: the members are
listed (on a terminal you may pick one). Permanent members (groups.permanent_members) are never
removed, nor anyone who still holds an unsolved ticket in the group (Zendesk would unassign it:
exit 3, naming the tickets). If your role may not change memberships, it says what to ask an
admin for, carries on, and exits 3.

2. joins you to the Backlog and Week in Progress boards; with --first-time (or when the rota
has never had you), copies the "Add a new developer to the support rota (copy me!)" card to the
backlog, named for you and assigned to you, unless you have one.

3. prints a briefing: the previous handover at the top (who, to whom, when, on which tickets),
every 2nd line ticket in SLA order with its latest handover note (who, when, the text), client
deadlines, tickets with no Trello card, suspended tickets, the Slack channels to join and
anything doctor found missing. The notes are read from the tickets themselves, so the briefing
shows them on any machine. On a terminal as tables; piped (or with --markdown) as Markdown;
--json as one object.

4. with --slack, posts a short summary of the briefing to the team's channel (the incoming
webhook of `auth login slack`, or SLACK_WEBHOOK_URL); a post that fails exits 3 and changes
nothing else: run it again.

Running it twice changes nothing the second time, and says so.

Examples:

    govpress-support start-rotation --dry-run

    govpress-support start-rotation --yes --markdown > briefing.md

    govpress-support start-rotation --previous priya.shah@govpress.example --first-time

    govpress-support start-rotation --yes --slack
"""


def register(app: typer.Typer) -> None:
    app.command("doctor", help=DOCTOR_HELP)(doctor_cmd)
    app.command("start-rotation", help=START_HELP)(start_rotation_cmd)


def _checks(rt: "Runtime") -> "list[Check]":
    from govpress_support.core.errors import GovPressError
    from govpress_support.workflows.rotation import doctor

    config_check = doctor.check_config(rt.config_path, lambda: rt.settings)
    if not config_check.ok:
        return [config_check]
    clients = rt.clients
    try:
        return doctor.run_checks(
            clients.settings,
            zendesk=lambda: clients.zendesk,
            trello=clients.trello_or_none,
            rota=clients.rota_or_none,
            config_path=rt.config_path,
            load=lambda: rt.settings,
        )
    except GovPressError as exc:  # pragma: no cover - checks turn failures into results
        return [config_check, doctor.Check("checks", False, exc.message, exc.hint)]


def _print_checks(out: "Output", checks: "list[Check]") -> None:
    from rich.text import Text

    for check in checks:
        line = Text()
        line.append("✓ " if check.ok else "✗ ", style="green" if check.ok else "bold red")
        line.append(f"{check.name}: ", style="bold")
        line.append(check.detail)
        if check.fix:
            line.append(f"\n    fix: {check.fix}", style="yellow")
        out.console.print(line)


def doctor_cmd(ctx: typer.Context, json_out: JsonOption = False) -> None:
    rt = runtime.get(ctx)
    out = rt.output(json_out)
    with out.status("checking…"):
        checks = _checks(rt)
    if json_out:
        out.json([asdict(c) for c in checks])
    else:
        _print_checks(out, checks)
        failed = sum(1 for c in checks if not c.ok)
        out.note(f"{len(checks) - failed} of {len(checks)} checks pass" + ("" if not failed else f"; {failed} to fix"))
    if not all(c.ok for c in checks):
        raise typer.Exit(1)


@mutating("start-rotation")
def start_rotation_cmd(
    ctx: typer.Context,
    previous: Annotated[
        str | None, typer.Option("--previous", metavar="EMAIL", help="The engineer to take out of the group.")
    ] = None,
    first_time: Annotated[
        bool,
        typer.Option(
            "--first-time", help="Copy the rota template card for you (automatic when the rota has never had you)."
        ),
    ] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the briefing as Markdown (for pasting).")] = False,
    slack: Annotated[
        bool, typer.Option("--slack", help="Post a short summary of the briefing to the team's Slack channel.")
    ] = False,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.cli.output import Mode
    from govpress_support.core.errors import ExitCode, UsageError
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.rotation.start import apply_rotation, build_briefing, plan_rotation

    if markdown and json_out:
        raise UsageError("--markdown and --json are two ways to print the briefing", "pick one")
    rt = runtime.get(ctx)
    out = rt.output(json_out)
    clients = rt.clients
    webhook = clients.slack if slack else None  # no webhook, or not Slack's: said before anything
    when = now()

    def plan_with(previous_email: str | None) -> "RotationPlan":
        with out.status("looking at the group, the rota and the boards…"):
            return plan_rotation(
                clients.zendesk,
                clients.trello_or_none,
                clients.rota_or_none,
                clients.settings,
                today=when.date(),
                previous_email=previous_email,
                first_time=first_time,
            )

    plan = plan_with(previous)
    if plan.choices and not yes and not json_out:
        picked = out.choose(
            "Who was on 2nd line before you? Their membership ends (Enter: nobody)",
            [f"{u.name} <{u.email}>" for u in plan.choices],
        )
        if picked is not None:
            plan = plan_with(plan.choices[picked].email)
    _show_plan(out, plan)

    results: list[RotationStepResult] = []
    if plan.empty:
        out.success("nothing to change: you are set up for this rotation")
    elif dry_run:
        out.info("dry run: nothing changed")
    elif out.confirm(f"Make these {len(plan.steps)} change(s)?", yes=yes):
        results = apply_rotation(
            clients.zendesk, clients.trello_or_none, clients.settings, plan, on_step=lambda r: _show_result(out, r)
        )
    else:
        out.info("nothing changed")
        raise typer.Exit(1)

    with out.status("preparing your briefing…"):
        failures = [c for c in _checks(rt) if not c.ok]
        briefing = build_briefing(
            clients.zendesk, clients.trello_or_none, clients.settings, now=when, doctor_failures=failures
        )
    if json_out:
        out.json(_briefing_data(plan, results, briefing, dry_run))
    elif markdown or out.mode is not Mode.TABLE:  # piped: plain text, never a drawn table
        out.text(briefing_markdown(briefing, plan, results))
    else:
        _print_briefing(rt, briefing)
    posted = True
    if webhook is not None and dry_run:
        out.note("dry run: the briefing's summary is not posted to Slack")
    elif webhook is not None:
        posted = _post(rt, out, webhook, briefing, plan)
    if plan.blocked or any(not r.ok for r in results) or not posted:
        raise typer.Exit(int(ExitCode.PARTIAL))


def _post(rt: "Runtime", out: "Output", webhook: "SlackWebhook", briefing: "Briefing", plan: "RotationPlan") -> bool:
    """Post the briefing's summary to Slack; whether it went (a failure is said, never raised)."""
    from govpress_support.core.errors import GovPressError
    from govpress_support.core.timeutil import parse_duration
    from govpress_support.workflows.rotation.announce import briefing_message

    payload = briefing_message(briefing, plan.me, warning=parse_duration(rt.settings.queue.sla_warning))
    try:
        with out.status("posting to Slack…"):
            webhook.post(payload)
    except GovPressError as exc:
        out.error(f"the briefing was not posted to Slack: {exc.one_line()} (run `start-rotation --slack` again)")
        return False
    out.success("briefing summary posted to Slack")
    return True


def _show_plan(out: "Output", plan: "RotationPlan") -> None:
    out.info(f"Starting 2nd line as {plan.me.name} <{plan.me.email}>")
    if plan.previous is not None:
        out.info(f"previous engineer: {plan.previous.name} <{plan.previous.email}> (from {plan.previous_source})")
    for line in plan.done:
        out.success(line)
    for step in plan.steps:
        out.info(f"• {step.description}")
    for warning in plan.warnings:
        out.warn(warning)
    for blocked in plan.blocked:
        out.error(blocked)


def _show_result(out: "Output", result: "RotationStepResult") -> None:
    if result.ok:
        out.success(f"{result.step.description}: {result.detail}" + (f" {result.url}" if result.url else ""))
    else:
        out.error(f"{result.step.description}: {result.detail}")


def _briefing_data(
    plan: "RotationPlan", results: "list[RotationStepResult]", briefing: "Briefing", dry_run: bool
) -> dict[str, Any]:
    trello_checked = briefing.trello_checked
    return {
        "me": {"id": plan.me.id, "name": plan.me.name, "email": plan.me.email},
        "group": briefing.group,
        "previous": {"name": plan.previous.name, "email": plan.previous.email, "source": plan.previous_source}
        if plan.previous
        else None,
        "first_time": plan.first_time,
        "dry_run": dry_run,
        "already_done": plan.done,
        "planned": [{"kind": s.kind.value, "description": s.description} for s in plan.steps],
        "results": [
            {"kind": r.step.kind.value, "description": r.step.description, "ok": r.ok, "detail": r.detail, "url": r.url}
            for r in results
        ],
        "warnings": plan.warnings,
        "blocked": plan.blocked,
        "previous_handover": briefing.previous.to_record() if briefing.previous else None,
        "tickets": [
            {
                **r.to_record(briefing.group, trello_checked),
                "handover_note": note.to_record() if (note := briefing.notes.get(r.ticket.id)) else None,
            }
            for r in briefing.rows
        ],
        "deadlines": [
            {"id": r.ticket.id, "subject": r.ticket.subject, "due_at": r.ticket.due_at} for r in briefing.deadlines
        ],
        "without_trello_card": [r.ticket.id for r in briefing.without_cards],
        "suspended": None
        if briefing.suspended is None
        else [
            {
                "id": s.id,
                "subject": s.subject,
                "cause": s.cause,
                "author_email": s.author_email,
                "created_at": s.created_at,
            }
            for s in briefing.suspended
        ],
        "slack_channels": briefing.channels,
        "doctor_failures": [asdict(c) for c in briefing.doctor_failures],
    }


def _print_briefing(rt: "Runtime", briefing: "Briefing") -> None:
    from rich.rule import Rule

    from govpress_support.cli.queue_cmd import queue_columns
    from govpress_support.core.config import Settings
    from govpress_support.core.timeutil import parse_duration, relative

    out = rt.out
    settings: Settings = rt.settings
    warn = parse_duration(settings.queue.sla_warning)
    console = out.console
    console.print(Rule(f"Briefing: {briefing.group}", align="left"))
    if briefing.previous is not None:
        console.print(_previous_line(briefing), markup=False)
    records = [r.to_record(briefing.group, briefing.trello_checked) for r in briefing.rows]
    if records:
        console.print(out.table(records, queue_columns(briefing.now, warn)))
    else:
        console.print("No unsolved tickets in the group.")
    if briefing.notes:
        console.print("\n[bold]Handover notes[/bold] (the latest on each ticket)", markup=True)
        for row in briefing.rows:
            note = briefing.notes.get(row.ticket.id)
            if note is None:
                continue
            console.print(f"  #{row.ticket.id} {row.ticket.subject}: {_who_when(note, briefing.now)}", markup=False)
            for line in (note.text or "(no text)").splitlines():
                console.print(f"      {line}", markup=False)
    console.print("\n[bold]Client deadlines[/bold]", markup=True)
    for row in briefing.deadlines or []:
        assert row.ticket.due_at is not None
        console.print(
            f"  #{row.ticket.id} {row.ticket.subject}: "
            f"due {row.ticket.due_at:%a %d %b %H:%M} ({relative(row.ticket.due_at, briefing.now)})",
            markup=False,
        )
    if not briefing.deadlines:
        console.print("  none")
    if briefing.trello_checked:
        console.print(
            "\n[bold]Tickets with no Trello card[/bold] (2nd line tickets need one: `govpress-support card create ID`)",
            markup=True,
        )
        for row in briefing.without_cards:
            console.print(f"  #{row.ticket.id} {row.ticket.subject}", markup=False)
        if not briefing.without_cards:
            console.print("  none")
    if briefing.suspended:
        console.print(
            f"\n[bold]Suspended tickets waiting: {len(briefing.suspended)}[/bold] (`govpress-support suspended`)",
            markup=True,
        )
        for s in briefing.suspended[:10]:
            console.print(f"  {s.subject} from {s.author_email or s.author_name or 'unknown'}: {s.cause}", markup=False)
    console.print("\n[bold]Slack channels to join[/bold]", markup=True)
    console.print("  " + "  ".join(briefing.channels), markup=False)
    if briefing.doctor_failures:
        console.print("\n[bold]Still to sort out[/bold] (from `govpress-support doctor`)", markup=True)
        _print_checks(out, briefing.doctor_failures)


def briefing_markdown(briefing: "Briefing", plan: "RotationPlan", results: "list[RotationStepResult]") -> str:
    """The briefing as Markdown, for Slack or a stand-up doc."""
    from govpress_support.core.sla import metric_name
    from govpress_support.core.timeutil import relative

    def sla(row: Any) -> str:
        s = row.sla
        if s.urgency.name == "BREACHED":
            return f"**breached {relative(s.breach_at, briefing.now)}** ({metric_name(s.metric)})"
        if s.urgency.name == "ACTIVE":
            return f"{relative(s.breach_at, briefing.now)} ({metric_name(s.metric)})"
        return "paused" if s.urgency.name == "PAUSED" else "no SLA"

    lines = [f"# 2nd line briefing: {plan.me.name}, {briefing.now:%A %d %B %Y}", ""]
    if briefing.previous is not None:
        lines += [_previous_line(briefing), ""]
    changes = [f"- {r.step.description}: {'done' if r.ok else 'NOT DONE: ' + r.detail}" for r in results]
    if changes:
        lines += ["## Changes made", "", *changes, ""]
    lines += [f"## Tickets in {briefing.group} ({len(briefing.rows)}), most urgent first", ""]
    if briefing.rows:
        lines += ["| ticket | subject | priority | status | SLA | assignee |", "|---|---|---|---|---|---|"]
        for row in briefing.rows:
            subject = row.ticket.subject.replace("|", "\\|")
            assignee = row.assignee.name if row.assignee else "unassigned"
            lines.append(
                f"| [#{row.ticket.id}]({row.ticket.agent_url}) | {subject} | {row.ticket.priority or '—'} "
                f"| {row.status_label} | {sla(row)} | {assignee} |"
            )
    else:
        lines.append("No unsolved tickets.")
    if briefing.notes:
        lines += ["", "## Handover notes", ""]
        for row in briefing.rows:
            note = briefing.notes.get(row.ticket.id)
            if note is not None:
                lines += [f"### [#{row.ticket.id}]({row.ticket.agent_url}) {row.ticket.subject}", ""]
                lines += [f"{_who_when(note, briefing.now)}:", "", note.text or "(no text)", ""]
        lines.pop()
    lines += ["", "## Client deadlines", ""]
    lines += [
        f"- #{r.ticket.id} {r.ticket.subject}: due {r.ticket.due_at:%a %d %b %H:%M}"
        for r in briefing.deadlines
        if r.ticket.due_at
    ] or ["- none"]
    if briefing.trello_checked:
        lines += ["", "## Tickets with no Trello card", ""]
        lines += [f"- #{r.ticket.id} {r.ticket.subject}" for r in briefing.without_cards] or ["- none"]
    if briefing.suspended:
        lines += ["", f"## Suspended tickets waiting ({len(briefing.suspended)})", ""]
        lines += [
            f"- {s.subject} from {s.author_email or s.author_name or 'unknown'}: {s.cause}" for s in briefing.suspended
        ]
    lines += ["", "## Slack channels to join", "", *[f"- `{c}`" for c in briefing.channels]]
    if briefing.doctor_failures:
        lines += ["", "## Still to sort out", ""]
        lines += [f"- {c.name}: {c.detail}" + (f" (fix: {c.fix})" if c.fix else "") for c in briefing.doctor_failures]
    return "\n".join(lines) + "\n"


def _previous_line(briefing: "Briefing") -> str:
    """`Previous handover: Sam Okafor → Tom Hughes, Tue 01 Dec 17:03 UTC (3h ago), notes on 7 tickets.`"""
    from govpress_support.core.timeutil import relative

    previous = briefing.previous
    assert previous is not None
    when = f", {previous.at:%a %d %b %H:%M} UTC ({relative(previous.at, briefing.now)})" if previous.at else ""
    count = len(previous.tickets)
    line = f"Previous handover: {previous.giver} → {previous.taker}{when}, notes on {count} ticket(s)."
    return line + (f" General note: {previous.general}" if previous.general else "")


def _who_when(note: "HandoverNote", now: "datetime") -> str:
    from govpress_support.core.timeutil import relative

    when = f", {relative(note.at, now)}" if note.at else ""
    return f"from {note.giver}{when}"
