"""The root command: global options, the command tree, and the one place errors are printed.

The tree is lazy: `COMMANDS` names each command's module and summary, the root `--help` is
printed from it, and only the module of the command being run is imported and built. Command
modules import only Typer at module level; their work (clients, rich, the sandbox) is imported
inside the command functions. Start-up is measured in `bench/startup.py`.
"""

import functools
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from govpress_support import __version__
from govpress_support.cli.runtime import Runtime
from govpress_support.core.errors import ExitCode, GovPressError, Interrupted

PROG = "govpress-support"

EXIT_CODES = """\
Exit codes: 0 ok · 1 error (API, network) · 2 bad usage or input · 3 partly done (some items
undone, and said which) · 4 not authenticated or not allowed · 5 conflict (someone else changed
the ticket) · 8 `queue --exit-code` found tickets · 130 interrupted.
"""


# Every top-level command: (module in govpress_support.cli, its one-line summary), in the order
# the root --help lists them. tests/cli/test_basics.py checks the summaries against the commands.
COMMANDS: dict[str, tuple[str, str]] = {
    "queue": ("queue_cmd", "List a group's unsolved tickets, most urgent SLA first."),
    "ticket": ("ticket_cmd", "Work a ticket: show, reply, note, triage, move, status, assign, macros, due."),
    "reply": ("ticket_reply_cmd", "Reply to the client: a public comment, emailed to the requester."),
    "note": ("ticket_change_cmd", "Add an internal note (never public) to one or more tickets."),
    "cascade": ("ticket_change_cmd", "Move tickets one step down the cascade."),
    "suspended": ("suspended_cmd", "List suspended tickets, and recover or delete them."),
    "card": ("card_cmd", "Trello cards for Zendesk tickets, linked both ways."),
    "weekly-tasks": ("weekly_cmd", "List the weekly jobs on the Week in Progress board, and take one."),
    "doctor": ("rotation_cmd", "Check you are ready for a rotation."),
    "start-rotation": ("rotation_cmd", "Start your 2nd line rotation: membership, boards, briefing."),
    "handover": ("handover_cmd", "Hand your 2nd line tickets to the next engineer, with notes."),
    "stats": ("stats_cmd", "How the rotation went: SLA met and breached, flow, a chart by day."),
    "config": ("config_cmd", "Show or create the configuration file."),
    "auth": ("auth_cmd", "Log in to Zendesk, Trello, GitHub and Slack, check who you are, log out."),
    "sandbox": ("sandbox_cmd", "The built-in Zendesk + Trello + rota emulator."),
}


@functools.cache
def _module_commands(module: str) -> dict[str, click.Command]:
    """Import one command module and build the commands it registers."""
    holder = typer.Typer(rich_markup_mode=None)  # plain help, as the root's: rich is not imported for it
    holder.callback()(_group_marker)  # a callback makes Typer build a group even for one command
    importlib.import_module(f"govpress_support.cli.{module}").register(holder)
    group = typer.main.get_command(holder)
    assert isinstance(group, click.Group)
    return dict(group.commands)


def _group_marker() -> None:
    """(internal)"""


