"""Zendesk client paging and parsing against scripted answers (the sandbox covers the rest)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from govpress_support.core.errors import ApiError, NotFoundError, UsageError
from govpress_support.core.redact import Redactor
from govpress_support.services.http import HttpClient, RetryPolicy, ServiceInfo
from govpress_support.services.zendesk import ZendeskClient

BASE = "https://govpress.zendesk.com"


def make(handler: Callable[[httpx.Request], httpx.Response]) -> ZendeskClient:
    http = HttpClient(
        ServiceInfo("Zendesk", "login"),
        BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=0),
        redactor=Redactor(),
    )
    return ZendeskClient(http)


def query(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}


def raw_ticket(tid: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": tid,
        "subject": f"Ticket {tid}",
        "status": "open",
        "priority": "high",
        "updated_at": "2026-11-26T10:00:00Z",
        "result_type": "ticket",
        **extra,
    }


def test_cursor_pagination_stops_on_has_more_not_links_next() -> None:
    pages = {
        None: {"suspended_tickets": [{"id": 1}, {"id": 2}], "meta": {"has_more": True, "after_cursor": "c1"}},
        "c1": {
            "suspended_tickets": [{"id": 3}],
            "meta": {"has_more": False, "after_cursor": "c2"},
            "links": {"next": f"{BASE}/api/v2/suspended_tickets?page[after]=c2"},  # real responses do this
        },
    }
    calls: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        cursor = query(request).get("page[after]")
        calls.append(cursor)
        return httpx.Response(200, json=pages[cursor])

    found = make(handler).suspended_tickets()
    assert [s.id for s in found] == [1, 2, 3]
    assert calls == [None, "c1"]


def test_offset_pagination_follows_next_page_until_null() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        page = int(query(request).get("page", "1"))
        nxt = f"{BASE}/api/v2/groups.json?page={page + 1}" if page < 3 else None
        return httpx.Response(200, json={"groups": [{"id": page, "name": f"G{page}"}], "next_page": nxt, "count": 3})

    groups = make(handler).groups()
    assert [g.id for g in groups] == [1, 2, 3]


def test_next_page_on_another_host_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"groups": [], "next_page": "https://evil.example/api/v2/groups?page=2"})

    with pytest.raises(ApiError, match="another host"):
        make(handler).groups()


def test_search_within_the_limit_pages_and_deduplicates() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        q = query(request)
        page = int(q.get("page", "1"))
        if page == 1:
            assert request.url.path == "/api/v2/search"
            assert q["query"].startswith("type:ticket ")
            assert q["include"] == "tickets(users,slas)"
            body = {
                "results": [raw_ticket(1, slas={"policy_metrics": []}), raw_ticket(2, slas={"policy_metrics": []})],
                "users": [{"id": 7, "name": "Sam", "email": "s@x", "role": "agent"}],
                "count": 3,
                "next_page": f"{BASE}/api/v2/search.json?page=2&query=x",
            }
        else:  # offset paging may repeat a result
            body = {
                "results": [raw_ticket(2, slas={"policy_metrics": []}), raw_ticket(3)],
                "count": 3,
                "next_page": None,
            }
        return httpx.Response(200, json=body)

    found = make(handler).search_tickets('group:"GovPress 2nd line support"', sideload=("users", "slas"))
    assert [t.id for t in found.tickets] == [1, 2, 3]
    assert found.users[7].name == "Sam"
    assert not found.used_export


def test_search_over_the_limit_switches_to_export() -> None:
    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        q = query(request)
        paths.append(request.url.path)
        if request.url.path == "/api/v2/search":
            return httpx.Response(200, json={"results": [raw_ticket(1)], "count": 1500, "next_page": "x"})
        assert q["filter[type]"] == "ticket"
        assert "type:ticket" not in q["query"]
        if "page[after]" not in q:
            return httpx.Response(
                200,
                json={
                    "results": [raw_ticket(1, slas={"policy_metrics": []})],
                    "meta": {"has_more": True, "after_cursor": "a"},
                },
            )
        return httpx.Response(
            200,
            json={
                "results": [raw_ticket(2, slas={"policy_metrics": []})],
                "meta": {"has_more": False, "after_cursor": None},
                "links": {"next": f"{BASE}/api/v2/search/export?page[after]=zzz"},
            },
        )

    found = make(handler).search_tickets("status<solved", sideload=("slas",))
    assert [t.id for t in found.tickets] == [1, 2]
    assert found.used_export
    assert paths == ["/api/v2/search", "/api/v2/search/export", "/api/v2/search/export"]


def test_ignored_sla_sideload_is_fetched_through_show_many() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v2/search":
            return httpx.Response(200, json={"results": [raw_ticket(1), raw_ticket(2)], "count": 2, "next_page": None})
        assert request.url.path == "/api/v2/tickets/show_many"
        assert query(request) == {"ids": "1,2", "include": "slas"}
        metric = {"breach_at": "2026-11-26T11:00:00Z", "stage": "active", "metric": "next_reply_time", "hours": -3}
        return httpx.Response(
            200,
            json={
                "tickets": [
                    raw_ticket(1, slas={"policy_metrics": [metric]}),
                    raw_ticket(2, slas={"policy_metrics": []}),
                ]
            },
        )

    found = make(handler).search_tickets("x", sideload=("slas",))
    metrics = {t.id: t.sla_metrics for t in found.tickets}
    assert metrics[1] is not None and metrics[1][0].metric == "next_reply_time"
    assert metrics[2] == ()


def test_odd_sla_payloads_parse() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        tickets = [
            raw_ticket(
                1, slas={"policy_metrics": [{"stage": "paused", "breach_at": None, "metric": "next_reply_time"}]}
            ),
            raw_ticket(2, slas={"policy_metrics": ["junk", {"stage": "ACTIVE", "breach_at": "not a date"}]}),
            raw_ticket(3, slas=None),
        ]
        return httpx.Response(200, json={"tickets": tickets})

    found = make(handler).tickets([1, 2, 3], sideload=("slas",))
    one, two, three = found.tickets
    assert one.sla_metrics is not None and one.sla_metrics[0].breach_at is None
    assert two.sla_metrics is not None and two.sla_metrics[0].stage == "active" and two.sla_metrics[0].breach_at is None
    assert three.sla_metrics == ()


def test_show_many_chunks_by_100() -> None:
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        ids = [int(i) for i in query(request)["ids"].split(",")]
        sizes.append(len(ids))
        return httpx.Response(200, json={"tickets": [raw_ticket(i, slas={"policy_metrics": []}) for i in ids]})

    found = make(handler).tickets(range(1, 251), sideload=("slas",))
    assert sizes == [100, 100, 50]
    assert len(found.tickets) == 250


def test_missing_ticket_is_not_found() -> None:
    client = make(lambda r: httpx.Response(200, json={"tickets": []}))
    with pytest.raises(NotFoundError, match="ticket 99 not found"):
        client.ticket(99)


def test_unknown_group_lists_the_groups() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"groups": [{"id": 1, "name": "GovPress support triage"}], "next_page": None})

    client = make(handler)
    assert client.group("govpress SUPPORT triage").id == 1
    assert client.group("1").id == 1
    with pytest.raises(UsageError) as caught:
        client.group("Nope")
    assert "'GovPress support triage'" in (caught.value.hint or "")


def test_custom_statuses_switched_off_is_none() -> None:
    client = make(lambda r: httpx.Response(403, json={"error": "Forbidden"}))
    assert client.custom_statuses() is None


def test_job_results_parse() -> None:
    job = {
        "job_status": {
            "id": "abc",
            "status": "completed",
            "total": 2,
            "results": [
                {"action": "update", "status": "Updated", "success": True, "id": 1},
                {"id": 2, "success": False, "error": "TicketUpdateFailed", "details": "closed"},
            ],
        }
    }
    status = make(lambda r: httpx.Response(200, json=job)).job_status("abc")
    assert status.finished
    assert [(r.id, r.success) for r in status.results] == [(1, True), (2, False)]
    assert status.results[1].details == "closed"


def test_a_query_known_to_be_large_goes_straight_to_export(tmp_path: Any) -> None:
    from govpress_support.services.cache import MetadataCache

    paths: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if request.url.path == "/api/v2/search":
            return httpx.Response(200, json={"results": [], "count": 1500, "next_page": "x"})
        return httpx.Response(
            200, json={"results": [raw_ticket(1, slas={"policy_metrics": []})], "meta": {"has_more": False}}
        )

    client = make(handler)
    client.cache = MetadataCache(tmp_path / "cache.json", ttl=600)
    client.search_tickets("big", sideload=("slas",))
    assert paths == ["/api/v2/search", "/api/v2/search/export"]
    paths.clear()
    client.search_tickets("big", sideload=("slas",))
    assert paths == ["/api/v2/search/export"]
    paths.clear()
    client.search_tickets("small", sideload=("slas",))
    assert paths == ["/api/v2/search", "/api/v2/search/export"]


# --- the web UI's actions: macros, suspended tickets, views ------------------------------------------

APPLY_BESIDE = {
    "result": {
        "ticket": {"id": 4021, "status": "pending"},
        "comment": {"body": "Hi Hannah", "html_body": "<p>Hi Hannah</p>", "public": True},
    }
}
APPLY_INSIDE = {  # the official OpenAPI's and zenpy's form
    "result": {"ticket": {"id": 4021, "status": "pending", "comment": {"body": "Hi Hannah", "public": False}}}
}


@pytest.mark.parametrize(("answer", "public"), [(APPLY_BESIDE, True), (APPLY_INSIDE, False)])
def test_a_macro_answer_is_read_with_its_comment_beside_or_inside_the_ticket(
    answer: dict[str, Any], public: bool
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v2/tickets/4021/macros/360090002/apply.json"
        return httpx.Response(200, json=answer)

    result = make(handler).apply_macro(4021, 360090002)
    assert result.ticket == {"id": 4021, "status": "pending"}  # the comment is not a ticket field
    assert result.comment is not None
    assert (result.comment.body, result.comment.public) == ("Hi Hannah", public)


def test_a_macro_answer_without_a_comment_or_a_ticket() -> None:
    no_comment = make(lambda r: httpx.Response(200, json={"result": {"ticket": {"id": 1, "group_id": 5}}}))
    assert no_comment.apply_macro(1, 2).comment is None
    with pytest.raises(ApiError, match="no result ticket"):
        make(lambda r: httpx.Response(200, json={"result": {}})).apply_macro(1, 2)


def test_recover_many_reads_a_partial_422_and_is_never_retried() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(
            422,
            json={
                "tickets": [raw_ticket(4050, subject="Boost your SEO")],
                "suspended_tickets": [{"id": 70003, "subject": "Fwd", "cause": "Received from support address"}],
            },
        )

    http = HttpClient(
        ServiceInfo("Zendesk", "login"), BASE, transport=httpx.MockTransport(handler), retry=RetryPolicy(max_retries=3)
    )
    recovery = ZendeskClient(http).recover_suspended([70001, 70003])
    assert [t.id for t in recovery.tickets] == [4050]
    assert recovery.tickets[0].agent_url == f"{BASE}/agent/tickets/4050"
    assert [(s.id, s.cause) for s in recovery.failed] == [(70003, "Received from support address")]
    assert len(calls) == 1 and query(calls[0]) == {"ids": "70001,70003"}
    with pytest.raises(ValueError, match="at most 100"):
        ZendeskClient(http).recover_suspended(list(range(101)))


def test_a_groups_view_is_the_one_with_fewest_other_conditions_else_a_search() -> None:
    views = {
        "views": [
            {"id": 1, "conditions": {"all": [{"field": "group_id", "operator": "is", "value": "9"}]}},
            {
                "id": 2,
                "conditions": {
                    "all": [
                        {"field": "group_id", "operator": "is", "value": "7"},
                        {"field": "assignee_id", "operator": "is", "value": "current_user"},
                    ]
                },
            },
            {"id": 3, "conditions": {"all": [{"field": "group_id", "operator": "is", "value": 7}], "any": []}},
        ],
        "next_page": None,
    }
    found = make(lambda r: httpx.Response(200, json=views))
    from govpress_support.core.models import Group

    assert found.group_view_url(Group(7, "GovPress 2nd line support")) == f"{BASE}/agent/filters/3"
    hidden = make(lambda r: httpx.Response(403, json={"error": "Forbidden"}))
    url = hidden.group_view_url(Group(7, "GovPress 2nd line support"))
    assert url.startswith(f"{BASE}/agent/search/1?q=")
    assert "GovPress%202nd%20line%20support" in url
