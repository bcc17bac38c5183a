"""One renderer for every command: rows, messages, progress and questions.

- stdout gets data only: a rich table on a terminal, tab-separated text when piped (one header
  line of field names, no colour, no truncation, ISO 8601 UTC times), JSON with `--json`.
- stderr gets everything else (progress, warnings, hints): through its own console on a
  terminal, as plain lines when it is not one (so a piped run never imports rich).
- `NO_COLOR` or `CLICOLOR=0` turn colour off; `CLICOLOR_FORCE=1` (other than 0) or `FORCE_COLOR`
  (any value) keep the table and its colour when piped (`watch`, `less -R`); `NO_COLOR` still
  wins over them for colour. `GOVPRESS_SUPPORT_FORCE_TTY=1` renders for a terminal even when
  piped (tests).
- Output taller than the terminal goes through a pager, on a terminal only, never when piped:
  `GOVPRESS_SUPPORT_PAGER`, else `PAGER`, else `less -FRX` (`paged()`, pager.py).

Text from the services (subjects, names, comments, error bodies) is shown, never obeyed (the
rule is in shown.py):
- every control character is shown as a symbol (`visible`): on the terminal (the consoles render
  through `visible`, whatever the renderable), in TSV and plain text; rich markup is never read
  (the consoles have markup off; our own headings ask for it explicitly), and only well-formed
  http(s) links made by this tool become terminal links (OSC 8);
- every write to stdout and stderr (and the pager) passes through the redactor (`core.redact.SECRETS`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum
from typing import IO, TYPE_CHECKING, Any

# The rule for service text lives in shown.py; `visible` and `safe_link` may be imported from here too.
from govpress_support.cli.columns import Column as Column
from govpress_support.cli.columns import fit
from govpress_support.cli.shown import JSON_ESCAPED, Redacted, safe_console
from govpress_support.cli.shown import safe_link as safe_link
from govpress_support.cli.shown import visible as visible
from govpress_support.core.errors import UsageError
from govpress_support.core.redact import SECRETS
from govpress_support.core.timeutil import iso

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

ENV_FORCE_TTY = "GOVPRESS_SUPPORT_FORCE_TTY"


class Mode(Enum):
    TABLE = "table"
    TSV = "tsv"
    JSON = "json"


def to_jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def tsv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso(value) or ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ",".join(tsv_value(v) for v in value)
    return visible(" ".join(str(value).replace("\t", " ").splitlines()))


def _flag(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def colour_forced(environ: Mapping[str, str]) -> bool:
    """`CLICOLOR_FORCE` set and not 0, or `FORCE_COLOR` set and not empty (whatever its value)."""
    return environ.get("CLICOLOR_FORCE", "0").strip() not in ("", "0") or bool(environ.get("FORCE_COLOR", ""))


class Output:
    def __init__(
        self,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        stdin: IO[str] | None = None,
        *,
        json_mode: bool = False,
        environ: Mapping[str, str] | None = None,
    ):
        self.stdout: IO[str] = Redacted(stdout or sys.stdout)  # type: ignore[assignment]
        self.stderr: IO[str] = Redacted(stderr or sys.stderr)  # type: ignore[assignment]
        self.stdin = stdin or sys.stdin
        env = os.environ if environ is None else environ
        self.environ = env
        forced = _flag(env, ENV_FORCE_TTY)
        self.colour_forced = colour_forced(env)
        self.stdout_terminal = _isatty(self.stdout)  # a real one: the only place a pager runs
        self.stdout_tty = forced or self.colour_forced or self.stdout_terminal
        self.stderr_tty = forced or _isatty(self.stderr)
        self.stdin_tty = _isatty(self.stdin)
        self.color = "NO_COLOR" not in env and (self.colour_forced or env.get("CLICOLOR") != "0")
        self.mode = Mode.JSON if json_mode else (Mode.TABLE if self.stdout_tty else Mode.TSV)
        self._out: Console | None = None
        self._err: Console | None = None
        self._forced = forced
        self._activity: Callable[[str | None], None] | None = None  # the live spinner's or bar's wait text

    # --- consoles ---

    @property
    def console(self) -> Console:
        if self._out is None:
            self._out = self._console(self.stdout, self.stdout_tty)
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            self._err = self._console(self.stderr, self.stderr_tty)
        return self._err

    def _console(self, stream: IO[str], tty: bool) -> Console:
        force = True if self.colour_forced and self.color else (tty if self._forced else None)
        return safe_console()(
            file=stream,
            force_terminal=force,
            no_color=not self.color,
            highlight=False,
            markup=False,  # service text is never markup: our own headings ask for it (`markup`)
            soft_wrap=not tty,
            width=None if tty else 10_000,
        )

    @property
    def interactive(self) -> bool:
        """Whether we may ask questions: both stdin and stderr are terminals."""
        return self.stdin_tty and self.stderr_tty

    # --- data on stdout ---

    def rows(
        self,
        records: Sequence[Mapping[str, Any]],
        columns: Sequence[Column],
        *,
        tsv_fields: Sequence[str] | None = None,
        footer: RenderableType | str | None = None,
        empty: str = "nothing to show",
        title: str | None = None,
    ) -> None:
        """Print records in the current mode. An empty result is not an error."""
        if self.mode is Mode.JSON:
            self.json(list(records))
            return
        if self.mode is Mode.TSV:
            fields = list(tsv_fields or [c.key for c in columns])
            self.stdout.write("\t".join(fields) + "\n")  # field names: ours
            for record in records:
                self.stdout.write("\t".join(tsv_value(record.get(f)) for f in fields) + "\n")
            self.stdout.flush()
            return
        if not records:
            self.note(empty)
        else:
            self.console.print(self.table(records, columns, title=title))
        if footer is not None:
            self.console.print(footer)

    def table(
        self, records: Sequence[Mapping[str, Any]], columns: Sequence[Column], *, title: str | None = None
    ) -> RenderableType:
        from rich import box
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False, header_style="bold")
        from rich.text import Text

        def plain(record: Mapping[str, Any], key: str) -> Text:
            return Text(visible(_plain(record.get(key))))  # a Text, never a str: rich reads a str as markup

        cells = [
            [column.cell(record) if column.cell else plain(record, column.key) for column in columns]
            for record in records
        ]
        widths = [
            max([column.min_width or 0, len(column.header), *(_width(row[i]) for row in cells)])
            for i, column in enumerate(columns)
        ]
        empty = {c.key for i, c in enumerate(columns) if all(_blank(row[i]) for row in cells)}
        fitted, dropped = fit(columns, widths, self.console.width, empty=empty)
        shown = [c.header for c in dropped if c.key not in empty and c.header]
        if shown:  # said under the table: a column never vanishes without notice
            table.caption = f"Hidden to fit the terminal: {', '.join(shown)} (widen it, or use --json)"
            table.caption_justify = "left"
            table.caption_style = "dim"
        kept_keys = {f.key for f in fitted}
        keep = [i for i, c in enumerate(columns) if c.key in kept_keys]
        for column in fitted:
            table.add_column(
                column.header,
                justify=column.justify,  # type: ignore[arg-type]
                no_wrap=column.no_wrap,
                overflow="ellipsis",
                ratio=column.ratio,
                min_width=column.min_width,
                max_width=column.max_width,
            )
        for row in cells:
            table.add_row(*(row[i] for i in keep))
        return table

    # --- the pager ---

    def pager_command(self) -> list[str] | None:
        """The pager to use (`pager.command`), or None: only for the table on a real terminal,
        never when piped."""
        if self.mode is not Mode.TABLE or not self.stdout_terminal:
            return None
        from govpress_support.cli.pager import command

        return command(self.environ)

    @contextmanager
    def paged(self) -> Iterator[None]:
        """What is printed to stdout inside goes through the pager when it is taller than the
        terminal; otherwise (and off a terminal) it is printed as usual."""
        command = self.pager_command()
        if command is None:
            yield
            return
        with self.console.capture() as captured:
            yield
        from govpress_support.cli import pager

        text = SECRETS(captured.get())  # the pager is a stream too: redacted as stdout is
        if text.count("\n") < self.console.size.height or not pager.page(command, text, self.environ):
            self.stdout.write(text)
            self.stdout.flush()

    def json(self, data: Any) -> None:
        """JSON on stdout. JSON escapes the C0 controls; the C1 controls and bidi characters are
        escaped too (`\\u009b`), so the bytes are safe on a terminal and the values unchanged."""
        text = json.dumps(to_jsonable(data), indent=2, ensure_ascii=False).translate(JSON_ESCAPED)
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def text(self, text: str) -> None:
        """Plain text to stdout (Markdown reports, single values), control characters shown."""
        shown = visible(text)
        self.stdout.write(shown if shown.endswith("\n") else shown + "\n")
        self.stdout.flush()

    def print(self, renderable: RenderableType) -> None:
        """A rich renderable to stdout (terminal mode only)."""
        self.console.print(renderable)

    # --- messages on stderr ---

    def _line(self, message: str, style: str | None = None) -> None:
        """One message line on stderr (shown, not obeyed; redacted by the stream)."""
        if not self.stderr_tty:
            self.stderr.write(visible(message) + "\n")
            self.stderr.flush()
            return
        self.err.print(message, markup=False, highlight=False, emoji=False, style=style)

    def note(self, message: str) -> None:
        self._line(message, "dim")

    def info(self, message: str) -> None:
        self._line(message)

    def success(self, message: str) -> None:
        self._line(f"✓ {message}", "green")

    def warn(self, message: str) -> None:
        self._line(f"warning: {message}", "yellow")

    def error(self, message: str) -> None:
        self._line(f"error: {message}", "red")

    def markup(self, message: str) -> None:
        """stderr with rich markup: for the tool's own text only, never text from a service."""
        self.err.print(message, markup=True)

    def log(self, line: str) -> None:
        """One `--debug` line on stderr (already redacted by the HTTP layer; shown, not obeyed)."""
        self._line(line, "dim")

    def show(self, renderable: RenderableType) -> None:
        """A rich renderable to stderr: plans and tables that are not the command's data."""
        self.err.print(renderable)

    # --- interaction ---

    def confirm(self, question: str, *, yes: bool = False, default: bool = False, dry_run: bool = True) -> bool:
        """Ask on a terminal; without one, `--yes` is required. `dry_run`: whether the command
        takes --dry-run, which the hint then offers."""
        if yes:
            return True
        if not self.interactive:
            raise UsageError(
                "not on a terminal, so cannot ask for confirmation",
                "pass --yes to go ahead, or --dry-run to see the plan" if dry_run else "pass --yes to go ahead",
            )
        from rich.prompt import Confirm
        from rich.text import Text

        try:  # a Text, not a str: rich reads a str prompt as markup, and questions quote service text
            return Confirm.ask(Text(question), console=self.err, default=default, stream=self.stdin)  # type: ignore[arg-type]
        except EOFError:
            return False

    def choose(self, question: str, options: Sequence[str]) -> int | None:
        """Offer a numbered choice on a terminal; the index picked, or None (Enter, or off a
        terminal, where nothing is asked)."""
        if not self.interactive or not options:
            return None
        from rich.prompt import Prompt
        from rich.text import Text

        for number, option in enumerate(options, start=1):
            self.err.print(Text(f"  {number}. {option}"))
        numbers = [str(n) for n in range(1, len(options) + 1)]
        try:
            answer = Prompt.ask(
                Text(question),
                console=self.err,
                choices=["", *numbers],
                default="",
                show_choices=False,
                stream=self.stdin,  # type: ignore[arg-type]
            )
        except EOFError:
            return None
        return int(answer) - 1 if answer in numbers else None

    @contextmanager
    def progress(self, total: int | None, description: str) -> Iterator[Callable[[int], None]]:
        """A progress bar on stderr when it is a terminal; nothing when piped.

        Yields `advance(n)`.
        """
        if not self.stderr_tty:

            def ignore(n: int = 1) -> None:
                return None

            yield ignore
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.err,
            transient=True,
        ) as progress:
            task = progress.add_task(description, total=total)

            def advance(n: int = 1) -> None:
                progress.advance(task, n)

            def wait(text: str | None) -> None:
                progress.update(task, description=f"{description} · {text}" if text else description)

            with self._showing(wait):
                yield advance

    @contextmanager
    def status(self, message: str) -> Iterator[Callable[[str], None]]:
        """A spinner with a message on stderr while waiting (terminal only); yields `update`."""
        if not self.stderr_tty:
            yield lambda text: None
            return
        with self.err.status(message) as status:
            current = [message]

            def update(text: str) -> None:
                current[0] = text
                status.update(text)

            def wait(text: str | None) -> None:
                status.update(f"{current[0]} · {text}" if text else current[0])

            with self._showing(wait):
                yield update

    @contextmanager
    def _showing(self, wait: Callable[[str | None], None]) -> Iterator[None]:
        """While a spinner or bar is live, long waits are said in its text."""
        previous, self._activity = self._activity, wait
        try:
            yield
        finally:
            self._activity = previous

    def waiting(self, text: str | None) -> None:
        """A long wait (a rate limit, a retry), said while it lasts: in the live spinner's or
        progress bar's text on a terminal, else as one line on stderr. None: it is over."""
        if self._activity is not None:
            self._activity(text)
        elif text is not None:
            self.note(text)


def _blank(cell: Any) -> bool:
    plain = getattr(cell, "plain", cell)
    return isinstance(plain, str) and plain.strip() in ("", "—")


def _width(cell: Any) -> int:
    plain = getattr(cell, "plain", cell)
    return len(plain) if isinstance(plain, str) else 8


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return iso(value) or ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
