"""The rota service: `GET /v2/{role}/rota.json`, no auth, entries placed around today.

The `rota` setting makes it fail the ways a small internal service does: `down` answers a 503
HTML page, `junk` a 200 whose body is not a rota (a sign-in page in front of it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from govpress_support.core import timeutil
from govpress_support.sandbox.routing import Match, Router
from govpress_support.sandbox.store import Store
from govpress_support.sandbox.wire import (
    Request,
    Response,
    gateway_page,
    html_response,
    json_response,
)

SIGN_IN_PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><title>Sign in - dxw</title></head>\n<body><main>'
    "<h1>Sign in</h1><p>You need to sign in with your dxw Google account to see the support "
    "rota.</p>"
    '<a href="/auth/google_oauth2">Sign in with Google</a></main></body></html>\n'
)

Handler = Callable[["RotaAPI", Request, dict[str, str]], Response]


class RotaAPI:
    service = "rota"

    def __init__(self, store: Store):
        self.store = store
        self.router: Router[Handler] = Router()
        self.router.add("GET", "/v2/{role}/rota.json", RotaAPI.rota)

    def match(self, req: Request) -> Match[Handler] | None:
        return self.router.match(req.method, req.path)

    def dispatch(self, req: Request, match: Match[Handler] | None) -> Response:
        mode = self.store.settings().rota
        if mode == "down":
            return html_response(503, gateway_page(503))
        if mode == "junk":
            return html_response(200, SIGN_IN_PAGE)
        if match is None:
            return json_response(404, {"status": 404, "error": "Not Found"})
        return match.route.handler(self, req, match.params)

    def rota(self, req: Request, params: dict[str, str]) -> Response:
        return json_response(200, self.entries(params["role"]))

    def entries(self, role: str) -> list[dict[str, Any]]:
        """Monday to Friday of each rota week, relative to this week, oldest first."""
        today = timeutil.now().date()
        monday = today - timedelta(days=today.weekday())
        rows = self.store.all("SELECT * FROM rota WHERE role = ? ORDER BY week_offset", (role,))
        out: list[dict[str, Any]] = []
        for row in rows:
            start = monday + timedelta(weeks=row["week_offset"])
            for day in range(5):
                out.append(
                    {
                        "date": (start + timedelta(days=day)).isoformat(),
                        "role": role,
                        "person": {"name": row["name"], "email": row["email"]},
                    }
                )
        return out
