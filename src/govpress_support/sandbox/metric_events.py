"""Zendesk's ticket metrics as the sandbox keeps them: each ticket's metric clocks, the metric
events they write (the incremental ticket metric events export) and the ticket metric set
(`include=metric_sets`, `tickets/{id}/metrics`).

A ticket's clocks live in its JSON document under `mx`; `Clocks(ledger, ticket_id, mx)` appends
events as the ticket's life is played to it, at the times it is given (the seed plays a month of
history, the API plays each change at `now`). The rules follow Zendesk's reference of metric
event types:

- every metric gets `measure` (instance 0) and `activate` (instance 1) when the ticket is created;
- pending pauses requester_wait_time; pending and on-hold pause agent_work_time and
  pausable_update_time; leaving them activates them again; solving fulfils every running metric;
- a public agent comment fulfils the running reply_time instance and starts the next instance of
  the update metrics; an end user's comment starts the next reply_time instance;
- a metric measured by an SLA policy gets `apply_sla` (a group SLA: `apply_group_sla`) and a
  `breach` event written ahead of time, at the moment the target runs out; fulfilling or pausing
  the metric before then marks that breach `deleted`, and running again writes a new one. SLA
  clocks pause in pending and on-hold, as the `slas` sideload has always shown them;
- `update_status` follows each fulfilment with the minutes the metric ran, calendar and business.

Business hours are Monday to Friday, 09:00 to 17:00 UTC. Every policy here counts calendar time.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from govpress_support.core import timeutil
from govpress_support.sandbox import seed_data as D
from govpress_support.sandbox.store import dumps

FIRST_EVENT_ID = 9_100_000_001
METRIC_SET_BASE = 90_000_000  # a ticket's metric set id is this plus the ticket id
BASE_METRICS = (
    "agent_work_time",
    "pausable_update_time",
    "periodic_update_time",
    "reply_time",
    "requester_wait_time",
    "resolution_time",
)
GROUP_METRIC = "group_ownership_time"
# Statuses that pause a metric whatever its SLA (Zendesk's own rules).
PAUSED_IN = {
    "requester_wait_time": ("pending",),
    "agent_work_time": ("pending", "hold"),
    "pausable_update_time": ("pending", "hold"),
}
SLA_PAUSED_IN = ("pending", "hold")
UPDATE_METRICS = ("periodic_update_time", "pausable_update_time")
SLA_TYPES = ("apply_sla", "apply_group_sla", "breach")
BUSINESS_HOURS = (9, 17)

# The `slas` sideload names a metric by what it measures; the events name the clock.
EVENT_METRIC = {
    "first_reply_time": "reply_time",
    "next_reply_time": "reply_time",
    "periodic_update_time": "periodic_update_time",
    "pausable_update_time": "pausable_update_time",
    "requester_wait_time": "requester_wait_time",
    "agent_work_time": "agent_work_time",
    "total_resolution_time": "resolution_time",
    "group_ownership_time": "group_ownership_time",
}


def display_metric(metric: str, instance: int) -> str:
    """The `slas` sideload's name for an instance of an event metric."""
    if metric == "reply_time":
        return "first_reply_time" if instance <= 1 else "next_reply_time"
    if metric == "resolution_time":
        return "total_resolution_time"
    return metric


# --- policies ------------------------------------------------------------------------------------

PRIORITIES = ("urgent", "high", "normal", "low")


@dataclass(frozen=True)
class Policy:
    """An SLA policy (numeric id) or a group SLA policy (string id) with its targets in minutes."""

    id: int | str
    title: str
    description: str
    targets: tuple[tuple[str, str, int], ...]  # (slas metric name, priority, minutes)
    groups: tuple[int, ...]  # the groups whose tickets it measures
    tag: str | None = None  # a group SLA's extra condition: the ticket has this tag
    position: int = 1

    @property
    def group_sla(self) -> bool:
        return isinstance(self.id, str)

    def ref(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "description": self.description}

    def target(self, metric: str, priority: str | None) -> int | None:
        for name, wanted, minutes in self.targets:
            if name == metric and wanted == priority:
                return minutes
        return None


