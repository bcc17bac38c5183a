"""Test switches of the GitHub and Slack emulators ("answer the next N requests like this"), kept
as JSON under a namespaced key in the settings table: every process sharing the file sees them,
and a reset (which wipes the settings) switches them off."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from govpress_support.sandbox.store import Store
from govpress_support.sandbox.wire import dumps


def load(store: Store, key: str) -> dict[str, Any] | None:
    raw = store.scalar("SELECT value FROM settings WHERE key = ?", (key,))
    data = json.loads(raw) if raw else None
    return data if isinstance(data, dict) else None


def save(store: Store, key: str, data: dict[str, Any]) -> None:
    with store.write() as conn:
        conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, dumps(data)))


def take(store: Store, key: str, is_on: Callable[[dict[str, Any]], bool], off: dict[str, Any]) -> dict[str, Any] | None:
    """The switch if it is on, counting one use: its `times` goes down by one (None: used until
    switched off), and at zero the switch becomes `off`. Atomic across threads and processes."""
    if load(store, key) is None:  # the common case, without taking the write lock
        return None
    with store.write() as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        data = json.loads(row[0]) if row else None
        if not isinstance(data, dict) or not is_on(data):
            return None
        times = data.get("times")
        if isinstance(times, int):
            rest = {**data, "times": times - 1} if times > 1 else off
            conn.execute("UPDATE settings SET value = ? WHERE key = ?", (dumps(rest), key))
    return data
