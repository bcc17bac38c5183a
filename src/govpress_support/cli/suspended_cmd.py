"""`govpress-support suspended`: the mail Zendesk held back, for the rota to check."""

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import JsonOption

SUSPENDED_HELP = """List suspended tickets (mail Zendesk held back): subject, author, cause and age.

The count comes first (on stderr), then the tickets, oldest first. Exit 0 even when there are
none. Zendesk shows them to admins and unrestricted agents only (others: exit 4). Piped:
tab-separated with a header line; --json: an array of objects (id, subject, author_name,
author_email, cause, ticket_id, created_at, age_seconds).

Examples:

    govpress-support suspended

    govpress-support suspended --json | jq length
"""


def register(root: typer.Typer) -> None:
    root.command("suspended", help=SUSPENDED_HELP)(suspended_cmd)


def suspended_cmd(ctx: typer.Context, json_out: JsonOption = False) -> None:
    from govpress_support.cli import ticket_view
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.suspended import fetch_suspended

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    with out.status("reading suspended tickets…"):
        result = fetch_suspended(rt.clients.zendesk, now=now())
    ticket_view.suspended(out, result)