def _by_priority(metric: str, minutes: tuple[int, int, int, int]) -> tuple[tuple[str, str, int], ...]:
    return tuple((metric, p, m) for p, m in zip(PRIORITIES, minutes, strict=True))


CLIENTS = Policy(
    360000101,
    "GovPress clients",
    "Replies to GovPress client tickets: first and next replies within the target for their priority.",
    _by_priority("first_reply_time", (60, 240, 480, 1440)) + _by_priority("next_reply_time", (240, 480, 1440, 4320)),
    (D.TRIAGE, D.SECOND_LINE, D.TECH_OPS),
)
FIRST_LINE = Policy(
    360000102,
    "GovPress 1st line",
    "Quick fixes in 1st line: a first reply within the client target, later replies within a working day.",
    _by_priority("first_reply_time", (60, 240, 480, 1440)) + _by_priority("next_reply_time", (120, 240, 480, 1440)),
    (D.FIRST_LINE,),
    position=2,
)
SCOPING = Policy(
    360000103,
    "Scoping and discussion",
    "Work of more than half a day: a first reply as for any client, then a public update every few days.",
    _by_priority("first_reply_time", (60, 240, 480, 1440))
    + _by_priority("periodic_update_time", (1440, 4320, 7200, 10080)),
    (D.SCOPING,),
    position=3,
)
PLUGIN_CONFLICTS = Policy(
    "01JB7Q3M2V8X4N6P0R5S9T1W2Y",
    "Plugin conflicts in 2nd line",
    "A plugin conflict breaks a live site: 2nd line solves it or hands it on within a day.",
    _by_priority("group_ownership_time", (1440, 1440, 1440, 1440)),
    (D.SECOND_LINE,),
    tag="plugin",
)
SLA_POLICIES = (CLIENTS, FIRST_LINE, SCOPING)
GROUP_SLA_POLICIES = (PLUGIN_CONFLICTS,)


def policy_for(group_id: int | None) -> Policy | None:
    for policy in SLA_POLICIES:
        if group_id in policy.groups:
            return policy
    return None


def group_policy_for(group_id: int | None, tags: list[str]) -> Policy | None:
    for policy in GROUP_SLA_POLICIES:
        if group_id in policy.groups and (policy.tag is None or policy.tag in tags):
            return policy
    return None


def policy_by_id(policy_id: Any) -> Policy | None:
    for policy in SLA_POLICIES + GROUP_SLA_POLICIES:
        if policy.id == policy_id:
            return policy
    return None


# --- time ----------------------------------------------------------------------------------------


def business_seconds(start: datetime, end: datetime) -> int:
    """Seconds of Monday-to-Friday 09:00-17:00 UTC between two moments."""
    if end <= start:
        return 0
    total = 0.0
    day = start.astimezone(UTC).date()
    last = end.astimezone(UTC).date()
    while day <= last:
        if day.weekday() < 5:
            opens = datetime(day.year, day.month, day.day, BUSINESS_HOURS[0], tzinfo=UTC)
            closes = datetime(day.year, day.month, day.day, BUSINESS_HOURS[1], tzinfo=UTC)
            lo, hi = max(start, opens), min(end, closes)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return int(total)


def _at(value: str | None) -> datetime | None:
    return timeutil.parse_iso(value) if value else None


def _iso(when: datetime) -> str:
    return timeutil.iso(when) or ""


# --- the ledger ----------------------------------------------------------------------------------


