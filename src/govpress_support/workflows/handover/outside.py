"""The handover's steps outside Zendesk: the planned pushes, then each pull request's assignment
and comment. They run beside the ticket updates (in their own thread, started by the runner) and
are journaled as they are: a step is written before it is sent and its answer as it arrives, so a
resumed run settles what an interrupted one left open without doing anything twice.

- A push journaled as sent but not answered is simply pushed again: pushing a commit the remote
  already has changes nothing ("up to date").
- A pull request step sent without an answer heard is read back from GitHub first (assignees,
  comments) and sent only when it is not there.

A failed push or step is recorded with its reason and the rest go on; only a network failure on
GitHub stops this side (the run is then unfinished: `--resume` looks again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govpress_support.services.github import GitHubClient
from govpress_support.services.parallel import in_order
from govpress_support.workflows.handover import gitpush, pulls
from govpress_support.workflows.handover.gitpush import PlannedPush
from govpress_support.workflows.handover.journal import Journal
from govpress_support.workflows.handover.pulls import PlannedPull
from govpress_support.workflows.handover.state import RunState

PULL_WORKERS = 4  # pull requests handed over at once (each journaled before it is sent)


class Outside:
    def __init__(
        self,
        journal: Journal,
        state: RunState,
        github: GitHubClient | None,
        step: Callable[[str], None] = lambda message: None,
    ):
        self.journal = journal
        self.state = state
        self.plan = state.plan
        self.github = github
        self.step = step

    @property
    def has_work(self) -> bool:
        return any(self._push_pending(p) for p in self.plan.pushes) or any(
            self._pull_pending(p) for p in self.plan.github.to_do
        )

    def run(self) -> None:
        for planned in self.plan.pushes:
            if self._push_pending(planned):
                self._push(planned)
        todo = [p for p in self.plan.github.to_do if self._pull_pending(p)]
        if not todo:
            return
        if self.github is None:
            for pull in todo:
                for name in pull.steps:
                    self._record(pull, name, pulls.FAILED, "no GitHub token in this run (set GITHUB_TOKEN and resume)")
            return
        github = self.github
        in_order(lambda pull: self._pull(github, pull), todo, workers=PULL_WORKERS)

    # --- pushes ---

    def _push_pending(self, planned: PlannedPush) -> bool:
        if planned.skip:
            return False
        record = self.state.pushes.get(planned.key)
        return record is None or record.get("state") == "sending"

    def _push(self, planned: PlannedPush) -> None:
        self._journal({"type": "push", "key": planned.key, "state": "sending"}, self.state.pushes, planned.key)
        outcome = gitpush.push(planned)
        record: dict[str, Any] = {"type": "push", "key": planned.key, "state": outcome.state}
        if outcome.reason:
            record["reason"] = outcome.reason
        self._journal(record, self.state.pushes, planned.key)
        if outcome.ok:
            self.step(f"pushed {planned.branch} ({planned.repo.name})")
        else:
            self.step(f"push of {planned.branch} ({planned.repo.name}) failed: {outcome.reason}")

    # --- pull requests ---

    def _pull_pending(self, pull: PlannedPull) -> bool:
        return any(
            (self.state.pulls.get((pull.ref, name)) or {}).get("state") not in (pulls.DONE, pulls.FAILED)
            for name in pull.steps
        )

    def _pull(self, github: GitHubClient, pull: PlannedPull) -> None:
        states = {name: str((self.state.pulls.get((pull.ref, name)) or {}).get("state") or "") for name in pull.steps}
        pulls.hand_over(github, pull, self.plan.github, states, self._record)
        if all((self.state.pulls.get((pull.ref, n)) or {}).get("state") == pulls.DONE for n in pull.steps):
            self.step(f"handed over {pull.ref} to @{self.plan.github.login}")

    def _record(self, pull: PlannedPull, name: str, state: str, reason: str | None) -> None:
        record: dict[str, Any] = {"type": "pull", "ref": pull.ref, "step": name, "state": state}
        if reason:
            record["reason"] = reason
        self._journal(record, self.state.pulls, (pull.ref, name))

    def _journal(self, record: dict[str, Any], into: dict[Any, dict[str, Any]], key: Any) -> None:
        self.journal.append(record)
        into[key] = record
