"""`govpress-support queue`: the 2nd line tickets, most urgent SLA first."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import (
    DURATION,
    JsonOption,
    WebOption,
    complete_agent,
    complete_group,
    complete_queue_status,
    optional_value,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from govpress_support.cli.output import Column
    from govpress_support.cli.runtime import Runtime
    from govpress_support.workflows.queue import QueueOptions, QueueResult

HELP = """List a group's unsolved tickets (new, open, pending, on-hold), most urgent SLA first.

Order: 1. breached (an active SLA metric whose breach time is past), most overdue first;
2. active, not yet breached, soonest breach first; 3. only paused metrics (pending, on-hold),
by priority; 4. no SLA (no metrics, or all achieved), by priority (urgent, high, normal, low,
none), then soonest due date, then least recently updated. Ties: priority, then ticket id. A
ticket's SLA is its active metric with the earliest breach time; achieved metrics never count.

On a terminal: a table with colour and relative times (through a pager when it is taller than
the terminal). Piped: tab-separated with a header line and ISO 8601 UTC times. --json: an
array of objects (fields in the README). --web opens the group's view in Zendesk instead.

Exit codes: 0 ok (an empty queue too), 8 with --exit-code when any ticket is listed, and the
usual 1/2/4.

Examples:

    govpress-support queue

    govpress-support queue --assignee me --breaching-within 2h

    govpress-support queue --group triage --status new --json | jq '.[].id'

    govpress-support queue --breaching-within 1h --exit-code || notify-send "SLA breach coming"

    govpress-support queue --watch 30

    govpress-support queue --group triage --web
"""


def register(app: typer.Typer) -> None:
    app.command("queue", help=HELP, cls=optional_value("watch", "60"))(queue_cmd)


def queue_cmd(
    ctx: typer.Context,
    group: Annotated[
        str,
        typer.Option(
            "--group", "-g", help="triage, 1st, 2nd, scoping, a group name or id.", autocompletion=complete_group
        ),
    ] = "2nd",
    assignee: Annotated[
        str | None,
        typer.Option("--assignee", "-a", help="me, none, or an agent's email.", autocompletion=complete_agent),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            "-s",
            help="Only these statuses (new, open, pending, on-hold, or a custom status label); repeatable.",
            autocompletion=complete_queue_status,
        ),
    ] = None,
    breaching_within: Annotated[
        timedelta | None,
        typer.Option(
            "--breaching-within",
            "-b",
            metavar="DURATION",
            click_type=DURATION,
            help="Only tickets breached or breaching within it: 90m, 2h, 1d, 1h30m (at most 365d).",
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="At most N tickets (after ordering).")
    ] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 8 when any ticket is listed (for cron alerts).")
    ] = False,
    watch: Annotated[
        int | None,
        typer.Option(
            "--watch",
            "-w",
            metavar="[SECONDS]",
            min=5,
            max=86_400,
            help="Redraw in place every SECONDS (default 60) until Ctrl-C; marks changed tickets.",
        ),
    ] = None,
    web: WebOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.core.errors import ExitCode, UsageError
    from govpress_support.workflows.queue import QueueOptions

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    options = QueueOptions(
        group=group,
        assignee=assignee,
        statuses=tuple(status or ()),
        breaching_within=breaching_within,
        limit=limit,
    )
    if web:
        _open_view(rt, group)
        return
    if watch is not None:
        if json_out or not out.stdout_tty:
            raise UsageError(
                "--watch redraws a terminal",
                "drop --json, or run it in a terminal; for scripts, call queue on a schedule",
            )
        _watch(rt, options, watch)
        return
    result = _fetch(rt, options)
    rt.clients.completions.remember_tickets((row.ticket.id, row.ticket.subject) for row in result.rows)
    with out.paged():
        _render(rt, result)
    if exit_code and result.rows:
        raise typer.Exit(int(ExitCode.FOUND))


def _open_view(rt: "Runtime", group: str) -> None:
    """The group's view in Zendesk's agent interface, in the browser."""
    from govpress_support.cli.browser import open_in_browser
    from govpress_support.core.groups import group_name

    zendesk = rt.clients.zendesk
    with rt.out.status("finding the group's view…"):
        url = zendesk.group_view_url(zendesk.group(group_name(rt.clients.settings.groups, group)))
    open_in_browser(rt.out, url, rt.environ)


def _fetch(rt: "Runtime", options: "QueueOptions") -> "QueueResult":
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.queue import fetch_queue

    out = rt.out
    with out.status("fetching tickets…") as update:

        def progress(fetched: int, total: int | None) -> None:
            update(f"fetching tickets… {fetched}" + (f" of {total}" if total else ""))

        clients = rt.clients
        return fetch_queue(
            clients.zendesk, clients.trello_or_none, clients.settings, options, now=now(), on_progress=progress
        )


def _render(rt: "Runtime", result: "QueueResult", changed: set[int] | None = None) -> None:
    from govpress_support.cli.output import Mode
    from govpress_support.core.records import QUEUE_TSV_FIELDS

    out = rt.out
    if out.mode is not Mode.TABLE:  # JSON and TSV name their fields: no columns, no rich to load
        out.rows(result.records(), [], tsv_fields=QUEUE_TSV_FIELDS)
        if result.trello.reason:
            out.note(result.trello.reason)
        return
    out.rows(
        result.records(),
        queue_columns(result.now, result.warning_threshold, changed, cards_needed=result.cards_needed),
        footer=_footer(result),
        empty=f"No unsolved tickets in {result.group}.",
    )
    if result.trello.reason:
        out.note(result.trello.reason)  # and in the footer, where the eye is


def queue_columns(
    now: datetime, warn: timedelta, changed: set[int] | None = None, *, cards_needed: bool = True
) -> "list[Column]":
    """The queue's table columns; `changed` adds a marker column (watch mode). `cards_needed`:
    the group's tickets should have a Trello card (else a missing one is no news: `—`)."""
    from rich.text import Text

    from govpress_support.cli.common import due_text, link_text, priority_text, sla_text
    from govpress_support.cli.output import Column

    def assignee_cell(r: Mapping[str, Any]) -> "RenderableType":
        return Text(r["assignee_name"] or "unassigned", style="" if r["assignee_name"] else "dim")

    def trello_cell(r: Mapping[str, Any]) -> "RenderableType":
        if r["trello_card"] == "linked":
            return link_text("✓ card", r["trello_card_url"], "green")
        if r["trello_card"] == "missing":
            return Text("missing", style="red") if cards_needed else Text("—", style="dim")
        return Text("?", style="dim")

    columns = [
        Column("id", "ID", cell=lambda r: link_text(f"#{r['id']}", r["url"], "bold"), justify="right", min_width=5),
        Column("subject", "Subject", ratio=1, min_width=20),
        Column("priority", "Priority", cell=lambda r: priority_text(r["priority"]), min_width=6, max_width=8),
        Column("status_label", "Status", min_width=7, max_width=24, drop=1),
        Column(
            "sla_breach_at",
            "SLA",
            cell=lambda r: sla_text(r["sla_urgency"], r["sla_metric"], r["sla_breach_at"], now, warn),
            min_width=14,
            max_width=30,
        ),
        Column("due_at", "Due", cell=lambda r: due_text(r["due_at"], now), min_width=10, max_width=14, drop=2),
        Column("assignee_name", "Assignee", cell=assignee_cell, min_width=8, max_width=18, drop=3),
        Column("organization", "Organisation", min_width=10, max_width=24, drop=4),
        Column("trello_card_url", "Trello", cell=trello_cell, min_width=7, max_width=8),
    ]
    if changed is not None:
        columns.insert(
            0, Column("changed", "", cell=lambda r: Text("●", style="bold cyan") if r["id"] in changed else Text(" "))
        )
    return columns


