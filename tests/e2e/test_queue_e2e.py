"""The queue over a real socket: past the search limit, under faults, without Trello."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import RunCli, Serve

STABLE = (
    "id",
    "subject",
    "status_label",
    "priority",
    "sla_metric",
    "sla_breach_at",
    "due_at",
    "assignee_email",
    "trello_card",
)


def stable(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Everything but what depends on the CLI's own clock (breached yet or not)."""
    return [tuple(r[k] for k in STABLE) for r in rows]


def test_more_than_1000_tickets_with_faults_equals_the_fault_free_run(serve: Serve, run_cli: RunCli) -> None:
    server = serve("--now", "start", bulk=1100)  # one clock for both runs: identical SLA times
    clean = run_cli(server, "queue", "--json")
    assert clean.code == 0, clean.stderr
    rows = clean.json()
    assert len(rows) >= 1100 + 15  # the seed's own 2nd line tickets and the bulk ones: nothing cut at 1,000
    assert len({r["id"] for r in rows}) == len(rows)
    assert server.stats()["requests"].get("GET /api/v2/search/export", 0) == 2  # 1,000 a page

    server.reset_stats()
    server.faults(rate_limit_share=0.2, error_share=0.05, retry_after=0, seed=7)
    faulty = run_cli(server, "queue", "--json")
    assert faulty.code == 0, faulty.stderr
    assert stable(faulty.json()) == stable(rows)
    assert sum(server.stats()["faults"].values()) > 0, "the faults were really injected"


def test_requests_stay_within_the_budget(serve: Serve, run_cli: RunCli) -> None:
    server = serve(bulk=480)
    run_cli(server, "queue", "--json")  # warm the metadata cache
    server.reset_stats()
    result = run_cli(server, "queue", "--json")
    assert result.code == 0
    n = len(result.json())
    stats = server.stats()
    assert 0 < stats["total"] <= -(-n // 100) + 3, f"{stats['requests']} for {n} tickets"


def test_without_trello_credentials_the_column_says_so_once(serve: Serve, run_cli: RunCli) -> None:
    server = serve()
    env = {k: v for k, v in server.env.items() if not k.startswith("TRELLO_")}
    server.env = env
    result = run_cli(server, "queue", "--json")
    assert result.code == 0
    assert {r["trello_card"] for r in result.json()} == {"unknown"}
    assert result.stderr.count("no Trello credentials") == 1
    assert "auth login trello" in result.stderr


def test_piped_tsv(serve: Serve, run_cli: RunCli) -> None:
    server = serve()
    result = run_cli(server, "queue", "--assignee", "me")
    assert result.code == 0
    header, *lines = result.stdout.splitlines()
    assert header.startswith("id\tpriority\tstatus_label\t")
    assert lines
    assert all(line.split("\t")[8] == "sam.okafor@govpress.example" for line in lines)
