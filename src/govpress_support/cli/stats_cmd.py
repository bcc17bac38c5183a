"""`govpress-support stats`: how the rotation went, SLA by SLA, for the stand-up."""

from datetime import datetime
from typing import Annotated

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import SINCE, UNTIL, complete_group

STATS_HELP = """SLA targets met and breached, what came in and went out, day by day.

For a group (default 2nd line; `all` for the whole desk) over a window: the last 7 days, or
--since 7d|DATE [--until DATE] (dates are UTC days; --until takes in its whole day), or the
current rota stint with --rotation (the one before with --previous).

SLA per metric (first reply, next reply, periodic update, ...): targets met and breached, the
share met, and each breach with its ticket, by how long, and who held it. From Zendesk's ticket
metric events when you are an admin; for an agent (Zendesk answers 403 there) from the tickets'
metrics and SLA states, which cannot count everything: the output says which source it used
and what it could not count. Flow: tickets in (created or moved in), solved, believed solved,
reopened, cascaded on, returned to triage, and the queue at the start and the end; from
Zendesk's ticket events for an admin, from each ticket's audits (a bounded number) for an agent.
By day: a bar chart of breaches, targets met, arrivals and solves, with the rota's engineer of
each day.

Finished days of events and each ticket's history are cached in the state dir, so a second run
reads only what is new. Zendesk allows 10 requests a minute to its incremental exports: a
longer window waits for them, and says so.

On a terminal: tables and the chart. --markdown: for the stand-up or Slack. Piped: the series
by day as tab-separated text. --json: one object (fields in the README).

Examples:

    govpress-support stats

    govpress-support stats --rotation --previous --markdown | pbcopy

    govpress-support stats --since 2026-11-01 --until 2026-11-30 --group all --json
"""


def register(root: typer.Typer) -> None:
    root.command("stats", help=STATS_HELP)(stats_cmd)


def stats_cmd(
    ctx: typer.Context,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            metavar="7d|DATE",
            click_type=SINCE,
            help="Start: a duration back from now, a date or a date-time (at most a year back).",
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(
            "--until",
            metavar="DATE",
            click_type=UNTIL,
            help="End: a date (its whole day), a date-time, or now (default).",
        ),
    ] = None,
    rotation: Annotated[
        bool, typer.Option("--rotation", help="The current rota stint (from the rota service).")
    ] = False,
    previous: Annotated[bool, typer.Option("--previous", help="With --rotation: the stint before it.")] = False,
    group: Annotated[
        str,
        typer.Option(
            "--group",
            "-g",
            help="triage, 1st, 2nd, scoping, a group name or id, or all.",
            autocompletion=complete_group,
        ),
    ] = "2nd",
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object (fields in the README).")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown for the stand-up or Slack.")] = False,
) -> None:
    from govpress_support.cli import stats_view
    from govpress_support.core.errors import UsageError
    from govpress_support.core.timeutil import now
    from govpress_support.services.zendesk_metrics import ZendeskMetrics
    from govpress_support.workflows.stats import StatsOptions, run_stats
    from govpress_support.workflows.stats.cache import StatsCache

    if json_out and markdown:
        raise UsageError("--json and --markdown are two outputs", "pick one")
    rt = runtime.get(ctx)
    out = rt.output(json_out)
    clients = rt.clients
    zendesk = clients.zendesk
    moment = now()
    # One cache per desk and person: an agent never reads what only an admin may.
    account = f"{zendesk.base_url} {zendesk.me().email}"
    if clients.sandbox:  # a reseeded sandbox is another desk
        account += f" seeded {clients.sandbox_app.seeded_at}"
    options = StatsOptions(since=since, until=until, rotation=rotation, previous=previous, group=group)
    # Waits for the exports' rate limit are said by the HTTP layer, as every long wait is.
    with out.status("reading Zendesk…") as update:
        result = run_stats(
            zendesk,
            ZendeskMetrics(zendesk),
            clients.rota_or_none,
            clients.settings,
            options,
            now=moment,
            cache=StatsCache.in_state_dir(rt.state_dir, account, moment, on_error=out.log if rt.debug else None),
            on_progress=update,
        )
    stats_view.show(out, result, markdown=markdown)
