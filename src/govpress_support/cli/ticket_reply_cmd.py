"""Answering the client and the web UI's other daily ticket actions:
`govpress-support ticket reply|macros|due`, with the top-level shortcut `reply`.

`reply` and `due` are changes like the others (`ticket_change_cmd`): read, plan on stderr, ask
once (a public reply defaults to no), `--yes` off a terminal, `--dry-run`, written with the
collision guard through the same flow, safe to run twice.
"""

from typing import Annotated

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import (
    SETTABLE_STATUS,
    DryRunOption,
    JsonOption,
    YesOption,
    complete_status,
    complete_ticket,
)
from govpress_support.cli.ticket_change_cmd import MUTATION_NOTE, _mutate


def register(root: typer.Typer) -> None:
    """The shortcut for the most used one."""
    root.command("reply", help=REPLY_HELP)(reply_cmd)


def add_to(group: typer.Typer) -> None:
    """The subcommands of `ticket`, after the changes."""
    group.command("reply", help=REPLY_HELP)(reply_cmd)
    group.command("macros", help=MACROS_HELP)(macros_cmd)
    group.command("due", help=DUE_HELP)(due_cmd)


# --- reply --------------------------------------------------------------------------------------------

REPLY_HELP = (
    """Reply to the client: a PUBLIC comment, which Zendesk emails to the requester and CCs.

The plan says that it is public and whom it goes to (requester and CCs, by name and email), and
the question defaults to no. The text comes from the last argument, from stdin with `-` (or when
it is omitted and stdin is not a terminal), or from your $VISUAL/$EDITOR, which opens on the
ticket's latest public messages as `#` lines for context (left out of the reply). An empty
reply, one over 64 KB (Zendesk's limit for one comment) or stdin that is not UTF-8 is an error
and nothing is sent. A ticket whose latest public comment is already this reply by you is left
alone, so running it twice sends it once. Internal notes are `govpress-support note`: a reply
never goes out internal, nor a note public.

--status sets the status in the same update, with the rules of `ticket status` (on-hold needs
--reason, added as an internal note right after; believed-solved is the team's custom status).
--macro applies one of the team's macros through Zendesk (its reply and field changes, as in the
web UI); TEXT, if given, is added below the macro's reply. Several ids need --bulk: each
requester gets the same email, and the plan lists everyone who will.
"""
    + MUTATION_NOTE
    + """
Examples:

    govpress-support reply 4021 "Hi Liam, the contact form is fixed: could you try it again?"

    govpress-support ticket reply 4021 --status believed-solved

    govpress-support reply 4021 --macro "Ask for more detail" --dry-run

    govpress-support reply 4021 --status on-hold --reason "Waiting for their DNS change" -m "We are waiting on you"

    govpress-support reply 4021 4024 --bulk -m "The maintenance window is Thursday 7pm." --dry-run
"""
)


def reply_cmd(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(
            metavar="ID... [TEXT]", help="Ticket ids, then the reply ('-': stdin).", autocompletion=complete_ticket
        ),
    ],
    message: Annotated[
        str | None, typer.Option("--message", "-m", help="The reply's text (then every argument is an id).")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            "-s",
            help="Also set the status: open, pending, on-hold, believed-solved or solved.",
            click_type=SETTABLE_STATUS,
            autocompletion=complete_status,
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option("--reason", "-r", help="With --status: why, as an internal note (on-hold needs one)."),
    ] = None,
    macro: Annotated[
        str | None, typer.Option("--macro", metavar="NAME|ID", help="Apply this macro (see `ticket macros`).")
    ] = None,
    bulk: Annotated[bool, typer.Option("--bulk", help="Allow several tickets: each requester is emailed.")] = False,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.cli.comment_text import comment_text, reply_template, split_text
    from govpress_support.workflows.tickets.reply import ReplyRequest, check_request, prepare_reply

    rt = runtime.get(ctx)
    values, text = split_text(args, message)
    ticket_ids = rt.ticket_ids(values)  # a bad id is said before the editor opens
    request = ReplyRequest("", status=status, reason=reason, macro=macro, bulk=bulk)
    check_request(request, ticket_ids)  # and so is a bad combination of options

    def template() -> str:
        from govpress_support.workflows.tickets.reply import reply_context

        if len(ticket_ids) > 1:
            return reply_template(None)
        with rt.out.status("reading the thread…"):
            return reply_template(reply_context(rt.clients.zendesk, ticket_ids[0]))

    # The one reading rule of notes: the 64 KB limit, UTF-8 stdin; a macro's reply may add none.
    body = comment_text(
        rt, text, what="reply", name=f"reply-{ticket_ids[0]}", template=template, optional=macro is not None
    )
    request.text = body
    _mutate(
        ctx,
        values,
        lambda clients, ids, update: prepare_reply(clients.zendesk, clients.settings, ids, request, on_progress=update),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )


