"""`govpress-support ticket show|note|triage|move|cascade|return|status|assign` and `suspended`,
with the top-level shortcuts `note` and `cascade`.

Every change reads the tickets, shows the plan on stderr, asks once on a terminal (`--yes` off
one), takes `--dry-run`, and writes with Zendesk's collision guard; a second run does nothing.
"""

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import DryRunOption, JsonOption, YesOption

if TYPE_CHECKING:
    from govpress_support.cli.runtime import Runtime
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

app = typer.Typer(
    help="Work a ticket: show it, add internal notes, triage, move it between groups, set its status, assign it.",
    no_args_is_help=True,
)

IdsArgument = Annotated[list[str], typer.Argument(metavar="ID...", help="Ticket ids (4012, #4012 or its URL).")]
ReasonOption = Annotated[
    str | None, typer.Option("--reason", "-r", help="Why, as an internal note on the ticket.", show_default=False)
]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="ticket")
    root.command("note", help=NOTE_HELP)(note_cmd)  # shortcuts for the two most used changes
    root.command("cascade", help=CASCADE_HELP)(cascade_cmd)
    root.command("suspended", help=SUSPENDED_HELP)(suspended_cmd)


# --- the mutation flow shared by every change -------------------------------------------------------

QUESTIONS = {
    "note": "Add this internal note to {what}?",
    "triage": "Triage {what}?",
    "move": "Move {what}?",
    "cascade": "Cascade {what}?",
    "return": "Return {what} to triage?",
    "status": "Change the status of {what}?",
    "assign": "Change the assignee of {what}?",
}


def _mutate(
    ctx: typer.Context,
    prepare: "Callable[[Clients, Callable[[str], None]], Batch]",
    *,
    yes: bool,
    dry_run: bool,
    json_out: bool,
) -> None:
    from govpress_support.cli import ticket_view
    from govpress_support.core.errors import PartialFailure
    from govpress_support.workflows.tickets import plan as tickets
    from govpress_support.workflows.tickets.write import ChangeOutcome

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    with out.status("reading tickets…") as update:
        batch = prepare(rt.clients, update)
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
    if len(batch.plans) == 1:
        with out.status(f"updating {what}…"):
            results = tickets.apply(rt.clients, batch)
    else:
        with out.progress(len(todo), "updating tickets") as advance:
            results = tickets.apply(rt.clients, batch, on_progress=advance)
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


def _ids(values: list[str]) -> list[int]:
    from govpress_support.workflows.tickets.plan import parse_ticket_ids

    return parse_ticket_ids(values)


# --- show ---------------------------------------------------------------------------------------------


@app.command("show")
def show_cmd(ctx: typer.Context, ids: IdsArgument, json_out: JsonOption = False) -> None:
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
    from govpress_support.workflows.tickets.plan import fetch_details

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    ticket_ids = _ids(ids)
    with out.status("reading the ticket…") as update:
        result = fetch_details(rt.clients, ticket_ids, now=now(), on_progress=update)
    ticket_view.show(out, result)


# --- note ---------------------------------------------------------------------------------------------

NOTE_HELP = (
    """Add an internal note (never public) to one or more tickets.

The text comes from the last argument, from stdin with `-` (or when it is omitted and stdin is
not a terminal), or from your $VISUAL/$EDITOR when it is omitted on a terminal. An empty note is
an error and nothing is sent. A ticket whose latest comment is already this note by you is left
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
    args: Annotated[list[str], typer.Argument(metavar="ID... [TEXT]", help="Ticket ids, then the note ('-': stdin).")],
    message: Annotated[
        str | None, typer.Option("--message", "-m", help="The note text (then every argument is an id).")
    ] = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.workflows.tickets.plan import looks_like_ticket, prepare_note

    rt = runtime.get(ctx)
    values = list(args)
    text = message
    if text is None and values and (values[-1] == "-" or not looks_like_ticket(values[-1])):
        text = values.pop()
    ticket_ids = _ids(values)
    if text == "-" or (text is None and not rt.out.stdin_tty):
        text = rt.out.stdin.read()
    elif text is None:
        text = _edit_note(rt, ticket_ids)
    _mutate(
        ctx,
        lambda clients, update: prepare_note(clients, ticket_ids, text or "", on_progress=update),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )


app.command("note", help=NOTE_HELP)(note_cmd)


def _edit_note(rt: "Runtime", ids: list[int]) -> str:
    """Open the user's editor on an empty temporary file and read the note back."""
    import os
    import shlex
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from govpress_support.core.errors import UsageError

    editor = rt.environ.get("VISUAL") or rt.environ.get("EDITOR")
    if not editor:
        editor = next((e for e in ("editor", "nano", "vi") if shutil.which(e)), None)
    if not editor:
        raise UsageError("no editor to write the note in", "set $EDITOR, or pass the note as an argument")
    fd, name = tempfile.mkstemp(prefix=f"govpress-note-{ids[0]}-", suffix=".txt")
    os.close(fd)
    path = Path(name)
    try:
        done = subprocess.run([*shlex.split(editor), str(path)], check=False)
        if done.returncode != 0:
            raise UsageError(f"the editor exited with status {done.returncode}: nothing was sent")
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"editor {editor!r} not found", "set $EDITOR, or pass the note as an argument") from None
    finally:
        path.unlink(missing_ok=True)


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


