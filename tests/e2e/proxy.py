"""A small HTTP proxy in front of `sandbox serve`, for what the sandbox cannot do itself: a gateway
that answers 503 to one kind of request, or one that echoes the request's credentials in its
error body (some proxies and gateways do).

`Proxy(upstream, rule)` forwards every request to `upstream` unless `rule(request)` answers it:
`(status, content type, body)`, or None to forward. Used through the `proxy` fixture
(tests/e2e/conftest.py); `proxy.url` replaces the server's URL in the CLI's environment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx


@dataclass(frozen=True)
class Seen:
    """One request as the proxy saw it."""

    method: str
    path: str  # with the query
    headers: dict[str, str]
    body: bytes


Answer = tuple[int, str, bytes]  # status, content type, body
Rule = Callable[[Seen], Answer | None]


class Proxy:
    def __init__(self, upstream: str, rule: Rule):
        self.upstream = upstream.rstrip("/")
        self.rule = rule
        self.answered: list[Seen] = []  # the requests the rule answered
        self._client = httpx.Client(timeout=60)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
                answer = proxy.rule(seen)
                if answer is not None:
                    proxy.answered.append(seen)
                    status, content_type, body = answer
                    self._reply(status, {"Content-Type": content_type}, body)
                    return
                headers = {
                    k: v for k, v in seen.headers.items() if k.lower() != "content-length"
                }  # Host kept: links name the proxy
                forwarded = proxy._client.request(
                    seen.method, proxy.upstream + seen.path, headers=headers, content=seen.body
                )
                kept = {
                    k: v
                    for k, v in forwarded.headers.items()
                    if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding")
                }
                self._reply(forwarded.status_code, kept, forwarded.content)

            def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> Proxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._client.close()

    def environment(self, server_env: dict[str, str]) -> dict[str, str]:
        """The server's environment for the CLI, with every service URL through this proxy."""
        return {k: v.replace(self.upstream, self.url) if k.endswith("_URL") else v for k, v in server_env.items()}


def path_of(seen: Seen) -> str:
    return urlsplit(seen.path).path
