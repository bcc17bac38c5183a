"""`govpress-support ticket`: `show`, and the changes from `ticket_change_cmd` (note, triage,
move, cascade, return, status, assign)."""

import typer

from govpress_support.cli import runtime, ticket_change_cmd
from govpress_support.cli.common import JsonOption, TicketIds

app = typer.Typer(
    help="Work a ticket: show it, add internal notes, triage, move it between groups, set its status, assign it.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="ticket")


@app.command("show")
def show_cmd(ctx: typer.Context, ids: TicketIds, json_out: JsonOption = False) -> None:
    """Show a ticket in full: people, status, priority, type, group, every SLA metric, due date,
    tags, the linked Trello card, and the conversation with internal notes marked.

    On a terminal: a readable page. Piped: `field<TAB>value` lines (SLA metrics and comments one
    a line, each comment's body below it indented by a tab). --json: an array with one object per
    ticket (fields in the README).

    Examples:

        govpress-support ticket show 4012

        govpress-support ticket show 4012 --json | jq '.[0].comments[] | select(.internal) | .body'
    """
    from govpress_support.cli import ticket_view
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.tickets.show import fetch_details

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    ticket_ids = rt.ticket_ids(ids)
    clients = rt.clients
    with out.status("reading the ticket…") as update:
        result = fetch_details(
            clients.zendesk, clients.trello_or_none, clients.settings, ticket_ids, now=now(), on_progress=update
        )
    ticket_view.show(out, result)


ticket_change_cmd.add_to(app)