@app.command("triage", help=TRIAGE_HELP)
def triage_cmd(
    ctx: typer.Context,
    ids: IdsArgument,
    priority: Annotated[
        str | None, typer.Option("--priority", "-p", help="urgent, high, normal or low (sets the SLA).")
    ] = None,
    type_: Annotated[str | None, typer.Option("--type", "-t", help="problem, incident, question or task.")] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Then move it to 1st, 2nd or scoping.", show_default=False)
    ] = None,
    note: Annotated[str | None, typer.Option("--note", "-n", help="An internal note to add with the change.")] = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.workflows.tickets.plan import prepare_triage

    ticket_ids = _ids(ids)
    _mutate(
        ctx,
        lambda clients, update: prepare_triage(clients, ticket_ids, priority=priority, type_=type_, to=to, note=note),
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


@app.command("move", help=MOVE_HELP)
def move_cmd(
    ctx: typer.Context,
    ids: IdsArgument,
    to: Annotated[str, typer.Option("--to", help="triage, 1st, 2nd, scoping, or a group's name or id.")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why, as an internal note on the ticket.")],
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.workflows.tickets.plan import prepare_move

    ticket_ids = _ids(ids)
    _mutate(
        ctx,
        lambda clients, update: prepare_move(clients, ticket_ids, to=to, reason=reason),
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
    ids: IdsArgument,
    reason: ReasonOption = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.workflows.tickets.plan import prepare_cascade

    ticket_ids = _ids(ids)
    _mutate(
        ctx,
        lambda clients, update: prepare_cascade(clients, ticket_ids, reason=reason),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )


app.command("cascade", help=CASCADE_HELP)(cascade_cmd)


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


@app.command("return", help=RETURN_HELP)
def return_cmd(
    ctx: typer.Context,
    ids: IdsArgument,
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why, as an internal note on the ticket.")],
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.workflows.tickets.plan import prepare_return

    ticket_ids = _ids(ids)
    _mutate(
        ctx,
        lambda clients, update: prepare_return(clients, ticket_ids, reason=reason),
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


@app.command("status", help=STATUS_HELP)
def status_cmd(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(
            metavar="ID... STATUS", help="Ticket ids, then open, pending, on-hold, believed-solved or solved."
        ),
    ],
    reason: ReasonOption = None,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.core.errors import UsageError
    from govpress_support.workflows.tickets.plan import STATUS_CHOICES, prepare_status

    values = list(args)
    if len(values) < 2:
        raise UsageError("give ticket ids and then a status", f"status is one of: {', '.join(STATUS_CHOICES)}")
    status = values.pop()
    ticket_ids = _ids(values)
    _mutate(
        ctx,
        lambda clients, update: prepare_status(clients, ticket_ids, status, reason=reason),
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


@app.command("assign", help=ASSIGN_HELP)
def assign_cmd(
    ctx: typer.Context,
    args: Annotated[list[str], typer.Argument(metavar="ID... WHO", help="Ticket ids, then me, none or an email.")],
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
    ticket_ids = _ids(values)
    _mutate(
        ctx,
        lambda clients, update: prepare_assign(clients, ticket_ids, who),
        yes=yes,
        dry_run=dry_run,
        json_out=json_out,
    )


# --- suspended ----------------------------------------------------------------------------------------

SUSPENDED_HELP = """List suspended tickets (mail Zendesk held back): subject, author, cause and age.

The count comes first (on stderr), then the tickets, oldest first. Exit 0 even when there are
none. Zendesk shows them to admins and unrestricted agents only (others: exit 4). Piped:
tab-separated with a header line; --json: an array of objects (id, subject, author_name,
author_email, cause, ticket_id, created_at, age_seconds).

Examples:

    govpress-support suspended

    govpress-support suspended --json | jq length
"""


def suspended_cmd(ctx: typer.Context, json_out: JsonOption = False) -> None:
    from govpress_support.cli import ticket_view
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.suspended import fetch_suspended

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    with out.status("reading suspended tickets…"):
        result = fetch_suspended(rt.clients, now=now())
    ticket_view.suspended(out, result)
