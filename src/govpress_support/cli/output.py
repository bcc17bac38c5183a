"""One renderer for every command: rows, messages, progress and questions.

- stdout gets data only: a rich table on a terminal, tab-separated text when piped (one header
  line of field names, no colour, no truncation, ISO 8601 UTC times), JSON with `--json`.
- stderr gets everything else (progress, warnings, hints), through its own console.
- `NO_COLOR` or `CLICOLOR=0` turn colour off; `GOVPRESS_SUPPORT_FORCE_TTY=1` renders for a
  terminal even when piped (tests, `watch`, `less -R`).

Rich is imported on first use, not at start-up.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from typing import IO, TYPE_CHECKING, Any

from govpress_support.core.errors import UsageError
from govpress_support.core.timeutil import iso

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

ENV_FORCE_TTY = "GOVPRESS_SUPPORT_FORCE_TTY"


class Mode(Enum):
    TABLE = "table"
    TSV = "tsv"
    JSON = "json"


@dataclass(frozen=True)
class Column:
    """A column: `key` names the record field (the TSV header and JSON name); `cell` renders it
    for the terminal table (default: the plain value)."""

    key: str
    header: str
    cell: Callable[[Mapping[str, Any]], RenderableType] | None = None
    justify: str = "left"
    no_wrap: bool = True
    ratio: int | None = None
    min_width: int | None = None
    max_width: int | None = None
    drop: int = 0  # on a narrow terminal, columns with a higher `drop` go first; 0 never goes


def fit(columns: Sequence[Column], widths: Sequence[int], width: int) -> list[Column]:
    """Columns that fit `width`: drop optional ones (highest `drop` first) while the table is too
    wide, then give the flexible (`ratio`) column exactly the room left, so Rich never has to
    squeeze a column to nothing. `widths` are the columns' content widths."""
    kept = list(zip(columns, widths, strict=True))

    def needed() -> int:
        return sum((c.min_width or 8 if c.ratio else w) + 3 for c, w in kept)

    while needed() > width:
        optional = [pair for pair in kept if pair[0].drop]
        if not optional:
            break
        kept.remove(max(optional, key=lambda pair: pair[0].drop))
    room = width - sum(w + 3 for c, w in kept if not c.ratio)
    out: list[Column] = []
    for column, content in kept:
        if column.ratio:
            size = max(column.min_width or 8, min(content, room - 3))
            column = replace(column, ratio=None, min_width=size, max_width=size)
        out.append(column)
    return out


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


def printable(text: str) -> str:
    """Text from a service made safe for one line of a terminal: line breaks and tabs become
    spaces, other control characters are shown (as Unicode's control pictures, or `\\x9b`),
    never obeyed."""
    out: list[str] = []
    for char in text:
        code = ord(char)
        if char in "\t\n\r\v\f":
            out.append(" ")
        elif code < 0x20:
            out.append(chr(0x2400 + code))
        elif code == 0x7F:
            out.append("\u2421")
        elif 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        else:
            out.append(char)
    return "".join(out)


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
    return " ".join(str(value).replace("\t", " ").splitlines())


def _flag(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


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
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.stdin = stdin or sys.stdin
        env = os.environ if environ is None else environ
        forced = _flag(env, ENV_FORCE_TTY)
        self.stdout_tty = forced or _isatty(self.stdout)
        self.stderr_tty = forced or _isatty(self.stderr)
        self.stdin_tty = _isatty(self.stdin)
        self.color = not ("NO_COLOR" in env or env.get("CLICOLOR") == "0")
        self.mode = Mode.JSON if json_mode else (Mode.TABLE if self.stdout_tty else Mode.TSV)
        self._out: Console | None = None
        self._err: Console | None = None
        self._forced = forced

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
        from rich.console import Console

        return Console(
            file=stream,
            force_terminal=tty if self._forced else None,
            no_color=not self.color,
            highlight=False,
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
            self.stdout.write("\t".join(fields) + "\n")
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
        cells = [
            [column.cell(record) if column.cell else _plain(record.get(column.key)) for column in columns]
            for record in records
        ]
        widths = [
            min(
                column.max_width or 10_000,
                max([column.min_width or 0, len(column.header), *(_width(row[i]) for row in cells)]),
            )
            for i, column in enumerate(columns)
        ]
        fitted = fit(columns, widths, self.console.width)
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

    def json(self, data: Any) -> None:
        self.stdout.write(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False) + "\n")
        self.stdout.flush()

    def text(self, text: str) -> None:
        """Plain text to stdout (Markdown reports, single values)."""
        self.stdout.write(text if text.endswith("\n") else text + "\n")
        self.stdout.flush()

    def print(self, renderable: RenderableType) -> None:
        """A rich renderable to stdout (terminal mode only)."""
        self.console.print(renderable)

    # --- messages on stderr ---

    def note(self, message: str) -> None:
        self.err.print(message, markup=False, style="dim" if self.stderr_tty else None)

    def info(self, message: str) -> None:
        self.err.print(message, markup=False)

    def success(self, message: str) -> None:
        self.err.print(f"✓ {message}", markup=False, style="green" if self.stderr_tty else None)

    def warn(self, message: str) -> None:
        self.err.print(f"warning: {message}", markup=False, style="yellow" if self.stderr_tty else None)

    def error(self, message: str) -> None:
        self.err.print(f"error: {message}", markup=False, style="red" if self.stderr_tty else None)

    def markup(self, message: str) -> None:
        """stderr with rich markup (for plans and summaries shown to a person)."""
        self.err.print(message)

    def show(self, renderable: RenderableType) -> None:
        """A rich renderable to stderr: plans and tables that are not the command's data."""
        self.err.print(renderable)

    # --- interaction ---

    def confirm(self, question: str, *, yes: bool = False, default: bool = False) -> bool:
        """Ask on a terminal; without one, `--yes` is required."""
        if yes:
            return True
        if not self.interactive:
            raise UsageError(
                "not on a terminal, so cannot ask for confirmation",
                "pass --yes to go ahead, or --dry-run to see the plan",
            )
        from rich.prompt import Confirm

        try:
            return Confirm.ask(question, console=self.err, default=default, stream=self.stdin)  # type: ignore[arg-type]
        except EOFError:
            return False

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

            yield advance

    @contextmanager
    def status(self, message: str) -> Iterator[Callable[[str], None]]:
        """A spinner with a message on stderr while waiting (terminal only); yields `update`."""
        if not self.stderr_tty:
            yield lambda text: None
            return
        with self.err.status(message) as status:
            yield lambda text: status.update(text)


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
