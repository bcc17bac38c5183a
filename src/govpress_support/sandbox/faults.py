"""Faults on demand: latency, 429s, 5xx pages, dropped and slow connections.

Every request (except the control API) draws the same number of values from one
`random.Random(seed)` under a lock, so the same seed and the same request sequence give the same
faults whatever the shares are. Faults happen before the request is processed: nothing is written.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import asdict, dataclass, fields
from typing import Any

from govpress_support.sandbox.stats import Stats
from govpress_support.sandbox.wire import (
    ConnectionDropped,
    Response,
    gateway_page,
    json_response,
    text_response,
)


@dataclass
class Faults:
    latency_ms: int = 0
    rate_limit_share: float = 0.0
    error_share: float = 0.0
    drop_share: float = 0.0
    slow_share: float = 0.0
    slow_ms: int = 5000
    retry_after: float = 1.0  # value of Retry-After on injected Zendesk 429s
    seed: int = 0  # the same seed gives the same fault sequence

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> Faults:
        """A copy with some fields changed; ValueError for unknown names or bad values."""
        types = {f.name: f.type for f in fields(self)}
        values = self.as_dict()
        for key, value in changes.items():
            if key not in types:
                raise ValueError(f"unknown fault setting {key!r}; known: {', '.join(types)}")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{key} must be a number")
            if value < 0 or (key.endswith("_share") and value > 1):
                raise ValueError(f"{key} is out of range")
            values[key] = int(value) if types[key] in ("int", int) else float(value)
        return Faults(**values)


KINDS = ("rate_limit", "error", "drop", "slow")


@dataclass(frozen=True)
class Draw:
    kind: str | None  # one of KINDS, or None
    variant: float  # picks the flavour of the fault (JSON or plain 429, 500 or 502 or 503...)


class FaultInjector:
    def __init__(self, faults: Faults | None = None, stats: Stats | None = None):
        self._lock = threading.Lock()
        self.stats = stats or Stats()
        self.set(faults or Faults())

    def set(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)

    def draw(self) -> Draw:
        with self._lock:
            f = self.faults
            pick, variant = self._rng.random(), self._rng.random()
        edge = 0.0
        for kind, share in (
            ("rate_limit", f.rate_limit_share),
            ("error", f.error_share),
            ("drop", f.drop_share),
            ("slow", f.slow_share),
        ):
            edge += share
            if pick < edge:
                return Draw(kind, variant)
        return Draw(None, variant)

    def apply(self, service: str) -> Response | None:
        """Wait the configured latency, then draw: a fault response, a raised ConnectionDropped,
        a slow (delayed) pass, or None to process the request normally."""
        faults = self.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        draw = self.draw()
        if draw.kind is None:
            return None
        self.stats.fault(draw.kind)
        if draw.kind == "slow":
            time.sleep(faults.slow_ms / 1000)
            return None
        if draw.kind == "drop":
            raise ConnectionDropped("reset" if draw.variant < 0.5 else "timeout")
        if draw.kind == "rate_limit":
            return rate_limited(service, faults.retry_after, draw.variant)
        return server_error(draw.variant)


def rate_limited(service: str, retry_after: float, variant: float) -> Response:
    if service == "trello":
        return json_response(
            429,
            {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"},
            {
                "x-rate-limit-api-token-interval-ms": "10000",
                "x-rate-limit-api-token-max": "100",
                "x-rate-limit-api-token-remaining": "0",
            },
        )
    if service == "zendesk":
        headers = {
            "retry-after": f"{retry_after:g}",
            "x-rate-limit": "700",
            "x-rate-limit-remaining": "0",
            "ratelimit-remaining": "0",
            "ratelimit-reset": f"{max(retry_after, 0):g}",
        }
        if variant < 0.5:
            body = {
                "error": "APIRateLimitExceeded",
                "description": "Number of allowed API requests per minute exceeded",
            }
            return json_response(429, body, headers)
        return text_response(429, "Too Many Requests", headers)
    if service == "github":  # a secondary limit: 403 or 429, with retry-after
        body = {
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
            "#about-secondary-rate-limits",
            "status": "403" if variant < 0.5 else "429",
        }
        return json_response(403 if variant < 0.5 else 429, body, {"retry-after": f"{math.ceil(retry_after)}"})
    if service == "slack":
        return text_response(429, "rate_limited", {"retry-after": f"{math.ceil(retry_after)}"})
    return text_response(429, "Too Many Requests")


def server_error(variant: float) -> Response:
    if variant < 1 / 3:
        return json_response(500, {"error": "InternalServerError", "description": "Something went wrong on our end."})
    status = 502 if variant < 2 / 3 else 503
    return Response(status, {"content-type": "text/html; charset=utf-8"}, gateway_page(status).encode())
