"""`govpress-support card create|show`: Trello cards for tickets."""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import DryRunOption, JsonOption, WebOption, YesOption, mutating

if TYPE_CHECKING:
    from rich.console import RenderableType

    from govpress_support.cli.output import Column, Output
    from govpress_support.cli.runtime import Runtime
    from govpress_support.workflows.cards.link import CardPlan, CardStepResult
    from govpress_support.workflows.cards.show import LinkedCard

app = typer.Typer(
    help="Trello cards for Zendesk tickets, linked both ways: make them, and find them.",
    no_args_is_help=True,
)

BoardOption = Annotated[
    str | None,
    typer.Option(
        "--board",
        metavar="BOARD",
        help="backlog, week, a board name, short link (pF46aRdl) or URL. Default: the backlog board.",
    ),
]

CREATE_HELP = """Make a Trello card for each ticket, and link the two both ways.

The card goes on the Support and Maintenance Backlog board, in its configured list (--board and
--list to choose), named "#<id> <subject>", with the ticket's URL attached, a description with
the ticket's link, priority, type, organisation, SLA breach time and due date, and the ticket's
due date for task tickets. Then one update on the ticket: an internal note with the card's
short URL, the tag trello_card (zendesk.trello_card_tag), and the card URL in the custom field
zendesk.trello_card_field_id when one is configured.

Safe to run again: a card on the board that already links the ticket (an attachment to the
ticket's URL, or a name starting "#<id>") is reused, and what the ticket already has is not
added twice. A run that made a card but could not update the ticket is completed by the next.

--missing makes a card for every ticket in the 2nd line queue that has none, but those "Pending
believed solved" (about to solve themselves; --include-believed-solved adds them). Cards go on
2nd line and scoping tickets; others need --force. Adding cards needs membership of the board:
--join joins it first.

Shows the plan, asks on a terminal; --yes when not on one; --dry-run changes nothing.
Exit codes: 0 done (or nothing to do), 1 error, 2 bad input, 3 some tickets not linked (said
which; run again to finish), 4 not allowed (credentials, or not a member of the board).

Examples:

    govpress-support card create 4012

    govpress-support card create 4012 4013 --label Bug --list Ready

    govpress-support card create --missing --dry-run

    govpress-support card create --missing --yes --json | jq -r '.[].card_url'
"""

SHOW_HELP = """Show the Trello card linked to each ticket: URL, board, list, members, due date.

Looks on the backlog board (--board for another), as the queue does; a card moved to another
board is found from the ticket's note or custom field. Says whether the link is whole both ways.
--web opens the card in the browser instead. Exit 1 when a ticket has no card linked.

Examples:

    govpress-support card show 4012

    govpress-support card show 4012 --json | jq -r '.[0].card_url'

    govpress-support card show 4012 --web
"""

CREATE_TSV = ("ticket_id", "action", "card_url", "board", "list", "changes", "error", "subject")
SHOW_TSV = ("ticket_id", "card_url", "board", "list", "members", "due", "linked_both_ways", "ticket_lacks", "card_name")

ACTION_TEXT = {
    "created": ("✓ created", "green"),
    "linked": ("✓ linked", "green"),
    "already_linked": ("already linked", "dim"),
    "would_create": ("would create", "cyan"),
    "would_link": ("would link", "cyan"),
    "failed": ("✗ failed", "bold red"),
}


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="card")


# --- card create ------------------------------------------------------------------------------


