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

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (an array of objects with stable field names).")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; required when not on a terminal.")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Show what would change and change nothing.")]
TicketIds = Annotated[list[str], typer.Argument(metavar="ID...", help="Ticket ids (4012, #4012 or its URL).")]


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
