"""The changes to tickets: `govpress-support ticket note|triage|move|cascade|return|status|assign`,
with the top-level shortcuts `note` and `cascade`.

Every change reads the tickets, shows the plan on stderr, asks once on a terminal (`--yes` off
one), takes `--dry-run`, and writes with Zendesk's collision guard; a second run does nothing.
"""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, TypeAlias

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import (
    GROUP,
    DryRunOption,
    JsonOption,
    PriorityOption,
    TicketIds,
    TypeOption,
    YesOption,
    complete_ticket,
    complete_ticket_or_agent,
    complete_ticket_or_status,
)

if TYPE_CHECKING:
    from govpress_support.services.connect import Clients
    from govpress_support.workflows.tickets.plan import Batch
    from govpress_support.workflows.tickets.write import TicketResult

MUTATION_NOTE = """
Shows the plan on stderr, asks once on a terminal (pass --yes when not on one), and takes
--dry-run. Written with Zendesk's collision guard: if someone else changed the ticket since it was
read, nothing is written and the command says what changed (exit 5). Several ids go through one
bulk update with a result for each (exit 3 if any was left undone). Running it again changes
nothing: a ticket already as asked is left alone.
"""

ReasonOption = Annotated[
    str | None, typer.Option("--reason", "-r", help="Why, as an internal note on the ticket.", show_default=False)
]
NeededReasonOption = Annotated[str, typer.Option("--reason", "-r", help="Why, as an internal note on the ticket.")]


def register(root: typer.Typer) -> None:
    """The shortcuts for the two most used changes."""
    root.command("note", help=NOTE_HELP)(note_cmd)
    root.command("cascade", help=CASCADE_HELP)(cascade_cmd)


def add_to(group: typer.Typer) -> None:
    """Every change, as a subcommand of `ticket` (after `show`, in this order)."""
    group.command("note", help=NOTE_HELP)(note_cmd)
    group.command("triage", help=TRIAGE_HELP)(triage_cmd)
    group.command("move", help=MOVE_HELP)(move_cmd)
    group.command("cascade", help=CASCADE_HELP)(cascade_cmd)
    group.command("return", help=RETURN_HELP)(return_cmd)
    group.command("status", help=STATUS_HELP)(status_cmd)
    group.command("assign", help=ASSIGN_HELP)(assign_cmd)


# --- the mutation flow shared by every change -------------------------------------------------------

QUESTIONS = {
    "note": "Add this internal note to {what}?",
    "triage": "Triage {what}?",
    "move": "Move {what}?",
    "cascade": "Cascade {what}?",
    "return": "Return {what} to triage?",
    "status": "Change the status of {what}?",
    "assign": "Change the assignee of {what}?",
    "due": "Change the due date of {what}?",
}


# Reads and plans a change: (the clients, the ticket ids, a progress callback) -> the batch.
Prepare: TypeAlias = "Callable[[Clients, list[int], Callable[[str], None]], Batch]"


def _mutate(
    ctx: typer.Context,
    ids: Sequence[str],
    prepare: Prepare,
    *,
    yes: bool,
    dry_run: bool,
    json_out: bool,
) -> None:
    """The flow of every change: read and plan (`prepare(clients, ticket ids, progress)`), show
    the plan, ask, write, report; holding the desk's lock for the change from the first read to the
    end of the command (`Runtime.writing`), except with --dry-run."""
    from govpress_support.cli import ticket_view
    from govpress_support.core.errors import PartialFailure
    from govpress_support.workflows.tickets import plan as tickets
    from govpress_support.workflows.tickets.write import ChangeOutcome, TicketConflict

    rt = runtime.get(ctx)
    if not dry_run:
        ctx.with_resource(rt.writing(f"ticket {ctx.info_name}"))  # released when the command ends
    out = rt.output(json_out)
    ticket_ids = rt.ticket_ids(ids)
    with out.status("reading tickets…") as update:
        batch = prepare(rt.clients, ticket_ids, update)
    if batch.single and batch.plans[0].refusal is not None:
        raise batch.plans[0].refusal
    ticket_view.show_plan(out, batch, dry_run=dry_run)
    todo = batch.to_write
    if dry_run or not todo:
        results = batch.dry_run()
        if json_out:
            out.json([r.to_record() for r in results])
        if dry_run and todo:
            out.note("dry run: nothing was written")
        _finish(results, batch)
        return

    what = f"#{todo[0].ticket.id}" if len(todo) == 1 else f"{len(todo)} tickets"
    question = (batch.question or QUESTIONS.get(batch.action, "Update {what}?")).format(what=what)
    if not out.confirm(question, yes=yes):
        out.info("nothing changed")
        raise typer.Exit(1)

    def replan(again: Sequence[int]) -> "Batch":
        return prepare(rt.clients, list(again), lambda _: None)

    try:
        if len(batch.plans) == 1:
            with out.status(f"updating {what}…"):
                results = tickets.apply(rt.clients.zendesk, batch, replan=replan)
        else:
            with out.progress(len(todo), "updating tickets") as advance:
                results = tickets.apply(rt.clients.zendesk, batch, on_progress=advance, replan=replan)
    except TicketConflict as conflict:
        ticket_view.show_conflict(out, conflict)  # what was written meanwhile, whole, before the error
        raise
    ticket_view.show_results(out, results)
    if json_out:
        out.json([r.to_record() for r in results])
    updated = {r.ticket_id for r in results if r.outcome is ChangeOutcome.UPDATED}
    ticket_view.card_hints(out, [i for i in batch.missing_cards if i in updated])
    if tickets.exit_partial(results):
        failed = [r for r in results if not r.outcome.ok]
        named = ", ".join(f"#{r.ticket_id} ({r.outcome.value})" for r in failed)
        raise PartialFailure(
            f"{len(failed)} of {len(results)} tickets not changed: {named}", "see the lines above; the rest were done"
        )


