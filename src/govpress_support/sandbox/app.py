"""The sandbox application: one object answering Zendesk, Trello, the rota, GitHub, a Slack webhook
and its own control API by path, over a SQLite file that persists between processes."""

from __future__ import annotations

import functools
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from govpress_support.core import timeutil
from govpress_support.sandbox.constants import DB_NAME, GITHUB_API_PREFIX
from govpress_support.sandbox.faults import FaultInjector, Faults
from govpress_support.sandbox.rota_api import RotaAPI
from govpress_support.sandbox.routing import Match
from govpress_support.sandbox.stats import Stats
from govpress_support.sandbox.store import SettingsValues, Store, loads
from govpress_support.sandbox.trello_api import TrelloAPI
from govpress_support.sandbox.wire import Request, Response, text_response
from govpress_support.sandbox.zendesk_api import ZendeskAPI

if TYPE_CHECKING:
    from govpress_support.sandbox.control_api import ControlAPI
    from govpress_support.sandbox.github_api import GitHubAPI
    from govpress_support.sandbox.slack_api import SlackAPI

STALE_AFTER = 86400  # seconds: a desk older than a day is worth a `sandbox reset`


class Service(Protocol):
    service: str

    def match(self, req: Request) -> Match[Any] | None: ...

    def dispatch(self, req: Request, match: Match[Any] | None) -> Response: ...


class SandboxSettings:
    """The persisted switches, read from and written to the SQLite file on every access, so a
    change made by another process (the control API of a served sandbox) is seen at once."""

    def __init__(self, store: Store):
        self._store = store

    def values(self) -> SettingsValues:
        return self._store.settings()

    def as_dict(self) -> dict[str, Any]:
        return self.values().as_dict()

    def update(self, **changes: Any) -> SettingsValues:
        return self._store.update_settings(changes)

    @property
    def custom_statuses(self) -> bool:
        return self.values().custom_statuses

    @custom_statuses.setter
    def custom_statuses(self, value: bool) -> None:
        self.update(custom_statuses=value)

    @property
    def export_sideloads(self) -> bool:
        return self.values().export_sideloads

    @export_sideloads.setter
    def export_sideloads(self, value: bool) -> None:
        self.update(export_sideloads=value)

    @property
    def rota(self) -> str:
        return self.values().rota

    @rota.setter
    def rota(self, value: str) -> None:
        self.update(rota=value)

    @property
    def rate_limits(self) -> bool:
        return self.values().rate_limits

    @rate_limits.setter
    def rate_limits(self, value: bool) -> None:
        self.update(rate_limits=value)