@app.command("create", help=CREATE_HELP)
@mutating("card create")
def create_cmd(
    ctx: typer.Context,
    tickets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[TICKET]...", help="Ticket numbers (4012 or #4012) or ticket URLs.", show_default=False
        ),
    ] = None,
    missing: Annotated[
        bool, typer.Option("--missing", help="Every ticket in the 2nd line queue without a card.")
    ] = False,
    board: BoardOption = None,
    list_name: Annotated[
        str | None,
        typer.Option("--list", metavar="LIST", help="List on the board, by name. Default: trello.backlog_list."),
    ] = None,
    label: Annotated[
        list[str] | None, typer.Option("--label", "-l", metavar="LABEL", help="A label by name; repeatable.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Make cards for tickets outside 2nd line and scoping too.")
    ] = False,
    join: Annotated[
        bool, typer.Option("--join", help="Join the board first if you are not a member (needed to add cards).")
    ] = False,
    include_believed_solved: Annotated[
        bool,
        typer.Option(
            "--include-believed-solved",
            help="With --missing, tickets Pending believed solved too (left out: they are about to solve themselves).",
        ),
    ] = False,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.core.errors import UsageError
    from govpress_support.core.timeutil import now
    from govpress_support.workflows.cards import link as cards

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    if missing and tickets:
        raise UsageError("give tickets or --missing, not both")
    if not missing and not tickets:
        raise UsageError("no tickets given", "name them (card create 4012 4013), or use --missing")
    ids = rt.ticket_ids(tickets) if tickets else []

    clients = rt.clients
    trello, settings = clients.trello, clients.settings  # no Trello credentials: say so before anything else
    with out.status("reading the Trello board…"):
        destination = cards.resolve_destination(
            trello, settings, board=board, list_name=list_name, labels=tuple(label or ())
        )
    if missing:
        with out.status("fetching the 2nd line queue…") as update:

            def progress(fetched: int, total: int | None) -> None:
                update(f"fetching the 2nd line queue… {fetched}" + (f" of {total}" if total else ""))

            plan = cards.plan_missing(
                clients.zendesk,
                trello,
                settings,
                destination,
                now=now(),
                join=join,
                include_believed_solved=include_believed_solved,
                on_progress=progress,
            )
        if plan.believed_solved:
            out.note(
                f"{plan.believed_solved} ticket(s) {settings.zendesk.believed_solved_status} left out: "
                "they are about to solve themselves (--include-believed-solved adds them)"
            )
    else:
        with out.status("reading the tickets…"):
            plan = cards.plan_tickets(
                clients.zendesk, trello, settings, destination, ids, now=now(), force=force, join=join
            )
    for step in plan.steps:
        if step.warning:
            out.warn(f"{step.warning}; going on (--force)")

    if not plan.work:
        _render_results(out, cards.preview(plan), plan)
        _say_nothing_to_do(out, plan)
        return
    problem = plan.membership_error()
    if problem is not None and not dry_run:
        raise problem
    _show_plan(out, plan)
    if dry_run:
        if problem is not None:
            out.warn(problem.one_line())
        _render_results(out, cards.preview(plan), plan)
        out.note("dry run: nothing changed")
        return
    if not out.confirm(_question(plan), yes=yes):
        out.info("nothing changed")
        raise typer.Exit(1)
    results = _execute(rt, plan)
    _render_results(out, results, plan)
    _finish(out, results)


def _execute(rt: "Runtime", plan: "CardPlan") -> "list[CardStepResult]":
    from govpress_support.workflows.cards.apply import execute

    out, clients = rt.out, rt.clients
    if len(plan.work) == 1:
        with out.status("linking…"):
            return execute(clients.zendesk, clients.trello, clients.settings, plan)
    with out.progress(len(plan.steps), "linking cards") as advance:
        return execute(clients.zendesk, clients.trello, clients.settings, plan, on_result=lambda _: advance(1))


def _subject(text: str, width: int = 48) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _show_plan(out: "Output", plan: "CardPlan") -> None:
    d = plan.destination
    out.info(f"Trello board {d.board.name!r} ({d.board.short_link}), list {d.list.name!r}:")
    if plan.joins:
        now = "an observer" if d.membership == "observer" else "not a member"
        out.info(f"  join the board as a normal member (you, {d.me.username or d.me.full_name}, are {now})")
    for step in plan.steps:
        ticket = step.ticket
        out.info(f"  #{ticket.id} {_subject(ticket.subject)}: {step.describe(d)}")
    if plan.skipped:
        out.note(f"  ({plan.skipped} other tickets in {plan.group or 'the queue'} have a card already)")


def _question(plan: "CardPlan") -> str:
    parts = []
    if plan.creates:
        parts.append(f"make {plan.creates} card{'s' if plan.creates != 1 else ''}")
    if plan.links:
        parts.append(f"complete {plan.links} link{'s' if plan.links != 1 else ''}")
    return " and ".join(parts).capitalize() + "?"


def _say_nothing_to_do(out: "Output", plan: "CardPlan") -> None:
    if plan.group is not None:
        every = "every other ticket" if plan.believed_solved else "every ticket"
        out.success(f"{every} in {plan.group} has a card ({plan.skipped}); nothing to do")
        return
    for step in plan.steps:
        url = step.card.short_url if step.card else ""
        out.success(f"ticket {step.ticket.id} already linked: {url}")


def _finish(out: "Output", results: "Sequence[CardStepResult]") -> None:
    from collections import Counter

    from govpress_support.core.errors import PartialFailure

    counts = Counter(r.outcome.value for r in results)
    said = [
        f"{counts[key]} {name}"
        for key, name in (("created", "created"), ("linked", "linked"), ("already_linked", "already linked"))
        if counts[key]
    ]
    for r in results:
        if r.warning:
            out.warn(r.warning)
    failed = [r for r in results if r.error is not None]
    if len(results) == 1 and failed and not failed[0].half_done and failed[0].error is not None:
        raise failed[0].error  # nothing was made: the error alone says it, with its own exit code
    for r in failed:
        made = f"card {r.card.short_url} is made, but " if r.half_done and r.card else ""
        out.warn(f"ticket {r.step.ticket.id}: {made}{r.error.one_line() if r.error else 'failed'}")
    if said:
        out.success(", ".join(said))
    if not failed:
        return
    ids = " ".join(str(r.step.ticket.id) for r in failed)
    raise PartialFailure(
        f"{len(failed)} of {len(results)} tickets not linked: {ids}",
        f"run `govpress-support card create {ids}` again: it reuses the cards made and completes the links",
    )


