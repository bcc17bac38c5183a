"""Handover of N tickets with notes, against a one-request-per-ticket baseline in the same run.

    python bench/handover.py [--tickets 250] [--latency 50,200] [--runs 3] [--no-new-steps]

Serves the sandbox (`sandbox serve --latency MS`) from a temporary state dir, gives the default
agent (Sam) exactly N unsolved 2nd line tickets, and measures, each run on a freshly reset desk:

- `govpress-support handover --notes-file ... --yes` as a subprocess (end to end: start-up,
  reading tickets, rota, memberships, Trello and suspended tickets, the journal, the updates),
  with the new steps on: `--push` into a fresh local bare remote (two branches), Sam's open pull
  requests on the sandbox's GitHub assigned to Tom with a comment, and `--slack` (one post);
- the same workflow in-process (`handover.prepare` + `handover.start`, which posts to Slack too),
  without start-up;
- the baseline: one `PUT /api/v2/tickets/{id}` per ticket with its note, over one keep-alive
  httpx client (no reads, no memberships: only the writes).

Requests come from the server's `/_sandbox/stats`. Prints a Markdown table (medians of the runs)
for bench/README.md, one per latency. Aims: at most ceil(N/100) update requests plus job polls,
and the handover at least 8x faster than the baseline at 50 ms, 10x at 200 ms.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

# Installed tools run from bytecode (pip compiles it at install), so the commands measured here do
# too; this machine's PYTHONDONTWRITEBYTECODE would make every run compile every module again.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

SAM = "sam.okafor@govpress.example"
TOM = "tom.hughes@govpress.example"
PRIYA = "priya.shah@govpress.example"
GROUP = "GovPress 2nd line support"


def command() -> str:
    path = Path(sys.executable).parent / "govpress-support"
    if not path.exists():
        sys.exit(f"{path} not found: install the project in this environment first (pip install -e .)")
    return str(path)


class Desk:
    """A served sandbox and Sam's API client on it."""

    def __init__(self, state: Path, bulk: int):
        self.state, self.bulk = state, bulk
        env = {**os.environ, "GOVPRESS_SUPPORT_STATE_DIR": str(state), "GOVPRESS_SUPPORT_CONFIG": str(state / "x.toml")}
        self.process = subprocess.Popen(
            [command(), "sandbox", "serve", "--port", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.process.kill()
            sys.exit(f"sandbox serve did not start: {self.url!r}")
        from govpress_support import sandbox

        self.env = sandbox.environment(self.url)
        self.api = httpx.Client(base_url=self.url, auth=(f"{SAM}/token", sandbox.AGENT_TOKEN), timeout=60)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(method, f"{self.url}/_sandbox/{path}", json=body, timeout=120)
        response.raise_for_status()
        return response.json() if response.content else None

    def prepare(self, tickets: int, latency: int) -> list[int]:
        """Reset the desk, give Sam exactly `tickets`, then switch the latency on and zero the stats."""
        self.control("PUT", "faults", {"latency_ms": 0})
        self.control("POST", "reset", {"bulk": self.bulk, "seed": 1})
        ids = self._give_sam(tickets)
        self.control("PUT", "faults", {"latency_ms": latency})
        self.control("POST", "stats/reset")
        return ids

    def github(self, path: str) -> Any:
        """GET a GitHub API path as Sam (the sandbox's GitHub under /api/v3)."""
        auth = {"Authorization": f"Bearer {self.env['GITHUB_TOKEN']}"}
        response = httpx.get(f"{self.env['GITHUB_API_URL']}/{path}", headers=auth, timeout=60)
        response.raise_for_status()
        return response.json()

    def requests(self) -> dict[str, int]:
        return dict(self.control("GET", "stats")["requests"])

    def user_id(self, email: str) -> int:
        users = self.api.get("/api/v2/users/search", params={"query": email}).json()["users"]
        return int(next(u["id"] for u in users if u["email"] == email))

    def _unsolved(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {
            "query": f'group:"{GROUP}" status<solved',
            "filter[type]": "ticket",
            "page[size]": 100,
        }
        while True:
            body = self.api.get("/api/v2/search/export", params=params).json()
            found += body["results"]
            if not body["meta"]["has_more"]:
                return found
            params["page[after]"] = body["meta"]["after_cursor"]

    def _give_sam(self, count: int) -> list[int]:
        sam, priya = self.user_id(SAM), self.user_id(PRIYA)
        unsolved = self._unsolved()
        mine = [t["id"] for t in unsolved if t["assignee_id"] == sam]
        others = [t["id"] for t in unsolved if t["assignee_id"] != sam]
        move, to = (others[: count - len(mine)], sam) if len(mine) < count else (mine[count:], priya)
        for start in range(0, len(move), 100):
            chunk = move[start : start + 100]
            job = self.api.put(
                "/api/v2/tickets/update_many",
                params={"ids": ",".join(map(str, chunk))},
                json={"ticket": {"assignee_id": to}},
            ).json()["job_status"]
            while job["status"] not in ("completed", "failed", "killed"):
                job = self.api.get(f"/api/v2/job_statuses/{job['id']}").json()["job_status"]
        held = sorted(t["id"] for t in self._unsolved() if t["assignee_id"] == sam)
        if len(held) != count:
            sys.exit(f"could not give Sam {count} tickets (has {len(held)}): raise the bulk")
        return held

    def check_handed_over(self, ids: list[int]) -> None:
        tom = self.user_id(TOM)
        for start in range(0, len(ids), 100):
            chunk = ids[start : start + 100]
            found = self.api.get("/api/v2/tickets/show_many", params={"ids": ",".join(map(str, chunk))}).json()
            wrong = [t["id"] for t in found["tickets"] if t["assignee_id"] != tom]
            if wrong or len(found["tickets"]) != len(chunk):
                sys.exit(f"handover incomplete: {wrong[:5]}")

    def close(self) -> None:
        self.api.close()
        self.process.terminate()
        self.process.wait(timeout=10)


def notes(ids: list[int], path: Path) -> dict[int, str]:
    texts = {i: f"Reproduced #{i} on staging; the fix waits for the client's go-ahead." for i in ids}
    path.write_text("".join(f"## #{i}\n{texts[i]}\n\n" for i in ids))
    return texts


PEOPLE = f"""
[people.github]
"{TOM}" = "tomhughes-dev"
[people.slack]
"{TOM}" = "U0TOMHUGHES"
"""


def new_steps(state: Path) -> tuple[list[str], Path]:
    """The handover's options for the new steps, and the config naming Tom on GitHub and Slack;
    a fresh remote with two unpushed branches for each run (made before the clock starts)."""
    from govpress_support.sandbox.git_remote import make_git_remote

    remote = make_git_remote(state / "git")
    config = state / "people.toml"
    config.write_text(PEOPLE)
    return ["--push", "--repos", str(remote.workdir), "--slack"], config


def check_new_steps(desk: Desk, state: Path) -> None:
    from govpress_support.sandbox.git_remote import GitRemote

    clone = state / "git" / "work" / "govpress-theme"
    remote = GitRemote(state / "git", state / "git" / "remote" / "govpress" / "govpress-theme.git", clone, "", "")
    for branch in ("fix/4015-header-colour", "fix/4028-cookie-banner-skip-link"):
        if remote.remote_sha(branch) != remote.local_sha(branch):
            sys.exit(f"{branch} was not pushed")
    posts = desk.control("GET", "slack")["posts"]
    if len(posts) != 1:
        sys.exit(f"expected one Slack post, found {len(posts)}")
    issue = desk.github("repos/govpress/govpress-theme/issues/42")
    if "tomhughes-dev" not in [a["login"] for a in issue["assignees"]]:
        sys.exit("pull request #42 was not assigned to Tom")


def run_cli(desk: Desk, notes_file: Path, cli_state: Path, steps: bool) -> float:
    options, config = new_steps(cli_state) if steps else (["--no-github"], cli_state / "none.toml")
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("ZENDESK_", "TRELLO_", "ROTA_", "GOVPRESS_", "GITHUB_", "GH_", "SLACK_"))
        },
        **desk.env,
        "GOVPRESS_SUPPORT_STATE_DIR": str(cli_state),
        "GOVPRESS_SUPPORT_CONFIG": str(config),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # installed tools run from bytecode
    (cli_state / "none.toml").touch()  # a named config file must exist: empty, every setting its default
    report = str(cli_state / "report.md")
    started = time.perf_counter()
    done = subprocess.run(
        [command(), "handover", "--notes-file", str(notes_file), "--yes", "--report", report, *options],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"handover failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed


def run_in_process(desk: Desk, texts: dict[int, str], state: Path, steps: bool) -> float:
    from govpress_support.core import config
    from govpress_support.core.timeutil import now
    from govpress_support.services.connect import Clients
    from govpress_support.workflows.handover import plan as handover

    env = {**desk.env}
    options, path = new_steps(state) if steps else ([], state / "none.toml")
    repos = [Path(options[2])] if steps else None
    started = time.perf_counter()
    settings = config.load(path, env)
    clients = Clients(settings, sandbox=False, state_dir=state, environ=env)
    try:
        webhook = clients.slack if steps else None
        plan = handover.prepare(
            clients.zendesk,
            clients.trello_or_none,
            clients.rota_or_none,
            settings,
            handover.HandoverOptions(push=steps, repos=repos, slack=steps, github=steps),
            state_dir=state,
            now=now(),
            github=clients.github_or_none if steps else None,
        )
        github = clients.github_or_none if steps else None
        result = handover.start(
            clients.zendesk, plan.with_notes_from(texts, None), state_dir=state, github=github, slack=webhook
        )
    finally:
        clients.close()
    elapsed = time.perf_counter() - started
    if not result.complete or (steps and (result.slack is None or result.slack.state != "done")):
        sys.exit("in-process handover incomplete")
    return elapsed


def run_baseline(desk: Desk, ids: list[int], texts: dict[int, str]) -> float:
    tom = desk.user_id(TOM)
    # Tom must be in the group before tickets can be assigned to him: not timed, as the handover
    # does the same with one request.
    gid = int(next(g["id"] for g in desk.api.get("/api/v2/groups").json()["groups"] if g["name"] == GROUP))
    desk.api.post("/api/v2/group_memberships", json={"group_membership": {"user_id": tom, "group_id": gid}})
    desk.control("POST", "stats/reset")
    started = time.perf_counter()
    for ticket_id in ids:
        body = {"ticket": {"assignee_id": tom, "comment": {"body": texts[ticket_id], "public": False}}}
        desk.api.put(f"/api/v2/tickets/{ticket_id}", json=body).raise_for_status()
    return time.perf_counter() - started


def count(requests: dict[str, int], fragment: str) -> int:
    return sum(n for name, n in requests.items() if fragment in name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=250)
    parser.add_argument("--latency", default="50,200", help="added latencies per request, ms (one table each)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-new-steps", action="store_true", help="without --push, GitHub and --slack")
    args = parser.parse_args()
    steps = not args.no_new_steps
    n = args.tickets
    bulk = max(300, math.ceil(n * 2.6))

    with tempfile.TemporaryDirectory(prefix="bench-handover-") as tmp:
        root = Path(tmp)
        subprocess.run(
            [command(), "sandbox", "reset", "--yes", "--bulk", str(bulk)],
            env={**os.environ, "GOVPRESS_SUPPORT_STATE_DIR": str(root / "server")},
            check=True,
            capture_output=True,
        )
        desk = Desk(root / "server", bulk)
        try:
            for latency in (int(ms) for ms in args.latency.split(",")):
                measured = measure(desk, root / f"at-{latency}", n, latency, args.runs, steps)
                report(n, latency, args.runs, steps, *measured)
        finally:
            desk.close()


def measure(
    desk: Desk, root: Path, n: int, latency: int, runs: int, steps: bool
) -> tuple[dict[str, list[float]], dict[str, dict[str, int]]]:
    times: dict[str, list[float]] = {"cli": [], "in_process": [], "baseline": []}
    requests: dict[str, dict[str, int]] = {}
    root.mkdir()
    for run in range(runs):
        for kind in ("cli", "in_process", "baseline"):
            ids = desk.prepare(n, latency)
            texts = notes(ids, root / "notes.md")
            state = root / f"{kind}-{run}"
            state.mkdir()
            if kind == "cli":
                times[kind].append(run_cli(desk, root / "notes.md", state, steps))
            elif kind == "in_process":
                times[kind].append(run_in_process(desk, texts, state, steps))
            else:
                times[kind].append(run_baseline(desk, ids, texts))
            requests[kind] = desk.requests()
            desk.control("PUT", "faults", {"latency_ms": 0})
            desk.check_handed_over(ids)
            if steps and kind != "baseline":
                check_new_steps(desk, state)
    return times, requests


def report(
    n: int, latency: int, runs: int, steps: bool, times: dict[str, list[float]], requests: dict[str, dict[str, int]]
) -> None:
    base = statistics.median(times["baseline"])
    with_steps = " with --push (2 branches), 4 pull requests and --slack" if steps else ""
    served = f"`sandbox serve --latency {latency}`"
    print(f"Handover of {n} tickets with notes{with_steps}, {served}, median of {runs} runs:\n")
    print("| run | requests | update requests | job polls | wall time | vs baseline |")
    print("|---|---:|---:|---:|---:|---:|")
    labels = {
        "cli": "`handover` (CLI, end to end)",
        "in_process": "handover workflow (in-process)",
        "baseline": "baseline: one PUT per ticket",
    }
    for kind in ("cli", "in_process", "baseline"):
        req = requests[kind]
        updates = count(req, "update_many") if kind != "baseline" else count(req, "PUT /api/v2/tickets/{id}")
        polls = count(req, "job_statuses")
        median = statistics.median(times[kind])
        versus = f"{base / median:.1f}x faster" if kind != "baseline" else "1x"
        print(f"| {labels[kind]} | {sum(req.values())} | {updates} | {polls} | {median:.2f} s | {versus} |")
    aim = 10 if latency >= 200 else 8
    polls = f"at most ceil({n}/100) = {math.ceil(n / 100)} update requests plus job polls"
    print(f"\nAim: {polls}; at least {aim}x faster.\n")


if __name__ == "__main__":
    main()