class SandboxApp:
    def __init__(self, state_dir: Path, faults: Faults | None = None):
        self.state_dir = Path(state_dir)
        self.store = Store(self.state_dir / DB_NAME)
        ensure_seeded(self.store)
        self.stats = Stats()
        self.settings = SandboxSettings(self.store)
        self._injector = FaultInjector(faults, self.stats)
        self.zendesk = ZendeskAPI(self.store, self.stats)
        self.trello = TrelloAPI(self.store, self.stats)
        self.rota = RotaAPI(self.store)

    @functools.cached_property
    def control(self) -> ControlAPI:
        """The control API (faults, settings, reset...), loaded on first use: a command run on
        the in-process sandbox never asks for it (start-up is benchmarked)."""
        from govpress_support.sandbox.control_api import ControlAPI

        return ControlAPI(self)

    @functools.cached_property
    def github(self) -> GitHubAPI:
        """GitHub's REST API, loaded on first use: a run that never asks for it does not pay for it."""
        from govpress_support.sandbox.github_api import GitHubAPI

        return GitHubAPI(self.store, self.stats)

    @functools.cached_property
    def slack(self) -> SlackAPI:
        """The Slack incoming webhook, loaded on first use."""
        from govpress_support.sandbox.slack_api import SlackAPI

        return SlackAPI(self.store, self.stats)

    @property
    def seeded_at(self) -> datetime | None:
        """When the desk was seeded: every time on it (SLA breaches, due dates, its history) was
        placed from this moment, and runs on from it as the clock does."""
        return timeutil.parse_iso(self.desk().get("seeded_at"))

    def desk(self) -> dict[str, Any]:
        """How this desk was seeded: when, with which seed number and how many bulk tickets."""
        meta = loads(self.store.meta("seeded")) or {}
        seeded = timeutil.parse_iso(meta.get("at"))
        age = None if seeded is None else int((timeutil.now() - seeded).total_seconds())
        return {
            "seeded_at": timeutil.iso(seeded),
            "seed": meta.get("seed"),
            "bulk": meta.get("bulk"),
            "age_seconds": age,
            "stale": age is not None and age > STALE_AFTER,
        }

    @property
    def faults(self) -> Faults:
        return self._injector.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        """Replacing the faults restarts their random sequence from `faults.seed`."""
        self._injector.set(faults)

    def reset(self, *, seed: int = 1, bulk: int = 0) -> None:
        reseed(self.store, seed=seed, bulk=bulk)
        self.zendesk.account_window.clear()
        self.zendesk.export_window.clear()
        self.zendesk.incremental_window.clear()
        if "github" in self.__dict__:
            self.github.clear_windows()
        if "slack" in self.__dict__:
            self.slack.window.clear()

    def _service(self, path: str) -> Service | None:
        if path.startswith("/api/v2/"):
            return self.zendesk
        if path.startswith("/1/"):
            return self.trello
        if path.startswith("/v2/"):
            return self.rota
        if path == GITHUB_API_PREFIX or path.startswith(GITHUB_API_PREFIX + "/"):
            return self.github
        if path.startswith("/services/"):
            return self.slack
        return None

    def handle(self, request: Request) -> Response:
        """Answer one request. Raises `ConnectionDropped` when a fault drops the connection."""
        if request.path == "/_sandbox" or request.path.startswith("/_sandbox/"):
            return self.control.handle(request)
        service = self._service(request.path)
        match = service.match(request) if service is not None else None
        if match is not None:
            self.stats.request(match.name)
        else:
            self.stats.request(f"{request.method} (unknown {service.service if service else 'path'})")
        fault = self._injector.apply(service.service if service else "other")
        if fault is not None:
            return fault
        if service is None:
            return text_response(404, "Not Found")
        return service.dispatch(request, match)

    def transport(self) -> httpx.BaseTransport:
        from govpress_support.sandbox.transport import SandboxTransport

        return SandboxTransport(self)

    def close(self) -> None:
        self.store.close()


def ensure_seeded(store: Store, *, seed: int = 1) -> None:
    """Seed the file the first time; a file another process is seeding is waited for (the write
    lock), then found seeded."""
    if store.meta("seeded"):
        return
    with store.write() as conn:
        if store.meta("seeded"):
            return
        store.wipe(conn)
        _seed(store, conn, seed=seed)


def reseed(store: Store, *, seed: int = 1, bulk: int = 0) -> None:
    with store.write() as conn:
        store.wipe(conn)
        _seed(store, conn, seed=seed, bulk=bulk)


def _seed(store: Store, conn: sqlite3.Connection, *, seed: int, bulk: int = 0) -> None:
    """The seed and its history are imported only to seed: a seeded sandbox starts without them."""
    from govpress_support.sandbox.seed import seed as seed_store

    seed_store(store, conn, seed=seed, bulk=bulk)


def open_app(state_dir: Path, faults: Faults | None = None) -> SandboxApp:
    """The sandbox over `<state_dir>/sandbox.sqlite3`: created and seeded on first use, reused "
    "after."""
    return SandboxApp(state_dir, faults)


def reset(state_dir: Path, *, seed: int = 1, bulk: int = 0) -> None:
    """Wipe and reseed; `bulk` adds that many generated unsolved tickets to the 2nd line group."""
    store = Store(Path(state_dir) / DB_NAME)
    try:
        reseed(store, seed=seed, bulk=bulk)
    finally:
        store.close()
