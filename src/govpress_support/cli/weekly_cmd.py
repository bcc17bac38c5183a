"""`govpress-support weekly-tasks`: the weekly jobs on the Week in Progress board, and taking one
(`weekly-tasks take CARD`)."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from govpress_support.cli import runtime
from govpress_support.cli.common import DryRunOption, JsonOption, YesOption, listing_group, mutating

if TYPE_CHECKING:
    from rich.console import RenderableType

    from govpress_support.cli.output import Column, Output
    from govpress_support.workflows.cards.weekly import TakePlan

WEEKLY_HELP = """List the weekly jobs: the Weekly tasks cards on the Week in Progress board.

What to work on when the 2nd line queue is empty: each card's name, due date, labels and the
first line of its description (the card explains the job). The board and list are the config
settings trello.week_board and trello.weekly_tasks_list. `weekly-tasks take CARD` takes one.

Examples:

    govpress-support weekly-tasks

    govpress-support weekly-tasks --json | jq -r '.[] | "\\(.name): \\(.url)"'

    govpress-support weekly-tasks take "Check backups completed"
"""

TAKE_HELP = """Take a weekly job: join its card, and move it to the board's doing list.

So that two engineers do not pick the same job. CARD is the card's name (or a part only it has),
its short link or its URL. You join the card, and it moves to the list trello.doing_list
("Doing") where the board has one. Trello lets only board members change cards: if you are not
one, you join the Week in Progress board first (the process asks rota engineers to). A card
someone else has already taken is refused (exit 5) unless --force.

Shows the plan on stderr, asks once on a terminal (pass --yes when not on one), and takes
--dry-run. Running it again does nothing: a card you are on, in the doing list, is left alone.
--json: one object (id, short_link, name, url, list, members, result, done); result is taken,
already_taken or planned.

Examples:

    govpress-support weekly-tasks take "Check backups completed"

    govpress-support weekly-tasks take backups --dry-run

    govpress-support weekly-tasks take https://trello.com/c/AbCd1234 --yes
"""

WEEKLY_TSV = ("name", "due", "due_complete", "labels", "summary", "url")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="weekly-tasks")


def _list(ctx: typer.Context, json_out: bool) -> None:
    from govpress_support.workflows.cards.weekly import weekly_tasks

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    trello = rt.clients.trello
    with out.status("reading the weekly tasks…"):
        result = weekly_tasks(trello, rt.clients.settings.trello)
    out.rows(
        result.records(),
        _weekly_columns(),
        tsv_fields=WEEKLY_TSV,
        title=f"{result.task_list.name} on {result.board.name}",
        empty=f"No cards in {result.task_list.name!r} on {result.board.name!r}.",
    )


def _weekly_columns() -> "list[Column]":
    from rich.text import Text

    from govpress_support.cli.common import due_text, link_text
    from govpress_support.cli.output import Column
    from govpress_support.core.timeutil import now

    current = now()

    def due_cell(r: Mapping[str, Any]) -> "RenderableType":
        if r["due"] is not None and r["due_complete"]:
            return Text("done", style="green")
        return due_text(r["due"], current)

    return [
        Column("name", "Task", cell=lambda r: link_text(r["name"], r["url"], "bold"), max_width=40),
        Column("due", "Due", cell=due_cell),
        Column("labels", "Labels", cell=lambda r: Text(", ".join(r["labels"]), style="dim"), max_width=20, drop=1),
        Column("summary", "What", ratio=1, min_width=30),
    ]


app = listing_group("weekly-tasks", WEEKLY_HELP, _list)


@app.command("take", help=TAKE_HELP)
@mutating("weekly-tasks take")
def take_cmd(
    ctx: typer.Context,
    card: Annotated[str, typer.Argument(metavar="CARD", help="The card's name (or part of it), short link or URL.")],
    force: Annotated[bool, typer.Option("--force", help="Join even if someone else has taken it.")] = False,
    yes: YesOption = False,
    dry_run: DryRunOption = False,
    json_out: JsonOption = False,
) -> None:
    from govpress_support.core.errors import ConflictError
    from govpress_support.workflows.cards.weekly import plan_take, take

    rt = runtime.get(ctx)
    out = rt.output(json_out)
    trello = rt.clients.trello
    with out.status("reading the Week in Progress board…"):
        plan = plan_take(trello, rt.clients.settings.trello, card)
    name = plan.card.name
    if not plan.to_do:
        where = plan.list_name(plan.card.list_id)
        out.success(f"you already have {name!r} ({where}): nothing to do")
        _json(out, json_out, plan, "already_taken")
        return
    if plan.others and not force:
        raise ConflictError(
            f"{name!r} is already taken by {', '.join(plan.others)}",
            "pick another with `govpress-support weekly-tasks`, or pass --force to join them",
        )
    out.info(f"{name} ({plan.card.short_url}) on {plan.board.name}:")
    for step in plan.steps():
        out.info(f"  {step}")
    if plan.others:
        out.warn(f"{', '.join(plan.others)} already on it; joining them (--force)")
    if plan.doing is None:
        out.note(f"  (the board has no {rt.clients.settings.trello.doing_list!r} list: the card stays where it is)")
    if dry_run:
        out.note("dry run: nothing was changed")
        _json(out, json_out, plan, "planned")
        return
    if not out.confirm(f"Take {name!r}?", yes=yes):
        out.info("nothing changed")
        raise typer.Exit(1)
    with out.status("taking it…"):
        result = take(trello, plan)
    out.success(f"took {result.card.name!r}: on it {', '.join(result.members)}; in {result.list_name!r}")
    if json_out:
        out.json(
            {
                **_record(plan),
                "list": result.list_name,
                "members": list(result.members),
                "result": "taken",
                "done": list(result.done),
            }
        )


def _record(plan: "TakePlan") -> dict[str, Any]:
    card = plan.card
    return {"id": card.id, "short_link": card.short_link, "name": card.name, "url": card.short_url}


def _json(out: "Output", json_out: bool, plan: "TakePlan", result: str) -> None:
    """--json without taking: the card as it is (already_taken) or would be (planned)."""
    if json_out:
        me = plan.me.full_name or plan.me.username
        where = plan.doing.name if result == "planned" and plan.doing is not None else plan.list_name(plan.card.list_id)
        out.json({**_record(plan), "list": where, "members": [*plan.others, me], "result": result, "done": []})