def _finish(results: "Sequence[TicketResult]", batch: "Batch") -> None:
    """Nothing was written: exit 3 when a ticket was refused among several, else 0."""
    from govpress_support.core.errors import PartialFailure
    from govpress_support.workflows.tickets.write import ChangeOutcome

    refused = [r for r in results if r.outcome is ChangeOutcome.REFUSED]
    if refused:
        named = ", ".join(f"#{r.ticket_id}" for r in refused)
        raise PartialFailure(
            f"{len(refused)} of {len(batch.plans)} tickets cannot take this change: {named}", "see the lines above"
        )


# --- note ---------------------------------------------------------------------------------------------

NOTE_HELP = (
    """Add an internal note (never public) to one or more tickets.

The text comes from the last argument, from stdin with `-` (or when it is omitted and stdin is
not a terminal), or from your $VISUAL/$EDITOR when it is omitted on a terminal. An empty note,
one over 64 KB (Zendesk's limit for one comment: attach a big log as a file instead) or stdin
that is not UTF-8 is an error and nothing is sent. A ticket whose latest comment is already this note by you is left
alone, so running it twice adds it once. Use -m when the text itself is a number.
"""
    + MUTATION_NOTE
    + """
Examples:

    govpress-support ticket note 4012 "Checked the logs: the plugin update broke the banner."

    govpress-support note 4012 4013 4017 -m "Client confirmed the maintenance window" --yes

    git log -1 --format=%B | govpress-support note 4012 - --yes

    govpress-support note 4012
"""
)


def note_cmd(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(
            metavar="ID... [TEXT]", help="Ticket ids, then the note ('-': stdin).", autocompletion=complete_ticket
        ),
    ],
    message: Annotated[
        str | None, typer.Option("--message", "-m", help="The note text (then every argument is an id).")
    ] = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.cli.comment_text import comment_text, split_text
    from govpress_support.workflows.tickets.plan import prepare_note

    rt = runtime.get(ctx)
    values, text = split_text(args, message)
    ticket_ids = rt.ticket_ids(values)  # a bad id is said before the editor opens
    note = comment_text(rt, text, what="note", name=f"note-{ticket_ids[0]}")
    _mutate(
        ctx,
        values,
        lambda clients, ids, update: prepare_note(clients.zendesk, ids, note, on_progress=update),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )


# --- triage -------------------------------------------------------------------------------------------


TRIAGE_HELP = (
    """Triage tickets: set priority and type, and optionally move them out of triage.

The process sets priority and type before a ticket leaves triage: moving one without them is
refused. --to also warns when a ticket going to 2nd line or scoping has no Trello card.
"""
    + MUTATION_NOTE
    + """
Examples:

    govpress-support ticket triage 4012 --priority high --type incident --to 1st

    govpress-support ticket triage 4012 -p normal -t task --to 2nd --note "Half a day: new block pattern"
"""
)


def triage_cmd(
    ctx: typer.Context,
    ids: TicketIds,
    priority: PriorityOption = None,
    type_: TypeOption = None,
    to: Annotated[str | None, typer.Option("--to", help="Then move it to 1st, 2nd or scoping.", **GROUP)] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="An internal note to add with the change.")] = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.workflows.tickets.moves import prepare_triage

    _mutate(
        ctx,
        ids,
        lambda clients, ticket_ids, update: prepare_triage(
            clients.zendesk,
            clients.trello_or_none,
            clients.settings,
            ticket_ids,
            priority=priority,
            type_=type_,
            to=to,
            note=note,
        ),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )


# --- move, cascade, return -----------------------------------------------------------------------------


MOVE_HELP = (
    """Move tickets to another group, with the reason as an internal note.

An assignee who is not a member of the new group is unassigned (Zendesk would refuse the move
otherwise). Moving into 2nd line or scoping warns when a ticket has no Trello card.
"""
    + MUTATION_NOTE
    + """
Examples:

    govpress-support ticket move 4012 --to 2nd --reason "Needs a theme change, about two hours"

    govpress-support ticket move 4012 4013 --to scoping --reason "Part of the accessibility audit" --yes
"""
)


