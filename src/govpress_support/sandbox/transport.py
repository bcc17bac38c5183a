"""An httpx transport that hands requests to the sandbox in-process (no socket)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

import httpx

from govpress_support.sandbox.wire import ConnectionDropped, Request

if TYPE_CHECKING:
    from govpress_support.sandbox.app import SandboxApp


class SandboxTransport(httpx.BaseTransport):
    def __init__(self, app: SandboxApp):
        self.app = app

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        req = Request(
            method=request.method,
            path=request.url.path,
            query=parse_qsl(request.url.query.decode("ascii", "replace"), keep_blank_values=True),
            headers=dict(request.headers.items()),
            body=body,
            scheme=request.url.scheme,
            host=request.url.netloc.decode("ascii"),
        )
        try:
            answer = self.app.handle(req)
        except ConnectionDropped as drop:
            # What httpx raises when a real server drops the connection or never answers.
            if drop.kind == "timeout":
                raise httpx.ReadTimeout("The read operation timed out", request=request) from None
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None
        return httpx.Response(
            answer.status,
            headers=list(answer.headers.items()),
            content=answer.body,
            request=request,
        )