def _render_results(out: "Output", results: "Sequence[CardStepResult]", plan: "CardPlan") -> None:
    records = [r.to_record(plan.destination) for r in results]
    out.rows(records, _result_columns(), tsv_fields=CREATE_TSV, empty="No tickets to link.")


def _result_columns() -> "list[Column]":
    from rich.text import Text

    from govpress_support.cli.common import link_text
    from govpress_support.cli.output import Column

    def action_cell(r: Mapping[str, Any]) -> "RenderableType":
        text, style = ACTION_TEXT.get(r["action"], (r["action"], ""))
        return Text(text, style=style)

    def card_cell(r: Mapping[str, Any]) -> "RenderableType":
        if not r["card_url"]:
            return Text("—", style="dim")
        return link_text(r["card_url"], r["card_url"])

    return [
        Column("ticket_id", "Ticket", cell=lambda r: link_text(f"#{r['ticket_id']}", r["ticket_url"], "bold")),
        Column("action", "Result", cell=action_cell),
        Column("card_url", "Card", cell=card_cell),
        Column("list", "List", max_width=20, drop=1),
        Column("subject", "Subject", ratio=1, min_width=16),
    ]


# --- card show --------------------------------------------------------------------------------


@app.command("show", help=SHOW_HELP)
def show_cmd(
    ctx: typer.Context,
    tickets: Annotated[list[str], typer.Argument(metavar="TICKET...", help="Ticket numbers (4012 or #4012) or URLs.")],
    board: BoardOption = None,
    web: WebOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.core.errors import GovPressError
    from govpress_support.workflows.cards.show import show_cards

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    ids = rt.ticket_ids(tickets)
    clients = rt.clients
    trello = clients.trello  # no Trello credentials: say so first
    with out.status("looking for the cards…"):
        shown = show_cards(clients.zendesk, trello, clients.settings, ids, board=board)
    linked = [s for s in shown if s.card is not None]
    if web:
        from govpress_support.cli.browser import open_in_browser

        for item in linked:
            assert item.card is not None
            open_in_browser(out, item.card.short_url or item.card.url, rt.environ)
    else:
        _print_cards(out, linked)
    without = [str(s.ticket.id) for s in shown if s.card is None]
    if without:
        listed = " ".join(without)
        raise GovPressError(
            f"no card linked to ticket {', '.join(without)}",
            f"make one with `govpress-support card create {listed}`",
        )


def _print_cards(out: "Output", linked: "list[LinkedCard]") -> None:
    from govpress_support.cli.output import Mode

    if linked and out.mode is Mode.TABLE:
        for item in linked:
            _show_card(out, item)
    elif linked:
        out.rows([s.to_record() for s in linked], [], tsv_fields=SHOW_TSV)
    for item in linked:
        if item.zendesk_missing or not item.trello_linked:
            lacks = list(item.zendesk_missing) + ([] if item.trello_linked else ["the card's attachment"])
            out.note(
                f"ticket {item.ticket.id}'s link is not whole (missing: {', '.join(lacks)}): "
                f"`govpress-support card create {item.ticket.id}` completes it"
            )


def _show_card(out: "Output", item: "LinkedCard") -> None:
    from rich.table import Table
    from rich.text import Text

    from govpress_support.cli.common import due_text, link_text
    from govpress_support.core.timeutil import now

    card = item.card
    assert card is not None
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("Ticket", link_text(f"#{item.ticket.id} {item.ticket.subject}", item.ticket.agent_url))
    grid.add_row("Card", link_text(card.short_url, card.short_url, "bold"))
    grid.add_row("Name", card.name)
    grid.add_row("Board", item.board.name if item.board else "")
    grid.add_row("List", item.list_name or "")
    grid.add_row("Members", ", ".join(item.members) or Text("none", style="dim"))
    due = Text("done", style="green") if card.due and card.due_complete else due_text(card.due, now())
    grid.add_row("Due", due if card.due else Text("none", style="dim"))
    if card.labels:
        grid.add_row("Labels", ", ".join(label.name or label.color or "" for label in card.labels))
    whole = item.trello_linked and not item.zendesk_missing
    grid.add_row("Link", Text("both ways ✓", style="green") if whole else Text("not whole (see below)", style="yellow"))
    out.print(grid)
    out.print(Text(""))
