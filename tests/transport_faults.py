"""Faults placed exactly where they hurt: an httpx transport around the sandbox's that does
something to chosen requests, and logs every request it sees.

The sandbox's own faults (`desk.faults(...)`) are random and always strike before a request is
applied; these strike one named request, and can strike after the sandbox applied it (the answer
lost on the way back), which is the case a careless retry turns into a duplicate.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

import httpx

ACTIONS = {
    "lost": "the sandbox applies the request, then the answer is lost (the connection resets)",
    "dropped": "the connection drops before the request reaches the sandbox: nothing is applied",
    "crash": "the sandbox applies the request, then the program is interrupted (Ctrl-C)",
    "<status>": "that HTTP status (e.g. 502) comes back instead; the request never reaches the sandbox",
}


@dataclass
class Fault:
    """Do `action` to the `nth` request (1-based) whose method matches and whose path contains `path`."""

    method: str
    path: str
    action: str
    nth: int = 1
    seen: int = 0

    def __post_init__(self) -> None:
        assert self.action in ACTIONS or self.action.isdigit(), f"unknown fault action {self.action!r}"


class TransportFaults(list[Fault]):
    """The faults to inject, and every request sent through the transports they wrap."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []

    def add(self, method: str, path: str, action: str, nth: int = 1) -> None:
        self.append(Fault(method, path, action, nth))

    def wrap(self, inner: httpx.BaseTransport) -> FaultyTransport:
        return FaultyTransport(inner, self)

    @property
    def log(self) -> list[str]:
        """`METHOD /path` of every request, in order."""
        return [f"{r.method} {r.url.path}" for r in self.requests]

    def sent(self, method: str, path: str = "") -> list[Any]:
        """The JSON bodies of the requests with this method whose path contains `path`."""
        return [
            json.loads(r.content) if r.content else None
            for r in self.requests
            if r.method == method and path in r.url.path
        ]


class FaultyTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, faults: TransportFaults):
        self.inner = inner
        self.faults = faults
        self.lock = threading.Lock()

    def _chosen(self, request: httpx.Request) -> list[Fault]:
        """The fault whose turn this request is, if any (counted under the lock; the faults
        after the one that fires do not count this request)."""
        for fault in self.faults:
            if request.method == fault.method and fault.path in request.url.path:
                fault.seen += 1
                if fault.seen == fault.nth:
                    return [fault]
        return []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self.lock:  # requests may go side by side: each fault counts each request once
            self.faults.requests.append(request)
            chosen = self._chosen(request)
        for fault in chosen:
            if fault.action.isdigit():
                status = int(fault.action)
                return httpx.Response(status, text=httpx.codes.get_reason_phrase(status), request=request)
            if fault.action == "dropped":
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
            self.inner.handle_request(request).read()
            if fault.action == "lost":
                raise httpx.ReadError("connection reset", request=request)
            raise KeyboardInterrupt
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
