"""The neutral request and response the sandbox speaks, independent of httpx and http.server.

Both the in-process httpx transport and the loopback HTTP server translate to and from these, so
every behaviour is written once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"


class ConnectionDropped(Exception):
    """Raised by `SandboxApp.handle` when a fault drops the connection: send nothing at all.

    `kind` is `reset` (the peer closed the connection) or `timeout` (it never answered).
    """

    def __init__(self, kind: str = "reset"):
        super().__init__(kind)
        self.kind = kind


@dataclass
class Request:
    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    scheme: str = "https"
    host: str = "sandbox.zendesk.invalid"

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        self.headers = {k.lower(): v for k, v in self.headers.items()}

    @property
    def origin(self) -> str:
        """Scheme and host the client used: absolute URLs in answers start with it."""
        return f"{self.scheme}://{self.host}"

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        for key, value in self.query:
            if key == name:
                return value
        return default

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The body as JSON; `None` for an empty body. Raises ValueError when it is not JSON."""
        if not self.body.strip():
            return None
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        """Parameters from the query, then a form or JSON body (the body wins), as Trello reads "
        "them."""
        params = dict(reversed(self.query))  # first value of each name
        ctype = (self.header("content-type") or "").lower()
        if not self.body.strip():
            return params
        if "json" in ctype or self.body.lstrip()[:1] in (b"{", b"["):
            try:
                data = json.loads(self.body)
            except ValueError:
                return params
            if isinstance(data, dict):
                for key, value in data.items():
                    params[str(key)] = _form_value(value)
            return params
        for key, value in parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True):
            params[key] = value
        return params


def _form_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"content-type": JSON_TYPE, **(headers or {})}, dumps(data).encode())


def text_response(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"content-type": TEXT_TYPE, **(headers or {})}, text.encode())


def html_response(status: int, html: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"content-type": HTML_TYPE, **(headers or {})}, html.encode())


def empty_response(status: int = 204) -> Response:
    return Response(status, {}, b"")


def url(origin: str, path: str, params: list[tuple[str, str]] | None = None) -> str:
    """An absolute URL on the requesting host."""
    query = urlencode(params or [])
    return f"{origin}{path}" + (f"?{query}" if query else "")


def replace_params(query: list[tuple[str, str]], **changes: str | None) -> list[tuple[str, str]]:
    """The query with some parameters replaced (or removed when None), others kept in order.

    Keyword names use `__` for `[` `]`: `page__after` is `page[after]`.
    """
    names = {_param_name(k): v for k, v in changes.items()}
    kept = [(k, v) for k, v in query if k not in names]
    kept.extend((k, v) for k, v in names.items() if v is not None)
    return kept


def _param_name(key: str) -> str:
    if "__" in key:
        head, tail = key.split("__", 1)
        return f"{head}[{tail}]"
    return key


def gateway_page(status: int) -> str:
    """The HTML a CDN or load balancer sends when the service behind it fails."""
    reason = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}.get(status, "Error")
    return (
        "<!DOCTYPE html>\n<html><head><title>"
        f"{status} {reason}</title></head>\n<body>\n<center><h1>{status} {reason}</h1></center>\n"
        "<hr><center>cloudflare</center>\n</body></html>\n"
    )