class Ledger:
    """The metric events written in one transaction: ids handed out in memory, rows inserted (and
    earlier events marked deleted) when flushed."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        row = conn.execute("SELECT value FROM counters WHERE name = 'metric_event'").fetchone()
        self._last = int(row[0]) if row else FIRST_EVENT_ID - 1
        self._first = self._last
        self._rows: dict[int, list[Any]] = {}
        self._deleted: list[int] = []

    def add(
        self,
        ticket_id: int,
        when: datetime,
        metric: str,
        instance: int,
        kind: str,
        payload: dict[str, Any] | None = None,
    ) -> int:
        self._last += 1
        deleted = 0 if kind in SLA_TYPES else None
        self._rows[self._last] = [
            self._last,
            ticket_id,
            metric,
            instance,
            kind,
            _iso(when),
            deleted,
            dumps(payload) if payload else None,
        ]
        return self._last

    def delete(self, event_id: int) -> None:
        row = self._rows.get(event_id)
        if row is not None:
            row[6] = 1
        else:
            self._deleted.append(event_id)

    def flush(self) -> None:
        if self._rows:
            self.conn.executemany(
                "INSERT INTO metric_events (id, ticket_id, metric, instance_id, type, time, deleted, doc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                list(self._rows.values()),
            )
        if self._deleted:
            self.conn.executemany("UPDATE metric_events SET deleted = 1 WHERE id = ?", [(i,) for i in self._deleted])
        if self._last != self._first:
            self.conn.execute(
                "INSERT INTO counters (name, value) VALUES ('metric_event', ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (self._last,),
            )
        self._first = self._last
        self._rows.clear()
        self._deleted.clear()


# --- one ticket's clocks -------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The fields of a ticket the metrics follow."""

    status: str
    group_id: int | None
    assignee_id: int | None
    priority: str | None
    tags: tuple[str, ...] = ()
    custom_status_id: int | None = None


class Clocks:
    """Plays one ticket's changes to its metric clocks, writing events to the ledger.

    `mx` is the ticket's stored state: `c` the clocks by metric, `s` the SLA measuring each clock's
    current instance, `t` targets fixed for this ticket (minutes by `slas` metric name, else the
    policy's), `p` the SLA policy id, `ms` the metric set. `touched` collects the clocks whose SLA
    changed, so the caller can bring the `slas` sideload up to date.
    """

    def __init__(self, ledger: Ledger, ticket_id: int, mx: dict[str, Any]):
        self.ledger = ledger
        self.ticket_id = ticket_id
        self.mx = mx
        mx.setdefault("c", {})
        mx.setdefault("s", {})
        mx.setdefault("t", {})
        mx.setdefault("ms", {})
        self.touched: set[str] = set()

    # --- the life of a ticket --------------------------------------------------------------------

    def created(self, t: datetime, new: Snapshot) -> None:
        ms = self.mx["ms"]
        stamp = _iso(t)
        ms.update(
            created_at=stamp,
            replies=0,
            reopens=0,
            group_stations=1 if new.group_id else 0,
            assignee_stations=0,
            status="new",
            status_since=stamp,
            status_updated_at=stamp,
            custom_status_updated_at=stamp,
            latest_comment_added_at=stamp,
            requester_updated_at=stamp,
            updated_at=stamp,
            wait={"requester": [0, 0], "agent": [0, 0], "hold": [0, 0]},
        )
        for metric in BASE_METRICS:
            self.ledger.add(self.ticket_id, t, metric, 0, "measure")
        for metric in BASE_METRICS:
            self.mx["c"][metric] = {"i": 1, "on": False, "done": False, "since": None, "used": 0.0, "bused": 0.0}
            self._activate(metric, t)
        self.mx["status"] = "new"
        start = Snapshot("new", new.group_id, None, None, new.tags)
        self.mx["group"] = None
        self.changed(t, start, new)
        if new.group_id is not None and self.mx.get("group") is None:
            self._entered(t, new)

    def changed(self, t: datetime, old: Snapshot, new: Snapshot) -> None:
        """Field changes of one update (after an agent's comment, before an end user's)."""
        ms = self.mx["ms"]
        stamp = _iso(t)
        if new.assignee_id != old.assignee_id and new.assignee_id is not None:
            ms["assignee_stations"] = int(ms.get("assignee_stations", 0)) + 1
            ms["assigned_at"] = stamp
            ms.setdefault("initially_assigned_at", stamp)
        if new.group_id != old.group_id:
            if new.group_id is not None:
                ms["group_stations"] = int(ms.get("group_stations", 0)) + 1
            self._left_group(t)
            self._entered(t, new)
        if new.custom_status_id != old.custom_status_id:
            ms["custom_status_updated_at"] = stamp
        if new.status != old.status:
            self._status(t, old.status, new.status)
        self.mx["priority"] = new.priority
        if new.priority and not old.priority:
            self._priority_set(t, new)
        ms["updated_at"] = stamp

    def commented(self, t: datetime, *, by_agent: bool, public: bool, solving: bool = False) -> None:
        """A comment; `solving` when the same update solves the ticket (no update clock starts)."""
        ms = self.mx["ms"]
        stamp = _iso(t)
        ms["latest_comment_added_at"] = stamp
        ms["updated_at"] = stamp
        if by_agent:
            ms["assignee_updated_at"] = stamp
        else:
            ms["requester_updated_at"] = stamp
        if not public:
            return
        status = self.mx.get("status", "open")
        if by_agent:
            ms["replies"] = int(ms.get("replies", 0)) + 1
            reply = self._clock("reply_time")
            if reply["on"] or self._paused(reply):
                if reply["i"] == 1 and "first_reply" not in ms:
                    ms["first_reply"] = self._minutes_since(ms["created_at"], t)
                self._fulfil("reply_time", t)
            if status not in ("solved", "closed"):
                for metric in UPDATE_METRICS:
                    self._fulfil(metric, t)
                    if not solving:
                        self._activate(metric, t, new_instance=True)
                        self._apply_policy(metric, t)
        else:
            reply = self._clock("reply_time")
            if not reply["on"] and status not in ("solved", "closed"):
                self._activate("reply_time", t, new_instance=reply["done"] or reply["i"] == 0)
                self._apply_policy("reply_time", t)

    def apply(self, metric: str, t: datetime, policy: Policy, target: int) -> None:
        """Measure the clock's current instance by an SLA: `apply_sla` (or `apply_group_sla`)
        and its breach, written ahead."""
        clock = self._clock(metric)
        old = self.mx["s"].get(metric)
        if old is not None and old["i"] == clock["i"]:
            self._unschedule(metric, t)
        key = "group_sla" if policy.group_sla else "sla"
        payload = {
            key: {
                "target": target,
                "target_in_seconds": target * 60,
                "business_hours": False,
                "policy": policy.ref(),
            }
        }
        kind = "apply_group_sla" if policy.group_sla else "apply_sla"
        self.ledger.add(self.ticket_id, t, metric, clock["i"], kind, payload)
        self.mx["s"][metric] = {
            "i": clock["i"],
            "target": target,
            "policy": policy.id,
            "breach": None,
            "at": None,
            "done": False,
        }
        self.touched.add(metric)
        status = self.mx.get("status", "open")
        if clock["on"] and status in SLA_PAUSED_IN:
            self._pause(metric, t)
        elif clock["on"]:
            self._schedule(metric, t)

    # --- rules -----------------------------------------------------------------------------------

    def _status(self, t: datetime, old: str, new: str) -> None:
        ms = self.mx["ms"]
        self._account_status(t, old)
        ms["status"] = new
        ms["status_since"] = _iso(t)
        ms["status_updated_at"] = _iso(t)
        self.mx["status"] = new
        if new in ("solved", "closed"):
            if new == "solved":
                ms["solved_at"] = _iso(t)
                resolution = self._minutes_since(ms["created_at"], t)
                ms.setdefault("first_resolution", resolution)
                ms["full_resolution"] = resolution
            for metric in (*BASE_METRICS, GROUP_METRIC):
                if metric in self.mx["c"]:
                    self._fulfil(metric, t)
            return
        if old in ("solved", "closed"):
            ms["reopens"] = int(ms.get("reopens", 0)) + 1
            for metric in ("agent_work_time", "requester_wait_time", "resolution_time"):
                self._reactivate(metric, t)
            for metric in UPDATE_METRICS:
                self._activate(metric, t, new_instance=True)
                self._apply_policy(metric, t)
        for metric, clock in list(self.mx["c"].items()):
            if clock["done"]:
                continue
            pause = self._pauses(metric, new)
            if pause and clock["on"]:
                self._pause(metric, t)
            elif not pause and not clock["on"]:
                self._activate(metric, t)

    def _priority_set(self, t: datetime, new: Snapshot) -> None:
        """A policy matches once the ticket has a priority: the running metrics it targets are
        measured from then on (their clocks have been running since they started)."""
        if self.mx.get("p") is None:
            policy = policy_for(new.group_id)
            if policy is None:
                return
            self.mx["p"] = policy.id
        for metric in ("reply_time", *UPDATE_METRICS):
            clock = self.mx["c"].get(metric)
            if clock and not clock["done"] and metric not in self.mx["s"]:
                self._apply_policy(metric, t, priority=new.priority)

    def _apply_policy(self, metric: str, t: datetime, priority: str | None = None) -> None:
        policy = policy_by_id(self.mx.get("p"))
        clock = self._clock(metric)
        if policy is None or clock["done"]:
            return
        name = display_metric(metric, clock["i"])
        target = self.mx["t"].get(name)
        if target is None:
            target = policy.target(name, priority or self._priority())
        if target is None:
            return
        self.apply(metric, t, policy, int(target))

    def _priority(self) -> str | None:
        value = self.mx.get("priority")
        return value if isinstance(value, str) else None

    def _entered(self, t: datetime, new: Snapshot) -> None:
        self.mx["group"] = new.group_id
        policy = group_policy_for(new.group_id, list(new.tags))
        if policy is None:
            return
        if GROUP_METRIC not in self.mx["c"]:
            self.ledger.add(self.ticket_id, t, GROUP_METRIC, 0, "measure")
        self._activate(GROUP_METRIC, t, new_instance=True)
        target = self.mx["t"].get(GROUP_METRIC) or policy.target(GROUP_METRIC, new.priority or "normal")
        if target is not None:
            self.apply(GROUP_METRIC, t, policy, int(target))

    def _left_group(self, t: datetime) -> None:
        clock = self.mx["c"].get(GROUP_METRIC)
        if clock is not None and not clock["done"] and (clock["on"] or self._paused(clock)):
            self._fulfil(GROUP_METRIC, t)

    # --- clocks ----------------------------------------------------------------------------------

    def _clock(self, metric: str) -> dict[str, Any]:
        clock: dict[str, Any] | None = self.mx["c"].get(metric)
        if clock is None:
            clock = self.mx["c"][metric] = {
                "i": 0,
                "on": False,
                "done": False,
                "since": None,
                "used": 0.0,
                "bused": 0.0,
            }
        return clock

    @staticmethod
    def _paused(clock: dict[str, Any]) -> bool:
        return bool(clock["i"] > 0 and not clock["on"] and not clock["done"])

    def _pauses(self, metric: str, status: str) -> bool:
        if status in PAUSED_IN.get(metric, ()):
            return True
        sla = self.mx["s"].get(metric)
        clock = self.mx["c"].get(metric)
        measured = sla is not None and clock is not None and sla["i"] == clock["i"] and not sla["done"]
        return measured and status in SLA_PAUSED_IN

    def _activate(self, metric: str, t: datetime, *, new_instance: bool = False) -> None:
        clock = self._clock(metric)
        if new_instance:
            clock.update(i=clock["i"] + 1, on=False, done=False, since=None, used=0.0, bused=0.0)
        if clock["on"] or clock["done"]:
            return
        pauses = self._pauses(metric, self.mx.get("status", "open"))
        if pauses and not new_instance:
            return
        clock["on"], clock["since"] = True, _iso(t)
        self.ledger.add(self.ticket_id, t, metric, clock["i"], "activate")
        if pauses:
            self._pause(metric, t)
        else:
            self._schedule(metric, t)

    def _reactivate(self, metric: str, t: datetime) -> None:
        """A reopened ticket runs its resolution metrics again (same instance)."""
        clock = self.mx["c"].get(metric)
        if clock is None or not clock["done"]:
            return
        clock["done"] = False
        self._activate(metric, t)

    def _stop(self, clock: dict[str, Any], t: datetime) -> None:
        since = _at(clock["since"])
        if clock["on"] and since is not None:
            clock["used"] = float(clock["used"]) + max(0.0, (t - since).total_seconds())
            clock["bused"] = float(clock["bused"]) + business_seconds(since, t)
        clock["on"], clock["since"] = False, None

    def _pause(self, metric: str, t: datetime) -> None:
        clock = self._clock(metric)
        if not clock["on"] or clock["done"]:
            return
        self._stop(clock, t)
        self.ledger.add(self.ticket_id, t, metric, clock["i"], "pause")
        self._unschedule(metric, t)

    def _fulfil(self, metric: str, t: datetime) -> None:
        clock = self._clock(metric)
        if clock["done"] or clock["i"] == 0:
            return
        self._stop(clock, t)
        clock["done"] = True
        self.ledger.add(self.ticket_id, t, metric, clock["i"], "fulfill")
        status = {"calendar": round(clock["used"] / 60), "business": round(clock["bused"] / 60)}
        self.ledger.add(self.ticket_id, t, metric, clock["i"], "update_status", {"status": status})
        self._unschedule(metric, t)
        sla = self.mx["s"].get(metric)
        if sla is not None and sla["i"] == clock["i"]:
            sla["done"] = True
            self.touched.add(metric)

    def used(self, metric: str, t: datetime) -> float:
        clock = self._clock(metric)
        since = _at(clock["since"])
        running = (t - since).total_seconds() if clock["on"] and since is not None else 0.0
        return float(clock["used"]) + max(0.0, running)

    def _schedule(self, metric: str, t: datetime) -> None:
        sla = self.mx["s"].get(metric)
        clock = self._clock(metric)
        if sla is None or sla["i"] != clock["i"] or sla["done"] or not clock["on"]:
            return
        left = int(sla["target"]) * 60 - self.used(metric, t)
        due = t + timedelta(seconds=max(0.0, left))
        sla["breach"] = self.ledger.add(self.ticket_id, due.replace(microsecond=0), metric, clock["i"], "breach")
        sla["at"] = _iso(due)
        self.touched.add(metric)

    def _unschedule(self, metric: str, t: datetime) -> None:
        """The metric stops before its breach: a breach still ahead is deleted (one already past
        happened and stays)."""
        sla = self.mx["s"].get(metric)
        if sla is None or sla.get("breach") is None:
            return
        due = _at(sla.get("at"))
        if due is not None and due > t:
            self.ledger.delete(int(sla["breach"]))
            sla["breach"], sla["at"] = None, None
        else:
            sla["breached"] = True
            sla["breach"] = None
        self.touched.add(metric)

    # --- the metric set --------------------------------------------------------------------------

    def _account_status(self, t: datetime, status: str) -> None:
        """Add the time spent in `status` to the waits it counts for."""
        ms = self.mx["ms"]
        since = _at(ms.get("status_since"))
        if since is None or t <= since:
            return
        spans = {
            "new": ("requester",),
            "open": ("requester",),
            "hold": ("requester", "hold"),
            "pending": ("agent",),
        }.get(status, ())
        wait = ms.setdefault("wait", {"requester": [0, 0], "agent": [0, 0], "hold": [0, 0]})
        calendar, business = int((t - since).total_seconds()), business_seconds(since, t)
        for name in spans:
            wait[name][0] += calendar
            wait[name][1] += business

    @staticmethod
    def _minutes_since(start: str, t: datetime) -> dict[str, int]:
        begin = _at(start) or t
        return {
            "calendar": round((t - begin).total_seconds() / 60),
            "business": round(business_seconds(begin, t) / 60),
        }