# --- macros ---------------------------------------------------------------------------------------------

MACROS_HELP = """List the macros you can apply: id, title, and what each changes.

The active shared, group and personal macros, by title (--search: titles containing TEXT). Apply
one with `govpress-support reply ID --macro NAME|ID`. Piped: tab-separated (id access public_reply
changes title); --json: an array of objects (id, title, access, changes, public_reply,
description).

Examples:

    govpress-support ticket macros

    govpress-support ticket macros --search pending --json | jq '.[].id'
"""

MACROS_TSV = ("id", "access", "public_reply", "changes", "title")


def macros_cmd(
    ctx: typer.Context,
    search: Annotated[str | None, typer.Option("--search", metavar="TEXT", help="Only titles containing TEXT.")] = None,
    json_out: JsonOption = False,
) -> None:
    from rich.text import Text

    from govpress_support.cli.output import Column
    from govpress_support.workflows.tickets.macros import list_macros

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    with out.status("reading the macros…"):
        rows = list_macros(rt.clients.zendesk, search=search)
    columns = [
        Column("id", "ID", justify="right"),
        Column("title", "Title", max_width=40, cell=lambda r: Text(r["title"], style="bold")),
        Column("access", "Access", drop=1),
        Column("changes", "What it does", ratio=1, min_width=20, cell=lambda r: Text(", ".join(r["changes"]))),
    ]
    empty = f"No active macro with {search!r} in its title." if search else "No active macros."
    out.rows([r.to_record() for r in rows], columns, tsv_fields=MACROS_TSV, empty=empty)


# --- due -------------------------------------------------------------------------------------------------

DUE_HELP = (
    """Set a task ticket's due date: the client's deadline.

DATE is a day (2026-12-04), a weekday (friday: the next one after today), +3d or +2w from today,
today, tomorrow, or none to clear it. Zendesk keeps due dates on task tickets only: another type
is refused, naming the fix, unless --make-task sets type task in the same update. The queue and
the briefing show due dates.
"""
    + MUTATION_NOTE
    + """
Examples:

    govpress-support ticket due 4012 2026-12-04

    govpress-support ticket due 4012 friday --make-task

    govpress-support ticket due 4012 4013 +3d --yes
"""
)


def due_cmd(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(
            metavar="ID... DATE",
            help="Ticket ids, then the day: 2026-12-04, friday, +3d, tomorrow or none.",
            autocompletion=complete_ticket,
        ),
    ],
    make_task: Annotated[
        bool, typer.Option("--make-task", help="Set the type to task too (only tasks have a due date).")
    ] = False,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.core.dates import DUE_HINT, parse_due_day
    from govpress_support.core.errors import UsageError
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.tickets.due import prepare_due

    values = list(args)
    if len(values) < 2:
        raise UsageError("give ticket ids and then a date", DUE_HINT)
    day = parse_due_day(values.pop(), now().astimezone().date())
    _mutate(
        ctx,
        values,
        lambda clients, ticket_ids, update: prepare_due(clients.zendesk, ticket_ids, day, make_task=make_task),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )
