"""`govpress-support ticket`: `show`, the changes from `ticket_change_cmd` (note, triage, move,
cascade, return, status, assign), and `ticket_reply_cmd`'s reply, macros and due."""

import typer

from govpress_support.cli import runtime, ticket_change_cmd, ticket_reply_cmd
from govpress_support.cli.common import JsonOption, TicketIds, WebOption

app = typer.Typer(
    help="Work a ticket: show it, reply to the client, add internal notes, triage, move it between groups, "
    "set its status, assign it, apply macros, set a due date.",
    no_args_is_help=True,
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="ticket")


@app.command("show")
def show_cmd(ctx: typer.Context, ids: TicketIds, web: WebOption = False, json_out: JsonOption = False) -> None:
    """Show a ticket in full: people, status, priority, type, group, every SLA metric, due date,
    tags, the linked Trello card, and the conversation with internal notes marked.

    On a terminal: a readable page (through a pager when it is taller than the terminal). Piped:
    `field<TAB>value` lines (SLA metrics and comments one a line, each comment's body below it
    indented by a tab). --json: an array with one object per ticket (fields in the README).
    --web opens the ticket in Zendesk's agent interface instead.

    Examples:

        govpress-support ticket show 4012

        govpress-support ticket show 4012 --json | jq '.[0].comments[] | select(.internal) | .body'

        govpress-support ticket show 4012 --web
    """
    from govpress_support.cli import ticket_view
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.tickets.show import fetch_details

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    ticket_ids = rt.ticket_ids(ids)
    clients = rt.clients
    if web:
        from govpress_support.cli.browser import open_in_browser

        for ticket_id in ticket_ids:
            open_in_browser(out, clients.zendesk.agent_url(ticket_id), rt.environ)
        return
    with out.status("reading the ticket…") as update:
        result = fetch_details(
            clients.zendesk, clients.trello_or_none, clients.settings, ticket_ids, now=now(), on_progress=update
        )
    with out.paged():
        ticket_view.show(out, result)


ticket_change_cmd.add_to(app)
ticket_reply_cmd.add_to(app)
