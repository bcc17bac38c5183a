"""The baseline: what a user would otherwise write with zenpy to get the 2nd line tickets with
their SLA data, assignees and organisations. Run by bench/queue_vs_zenpy.py in the same run.

    python bench/zenpy_queue.py BASE_URL EMAIL TOKEN GROUP

zenpy builds https://<subdomain>.zendesk.com URLs, so a requests adapter sends them to the
served sandbox instead. Needs zenpy, installed only in the benchmark's environment.
"""

from __future__ import annotations

import sys
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from zenpy import Zenpy

HOST = "https://bench.zendesk.com"


class ToSandbox(HTTPAdapter):
    def __init__(self, base: str):
        super().__init__()
        self.base = base.rstrip("/")

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        original = request.url
        request.url = original.replace(HOST, self.base, 1)
        response = super().send(request, *args, **kwargs)
        request.url = original  # zenpy matches its response handlers on the request URL
        return response


def main() -> None:
    base, email, token, group = sys.argv[1:5]
    session = requests.Session()
    session.mount(HOST, ToSandbox(base))
    zenpy = Zenpy(subdomain="bench", email=email, token=token, session=session)

    # The search a zenpy user writes. Zendesk's search stops at 1,000 results, and zenpy then
    # stops quietly ("We got what we could"), so past 1,000 the script gets 1,000 tickets and no
    # error. zenpy's search_export cannot stand in: it puts `type:` in the query, which the export
    # endpoint refuses.
    tickets = list(zenpy.search(type="ticket", group=group, status_less_than="solved"))
    ids = [t.id for t in tickets]
    # zenpy would answer show_many from the tickets the search cached, without their SLAs.
    zenpy.purge_cache("ticket")
    slas: dict[int, Any] = {}
    for start in range(0, len(ids), 100):
        chunk = ids[start : start + 100]
        for ticket in zenpy.tickets(ids=chunk, include=["slas"]):
            slas[ticket.id] = ticket.to_dict().get("slas")
    rows = []
    for ticket in tickets:
        assignee = ticket.assignee  # zenpy fetches each user once and caches it
        organization = ticket.organization
        rows.append(
            (
                ticket.id,
                ticket.subject,
                slas.get(ticket.id),
                assignee.name if assignee else None,
                organization.name if organization else None,
            )
        )
    print(len(rows))


if __name__ == "__main__":
    main()