def _footer(result: "QueueResult") -> "RenderableType":
    """`4 breached · 3 breaching within 1h · 20 tickets in GovPress 2nd line support`; when the
    listing is filtered, `3 of 20 shown · in GovPress 2nd line support: 4 breached · ...`. The
    counts are always the whole group's. Then what is missing: suspended tickets, Trello."""
    from rich.text import Text

    from govpress_support.core.timeutil import format_duration

    counts = result.in_group
    footer = Text()
    shown = len(result.rows)
    if shown != result.total:
        footer.append(f"{shown} of {result.total} shown · in {result.group}: ")
    footer.append(f"{counts.breached} breached", style="bold red" if counts.breached else "")
    footer.append(" · ")
    footer.append(
        f"{counts.warnings} breaching within {format_duration(result.warning_threshold)}",
        style="dark_orange" if counts.warnings else "",
    )
    if shown == result.total:
        footer.append(f" · {shown} tickets in {result.group}")
    if result.suspended:
        more = "+" if result.suspended_more else ""
        footer.append(f"\n{result.suspended}{more} suspended tickets waiting: ", style="yellow")
        footer.append("govpress-support suspended", style="bold")
    if result.trello.reason and result.rows:
        footer.append(f"\nTrello column unknown (?): {result.trello.reason}", style="yellow")
    return footer


def _watch(rt: "Runtime", options: "QueueOptions", interval: int) -> None:
    import time

    from rich.console import Group
    from rich.live import Live
    from rich.text import Text

    from govpress_support.core.errors import GovPressError
    from govpress_support.core.timeutil import now

    out = rt.out
    seen: dict[int, str | None] = {}
    first = True
    # Ctrl-C stops it: exit 130 like every command (the root turns it into `Interrupted`).
    with Live(console=out.console, auto_refresh=False, transient=False) as live:
        while True:
            try:
                result = _fetch(rt, options)
                stamps = {row.ticket.id: row.ticket.updated_stamp for row in result.rows}
                changed = set() if first else {i for i, s in stamps.items() if seen.get(i, "new") != s}
                seen, first = stamps, False
                columns = queue_columns(result.now, result.warning_threshold, changed, cards_needed=result.cards_needed)
                table = out.table(result.records(), columns)
                stamp = Text(
                    f"updated {now().astimezone().strftime('%H:%M:%S')} · every {interval}s · Ctrl-C stops",
                    style="dim",
                )
                live.update(Group(table, _footer(result), stamp), refresh=True)
            except GovPressError as exc:
                live.update(Text(f"error: {exc.one_line()} (retrying in {interval}s)", style="red"), refresh=True)
            time.sleep(interval)
