"""`stats` as a script runs it: the installed command against `sandbox serve` over loopback, with
the server refusing a share of requests (429) and the export's own limit, and as an agent."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.conftest import RunCli, Serve
from tests.seed_names import PRIYA


def window() -> list[str]:
    """Eight whole days to yesterday: the same figures on every run against the same desk."""
    today = datetime.now(UTC).date()
    return ["--since", (today - timedelta(days=8)).isoformat(), "--until", (today - timedelta(days=1)).isoformat()]


def figures(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "generated_at"}


def test_the_same_figures_through_429s_and_as_an_agent(serve: Serve, run_cli: RunCli, tmp_path: Path) -> None:
    server = serve()
    args = ["stats", *window(), "--group", "all", "--json"]
    clean = run_cli(server, *args)
    assert clean.code == 0, clean.stderr
    data = clean.json()
    assert data["source"] == "events" and len(data["days"]) == 8 and data["sla"]["breached"] > 0

    shutil.rmtree(tmp_path / "cli-state" / "cache" / "stats")  # read everything again, through the faults
    server.faults(rate_limit_share=0.3, retry_after=0, seed=5)
    server.reset_stats()
    faulty = run_cli(server, *args)
    assert faulty.code == 0, faulty.stderr
    assert figures(faulty.json()) == figures(data)
    assert server.stats()["faults"]  # some requests were refused and retried

    server.faults(rate_limit_share=0.0)
    agent = run_cli(server, "stats", *window(), "--json", env={"ZENDESK_EMAIL": PRIYA.email})
    assert agent.code == 0, agent.stderr
    seen = agent.json()
    assert seen["source"] == "metrics" and seen["cannot_count"]
    assert seen["flow"] == run_cli(server, "stats", *window(), "--json").json()["flow"]
