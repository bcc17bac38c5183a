"""The root command: global options, the command tree, and the one place errors are printed.

Command modules import only Typer at module level; their work (clients, rich, the sandbox) is
imported inside the command functions, so `--help` stays fast.
"""

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from govpress_support import __version__
from govpress_support.cli import (
    auth_cmd,
    card_cmd,
    config_cmd,
    handover_cmd,
    queue_cmd,
    rotation_cmd,
    sandbox_cmd,
    ticket_cmd,
)
from govpress_support.cli.runtime import Runtime
from govpress_support.errors import ExitCode, GovPressError, Interrupted

PROG = "govpress-support"

EXIT_CODES = """\
Exit codes: 0 ok · 1 error (API, network) · 2 bad usage or input · 3 partly done (some items
undone, and said which) · 4 not authenticated or not allowed · 5 conflict (someone else changed
the ticket) · 8 `queue --exit-code` found tickets · 130 interrupted.
"""


class RootGroup(TyperGroup):
    """Turns Ctrl-C inside a command into `Interrupted` (exit 130) before Click's own
    handling would print "Aborted!" and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted("interrupted", "nothing half-written: journaled work resumes with --resume") from None


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

queue_cmd.register(app)
card_cmd.register(app)
handover_cmd.register(app)
rotation_cmd.register(app)
ticket_cmd.register(app)
app.add_typer(config_cmd.app, name="config")
app.add_typer(auth_cmd.app, name="auth")
app.add_typer(sandbox_cmd.app, name="sandbox")


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

    from govpress_support import config as config_module

    environ = dict(os.environ)
    runtime = Runtime(
        config_path=config.expanduser() if config else config_module.config_path(environ),
        state_dir=config_module.state_dir(environ),
        sandbox=sandbox or config_module.sandbox_from_env(environ),
        debug=debug,
        environ=environ,
    )
    ctx.obj = runtime
    ctx.call_on_close(runtime.close)


def _print_error(error: GovPressError) -> None:
    sys.stderr.write(f"error: {error.one_line()}\n")
    sys.stderr.flush()


def run(args: Sequence[str]) -> int:
    """Run the app on `args`; return the exit code."""
    debug = "--debug" in args
    try:
        app(args=list(args), prog_name=PROG)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else int(ExitCode.ERROR))
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
        from govpress_support.http import SECRETS

        detail = SECRETS(" ".join(str(exc).split())[:200])
        _print_error(
            GovPressError(
                f"unexpected failure: {type(exc).__name__}: {detail}",
                "run again with --debug for the traceback, and report it",
            )
        )
        return int(ExitCode.ERROR)
    return 0


def _print_traceback() -> None:
    import traceback

    from govpress_support.http import SECRETS

    sys.stderr.write(SECRETS(traceback.format_exc()))