def move_cmd(
    ctx: typer.Context,
    ids: TicketIds,
    to: Annotated[str, typer.Option("--to", help="triage, 1st, 2nd, scoping, or a group's name or id.", **GROUP)],
    reason: NeededReasonOption,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.workflows.tickets.moves import prepare_move

    _mutate(
        ctx,
        ids,
        lambda clients, ticket_ids, update: prepare_move(
            clients.zendesk, clients.trello_or_none, clients.settings, ticket_ids, to=to, reason=reason
        ),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )


CASCADE_HELP = (
    """Move tickets one step down the cascade: triage → 1st line → 2nd line → scoping.

For work that takes longer than expected. --reason adds it as an internal note. Moving into 2nd
line or scoping warns when a ticket has no Trello card.
"""
    + MUTATION_NOTE
    + """
Examples:

    govpress-support ticket cascade 4012 --reason "More than an hour: needs a developer"

    govpress-support cascade 4012 4013 --dry-run
"""
)


def cascade_cmd(
    ctx: typer.Context,
    ids: TicketIds,
    reason: ReasonOption = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.workflows.tickets.moves import prepare_cascade

    _mutate(
        ctx,
        ids,
        lambda clients, ticket_ids, update: prepare_cascade(
            clients.zendesk, clients.trello_or_none, clients.settings, ticket_ids, reason=reason
        ),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )


RETURN_HELP = (
    """Send tickets back to triage, unassigned, with the reason as an internal note.

For a ticket that has to be dropped, so that it is triaged again.
"""
    + MUTATION_NOTE
    + """
Examples:

    govpress-support ticket return 4012 --reason "Not GovPress: the client's own hosting"
"""
)


def return_cmd(
    ctx: typer.Context,
    ids: TicketIds,
    reason: NeededReasonOption,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.workflows.tickets.moves import prepare_return

    _mutate(
        ctx,
        ids,
        lambda clients, ticket_ids, update: prepare_return(
            clients.zendesk, clients.settings, ticket_ids, reason=reason
        ),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )


# --- status -------------------------------------------------------------------------------------------


STATUS_HELP = (
    """Set tickets' status: open, pending, on-hold, believed-solved or solved.

on-hold needs --reason (the process asks for the blocker as an internal note). believed-solved
is the team's "Pending believed solved" custom status (zendesk.believed_solved_status); on an
account without custom statuses, or without that one, it sets Pending plus the tag
zendesk.believed_solved_tag and says so on stderr. solved asks first and points to
believed-solved: a client's "thank you" reopens a solved ticket.
"""
    + MUTATION_NOTE
    + """
Examples:

    govpress-support ticket status 4012 believed-solved

    govpress-support ticket status 4012 on-hold --reason "Waiting for the client's DNS change"

    govpress-support ticket status 4012 4013 pending --yes
"""
)


def status_cmd(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(
            metavar="ID... STATUS",
            help="Ticket ids, then open, pending, on-hold, believed-solved or solved.",
            autocompletion=complete_ticket_or_status,
        ),
    ],
    reason: ReasonOption = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.core.errors import UsageError
    from govpress_support.core.statuses import SETTABLE_WORDS
    from govpress_support.workflows.tickets.status import prepare_status

    values = list(args)
    if len(values) < 2:
        raise UsageError("give ticket ids and then a status", f"status is one of: {', '.join(SETTABLE_WORDS)}")
    status = values.pop()
    _mutate(
        ctx,
        values,
        lambda clients, ticket_ids, update: prepare_status(
            clients.zendesk, clients.settings, ticket_ids, status, reason=reason
        ),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )


# --- assign -------------------------------------------------------------------------------------------


ASSIGN_HELP = (
    """Assign tickets to yourself (me), an agent (their email), or nobody (none).

The agent must be a member of the ticket's group, as Zendesk requires: move the ticket first.
"""
    + MUTATION_NOTE
    + """
Examples:

    govpress-support ticket assign 4012 me

    govpress-support ticket assign 4012 4013 alex.chen@govpress.example --yes
"""
)


def assign_cmd(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(
            metavar="ID... WHO", help="Ticket ids, then me, none or an email.", autocompletion=complete_ticket_or_agent
        ),
    ],
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.core.errors import UsageError
    from govpress_support.workflows.tickets.plan import prepare_assign

    values = list(args)
    if len(values) < 2:
        raise UsageError("give ticket ids and then who", "who is me, none or an agent's email")
    who = values.pop()
    _mutate(
        ctx,
        values,
        lambda clients, ticket_ids, update: prepare_assign(clients.zendesk, clients.settings, ticket_ids, who),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )
