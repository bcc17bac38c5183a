"""Options and cells that several commands share."""

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import click
import typer
from typer.core import TyperCommand

if TYPE_CHECKING:
    from rich.text import Text

# --- completion of values (from local caches only: see cli/complete.py) ---------------------------


def _complete(kind: str, incomplete: str) -> list[tuple[str, str]]:
    from govpress_support.cli.complete import values

    return values(kind, incomplete)


def complete_group(incomplete: str) -> list[tuple[str, str]]:
    return _complete("group", incomplete)


def complete_queue_status(incomplete: str) -> list[tuple[str, str]]:
    return _complete("queue_status", incomplete)


def complete_status(incomplete: str) -> list[tuple[str, str]]:
    return _complete("status", incomplete)


def complete_priority(incomplete: str) -> list[tuple[str, str]]:
    return _complete("priority", incomplete)


def complete_type(incomplete: str) -> list[tuple[str, str]]:
    return _complete("type", incomplete)


def complete_ticket(incomplete: str) -> list[tuple[str, str]]:
    return _complete("ticket", incomplete)


def complete_agent(incomplete: str) -> list[tuple[str, str]]:
    return _complete("agent", incomplete)


def complete_ticket_or_agent(incomplete: str) -> list[tuple[str, str]]:
    """`ticket assign ID... WHO`: ticket ids, and who the tickets go to."""
    return _complete("ticket", incomplete) + _complete("agent", incomplete)


def complete_ticket_or_status(incomplete: str) -> list[tuple[str, str]]:
    """`ticket status ID... STATUS`: ticket ids, and the statuses."""
    return _complete("ticket", incomplete) + _complete("status", incomplete)


# --- options ------------------------------------------------------------------------------------

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (an array of objects with stable field names).")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; required when not on a terminal.")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Show what would change and change nothing.")]
WebOption = Annotated[bool, typer.Option("--web", help="Open it in the browser instead (BROWSER honoured).")]
GROUP = {"autocompletion": complete_group, "show_default": False}  # for an option naming a group
PriorityOption = Annotated[
    str | None,
    typer.Option(
        "--priority", "-p", help="urgent, high, normal or low (sets the SLA).", autocompletion=complete_priority
    ),
]
TypeOption = Annotated[
    str | None,
    typer.Option("--type", "-t", help="problem, incident, question or task.", autocompletion=complete_type),
]
TicketIds = Annotated[
    list[str],
    typer.Argument(metavar="ID...", help="Ticket ids (4012, #4012 or its URL).", autocompletion=complete_ticket),
]


def listing_group(name: str, help_text: str, lister: Callable[[typer.Context, bool], None]) -> typer.Typer:
    """A command group that lists when run bare (`suspended`), as its `list` subcommand does
    (`suspended list`), beside subcommands that act (`suspended recover`)."""
    group = typer.Typer(help=help_text, invoke_without_command=True)
    list_help = help_text.replace(f"govpress-support {name}\n", f"govpress-support {name} list\n", 1)

    @group.callback(invoke_without_command=True)
    def bare(ctx: typer.Context, json_out: JsonOption = False) -> None:
        if ctx.invoked_subcommand is None:
            lister(ctx, json_out)

    @group.command("list", help=list_help)
    def list_cmd(ctx: typer.Context, json_out: JsonOption = False) -> None:
        lister(ctx, json_out)

    return group


Command = TypeVar("Command", bound=Callable[..., Any])


def mutating(name: str) -> Callable[[Command], Command]:
    """For a command that changes the desk: it holds the desk's lock for `name` from its first read
    to its last write (`Runtime.writing`), so two runs at once cannot both act on what they read;
    the second stops at once, naming the first (exit 1). Not with `--dry-run`, which writes nothing.
    The command takes `ctx` (and `dry_run`) by those names."""

    def decorate(command: Command) -> Command:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            from govpress_support.cli import runtime

            if not kwargs.get("dry_run"):
                ctx = kwargs["ctx"] if "ctx" in kwargs else args[0]
                ctx.with_resource(runtime.get(ctx).writing(name))  # released when the command ends
            return command(*args, **kwargs)

        return run  # type: ignore[return-value]

    return decorate


class Parsed(click.ParamType):  # type: ignore[type-arg,unused-ignore]  # generic from click 8.4
    """An option's text read by one of core's parsers. Its `UsageError` becomes Click's "invalid
    value for --option" (exit 2) with the parser's message and hint: the value is checked while
    the command line is read, before anything is sent."""

    def __init__(self, name: str, parse: Callable[[str], Any]):
        self.name = name
        self.parse = parse

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        from govpress_support.core.errors import UsageError

        try:
            return self.parse(value)
        except UsageError as exc:
            error = click.BadParameter(exc.message, ctx=ctx, param=param)
            error.hint = exc.hint  # type: ignore[attr-defined]  # the one line ends with it
            raise error from None


def _duration(text: str) -> timedelta:
    from govpress_support.core.timeutil import parse_duration

    return parse_duration(text)


def _since(text: str) -> datetime:
    from govpress_support.core.timeutil import parse_since

    return parse_since(text)


def _until(text: str) -> datetime:
    from govpress_support.core.timeutil import parse_until

    return parse_until(text)


DURATION = Parsed("duration", _duration)
SINCE = Parsed("since", _since)  # a window's start: 7d back from now, a date, a date-time
UNTIL = Parsed("until", _until)  # its end: a date (its whole day), a date-time, now


def _settable_status(text: str) -> str:
    from govpress_support.core.statuses import parse_settable

    return parse_settable(text)


SETTABLE_STATUS = Parsed("status", _settable_status)  # open, pending, on-hold, believed-solved, solved


def optional_value(name: str, default: str) -> type[TyperCommand]:
    """A command class whose option `name` may be given bare (`--watch`) or with a value
    (`--watch 30`): Typer does not pass Click's `flag_value` through, so set it here."""

    class OptionalValueCommand(TyperCommand):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for param in self.params:
                if param.name == name:
                    param._flag_needs_value = True  # type: ignore[attr-defined]
                    param.flag_value = default  # type: ignore[attr-defined]

    return OptionalValueCommand


PRIORITY_STYLES = {"urgent": "bold red", "high": "yellow", "normal": "", "low": "dim"}


def sla_text(urgency: str, metric: str | None, breach_at: datetime | None, now: datetime, warn: timedelta) -> "Text":
    """`breached 35m ago` red, `in 42m` amber under the threshold, `in 5h`, `paused`, or `—`."""
    from rich.text import Text

    from govpress_support.core.sla import metric_name
    from govpress_support.core.timeutil import format_duration

    label = metric_name(metric)
    prefix = f"{label} " if label else ""
    if urgency == "breached" and breach_at is not None:
        return Text(f"{prefix}breached {format_duration(now - breach_at)} ago", style="bold red")
    if urgency == "active" and breach_at is not None:
        style = "dark_orange" if breach_at - now < warn else ""
        return Text(f"{prefix}in {format_duration(breach_at - now)}", style=style)
    if urgency == "paused":
        return Text(f"{prefix}paused", style="dim")
    return Text("—", style="dim")


def due_text(due: datetime | None, now: datetime) -> "Text":
    """A task's due date; within 24 h highlighted, overdue red."""
    from rich.text import Text

    from govpress_support.core.timeutil import relative

    if due is None:
        return Text("")
    if due <= now:
        return Text(f"overdue {relative(due, now)}", style="bold red")
    if due - now <= timedelta(hours=24):
        return Text(relative(due, now), style="bold yellow")
    return Text(due.strftime("%a %d %b"))


def priority_text(priority: str | None) -> "Text":
    from rich.text import Text

    if not priority:
        return Text("—", style="dim")
    return Text(priority, style=PRIORITY_STYLES.get(priority, ""))


def link_text(text: str, url: str | None, style: str = "") -> "Text":
    from rich.text import Text

    result = Text(text, style=style)
    if url:
        result.stylize(f"link {url}")
    return result
