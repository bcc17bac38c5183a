"""Zendesk Support API client: typed methods over the shared HTTP layer.

It turns API JSON into `models` records (with `zendesk_json`) and back; it does not decide
anything.
Pagination follows the API's rules: cursor pages stop on `meta.has_more` (real responses keep a
non-null `links.next` on the last page), offset pages on a null `next_page`. Search (capped at
1,000 results by Zendesk, so larger result sets go through the export endpoint) is in
`zendesk_search.py`. Independent pages (search pages, show_many chunks) go side by side
(`parallel.py`), taken in order.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from govpress_support.core.errors import ApiError, AuthError, NotFoundError, UsageError
from govpress_support.core.models import (
    Comment,
    CustomStatus,
    Group,
    GroupMembership,
    JobStatus,
    Organization,
    SuspendedTicket,
    Ticket,
    User,
)
from govpress_support.services import zendesk_json as read
from govpress_support.services.cache import MetadataCache
from govpress_support.services.http import HttpClient
from govpress_support.services.parallel import SideBySide, in_order
from govpress_support.services.zendesk_actions import DeskActions
from govpress_support.services.zendesk_search import PAGE_SIZE, SEARCH_LIMIT, TicketSet, search_tickets

SHOW_MANY_LIMIT = 100  # ids per show_many or update_many request
SIDELOADS = ("users", "organizations", "slas")
__all__ = ["PAGE_SIZE", "SEARCH_LIMIT", "SHOW_MANY_LIMIT", "SIDELOADS", "TicketSet", "ZendeskClient"]


class ZendeskClient(DeskActions):
    """The Zendesk Support API; macros, suspended-ticket actions and view pages are inherited
    from `zendesk_actions.DeskActions`."""

    def __init__(self, http: HttpClient, cache: MetadataCache | None = None):
        self.http = http
        self.cache = cache
        self._me: User | None = None
        self._groups: list[Group] | None = None
        self._custom_statuses: list[CustomStatus] | bool | None = False  # False: not fetched
        self.on_users: Callable[[Iterable[User]], None] | None = None  # sees every user read (completion)

    @property
    def base_url(self) -> str:
        return self.http.base_url

    def agent_url(self, ticket_id: int) -> str:
        return f"{self.base_url}/agent/tickets/{ticket_id}"

    # --- pagination ---------------------------------------------------------------------------

    def next_link(self, url: str) -> str:
        """Follow a `next` link only on our own host: credentials go nowhere else."""
        ours, theirs = urlsplit(self.base_url), urlsplit(url)
        if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
            raise ApiError(
                f"Zendesk sent a next-page link to another host ({theirs.netloc})", "check the configured Zendesk URL"
            )
        return url

    def cursor_pages(self, path: str, params: Mapping[str, Any]) -> Iterator[Any]:
        """Every page of a cursor-paginated list, as sent. Stops on `meta.has_more`: real
        responses keep a non-null `links.next` on the last page."""
        query = dict(params)
        while True:
            data = self.http.get_json(path, query)
            yield data
            meta = data.get("meta") or {} if isinstance(data, dict) else {}
            if not meta.get("has_more") or not meta.get("after_cursor"):
                return
            query = {**query, "page[after]": meta["after_cursor"]}

    def offset_pages(self, path: str, params: Mapping[str, Any] | None) -> Iterator[Any]:
        """Every page of an offset-paginated list, as sent, following `next_page` (on our own
        host only) until it is null."""
        url: str | None = path
        query: Mapping[str, Any] | None = params
        while url:
            data = self.http.get_json(url, query)
            yield data
            nxt = data.get("next_page") if isinstance(data, dict) else None
            url = self.next_link(nxt) if isinstance(nxt, str) and nxt else None
            query = None  # the next_page URL carries them

    def paginate_cursor(self, path: str, key: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paginated list, 100 a page."""
        for data in self.cursor_pages(path, {"page[size]": PAGE_SIZE, **(params or {})}):
            yield from read.items(data, key)

    def paginate_offset(self, path: str, key: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of an offset-paginated list, 100 a page."""
        for data in self.offset_pages(path, {"per_page": PAGE_SIZE, **(params or {})}):
            yield from read.items(data, key)

    # --- who and where ------------------------------------------------------------------------

    def me(self) -> User:
        if self._me is None:
            data = self.http.get_json("api/v2/users/me")
            user = read.user(data.get("user") if isinstance(data, dict) else None)
            if user is None or user.id <= 0:
                # Zendesk answers an anonymous user rather than 401 for some bad credentials.
                raise AuthError(
                    "Zendesk did not recognise the credentials", "run `govpress-support auth login zendesk`", status=401
                )
            self._me = user
        return self._me

    def groups(self, *, fresh: bool = False) -> list[Group]:
        if self._groups is not None and not fresh:
            return self._groups
        key = f"groups {self.base_url}"
        raw = None if fresh or self.cache is None else self.cache.get(key)
        if not isinstance(raw, list):
            raw = list(self.paginate_offset("api/v2/groups", "groups"))
            if self.cache is not None:
                self.cache.put(key, raw)
        self._groups = [g for g in (read.group(item) for item in raw) if g is not None and not g.deleted]
        return self._groups

    def forget_metadata(self) -> None:
        """Drop the groups and custom statuses known (here and in the cache): an answer showed
        them out of date, so the next ask reads them again."""
        self._groups, self._custom_statuses = None, False
        if self.cache is not None:
            for key in (f"groups {self.base_url}", f"custom_statuses {self.base_url}"):
                self.cache.forget(key)

    def group(self, name_or_id: str | int) -> Group:
        """A group by id or exact name (case-insensitive); a clear error listing the groups."""
        for fresh in (False, True):
            for group in self.groups(fresh=fresh):
                if (
                    str(group.id) == str(name_or_id).strip()
                    or group.name.casefold() == str(name_or_id).strip().casefold()
                ):
                    return group
        names = ", ".join(repr(g.name) for g in self.groups())
        raise UsageError(f"no Zendesk group {str(name_or_id)!r}", f"groups: {names}")

    def user(self, user_id: int) -> User:
        data = self.http.get_json(f"api/v2/users/{int(user_id)}", what=f"user {user_id}")
        user = read.user(data.get("user") if isinstance(data, dict) else None)
        if user is None:
            raise NotFoundError(f"user {user_id} not found")
        return user

    def users(self, ids: Iterable[int]) -> dict[int, User]:
        found: dict[int, User] = {}
        for chunk in _chunks(sorted({int(i) for i in ids if i}), SHOW_MANY_LIMIT):
            data = self.http.get_json("api/v2/users/show_many", {"ids": ",".join(map(str, chunk))})
            for item in read.items(data, "users"):
                user = read.user(item)
                if user is not None:
                    found[user.id] = user
        if self.on_users is not None:
            self.on_users(found.values())
        return found

    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().casefold()
        for item in self.paginate_offset("api/v2/users/search", "users", {"query": email.strip()}):
            user = read.user(item)
            if user is not None and (user.email or "").casefold() == wanted:
                return user
        return None

    def organizations(self, ids: Iterable[int]) -> dict[int, Organization]:
        found: dict[int, Organization] = {}
        for chunk in _chunks(sorted({int(i) for i in ids if i}), SHOW_MANY_LIMIT):
            data = self.http.get_json("api/v2/organizations/show_many", {"ids": ",".join(map(str, chunk))})
            for item in read.items(data, "organizations"):
                org = read.organization(item)
                if org is not None:
                    found[org.id] = org
        return found

    def custom_statuses(self) -> list[CustomStatus] | None:
        """The account's custom statuses, or None when the account has them switched off."""
        if self._custom_statuses is not False:
            return self._custom_statuses  # type: ignore[return-value]
        key = f"custom_statuses {self.base_url}"
        cached = None if self.cache is None else self.cache.get(key)
        if isinstance(cached, dict) and "statuses" in cached:
            raw = cached["statuses"]
        else:
            response = self.http.request("GET", "api/v2/custom_statuses", allow=(403, 404))
            raw = (
                None
                if response.status_code in (403, 404)
                else read.items(self.http.json_of(response), "custom_statuses")
            )
            if self.cache is not None:
                self.cache.put(key, {"statuses": raw})
        statuses = None if raw is None else [s for s in (read.custom_status(item) for item in raw) if s is not None]
        self._custom_statuses = statuses
        return statuses

    # --- tickets ------------------------------------------------------------------------------

    def ticket(self, ticket_id: int, *, sideload: Sequence[str] = SIDELOADS) -> TicketSet:
        """One ticket (with SLAs, requester, assignee and organisation) or `NotFoundError`."""
        found = self.tickets([ticket_id], sideload=sideload)
        if not found.tickets:
            raise NotFoundError(f"ticket {ticket_id} not found")
        return found

    def tickets(self, ids: Iterable[int], *, sideload: Sequence[str] = SIDELOADS) -> TicketSet:
        """Tickets by id via show_many, 100 a request. Missing ids are simply absent."""
        result = TicketSet()
        include = {"include": ",".join(sideload)} if sideload else {}

        def show_many(chunk: list[int]) -> Any:
            return self.http.get_json("api/v2/tickets/show_many", {"ids": ",".join(map(str, chunk)), **include})

        for data in in_order(show_many, _chunks(list(dict.fromkeys(int(i) for i in ids)), SHOW_MANY_LIMIT)):
            self.absorb(result, data, read.items(data, "tickets"))
        self.complete(result, sideload)
        return result

    def search_tickets(
        self,
        query: str,
        *,
        sideload: Sequence[str] = SIDELOADS,
        on_page: Callable[[int, int | None], None] | None = None,
        pool: SideBySide | None = None,
    ) -> TicketSet:
        """Every ticket matching a search query, however many (`zendesk_search.py`): the search
        endpoint's pages side by side (in `pool`, else a pool of its own) while the result fits
        its 1,000-result limit, the export endpoint's cursor when it does not.
        `on_page(fetched, total)` reports progress."""
        return search_tickets(self, query, sideload=sideload, on_page=on_page, pool=pool)

    def absorb(self, result: TicketSet, data: Any, items: Iterable[dict[str, Any]]) -> None:
        for item in items:
            ticket = read.ticket(item, self.agent_url)
            if ticket is not None:
                result.tickets.append(ticket)
        result.users.update((user.id, user) for user in read.parsed(data, "users", read.user))
        if self.on_users is not None:
            self.on_users(result.users.values())
        result.organizations.update((org.id, org) for org in read.parsed(data, "organizations", read.organization))
        result.metric_sets.update((m.ticket_id, m) for m in read.parsed(data, "metric_sets", read.metric_set))

    def complete(self, result: TicketSet, sideload: Sequence[str]) -> None:
        """Fetch what a sideload should have brought but did not (Zendesk does not honour
        every sideload on every endpoint): SLAs via show_many, then users and organisations."""
        # A ticket with no SLA policy may lack the `slas` key, so only a result in which no
        # ticket has it means the sideload was ignored.
        if "slas" in sideload and result.tickets and all(t.sla_metrics is None for t in result.tickets):
            missing = [t.id for t in result.tickets]
            if missing:
                with_slas: dict[int, Ticket] = {}
                for chunk in _chunks(missing, SHOW_MANY_LIMIT):
                    data = self.http.get_json(
                        "api/v2/tickets/show_many", {"ids": ",".join(map(str, chunk)), "include": "slas"}
                    )
                    for item in read.items(data, "tickets"):
                        t = read.ticket(item, self.agent_url)
                        if t is not None:
                            with_slas[t.id] = t
                result.tickets = [with_slas.get(t.id, t) for t in result.tickets]
        if "users" in sideload:
            wanted = {i for t in result.tickets for i in (t.assignee_id, t.requester_id) if i} - set(result.users)
            if wanted:
                result.users.update(self.users(wanted))
        if "organizations" in sideload:
            wanted = {t.organization_id for t in result.tickets if t.organization_id} - set(result.organizations)
            if wanted:
                result.organizations.update(self.organizations(wanted))

    def comments(self, ticket_id: int) -> list[Comment]:
        items = self.paginate_cursor(f"api/v2/tickets/{int(ticket_id)}/comments", "comments")
        try:
            return [c for c in (read.comment(item) for item in items) if c is not None]
        except NotFoundError:
            raise NotFoundError(f"ticket {ticket_id} not found") from None

    def update_ticket(self, ticket_id: int, changes: Mapping[str, Any], *, updated_stamp: str | None = None) -> Ticket:
        """PUT one ticket. With `updated_stamp`, Zendesk's collision guard answers 409 (raised as
        `ConflictError`) when the ticket changed since that stamp, and nothing is written."""
        body: dict[str, Any] = dict(changes)
        if updated_stamp:
            body["safe_update"] = True
            body["updated_stamp"] = updated_stamp
        # A retried PUT that adds a comment could add it twice, unless the collision guard is on.
        idempotent = "comment" not in body or bool(updated_stamp)
        response = self.http.request(
            "PUT",
            f"api/v2/tickets/{int(ticket_id)}",
            json={"ticket": body},
            idempotent=idempotent,
            what=f"ticket {ticket_id}",
        )
        data = self.http.json_of(response)
        ticket = read.ticket(data.get("ticket") if isinstance(data, dict) else None, self.agent_url)
        if ticket is None:
            raise ApiError(f"Zendesk's answer to the update of ticket {ticket_id} had no ticket")
        return ticket

    def update_many(self, updates: Sequence[Mapping[str, Any]]) -> JobStatus:
        """Queue a batch update: each item is `{"id": ..., <changes>}`; at most 100."""
        if len(updates) > SHOW_MANY_LIMIT:
            raise ValueError(f"update_many takes at most {SHOW_MANY_LIMIT} tickets")
        response = self.http.request(
            "PUT", "api/v2/tickets/update_many", json={"tickets": list(updates)}, idempotent=False
        )
        return read.job_status(self.http.json_of(response))

    def update_many_same(self, ids: Sequence[int], changes: Mapping[str, Any]) -> JobStatus:
        """Queue the same change for up to 100 tickets."""
        if len(ids) > SHOW_MANY_LIMIT:
            raise ValueError(f"update_many takes at most {SHOW_MANY_LIMIT} tickets")
        idempotent = "comment" not in changes
        response = self.http.request(
            "PUT",
            "api/v2/tickets/update_many",
            params={"ids": ",".join(map(str, ids))},
            json={"ticket": dict(changes)},
            idempotent=idempotent,
        )
        return read.job_status(self.http.json_of(response))

    def job_status(self, job_id: str) -> JobStatus:
        return read.job_status(self.http.get_json(f"api/v2/job_statuses/{job_id}", what=f"job {job_id}"))

    def wait_for_job(
        self,
        job: JobStatus,
        *,
        interval: float = 0.5,
        timeout: float = 600.0,
        on_progress: Callable[[JobStatus], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> JobStatus:
        """Poll a job until it finishes; the interval grows to 5 s for long jobs."""
        waited = 0.0
        current = job
        while not current.finished:
            if waited >= timeout:
                raise ApiError(
                    f"Zendesk job {job.id} did not finish in {timeout:.0f}s",
                    "run the command again later with --resume",
                )
            sleep(interval)
            waited += interval
            interval = min(5.0, interval * 1.5)
            current = self.job_status(job.id)
            if on_progress:
                on_progress(current)
        return current

    # --- groups and memberships ---------------------------------------------------------------

    def group_memberships(self, group_id: int) -> list[GroupMembership]:
        items = self.paginate_offset(f"api/v2/groups/{int(group_id)}/memberships", "group_memberships")
        return [m for m in (read.membership(item) for item in items) if m is not None]

    def user_memberships(self, user_id: int) -> list[GroupMembership]:
        items = self.paginate_offset(f"api/v2/users/{int(user_id)}/group_memberships", "group_memberships")
        return [m for m in (read.membership(item) for item in items) if m is not None]

    def add_membership(self, user_id: int, group_id: int) -> GroupMembership:
        response = self.http.request(
            "POST",
            "api/v2/group_memberships",
            json={"group_membership": {"user_id": user_id, "group_id": group_id}},
            what="to change group memberships",
        )
        data = self.http.json_of(response)
        membership = read.membership(data.get("group_membership") if isinstance(data, dict) else None)
        if membership is None:
            raise ApiError("Zendesk's answer to the new group membership had no membership")
        return membership

    def remove_membership(self, membership_id: int) -> bool:
        """Delete a membership; False when it was already gone. Zendesk then unassigns that
        user's working tickets in the group, so reassign first."""
        response = self.http.request(
            "DELETE", f"api/v2/group_memberships/{int(membership_id)}", what="to change group memberships", allow=(404,)
        )
        return response.status_code != 404

    # --- suspended ----------------------------------------------------------------------------

    def suspended_tickets(self, limit: int | None = None) -> list[SuspendedTicket]:
        found: list[SuspendedTicket] = []
        params = {"page[size]": min(PAGE_SIZE, limit)} if limit else None
        for item in self.paginate_cursor("api/v2/suspended_tickets", "suspended_tickets", params):
            ticket = read.suspended_ticket(item)
            if ticket is not None:
                found.append(ticket)
            if limit and len(found) >= limit:
                break
        return found


def _chunks(values: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])
