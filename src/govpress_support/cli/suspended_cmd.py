"""`govpress-support suspended`: the mail Zendesk held back, for the rota to check, and recovering
or deleting it (`suspended recover|delete ID...`)."""

from typing import TYPE_CHECKING, Annotated

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import DryRunOption, JsonOption, YesOption, listing_group, mutating

if TYPE_CHECKING:
    from govpress_support.cli.output import Output
    from govpress_support.workflows.suspended import SuspendedOutcome

SUSPENDED_HELP = """List suspended tickets (mail Zendesk held back): subject, author, cause and age.

The count comes first (on stderr), then the tickets, oldest first. Exit 0 even when there are
none. Zendesk shows them to admins and unrestricted agents only (others: exit 4). Piped:
tab-separated with a header line; --json: an array of objects (id, subject, author_name,
author_email, cause, ticket_id, created_at, age_seconds). `suspended recover` and `suspended
delete` act on them.

Examples:

    govpress-support suspended

    govpress-support suspended --json | jq length

    govpress-support suspended recover 70002
"""

ACTION_NOTE = """
Shows the plan on stderr, asks once on a terminal (pass --yes when not on one), and takes
--dry-run. Ids that are no longer suspended are left alone and said so, so running it twice
does nothing the second time. Zendesk's bulk endpoint takes 100 ids a request. Exit 3 when some
were not done (said which), 4 when your role may not manage suspended tickets.
"""

RECOVER_HELP = (
    """Recover suspended tickets: each becomes an ordinary ticket (its new id is said).

Sent through Zendesk's recover_many, even for one id, which keeps the sender as the requester
(recovering one at a time would make you the requester). Mail that answers an open ticket
becomes a comment on it. Mail Zendesk will not recover (from the support address itself) is
named with the reason. --json: an array of objects (id, result, ticket_id, ticket_url, subject,
message); result is recovered, planned, not_suspended or failed.
"""
    + ACTION_NOTE
    + """
Examples:

    govpress-support suspended recover 70002

    govpress-support suspended recover 70001 70002 --dry-run

    govpress-support suspended recover 70002 --yes --json | jq '.[0].ticket_id'
"""
)

DELETE_HELP = (
    """Delete suspended tickets: spam and other mail no one should answer.

Sent through Zendesk's destroy_many. --json: an array of objects (id, result, ticket_id,
ticket_url, subject, message); result is deleted, planned, not_suspended or failed.
"""
    + ACTION_NOTE
    + """
Examples:

    govpress-support suspended delete 70001

    govpress-support suspended delete 70001 70003 --yes
"""
)

SuspendedIds = Annotated[list[str], typer.Argument(metavar="ID...", help="Suspended ticket ids (from `suspended`).")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="suspended")


def _list(ctx: typer.Context, json_out: bool) -> None:
    from govpress_support.cli import ticket_view
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.suspended import fetch_suspended

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    with out.status("reading suspended tickets…"):
        result = fetch_suspended(rt.clients.zendesk, now=now())
    with out.paged():
        ticket_view.suspended(out, result)


app = listing_group("suspended", SUSPENDED_HELP, _list)


@app.command("recover", help=RECOVER_HELP)
@mutating("suspended recover")
def recover_cmd(
    ctx: typer.Context,
    ids: SuspendedIds,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    _act(ctx, "recover", ids, yes=yes, dry_run=dry_run, json_out=json_out)


@app.command("delete", help=DELETE_HELP)
@mutating("suspended delete")
def delete_cmd(
    ctx: typer.Context,
    ids: SuspendedIds,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    _act(ctx, "delete", ids, yes=yes, dry_run=dry_run, json_out=json_out)


def _act(ctx: typer.Context, action: str, ids: list[str], *, yes: bool, dry_run: bool, json_out: bool) -> None:
    from govpress_support.core.errors import GovPressError, PartialFailure
    from govpress_support.core.refs import parse_suspended_ids
    from govpress_support.workflows import suspended

    numbers = parse_suspended_ids(ids)
    rt = runtime.get(ctx)
    out = rt.output(json_out)
    zendesk = rt.clients.zendesk
    with out.status("reading suspended tickets…"):
        plan = suspended.plan_suspended(zendesk, numbers, action)
    verb = "recover" if action == "recover" else "delete"
    for ticket in plan.found:
        author = ticket.author_email or ticket.author_name or "unknown sender"
        out.info(f"{verb} {ticket.id}: {ticket.subject} (from {author}; {ticket.cause})")
    for gone in plan.gone:
        out.note(f"{gone}: nothing to do (not suspended: already recovered or deleted?)")
    if dry_run or not plan.found:
        if json_out:
            out.json([o.to_record() for o in suspended.preview(plan)])
        if dry_run and plan.found:
            out.note("dry run: nothing was changed")
        return
    count = len(plan.found)
    what = f"suspended ticket {plan.found[0].id}" if count == 1 else f"{count} suspended tickets"
    question = f"Recover {what}?" if action == "recover" else f"Delete {what}? This cannot be undone."
    if not out.confirm(question, yes=yes):
        out.info("nothing changed")
        raise typer.Exit(1)
    with out.status(f"{'recovering' if action == 'recover' else 'deleting'}…"):
        outcomes = suspended.recover(zendesk, plan) if action == "recover" else suspended.delete(zendesk, plan)
    _report(out, outcomes, verb)
    if json_out:
        out.json([o.to_record() for o in [*outcomes, *suspended.not_suspended(plan)]])
    failed = [o for o in outcomes if not o.ok]
    if len(outcomes) == 1 and failed:
        raise GovPressError(f"suspended ticket {failed[0].id} was not {verb}ed: {failed[0].message}")
    if failed:
        named = ", ".join(str(o.id) for o in failed)
        raise PartialFailure(f"{len(failed)} of {len(outcomes)} suspended tickets not {verb}ed: {named}", "see above")


def _report(out: "Output", outcomes: "list[SuspendedOutcome]", verb: str) -> None:
    """A line for each, from Zendesk's answer."""
    for o in outcomes:
        if o.result == "recovered":
            became = f"ticket #{o.ticket_id}" if o.ticket_id else "a ticket"
            extra = f" ({o.message})" if o.message else ""
            out.success(f"{o.id} recovered: now {became}{extra}: {o.subject or ''}")
        elif o.result == "deleted":
            out.success(f"{o.id} deleted: {o.subject or ''}")
        else:
            out.err.print(f"✗ {o.id} not {verb}ed: {o.message or o.result}", markup=False)
