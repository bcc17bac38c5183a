"""What every command gets from the root callback: settings, output, clients.

Held on the Typer context (`ctx.obj`). Settings load on first use, so `config init` and
`--help` work even when the config file is broken. Tests replace streams and environment by
running the app through `typer.testing.CliRunner` with `env=`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from govpress_support.cli.output import Output
    from govpress_support.core.config import Settings
    from govpress_support.services.connect import Clients


@dataclass
class Runtime:
    config_path: Path
    state_dir: Path
    sandbox: bool
    debug: bool
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    config_named: str | None = None  # who named the config file (then it must exist): --config or the env
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    command: Any = None  # the click context of the command being run (set by `get`)
    _settings: Settings | None = None
    _output: Output | None = None
    _clients: Clients | None = None

    def __post_init__(self) -> None:
        from govpress_support.core.private import tighten

        tighten(self.state_dir)  # what an older version left open to others (core/private.py)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from govpress_support.core import config as config_module

            self._settings = config_module.load(self.config_path, self.environ, self.overrides, named=self.config_named)
        return self._settings

    def output(self, json_mode: bool = False) -> Output:
        """The command's renderer; `json_mode` from its `--json` flag."""
        if self._output is None or (json_mode and self._output.mode.value != "json"):
            from govpress_support.cli.output import Output

            self._output = Output(sys.stdout, sys.stderr, sys.stdin, json_mode=json_mode, environ=self.environ)
        return self._output

    @property
    def out(self) -> Output:
        return self.output()

    @property
    def clients(self) -> Clients:
        if self._clients is None:
            from govpress_support.services.connect import Clients

            out = self.out
            self._clients = Clients(
                self.settings,
                sandbox=self.sandbox,
                state_dir=self.state_dir,
                environ=self.environ,
                log=out.log if self.debug else None,
                notice=out.note,
                on_wait=lambda wait: out.waiting(str(wait) if wait is not None else None),
            )
        return self._clients

    @contextmanager
    def writing(self, command: str) -> Iterator[None]:
        """Hold this desk's lock for `command` (services/lock.py) while the block runs: a second
        run of the command on the same desk stops at once, naming who holds it (exit 1)."""
        from govpress_support.services.lock import DeskLock
        from govpress_support.services.state import state_dir_error

        desk = "sandbox" if self.sandbox else self.settings.zendesk.base_url()
        lock = DeskLock(self.state_dir, desk, command)
        try:
            left = lock.acquire()
        except OSError as exc:  # a state dir that cannot be written: say where, before anything is sent
            raise state_dir_error(lock.path.parent, "the lock that keeps two runs apart", exc) from None
        try:
            if left is not None and left.pid != os.getpid():
                self.out.note(f"took over the lock of an earlier `{command}` that did not finish ({left.describe()})")
            yield
        finally:
            lock.release()

    def ticket_ids(self, values: Sequence[str]) -> list[int]:
        """The tickets the user named (numbers, or URLs on this desk), each once; at least one."""
        from govpress_support.core.refs import parse_ticket_refs

        return parse_ticket_refs(values, desk=self.clients.zendesk_url)

    def resume_command(self) -> str | None:
        """`govpress-support handover --resume` when the running command takes --resume, else None."""
        ctx = self.command
        params = getattr(getattr(ctx, "command", None), "params", [])
        if any("--resume" in getattr(p, "opts", ()) for p in params):
            return f"{ctx.command_path} --resume"
        return None

    def close(self) -> None:
        if self._clients is not None:
            if self.debug:
                stats = self._clients.stats
                self.out.note(f"{stats.requests} requests ({stats.retries} retries, {stats.waited:.1f}s waiting)")
            self._clients.close()


def get(ctx: typer.Context) -> Runtime:
    """The runtime from any command's context."""
    root = ctx.find_root()
    runtime = root.obj
    if not isinstance(runtime, Runtime):  # pragma: no cover - the root callback always sets it
        raise RuntimeError("the root callback did not run")
    runtime.command = ctx
    return runtime
