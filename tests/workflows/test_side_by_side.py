"""Independent reads side by side (services/parallel.py): the queue's search pages, board and
suspended count go out together in a bounded pool and give exactly the rows, in exactly the
order, that reading the pages one after another gives, faults and rate limits included."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from govpress_support import sandbox
from govpress_support.core import config, timeutil
from govpress_support.services.connect import Clients
from govpress_support.services.parallel import WORKERS, SideBySide, as_they_come, beside, in_order
from govpress_support.workflows.queue import QueueOptions, fetch_queue, search_query
from tests.desk import Desk
from tests.transport_faults import TransportFaults

BULK = 430  # with the seed's 2nd line tickets: five search pages


class Overlap(httpx.BaseTransport):
    """Passes requests on, counting how many were in flight at once."""

    def __init__(self, inner: httpx.BaseTransport):
        self.inner = inner
        self.lock = threading.Lock()
        self.now = self.most = 0
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.paths.append(request.url.path)
        try:
            response = self.inner.handle_request(request)
            response.read()
            return response
        finally:
            with self.lock:
                self.now -= 1


@pytest.fixture
def big_desk(isolated: Path, desk: Desk) -> Path:
    app = sandbox.open_app(isolated)
    app.reset(bulk=BULK)
    app.close()
    return isolated


def clients_on(state: Path, transport: httpx.BaseTransport) -> Clients:
    settings = config.load(state / "none.toml", {})
    return Clients(settings, sandbox=True, state_dir=state, environ={}, transport=transport)


def one_after_another(clients: Clients, query: str) -> list[int]:
    """The search's ticket ids read the old way: each page, then its next_page link."""
    params = {"query": f"type:ticket {query}", "per_page": 100, "sort_by": "created_at", "sort_order": "asc"}
    ids: list[int] = []
    for page in clients.zendesk.offset_pages("api/v2/search", params):
        ids += [item["id"] for item in page["results"] if item["id"] not in ids]
    return ids


def test_side_by_side_pages_give_the_rows_of_one_after_another(big_desk: Path) -> None:
    app = sandbox.open_app(big_desk)
    overlap = Overlap(app.transport())
    clients = clients_on(big_desk, overlap)
    try:
        settings = clients.settings
        query = search_query(settings, "2nd")
        sequential = one_after_another(clients, query)
        assert len(sequential) > 400
        overlap.paths.clear()
        overlap.most = 0
        found = clients.zendesk.search_tickets(query)
        assert [t.id for t in found.tickets] == sequential
        assert overlap.paths.count("/api/v2/search") == 5  # one request a page, none twice
        assert 1 < overlap.most <= WORKERS + 1  # side by side, and bounded (the pool and the caller)

        now = timeutil.now()
        queued = fetch_queue(clients.zendesk, clients.trello_or_none, settings, QueueOptions(), now=now)
        ids = {t.id for t in found.tickets if t.unsolved}
        assert {row.ticket.id for row in queued.rows} == ids
        assert queued.trello.checked and queued.suspended is not None
    finally:
        clients.close()
        app.close()


def test_the_queue_under_faults_and_a_429_is_the_queue_without(big_desk: Path, faults: TransportFaults) -> None:
    app = sandbox.open_app(big_desk)
    now = timeutil.now()
    calm = clients_on(big_desk, app.transport())
    try:
        expected = fetch_queue(calm.zendesk, calm.trello_or_none, calm.settings, QueueOptions(), now=now).records()
    finally:
        calm.close()
    faults.add("GET", "/api/v2/search", "503", nth=3)
    faults.add("GET", "/api/v2/search", "429", nth=4)
    faults.add("GET", "/api/v2/suspended_tickets", "dropped")
    stormy = clients_on(big_desk, faults.wrap(app.transport()))
    try:
        got = fetch_queue(stormy.zendesk, stormy.trello_or_none, stormy.settings, QueueOptions(), now=now).records()
    finally:
        stormy.close()
        app.close()
    assert got == expected
    assert faults.log.count("GET /api/v2/search") == 5 + 2  # two pages sent twice, nothing more


def test_in_order_keeps_order_bounds_and_raises_the_first_error() -> None:
    running = most = 0
    lock = threading.Lock()
    gate = threading.Barrier(3, timeout=5)

    def work(n: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        if n < 3:
            gate.wait()  # the first three meet: they ran at the same time
        with lock:
            running -= 1
        return n * n

    assert in_order(work, range(10), workers=3) == [n * n for n in range(10)]
    assert most == 3

    def fails(n: int) -> int:
        if n in (2, 5):
            raise ValueError(f"no {n}")
        return n

    with pytest.raises(ValueError, match="no 2"):
        in_order(fails, range(8))


def test_a_closed_pool_takes_no_more_work() -> None:
    ran: list[Any] = []
    with SideBySide(1) as pool:
        pool.start(ran.append, 1).result()
    assert ran == [1]
    with pytest.raises(RuntimeError, match="closed"):
        pool.start(ran.append, 2)
    assert ran == [1]


def test_as_they_come_gives_each_as_it_ends_bounded() -> None:
    """The handover journals each batch's job id as it comes: a slow first batch does not hold
    back the answers of the others."""
    first_may_end = threading.Event()
    ended: list[int] = []

    def work(n: int) -> int:
        if n == 0:
            assert first_may_end.wait(timeout=5)
        elif n == 3:
            raise ValueError("no 3")
        return n * 10

    for item, done in as_they_come(work, range(4), workers=2):
        if item == 3:
            with pytest.raises(ValueError, match="no 3"):
                done.result()
        else:
            ended.append(done.result())
        if len(ended) + (item == 3) == 3:
            first_may_end.set()  # the first ends only after the three behind it
    assert ended == [10, 20, 0]
    [(item, done)] = list(as_they_come(work, [2]))  # one item: here, without a thread
    assert (item, done.result()) == (2, 20)
    assert list(as_they_come(work, [])) == []


def test_beside_runs_on_while_the_caller_goes_on_and_hands_back_its_error() -> None:
    go = threading.Event()

    def steps() -> str:
        assert go.wait(timeout=5)
        raise RuntimeError("a step failed")

    running = beside(steps, name="outside")
    assert not running.done()  # the caller goes on meanwhile
    go.set()
    with pytest.raises(RuntimeError, match="a step failed"):
        running.result(timeout=5)
    assert beside(lambda: "done", name="slack").result(timeout=5) == "done"
