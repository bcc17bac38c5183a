"""A tiny path router: `/api/v2/tickets/{id:int}` patterns, matched in the order they were added.

The pattern text (without converters) is also the route's name in the request statistics.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

H = TypeVar("H", bound=Callable[..., object])

_PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")
_CONVERTERS = {"int": r"\d+", "str": r"[^/]+", "path": r".+"}


@dataclass(frozen=True)
class Route(Generic[H]):
    method: str
    pattern: str  # e.g. /api/v2/tickets/{id}
    regex: re.Pattern[str]
    handler: H


@dataclass(frozen=True)
class Match(Generic[H]):
    route: Route[H]
    params: dict[str, str]

    @property
    def name(self) -> str:
        return f"{self.route.method} {self.route.pattern}"


class Router(Generic[H]):
    def __init__(self) -> None:
        self.routes: list[Route[H]] = []

    def add(self, method: str, pattern: str, handler: H) -> None:
        regex = "^" + _PLACEHOLDER.sub(lambda m: f"(?P<{m[1]}>{_CONVERTERS[m[2] or 'str']})", pattern) + "$"
        name = _PLACEHOLDER.sub(lambda m: "{" + m[1] + "}", pattern)
        self.routes.append(Route(method.upper(), name, re.compile(regex), handler))

    def match(self, method: str, path: str) -> Match[H] | None:
        for route in self.routes:
            if route.method != method.upper():
                continue
            found = route.regex.match(path)
            if found:
                return Match(route, found.groupdict())
        return None
