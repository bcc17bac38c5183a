"""`sandbox serve`: the sandbox over real HTTP/1.1 (keep-alive) on a loopback address only.

A dropped-connection fault closes the socket without a byte of response, so clients meet the
same error a real dropped connection gives them.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from govpress_support.sandbox.app import SandboxApp, open_app
from govpress_support.sandbox.faults import Faults
from govpress_support.sandbox.wire import ConnectionDropped, Request, Response, json_response


def check_loopback(host: str) -> None:
    """Refuse anything but a loopback address: the sandbox has no real auth to protect it."""
    if host.lower() == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the sandbox only listens on a loopback address (127.0.0.1, ::1), not {host!r}")


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, app: SandboxApp, host: str, port: int):
        check_loopback(host)
        self.app = app
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host.strip("[]"), port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def host(self) -> str:
        host = self.server_address[0]
        return host.decode() if isinstance(host, bytes) else str(host)

    @property
    def url(self) -> str:
        host = self.host
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; without TCP_NODELAY every keep-alive request
    # stalls ~40 ms on Nagle plus delayed ACK, which swamps added latency in benchmarks.
    disable_nagle_algorithm = True
    server: SandboxServer

    def _body(self) -> bytes:
        if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        split = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=unquote(split.path),
            query=parse_qsl(split.query, keep_blank_values=True),
            headers=dict(self.headers.items()),
            body=self._body(),
            scheme="http",
            host=self.headers.get("Host") or f"{self.server.host}:{self.server.port}",
        )
        try:
            answer = self.server.app.handle(request)
        except ConnectionDropped:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        except Exception as exc:  # a sandbox bug: answer like a server would, and say so on stderr
            print(f"sandbox: error handling {self.command} {self.path}: {exc!r}", file=sys.stderr)
            answer = json_response(500, {"error": "InternalServerError", "description": str(exc)})
        self._send(answer)

    def _send(self, answer: Response) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if answer.status not in (204, 304):
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if answer.body and answer.status not in (204, 304) and self.command != "HEAD":
            self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the stats endpoint counts requests


def make_server(
    state_dir: Path | SandboxApp,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: Faults | None = None,
) -> SandboxServer:
    """A bound, not yet serving server (call `serve_forever`, later `shutdown`)."""
    check_loopback(host)
    app = state_dir if isinstance(state_dir, SandboxApp) else open_app(state_dir, faults)
    return SandboxServer(app, host, port)


def serve(
    state_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: Faults | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> None:
    """Serve until KeyboardInterrupt; `on_ready(port)` is called once listening."""
    server = make_server(state_dir, host=host, port=port, faults=faults)
    try:
        if on_ready is not None:
            on_ready(server.port)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
