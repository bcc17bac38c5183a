"""`import httpx` without httpx's own command-line program.

httpx's package imports its command-line client whenever click, rich and pygments are installed,
and here they always are (Typer needs click, rich needs pygments): rich's console, progress and
syntax modules and pygments' lexers, about 25 ms of every run, for a program the tool never runs.
httpx itself falls back to a stub when that import fails. So while httpx is being imported, and
only then, importing pygments fails; once httpx is in, this finder takes itself out and pygments
imports as usual (rich's tracebacks under --debug use it).

Public importlib machinery only, no private httpx names. Should an httpx ever need pygments
itself, or import its command-line client without that fallback, httpx is imported again
without this, so the worst case is the time it costs today.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # importlib.abc costs 13 ms (it imports importlib.resources): plain classes do
    from importlib.machinery import ModuleSpec

BLOCKED = "pygments"


class _WithoutCli:
    """Finds httpx through the other finders, with a loader that blocks pygments meanwhile."""

    def __init__(self) -> None:
        self.importing = False

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if self.importing and (name == BLOCKED or name.startswith(BLOCKED + ".")):
            raise ModuleNotFoundError(f"{name} is not imported while httpx is", name=name)
        if name != "httpx" or self.importing:
            return None
        if BLOCKED in sys.modules:  # too late to save anything
            self.leave()
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec: ModuleSpec | None = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader, self)  # type: ignore[assignment]  # a Loader in all but name
                return spec
        return None

    def leave(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)


class _Loader:
    def __init__(self, real: Any, finder: _WithoutCli):
        self.real = real
        self.finder = finder

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        made: ModuleType | None = self.real.create_module(spec)
        return made

    def exec_module(self, module: ModuleType) -> None:
        self.finder.importing = True
        try:
            self.real.exec_module(module)
        except ImportError:
            self.finder.importing = False
            self.real.exec_module(module)  # an httpx that needs pygments after all: as it is
        finally:
            self.finder.importing = False
            self.finder.leave()

    def __getattr__(self, name: str) -> Any:  # get_source, is_package...: the real loader's
        return getattr(self.real, name)


def install() -> None:
    """Before httpx is first imported (the package's `__init__` calls it); no-op after."""
    if "httpx" not in sys.modules and not any(isinstance(f, _WithoutCli) for f in sys.meta_path):
        sys.meta_path.insert(0, _WithoutCli())
