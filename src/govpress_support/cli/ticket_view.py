"""Rendering for the ticket commands: one ticket in full, change plans, per-ticket results and
the suspended list. Imported only when one of those commands runs (it imports rich)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from govpress_support.cli.common import due_text, link_text, priority_text, sla_text
from govpress_support.cli.output import Column, Mode, Output, tsv_value
from govpress_support.core.handover_notes import is_handover_note
from govpress_support.core.records import SHOW_TSV_FIELDS
from govpress_support.core.sla import metric_name, metrics_in_order, ticket_sla
from govpress_support.core.timeutil import relative
from govpress_support.workflows.suspended import SuspendedResult
from govpress_support.workflows.tickets.plan import Batch
from govpress_support.workflows.tickets.show import ShowResult, TicketDetail
from govpress_support.workflows.tickets.write import ChangeOutcome, TicketConflict, TicketPlan, TicketResult

CARD_HINT = "govpress-support card create {id}"


# --- show ---------------------------------------------------------------------------------------


def show(out: Output, result: ShowResult) -> None:
    if out.mode is Mode.JSON:
        out.json(result.records())
    elif out.mode is Mode.TSV:
        blocks = [_tsv_block(record) for record in result.records()]
        out.text("\n".join(blocks))
    else:
        for index, detail in enumerate(result.details):
            if index:
                out.print(Text(""))
            out.print(_detail(detail, result))
    if result.trello_reason:
        out.note(result.trello_reason)


def _tsv_block(record: Mapping[str, Any]) -> str:
    """`field<TAB>value` lines; SLA metrics and comments one a line, a comment's body below it,
    each line indented by a tab."""
    lines = [f"{key}\t{tsv_value(record.get(key))}" for key in SHOW_TSV_FIELDS]
    for metric in record["sla_metrics"]:
        values = (metric["metric"], metric["stage"], metric["breach_at"], metric["breached"])
        lines.append("sla\t" + "\t".join(tsv_value(v) for v in values))
    for comment in record["comments"]:
        kind = "handover" if comment["handover"] else ("internal" if comment["internal"] else "public")
        values = (comment["id"], comment["created_at"], kind, comment["author_name"] or comment["author_id"])
        lines.append("comment\t" + "\t".join(tsv_value(v) for v in values))
        lines.extend("\t" + line for line in (comment["body"] or "").splitlines())
    return "\n".join(lines)


def _person(name: str | None, email: str | None) -> Text:
    if not name and not email:
        return Text("—", style="dim")
    text = Text(name or email or "")
    if name and email:
        text.append(f" <{email}>", style="dim")
    return text


def _detail(d: TicketDetail, result: ShowResult) -> RenderableType:
    t, now = d.ticket, result.now
    title = Text()
    title.append(f"#{t.id} ", style="bold cyan")
    title.append(t.subject, style="bold")

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    grid.add_row("Ticket", link_text(t.agent_url, t.agent_url))
    requester = _person(d.requester.name if d.requester else None, d.requester.email if d.requester else None)
    if d.organization:
        requester.append(f" · {d.organization.name}")
    grid.add_row("Requester", requester)
    grid.add_row("Status", Text(d.status_label, style="bold"))
    grid.add_row("Priority", priority_text(t.priority))
    grid.add_row("Type", Text(t.type or "—", style="" if t.type else "dim"))
    grid.add_row("Group", Text(d.group or "—", style="" if d.group else "dim"))
    grid.add_row(
        "Assignee",
        _person(d.assignee.name, d.assignee.email) if d.assignee else Text("unassigned", style="dim"),
    )
    grid.add_row("SLA", _sla_lines(d, result))
    if t.due_at is not None:
        grid.add_row("Due", due_text(t.due_at, now))
    grid.add_row("Tags", Text(", ".join(t.tags) if t.tags else "—", style="" if t.tags else "dim"))
    grid.add_row("Trello", _card_cell(d))
    grid.add_row("Created", Text(_when(t.created_at, now)))
    grid.add_row("Updated", Text(_when(t.updated_at, now)))

    parts: list[RenderableType] = [title, grid, Text("")]
    internal = sum(1 for c in d.comments if not c.comment.public)
    handovers = sum(1 for c in d.comments if is_handover_note(c.comment))
    heading = f"Conversation: {len(d.comments)} comment{'s' if len(d.comments) != 1 else ''}"
    heading += (f", {internal} internal" if internal else "") + (f" ({handovers} from handovers)" if handovers else "")
    parts.append(Text(heading, style="bold"))
    for item in d.comments:
        c = item.comment
        head = Text()
        head.append(item.author.name if item.author else f"user {c.author_id}", style="bold")
        head.append(f" · {_when(c.created_at, now)} · ")
        handover = is_handover_note(c)
        label = "handover note" if handover else ("internal note" if not c.public else "public reply")
        head.append(label, style="bold magenta" if handover else ("bold yellow" if not c.public else ""))
        if c.public and c.emailed_to:
            ccs = f" + {c.emailed_ccs} CC{'s' if c.emailed_ccs != 1 else ''}" if c.emailed_ccs else ""
            head.append(f", emailed to {c.emailed_to}{ccs}", style="dim")
        parts.append(
            Panel(
                Text(c.body or ""),
                title=head,
                title_align="left",
                border_style="yellow" if not c.public else "dim",
                padding=(0, 1),
            )
        )
    return Group(*parts)


def _when(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "—"
    return f"{relative(value, now)} ({value.strftime('%a %d %b %H:%M')} UTC)"


def _sla_lines(d: TicketDetail, result: ShowResult) -> RenderableType:
    metrics = metrics_in_order(d.ticket.sla_metrics, result.now)
    if not metrics:
        return Text("no SLA policy", style="dim")
    lines = Text()
    for index, metric in enumerate(metrics):
        if index:
            lines.append("\n")
        if metric.stage == "achieved":
            lines.append(f"{metric_name(metric.metric)} achieved", style="dim")
            continue
        one = ticket_sla((metric,), result.now)
        cell = sla_text(one.urgency.name.lower(), metric.metric, metric.breach_at, result.now, result.warning_threshold)
        if one.urgency.name == "NONE":
            cell = Text(f"{metric_name(metric.metric)} {metric.stage}", style="dim")
        lines.append_text(cell)
    return lines


def _card_cell(d: TicketDetail) -> Text:
    if d.card is not None:
        return link_text(f"{d.card.short_url} ({d.card.name})", d.card.short_url, "green")
    if d.trello_checked:
        text = Text("none", style="red" if d.group else "dim")
        text.append(f" · create one: {CARD_HINT.format(id=d.ticket.id)}", style="dim")
        return text
    return Text("unknown (Trello not checked)", style="dim")


# --- plans and results ---------------------------------------------------------------------------


def _subject(plan: TicketPlan) -> str:
    subject = plan.ticket.subject
    return subject if len(subject) <= 60 else subject[:59] + "…"


def show_plan(out: Output, batch: Batch, *, dry_run: bool) -> None:
    """The plan on stderr: for each ticket what will change, or why nothing will."""
    for plan in batch.plans:
        head = f"#{plan.ticket.id} {_subject(plan)}"
        if plan.refusal is not None:
            out.err.print(f"{head}: not changed: {plan.refusal.one_line()}", markup=False, style=_style(out, "red"))
            continue
        if not plan.to_write:
            out.note(f"{head}: nothing to do ({plan.unchanged or 'no change'})")
            continue
        out.err.print(head + (" would get:" if dry_run else ":"), markup=False, style=_style(out, "bold"))
        for line in plan.describe():
            out.info(f"  {line}")
        for line in plan.details():
            out.err.print(f"    {line}", markup=False, style=_style(out, "cyan"))
        for warning in plan.warnings:
            out.err.print(f"  warning: {warning}", markup=False, style=_style(out, "yellow"))
    for notice in batch.notices:
        out.warn(notice)
    if batch.card_check:
        out.note(batch.card_check)


def show_results(out: Output, results: Sequence[TicketResult]) -> None:
    for result in results:
        if result.outcome is ChangeOutcome.UPDATED:
            out.success(f"#{result.ticket_id} updated" + (f": {'; '.join(result.changes)}" if result.changes else ""))
            if result.message:  # e.g. planned again with fresh metadata, and why
                out.note(f"  {result.message}")
        elif not result.outcome.ok:
            out.err.print(
                f"✗ #{result.ticket_id} {result.outcome.value}: {result.message or ''}",
                markup=False,
                style=_style(out, "red"),
            )


def show_conflict(out: Output, conflict: TicketConflict) -> None:
    """The comments written on the ticket since it was read, whole (the error line clips them)."""
    for author, comment in conflict.messages:
        kind = "public reply" if comment.public else "internal note"
        out.err.print(f"New {kind} on #{conflict.ticket_id} by {author}:", markup=False, style=_style(out, "bold"))
        for line in (comment.body or "").splitlines() or [""]:
            out.err.print(f"  │ {line}", markup=False)


def card_hints(out: Output, ids: Sequence[int]) -> None:
    for ticket_id in ids:
        out.warn(
            f"#{ticket_id} has no Trello card; 2nd line and scoping tickets need one: {CARD_HINT.format(id=ticket_id)}"
        )


def _style(out: Output, style: str) -> str | None:
    return style if out.stderr_tty else None


# --- suspended -------------------------------------------------------------------------------------------

SUSPENDED_TSV = ("id", "created_at", "cause", "author_email", "author_name", "ticket_id", "subject")


def suspended(out: Output, result: SuspendedResult) -> None:
    count = len(result.tickets)
    out.info(f"{count} suspended ticket{'s' if count != 1 else ''}" + (" (oldest first)" if count > 1 else ""))
    now = result.now

    def author(r: Mapping[str, Any]) -> RenderableType:
        return Text(r["author_email"] or r["author_name"] or "—")

    def age(r: Mapping[str, Any]) -> RenderableType:
        return Text(relative(r["created_at"], now) if r["created_at"] else "—")

    columns = [
        Column("id", "ID", justify="right"),
        Column("subject", "Subject", ratio=1, min_width=16),
        Column("author_email", "Author", cell=author, no_wrap=False, max_width=36),
        Column("cause", "Cause", no_wrap=False, max_width=30),
        Column("created_at", "Age", cell=age),
    ]
    out.rows(result.records(), columns, tsv_fields=SUSPENDED_TSV, empty="No suspended tickets.")
