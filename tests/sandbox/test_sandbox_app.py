"""The sandbox as a whole: persistence, reset, faults, stats, control API, rota, and serving
over a real loopback socket."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from govpress_support.sandbox import (
    AGENT_TOKEN,
    DB_NAME,
    DEFAULT_EMAIL,
    ROTA_URL,
    ZENDESK_URL,
    Faults,
    Request,
    SandboxApp,
    make_server,
    open_app,
    reset,
    serve,
)
from govpress_support.sandbox.server import SandboxServer
from tests.desk import Desk
from tests.seed_names import SECOND_LINE, SEED

from .conftest import Clock

UNSOLVED_2ND = f"type:ticket group:{SECOND_LINE} status<solved"


def statuses(app: SandboxApp, n: int) -> list[int]:
    with Desk.in_process(app) as desk:
        out = []
        for _ in range(n):
            try:
                out.append(desk.zendesk.get(f"/api/v2/groups/{SECOND_LINE}").status_code)
            except httpx.TransportError as exc:
                out.append(-1 if isinstance(exc, httpx.RemoteProtocolError) else -2)
        return out


# --- persistence and reset -----------------------------------------------------------------------


def test_state_persists_between_opens(tmp_path: Path, clock: Clock) -> None:
    first = open_app(tmp_path)
    assert (tmp_path / DB_NAME).exists()
    with Desk.in_process(first) as desk:
        desk.update(SEED.breached_urgent, status="pending", comment={"body": "kept", "public": False})
    first.settings.rota = "down"
    first.close()
    second = open_app(tmp_path)
    with Desk.in_process(second) as desk:
        assert desk.ticket(SEED.breached_urgent)["status"] == "pending"
        assert desk.comments(SEED.breached_urgent)[-1]["body"] == "kept"
    assert second.settings.rota == "down"
    reset(tmp_path)
    with Desk.in_process(second) as desk:  # a reset under an open app is seen at once
        assert desk.ticket(SEED.breached_urgent)["status"] == "open"
    assert second.settings.rota == "ok"


def test_seed_is_deterministic(tmp_path: Path, clock: Clock) -> None:
    def snapshot(path: Path, seed: int) -> list[Any]:
        reset(path, seed=seed, bulk=30)
        app = open_app(path)
        with Desk.in_process(app) as desk:
            data = desk.zendesk.get(
                "/api/v2/search/export",
                params={
                    "query": f"group:{SECOND_LINE}",
                    "filter[type]": "ticket",
                    "include": "tickets(slas)",
                },
            ).json()
        app.close()
        return data["results"]

    one, two = snapshot(tmp_path / "a", 3), snapshot(tmp_path / "b", 3)
    assert one == two
    assert sum(t["status"] not in ("solved", "closed") for t in one) == 50  # 20 hand-written, 30 bulk
    assert len(one) > 52  # and the month's solved and closed tickets
    assert snapshot(tmp_path / "c", 4) != one


def test_reset_with_bulk_tickets(tmp_path: Path, clock: Clock) -> None:
    reset(tmp_path, bulk=1200)
    app = open_app(tmp_path)
    with Desk.in_process(app) as desk:
        data = desk.zendesk.get("/api/v2/search", params={"query": UNSOLVED_2ND, "per_page": 100}).json()
        assert data["count"] == 1220
        assert len(data["results"]) == 100
        assert desk.zendesk.get("/api/v2/search", params={"query": UNSOLVED_2ND, "page": 11}).status_code == 422
        bulk = [r for r in data["results"] if "bulk" in r["tags"]]
        assert len({r["priority"] for r in bulk}) >= 3
        assert len({r["assignee_id"] for r in bulk}) >= 3
        params: dict[str, Any] = {
            "query": f"group:{SECOND_LINE} status<solved",
            "filter[type]": "ticket",
            "page[size]": 1000,
        }
        ids: list[int] = []
        while True:
            page = desk.zendesk.get("/api/v2/search/export", params=params).json()
            ids.extend(t["id"] for t in page["results"])
            if not page["meta"]["has_more"]:
                break
            params["page[after]"] = page["meta"]["after_cursor"]
        assert len(ids) == len(set(ids)) == 1220
        assert desk.zendesk.get("/api/v2/users/me").json()["user"]["email"] == DEFAULT_EMAIL
    app.close()


# --- control API and stats -----------------------------------------------------------------------


def test_stats_count_route_patterns_and_reset(desk: Desk) -> None:
    desk.zendesk.get(f"/api/v2/tickets/{SEED.breached_urgent}")
    desk.zendesk.get(f"/api/v2/tickets/{SEED.triage_pending}.json")
    desk.zendesk.get("/api/v2/search", params={"query": "status:open"})
    stats = desk.http.get("/_sandbox/stats").json()
    assert stats["requests"] == {"GET /api/v2/tickets/{id}": 2, "GET /api/v2/search": 1}
    assert stats["total"] == 3
    assert desk.app.stats.requests["GET /api/v2/search"] == 1
    desk.http.post("/_sandbox/stats/reset")
    assert desk.http.get("/_sandbox/stats").json()["total"] == 0


def test_settings_and_faults_over_the_control_api(desk: Desk) -> None:
    changed = desk.http.put("/_sandbox/settings", json={"rota": "junk", "export_sideloads": False})
    assert changed.json() == {
        "custom_statuses": True,
        "export_sideloads": False,
        "rota": "junk",
        "rate_limits": True,
        "comment_limit": 5000,
        "search_lag": 0,
    }
    assert desk.app.settings.rota == "junk"
    assert desk.http.put("/_sandbox/settings", json={"rota": "sideways"}).status_code == 400
    assert desk.http.put("/_sandbox/settings", json={"colour": "red"}).status_code == 400
    faults = desk.http.put("/_sandbox/faults", json={"error_share": 0.5, "seed": 9}).json()
    assert faults["error_share"] == 0.5
    assert desk.app.faults.seed == 9
    assert desk.http.put("/_sandbox/faults", json={"error_share": 2}).status_code == 400
    assert desk.http.post("/_sandbox/reset", json={"seed": 2, "bulk": 5}).status_code == 200
    assert desk.http.get("/_sandbox/nothing").status_code == 404


# --- rota ----------------------------------------------------------------------------------------


def test_rota_places_the_engineers_around_today(desk: Desk, clock: Clock) -> None:
    rota = desk.http  # the rota service needs no credentials
    entries = rota.get(ROTA_URL).json()
    monday = clock.now.date() - timedelta(days=clock.now.weekday())
    by_date = {date.fromisoformat(e["date"]): e["person"]["email"] for e in entries}
    assert all(e["role"] == "dev" and set(e["person"]) >= {"name", "email"} for e in entries)
    assert all(d.weekday() < 5 for d in by_date)
    assert {by_date[monday + timedelta(days=i)] for i in range(5)} == {DEFAULT_EMAIL}
    assert by_date[monday + timedelta(days=7)] == "tom.hughes@govpress.example"
    assert by_date[monday - timedelta(days=7)] == "priya.shah@govpress.example"
    assert min(d for d, email in by_date.items() if email == DEFAULT_EMAIL) == monday  # first rotation
    ops = rota.get(ROTA_URL.replace("/dev/", "/ops/")).json()
    assert ops
    assert {e["role"] for e in ops} == {"ops"}
    assert DEFAULT_EMAIL not in {e["person"]["email"] for e in ops}
    desk.app.settings.rota = "down"
    down = rota.get(ROTA_URL)
    assert down.status_code == 503
    assert down.headers["content-type"].startswith("text/html")
    desk.app.settings.rota = "junk"
    junk = rota.get(ROTA_URL)
    assert junk.status_code == 200
    assert not junk.text.lstrip().startswith("[")


# --- faults --------------------------------------------------------------------------------------


def test_faults_are_reproducible_by_seed(tmp_path: Path, clock: Clock) -> None:
    faults = Faults(rate_limit_share=0.2, error_share=0.2, drop_share=0.1, seed=7, retry_after=0)
    first = statuses(open_app(tmp_path, faults), 60)
    second = statuses(open_app(tmp_path, faults), 60)
    assert first == second
    assert {429, 200} <= set(first)
    assert set(first) & {500, 502, 503}
    assert set(first) & {-1, -2}
    other = statuses(
        open_app(tmp_path, Faults(rate_limit_share=0.2, error_share=0.2, drop_share=0.1, seed=8)),
        60,
    )
    assert other != first


def test_fault_responses_look_like_the_real_services(desk: Desk) -> None:
    desk.app.faults = Faults(rate_limit_share=1.0, retry_after=0, seed=1)
    kinds = set()
    for _ in range(20):
        response = desk.zendesk.put(f"/api/v2/tickets/{SEED.breached_urgent}", json={"ticket": {"status": "solved"}})
        assert response.status_code == 429
        assert response.headers["retry-after"] == "0"
        kinds.add(response.headers["content-type"].split(";")[0])
    assert kinds == {"application/json", "text/plain"}  # some 429 bodies are plain text
    t429 = desk.trello.get("/members/me")
    assert t429.json()["error"] == "API_TOKEN_LIMIT_EXCEEDED"
    assert "retry-after" not in t429.headers
    desk.app.faults = Faults()
    assert desk.ticket(SEED.breached_urgent)["status"] == "open"  # nothing was written
    assert desk.app.stats.faults["rate_limit"] == 21


def test_in_process_drops_raise_the_transport_errors_httpx_raises(desk: Desk) -> None:
    desk.app.faults = Faults(drop_share=1.0, seed=3)
    errors = set()
    for _ in range(10):
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadTimeout)) as caught:
            desk.zendesk.get("/api/v2/users/me")
        errors.add(type(caught.value))
    assert errors == {httpx.RemoteProtocolError, httpx.ReadTimeout}


def test_latency_and_slow_responses(desk: Desk) -> None:
    desk.app.faults = Faults(latency_ms=20, slow_share=1.0, slow_ms=60)
    started = time.perf_counter()
    assert desk.zendesk.get("/api/v2/users/me").status_code == 200
    assert time.perf_counter() - started >= 0.08
    assert desk.app.stats.faults["slow"] == 1


def test_control_api_is_never_faulted(desk: Desk) -> None:
    desk.app.faults = Faults(error_share=1.0, drop_share=0.0)
    assert desk.http.get("/_sandbox/stats").status_code == 200
    assert desk.http.put("/_sandbox/faults", json={"error_share": 0}).status_code == 200


# --- over a real socket --------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SandboxServer]:
    srv = make_server(tmp_path)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_served_sandbox_uses_its_own_host_in_links(server: SandboxServer) -> None:
    with Desk.served(server.url) as desk:
        page = desk.zendesk.get("/api/v2/search.json", params={"query": UNSOLVED_2ND, "per_page": 5}).json()
        assert page["next_page"].startswith(f"{server.url}/api/v2/search.json?")
        assert page["results"][0]["url"].startswith(server.url)
        assert len(desk.zendesk.get(page["next_page"]).json()["results"]) == 5
        assert (
            desk.zendesk.get(f"/api/v2/tickets/{SEED.breached_urgent}").json()["ticket"]["url"]
            == f"{server.url}/api/v2/tickets/{SEED.breached_urgent}.json"
        )
        assert desk.zendesk.delete("/api/v2/suspended_tickets/70001").status_code == 204  # no body on a 204
        assert desk.zendesk.get("/api/v2/users/me").status_code == 200  # and the connection is still usable


def test_drop_faults_close_the_socket_without_a_response(server: SandboxServer) -> None:
    with Desk.served(server.url) as desk:
        desk.faults(drop_share=1.0, seed=5)
        for _ in range(3):
            with pytest.raises(httpx.RemoteProtocolError):
                desk.zendesk.get("/api/v2/users/me")
        desk.faults(drop_share=0)
        assert desk.zendesk.get("/api/v2/users/me").status_code == 200
        assert desk.stats()["faults"] == {"drop": 3}


def test_concurrent_writes_over_the_socket(server: SandboxServer) -> None:
    server.app.settings.rate_limits = False
    errors: list[str] = []

    def work(n: int) -> None:
        with Desk.served(server.url) as desk:
            for k in range(5):
                response = desk.zendesk.put(
                    f"/api/v2/tickets/{SEED.breached_urgent}",
                    json={"ticket": {"comment": {"body": f"{n}-{k}", "public": False}}},
                )
                if response.status_code != 200:
                    errors.append(response.text)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Desk.served(server.url) as desk:
        comments = desk.zendesk.get(f"/api/v2/tickets/{SEED.breached_urgent}/comments").json()["comments"]
    assert len({c["body"] for c in comments} & {f"{n}-{k}" for n in range(6) for k in range(5)}) == 30


def test_serve_reports_its_port_and_refuses_other_hosts(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="loopback"):
        serve(tmp_path, host="0.0.0.0")  # noqa: S104 - the point of the test
    with pytest.raises(ValueError, match="loopback"):
        make_server(tmp_path, host="192.168.1.10")
    ports: list[int] = []
    ready = threading.Event()

    def on_ready(port: int) -> None:
        ports.append(port)
        ready.set()

    threading.Thread(target=serve, args=(tmp_path,), kwargs={"on_ready": on_ready}, daemon=True).start()
    assert ready.wait(5)
    assert ports[0] > 0
    rota = httpx.get(f"http://127.0.0.1:{ports[0]}/v2/dev/rota.json")
    assert rota.status_code == 200
    assert rota.json()


def test_handle_speaks_the_neutral_request(desk: Desk) -> None:
    response = desk.app.handle(Request("GET", "/api/v2/users/me", headers={"Authorization": f"Bearer {AGENT_TOKEN}"}))
    assert response.status == 200
    assert response.json()["user"]["url"].startswith(ZENDESK_URL)
    assert desk.app.handle(Request("GET", "/nowhere")).status == 404