# --- the `slas` sideload from the clocks ---------------------------------------------------------


def sync_display(doc: dict[str, Any], clocks: Clocks) -> None:
    """Bring the ticket's `slas` metrics up to date with the SLA clocks that changed."""
    if not clocks.touched:
        return
    mx = clocks.mx
    current = doc.get("sla")
    metrics: list[dict[str, Any]] = list(current) if isinstance(current, list) else []
    for metric in sorted(clocks.touched):
        sla = mx["s"].get(metric)
        clock = mx["c"].get(metric)
        if sla is None or clock is None:
            continue
        name = display_metric(metric, int(sla["i"]))
        entry = _display_entry(metrics, metric, name)
        if entry is None:
            entry = {"metric": name, "breach_at": None, "stage": None, "hours": max(1, int(sla["target"]) // 60)}
            metrics.append(entry)
        entry["metric"] = name
        entry["hours"] = max(1, int(sla["target"]) // 60)
        if sla["done"]:
            entry["stage"] = "achieved"
            entry["remaining"] = None
        elif clock["on"]:
            entry["breach_at"] = sla.get("at")
            entry["remaining"] = None
            if entry.get("stage") != "breached":
                entry["stage"] = None
        else:  # paused: the breach time is unknown until the clock runs again
            left = int(sla["target"]) * 60 - float(clock["used"])
            entry["breach_at"] = None
            entry["remaining"] = int(left)
            entry["stage"] = None
    doc["sla"] = metrics


def _display_entry(metrics: list[dict[str, Any]], metric: str, name: str) -> dict[str, Any] | None:
    for entry in metrics:
        if entry.get("metric") == name:
            return entry
    if metric == "reply_time":  # the next reply replaces the first (or an earlier next) reply
        for entry in metrics:
            if entry.get("metric") in ("first_reply_time", "next_reply_time"):
                return entry
    return None


# --- rendering -----------------------------------------------------------------------------------


def render_event(row: sqlite3.Row) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": row["id"],
        "ticket_id": row["ticket_id"],
        "metric": row["metric"],
        "instance_id": row["instance_id"],
        "type": row["type"],
        "time": row["time"],
    }
    if row["doc"]:
        event.update(_loads(row["doc"]))
    if row["deleted"] is not None:
        event["deleted"] = bool(row["deleted"])
    return event


def _loads(text: str) -> dict[str, Any]:
    data = json.loads(text)
    return data if isinstance(data, dict) else {}


def _pair(value: Any) -> dict[str, int | None]:
    if isinstance(value, dict):
        return {"calendar": value.get("calendar"), "business": value.get("business")}
    return {"calendar": None, "business": None}


def render_metric_set(ticket_id: int, mx: dict[str, Any] | None, origin: str, now: datetime) -> dict[str, Any]:
    """The ticket metric object (`ticket_metrics`, `metric_sets`)."""
    ms = (mx or {}).get("ms") or {}
    wait = ms.get("wait") or {}
    running: dict[str, list[int]] = {k: list(v) for k, v in wait.items()}
    since = _at(ms.get("status_since"))
    status = ms.get("status")
    if since is not None and status in ("new", "open", "hold", "pending") and now > since:
        for name in {"new": ("requester",), "open": ("requester",), "hold": ("requester", "hold")}.get(
            str(status), ("agent",)
        ):
            bucket = running.setdefault(name, [0, 0])
            bucket[0] += int((now - since).total_seconds())
            bucket[1] += business_seconds(since, now)

    def minutes(name: str) -> dict[str, int]:
        calendar, business = running.get(name, [0, 0])
        return {"calendar": calendar // 60, "business": business // 60}

    first_reply = ms.get("first_reply")
    reply = _pair(first_reply)
    return {
        "url": f"{origin}/api/v2/ticket_metrics/{METRIC_SET_BASE + ticket_id}.json",
        "id": METRIC_SET_BASE + ticket_id,
        "ticket_id": ticket_id,
        "created_at": ms.get("created_at"),
        "updated_at": ms.get("updated_at"),
        "group_stations": ms.get("group_stations", 0),
        "assignee_stations": ms.get("assignee_stations", 0),
        "reopens": ms.get("reopens", 0),
        "replies": ms.get("replies", 0),
        "assignee_updated_at": ms.get("assignee_updated_at"),
        "requester_updated_at": ms.get("requester_updated_at"),
        "status_updated_at": ms.get("status_updated_at"),
        "initially_assigned_at": ms.get("initially_assigned_at"),
        "assigned_at": ms.get("assigned_at"),
        "solved_at": ms.get("solved_at") if status in ("solved", "closed") else None,
        "latest_comment_added_at": ms.get("latest_comment_added_at"),
        "custom_status_updated_at": ms.get("custom_status_updated_at"),
        "reply_time_in_minutes": reply,
        "reply_time_in_seconds": {
            "calendar": None if reply["calendar"] is None else int(reply["calendar"]) * 60,
        },
        "first_resolution_time_in_minutes": _pair(ms.get("first_resolution")),
        "full_resolution_time_in_minutes": _pair(ms.get("full_resolution")),
        "agent_wait_time_in_minutes": minutes("agent"),
        "requester_wait_time_in_minutes": minutes("requester"),
        "on_hold_time_in_minutes": minutes("hold"),
    }