class RootGroup(TyperGroup):
    """The lazy command tree, and Ctrl-C inside a command turned into `Interrupted` (exit 130)
    before Click's own handling would print "Aborted!" and exit 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        return _module_commands(entry[0]).get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, summary) in COMMANDS.items()])

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            import difflib

            close = difflib.get_close_matches(name, list(COMMANDS), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise HintedUsageError(f"no such command {name!r}", f"{hint}see `{PROG} --help`", ctx=ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            if exc.ctx is None and ctx.invoked_subcommand:  # Click's parser names no command
                raise HintedUsageError(exc.format_message(), f"see `{PROG} {ctx.invoked_subcommand} --help`") from exc
            raise
        except KeyboardInterrupt:
            rt = ctx.obj
            resume = rt.resume_command() if isinstance(rt, Runtime) else None
            hint = f"nothing half-written: `{resume}` finishes the journaled work" if resume else None
            raise Interrupted("interrupted", hint) from None


class HintedUsageError(click.UsageError):
    """A usage error with the hint its one line ends with."""

    def __init__(self, message: str, hint: str | None, *, ctx: click.Context | None = None):
        super().__init__(message, ctx)
        self.hint = hint


app = typer.Typer(
    name=PROG,
    cls=RootGroup,
    help="The GovPress support rota from the terminal: the 2nd line queue by SLA, Trello cards, "
    "starting a rotation and handing it over.",
    epilog=EXIT_CODES + "\nStart with: govpress-support --sandbox queue",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"{PROG} {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    sandbox: Annotated[
        bool,
        typer.Option(
            "--sandbox", help="Run against the built-in Zendesk + Trello emulator (or set GOVPRESS_SUPPORT_SANDBOX=1)."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Log HTTP requests and responses on stderr (secrets redacted); tracebacks on errors."
        ),
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="PATH",
            help="Config file to use (default: GOVPRESS_SUPPORT_CONFIG, else the platform config dir).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """The GovPress support rota from the terminal.

    Examples:

        govpress-support --sandbox queue

        govpress-support queue --breaching-within 2h --json
    """
    import os

    from govpress_support.core import config as config_module

    environ = dict(os.environ)
    runtime = Runtime(
        config_path=config.expanduser() if config else config_module.config_path(environ),
        state_dir=config_module.state_dir(environ),
        sandbox=sandbox or config_module.sandbox_from_env(environ),
        debug=debug,
        environ=environ,
        config_named=config_module.named_by(environ, config),
    )
    ctx.obj = runtime
    ctx.call_on_close(runtime.close)


def _print_error(error: GovPressError) -> None:
    """The one `error:` line: redacted, and its service text shown, never obeyed."""
    from govpress_support.cli.output import visible
    from govpress_support.core.redact import SECRETS

    sys.stderr.write(visible(SECRETS(f"error: {error.one_line()}")) + "\n")
    sys.stderr.flush()


def usage_error(error: click.UsageError) -> GovPressError:
    """Click's own usage errors as the tool's one line: what was wrong, then what to do (a
    suggestion, where a global option goes, or the command's --help)."""
    import difflib
    import re

    ctx = error.ctx
    see = f"see `{ctx.command_path} --help`" if ctx is not None else f"see `{PROG} --help`"
    hint: str | None = getattr(error, "hint", None)
    text = " ".join(_clicks_message(error).split())
    message = (text[:1].lower() + text[1:]).rstrip(".")
    unknown_command = re.match(r"No such command '(.+?)'", error.message)
    if isinstance(error, click.NoSuchOption):
        name = error.option_name
        message = f"no such option {name}"
        root = ctx.find_root() if ctx is not None else None
        nested = ctx is not None and root is not None and root is not ctx
        known = [o for c in (ctx, root) if c is not None for p in c.command.params for o in p.opts]
        close = difflib.get_close_matches(name, known, n=1)
        meant = close[0] if close else None
        global_option = _option(root.command, name if name in known else meant or "") if root and nested else None
        if global_option is not None and ctx is not None:
            command = ctx.command_path.removeprefix(PROG).strip()
            value = "" if global_option.is_flag else f" {global_option.metavar or 'VALUE'}"
            where = f"put it before the command, `{PROG} {max(global_option.opts, key=len)}{value} {command} ...`"
            said = f"{name} is" if meant in (None, name) else f"did you mean {meant}? It is"
            hint = f"{said} a global option: {where}"
        else:
            hint = f"did you mean {meant}? {see}" if meant else see
    elif unknown_command and ctx is not None and isinstance(ctx.command, click.Group):
        name = unknown_command.group(1)
        message = f"no such command {name!r}"
        close = difflib.get_close_matches(name, ctx.command.list_commands(ctx), n=1)
        hint = f"did you mean {close[0]!r}? {see}" if close else see
    return GovPressError(message, hint or see, exit_code=ExitCode.USAGE)


def _clicks_message(error: click.UsageError) -> str:
    """Click's message, with a bad or missing option named by its flags alone (Click 8.2 adds
    "(env var: 'None')" to it)."""
    param = getattr(error, "param", None)
    if isinstance(param, click.Option) and getattr(error, "param_hint", None) is None:
        flags = " / ".join(f"'{opt}'" for opt in param.opts)
        if isinstance(error, click.MissingParameter):
            return f"missing option {flags}"
        if isinstance(error, click.BadParameter):
            return f"invalid value for {flags}: {error.message}"
    return error.format_message()


def _option(command: click.Command, name: str) -> click.Option | None:
    for param in command.params:
        if isinstance(param, click.Option) and (name in param.opts or name in param.secondary_opts):
            return param
    return None


def run(args: Sequence[str]) -> int:
    """Run the app on `args`; return the exit code."""
    debug = "--debug" in args
    try:
        code = app(args=list(args), prog_name=PROG, standalone_mode=False)
        return code if isinstance(code, int) else 0  # typer.Exit(n) comes back as n
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else int(ExitCode.ERROR))
    except click.exceptions.NoArgsIsHelpError as exc:
        exc.show()  # the help, as Click prints it
        return exc.exit_code
    except click.UsageError as exc:
        _print_error(usage_error(exc))
        return int(ExitCode.USAGE)
    except click.ClickException as exc:
        _print_error(GovPressError(" ".join(exc.format_message().split())))
        return exc.exit_code
    except click.exceptions.Abort as exc:  # Ctrl-C or end of input while Click itself was reading
        if isinstance(exc.__context__, EOFError):
            _print_error(GovPressError("no input: stopped"))
            return int(ExitCode.ERROR)
        _print_error(Interrupted("interrupted"))
        return int(ExitCode.INTERRUPTED)
    except GovPressError as exc:
        if debug:
            _print_traceback()
        _print_error(exc)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        _print_error(Interrupted("interrupted"))
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:
        if debug:
            _print_traceback()
        from govpress_support.core.redact import SECRETS

        detail = SECRETS(" ".join(str(exc).split())[:200])
        _print_error(
            GovPressError(
                f"unexpected failure: {type(exc).__name__}: {detail}",
                "run again with --debug for the traceback, and report it",
            )
        )
        return int(ExitCode.ERROR)


def _print_traceback() -> None:
    import traceback

    from govpress_support.cli.output import visible
    from govpress_support.core.redact import SECRETS

    sys.stderr.write(visible(SECRETS(traceback.format_exc())))
