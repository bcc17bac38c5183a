"""Zendesk Support API client: typed methods over the shared HTTP layer.

It turns API JSON into `models` records and back; it does not decide anything.
Pagination follows the API's rules: cursor pages stop on `meta.has_more` (real responses keep a
non-null `links.next` on the last page), offset pages on a null `next_page`. Search is capped at
1,000 results by Zendesk, so larger result sets go through the export endpoint.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from govpress_support.core.errors import ApiError, AuthError, NotFoundError, UsageError
from govpress_support.core.models import (
    Comment,
    CustomStatus,
    Group,
    GroupMembership,
    JobResult,
    JobStatus,
    Organization,
    SlaMetric,
    SuspendedTicket,
    Ticket,
    User,
)
from govpress_support.core.timeutil import parse_iso
from govpress_support.services.cache import MetadataCache
from govpress_support.services.http import HttpClient

PAGE_SIZE = 100  # the most Zendesk gives per page
SHOW_MANY_LIMIT = 100  # ids per show_many or update_many request
SEARCH_LIMIT = 1000  # results the search endpoint will page through
# The export endpoint takes up to 1,000 a page. Zendesk suggests 100 because big pages of
# *archived* tickets can time out; the searches here ask for unsolved tickets, which are never
# archived, so a big page costs one request where ten would do.
EXPORT_PAGE_SIZE = 1000
SIDELOADS = ("users", "organizations", "slas")


@dataclass
class TicketSet:
    """Tickets with the users and organisations they refer to."""

    tickets: list[Ticket] = field(default_factory=list)
    users: dict[int, User] = field(default_factory=dict)
    organizations: dict[int, Organization] = field(default_factory=dict)
    used_export: bool = False


class ZendeskClient:
    def __init__(self, http: HttpClient, cache: MetadataCache | None = None):
        self.http = http
        self.cache = cache
        self._me: User | None = None
        self._groups: list[Group] | None = None
        self._custom_statuses: list[CustomStatus] | bool | None = False  # False: not fetched

    @property
    def base_url(self) -> str:
        return self.http.base_url

    def agent_url(self, ticket_id: int) -> str:
        return f"{self.base_url}/agent/tickets/{ticket_id}"

    # --- pagination ---------------------------------------------------------------------------

    def _next(self, url: str) -> str:
        """Follow a `next` link only on our own host: credentials go nowhere else."""
        ours, theirs = urlsplit(self.base_url), urlsplit(url)
        if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
            raise ApiError(
                f"Zendesk sent a next-page link to another host ({theirs.netloc})", "check the configured Zendesk URL"
            )
        return url

    def paginate_cursor(self, path: str, key: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paginated list. Stops on `meta.has_more`, not `links.next`."""
        query: dict[str, Any] = {"page[size]": PAGE_SIZE, **(params or {})}
        while True:
            data = self.http.get_json(path, query)
            yield from _items(data, key)
            meta = data.get("meta") or {} if isinstance(data, dict) else {}
            if not meta.get("has_more") or not meta.get("after_cursor"):
                return
            query = {**query, "page[after]": meta["after_cursor"]}

    def paginate_offset(self, path: str, key: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of an offset-paginated list, following `next_page` until it is null."""
        url: str | None = path
        query: Mapping[str, Any] | None = {"per_page": PAGE_SIZE, **(params or {})}
        while url:
            data = self.http.get_json(url, query)
            yield from _items(data, key)
            nxt = data.get("next_page") if isinstance(data, dict) else None
            url = self._next(nxt) if isinstance(nxt, str) and nxt else None
            query = None  # the next_page URL carries them

    # --- who and where ------------------------------------------------------------------------

    def me(self) -> User:
        if self._me is None:
            data = self.http.get_json("api/v2/users/me")
            user = _user(data.get("user") if isinstance(data, dict) else None)
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
        self._groups = [g for g in (_group(item) for item in raw) if g is not None and not g.deleted]
        return self._groups

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
        user = _user(data.get("user") if isinstance(data, dict) else None)
        if user is None:
            raise NotFoundError(f"user {user_id} not found")
        return user

    def users(self, ids: Iterable[int]) -> dict[int, User]:
        found: dict[int, User] = {}
        for chunk in _chunks(sorted({int(i) for i in ids if i}), SHOW_MANY_LIMIT):
            data = self.http.get_json("api/v2/users/show_many", {"ids": ",".join(map(str, chunk))})
            for item in _items(data, "users"):
                user = _user(item)
                if user is not None:
                    found[user.id] = user
        return found

    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().casefold()
        for item in self.paginate_offset("api/v2/users/search", "users", {"query": email.strip()}):
            user = _user(item)
            if user is not None and (user.email or "").casefold() == wanted:
                return user
        return None

    def organizations(self, ids: Iterable[int]) -> dict[int, Organization]:
        found: dict[int, Organization] = {}
        for chunk in _chunks(sorted({int(i) for i in ids if i}), SHOW_MANY_LIMIT):
            data = self.http.get_json("api/v2/organizations/show_many", {"ids": ",".join(map(str, chunk))})
            for item in _items(data, "organizations"):
                org = _organization(item)
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
            raw = None if response.status_code in (403, 404) else _items(self.http.json_of(response), "custom_statuses")
            if self.cache is not None:
                self.cache.put(key, {"statuses": raw})
        statuses = None if raw is None else [s for s in (_custom_status(item) for item in raw) if s is not None]
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
        for chunk in _chunks(list(dict.fromkeys(int(i) for i in ids)), SHOW_MANY_LIMIT):
            params = {"ids": ",".join(map(str, chunk))}
            if sideload:
                params["include"] = ",".join(sideload)
            data = self.http.get_json("api/v2/tickets/show_many", params)
            self._absorb(result, data, _items(data, "tickets"))
        self._complete(result, sideload)
        return result

    def search_tickets(
        self,
        query: str,
        *,
        sideload: Sequence[str] = SIDELOADS,
        on_page: Callable[[int, int | None], None] | None = None,
    ) -> TicketSet:
        """Every ticket matching a search query, however many.

        Uses the search endpoint while the result fits its 1,000-result limit and the export
        endpoint (cursor, no limit) when it does not. `on_page(fetched, total)` reports progress.
        """
        include = f"tickets({','.join(sideload)})" if sideload else None
        full_query = f"type:ticket {query}".strip()
        result = TicketSet()
        seen: set[int] = set()
        # A query that was past the limit last time goes straight to export: no wasted first page.
        size_key = f"search size {self.base_url} {query}"
        known = self.cache.get(size_key) if self.cache is not None else None
        if isinstance(known, int) and known > SEARCH_LIMIT:
            found = self._export_tickets(query, include, sideload, on_page, None)
            self._remember_size(size_key, len(found.tickets))
            return found

        params: dict[str, Any] = {
            "query": full_query,
            "per_page": PAGE_SIZE,
            "sort_by": "created_at",
            "sort_order": "asc",
        }
        if include:
            params["include"] = include
        data = self.http.get_json("api/v2/search", params)
        total = data.get("count") if isinstance(data, dict) else None
        if isinstance(total, int):
            self._remember_size(size_key, total)
        if isinstance(total, int) and total > SEARCH_LIMIT:
            return self._export_tickets(query, include, sideload, on_page, total)
        while True:
            fresh = [
                t
                for t in _items(data, "results")
                if t.get("result_type", "ticket") == "ticket" and t.get("id") not in seen
            ]
            seen.update(
                int(t["id"]) for t in fresh if _int(t.get("id")) is not None
            )  # offset paging can repeat results
            self._absorb(result, data, fresh)
            if on_page:
                on_page(len(result.tickets), total if isinstance(total, int) else None)
            nxt = data.get("next_page") if isinstance(data, dict) else None
            if not isinstance(nxt, str) or not nxt:
                break
            data = self.http.get_json(self._next(nxt))
        self._complete(result, sideload)
        return result

    def _remember_size(self, key: str, size: int) -> None:
        if self.cache is not None:
            self.cache.put(key, size)

    def _export_tickets(
        self,
        query: str,
        include: str | None,
        sideload: Sequence[str],
        on_page: Callable[[int, int | None], None] | None,
        total: int | None,
    ) -> TicketSet:
        result = TicketSet(used_export=True)
        seen: set[int] = set()
        params: dict[str, Any] = {"query": query, "filter[type]": "ticket", "page[size]": EXPORT_PAGE_SIZE}
        if include:
            params["include"] = include
        while True:
            data = self.http.get_json("api/v2/search/export", params)
            fresh = [t for t in _items(data, "results") if t.get("id") not in seen]
            seen.update(int(t["id"]) for t in fresh if _int(t.get("id")) is not None)
            self._absorb(result, data, fresh)
            if on_page:
                on_page(len(result.tickets), total)
            meta = data.get("meta") or {} if isinstance(data, dict) else {}
            if not meta.get("has_more") or not meta.get("after_cursor"):
                break
            params = {**params, "page[after]": meta["after_cursor"]}
        self._complete(result, sideload)
        return result

    def _absorb(self, result: TicketSet, data: Any, items: Iterable[dict[str, Any]]) -> None:
        for item in items:
            ticket = _ticket(item, self.agent_url)
            if ticket is not None:
                result.tickets.append(ticket)
        for item in _items(data, "users"):
            user = _user(item)
            if user is not None:
                result.users[user.id] = user
        for item in _items(data, "organizations"):
            org = _organization(item)
            if org is not None:
                result.organizations[org.id] = org

    def _complete(self, result: TicketSet, sideload: Sequence[str]) -> None:
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
                    for item in _items(data, "tickets"):
                        t = _ticket(item, self.agent_url)
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
            return [c for c in (_comment(item) for item in items) if c is not None]
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
        ticket = _ticket(data.get("ticket") if isinstance(data, dict) else None, self.agent_url)
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
        return _job(self.http.json_of(response))

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
        return _job(self.http.json_of(response))

    def job_status(self, job_id: str) -> JobStatus:
        return _job(self.http.get_json(f"api/v2/job_statuses/{job_id}", what=f"job {job_id}"))

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
        return [m for m in (_membership(item) for item in items) if m is not None]

    def user_memberships(self, user_id: int) -> list[GroupMembership]:
        items = self.paginate_offset(f"api/v2/users/{int(user_id)}/group_memberships", "group_memberships")
        return [m for m in (_membership(item) for item in items) if m is not None]

    def add_membership(self, user_id: int, group_id: int) -> GroupMembership:
        response = self.http.request(
            "POST",
            "api/v2/group_memberships",
            json={"group_membership": {"user_id": user_id, "group_id": group_id}},
            what="to change group memberships",
        )
        data = self.http.json_of(response)
        membership = _membership(data.get("group_membership") if isinstance(data, dict) else None)
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
            ticket = _suspended(item)
            if ticket is not None:
                found.append(ticket)
            if limit and len(found) >= limit:
                break
        return found


# --- JSON to models ------------------------------------------------------------------------------


def _items(data: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        return []
    items = data.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _chunks(values: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _sla(item: dict[str, Any]) -> tuple[SlaMetric, ...] | None:
    if "slas" not in item:
        return None
    slas = item.get("slas")
    metrics = slas.get("policy_metrics") if isinstance(slas, dict) else None
    if not isinstance(metrics, list):
        return ()
    out: list[SlaMetric] = []
    for metric in metrics:
        if not isinstance(metric, dict):
            continue
        out.append(
            SlaMetric(
                metric=_str(metric.get("metric")) or "unknown",
                stage=(_str(metric.get("stage")) or "unknown").lower(),
                breach_at=parse_iso(metric.get("breach_at")),
            )
        )
    return tuple(out)


def _ticket(item: Any, agent_url: Callable[[int], str]) -> Ticket | None:
    if not isinstance(item, dict):
        return None
    ticket_id = _int(item.get("id"))
    if ticket_id is None:
        return None
    fields = item.get("custom_fields")
    custom: list[tuple[int, object]] = []
    if isinstance(fields, list):
        for f in fields:
            fid = _int(f.get("id")) if isinstance(f, dict) else None
            if fid is not None and isinstance(f, dict):
                custom.append((fid, f.get("value")))
    tags = item.get("tags")
    return Ticket(
        id=ticket_id,
        subject=_str(item.get("subject")) or _str(item.get("raw_subject")) or "(no subject)",
        status=(_str(item.get("status")) or "new").lower(),
        priority=_str(item.get("priority")),
        type=_str(item.get("type")),
        group_id=_int(item.get("group_id")),
        assignee_id=_int(item.get("assignee_id")),
        requester_id=_int(item.get("requester_id")),
        organization_id=_int(item.get("organization_id")),
        created_at=parse_iso(item.get("created_at")),
        updated_at=parse_iso(item.get("updated_at")),
        updated_stamp=_str(item.get("updated_at")),
        agent_url=agent_url(ticket_id),
        custom_status_id=_int(item.get("custom_status_id")),
        due_at=parse_iso(item.get("due_at")),
        tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
        custom_fields=tuple(custom),
        description=_str(item.get("description")) or "",
        sla_metrics=_sla(item),
    )


def _user(item: Any) -> User | None:
    if not isinstance(item, dict) or _int(item.get("id")) is None:
        return None
    return User(
        id=_int(item.get("id")) or 0,
        name=_str(item.get("name")) or "",
        email=_str(item.get("email")),
        role=_str(item.get("role")) or "end-user",
        default_group_id=_int(item.get("default_group_id")),
        time_zone=_str(item.get("time_zone")),
        active=item.get("active", True) is not False,
    )


def _group(item: Any) -> Group | None:
    if not isinstance(item, dict) or _int(item.get("id")) is None:
        return None
    return Group(
        id=_int(item.get("id")) or 0,
        name=_str(item.get("name")) or "",
        description=_str(item.get("description")) or "",
        default=item.get("default") is True,
        deleted=item.get("deleted") is True,
    )


def _membership(item: Any) -> GroupMembership | None:
    if not isinstance(item, dict):
        return None
    ids = [_int(item.get(k)) for k in ("id", "user_id", "group_id")]
    if any(i is None for i in ids):
        return None
    return GroupMembership(
        id=ids[0] or 0, user_id=ids[1] or 0, group_id=ids[2] or 0, default=item.get("default") is True
    )


def _organization(item: Any) -> Organization | None:
    if not isinstance(item, dict) or _int(item.get("id")) is None:
        return None
    return Organization(id=_int(item.get("id")) or 0, name=_str(item.get("name")) or "")


def _custom_status(item: Any) -> CustomStatus | None:
    if not isinstance(item, dict) or _int(item.get("id")) is None:
        return None
    return CustomStatus(
        id=_int(item.get("id")) or 0,
        status_category=_str(item.get("status_category")) or "open",
        agent_label=_str(item.get("agent_label")) or "",
        end_user_label=_str(item.get("end_user_label")) or "",
        active=item.get("active", True) is not False,
        default=item.get("default") is True,
    )


def _comment(item: Any) -> Comment | None:
    if not isinstance(item, dict) or _int(item.get("id")) is None:
        return None
    return Comment(
        id=_int(item.get("id")) or 0,
        author_id=_int(item.get("author_id")),
        body=_str(item.get("body")) or _str(item.get("plain_body")) or "",
        public=item.get("public") is not False,
        created_at=parse_iso(item.get("created_at")),
    )


def _suspended(item: Any) -> SuspendedTicket | None:
    if not isinstance(item, dict) or _int(item.get("id")) is None:
        return None
    raw_author = item.get("author")
    author: dict[str, Any] = raw_author if isinstance(raw_author, dict) else {}
    return SuspendedTicket(
        id=_int(item.get("id")) or 0,
        subject=_str(item.get("subject")) or "(no subject)",
        cause=_str(item.get("cause")) or "unknown",
        author_name=_str(author.get("name")),
        author_email=_str(author.get("email")),
        ticket_id=_int(item.get("ticket_id")),
        created_at=parse_iso(item.get("created_at")),
    )


def _job(data: Any) -> JobStatus:
    job = data.get("job_status") if isinstance(data, dict) else None
    if not isinstance(job, dict) or not job.get("id"):
        raise ApiError("Zendesk's answer had no job status")
    results: list[JobResult] = []
    raw_results = job.get("results")
    if isinstance(raw_results, list):
        for r in raw_results:
            if isinstance(r, dict):
                results.append(
                    JobResult(
                        id=_int(r.get("id")),
                        success=r.get("success") is True or (r.get("success") is None and not r.get("error")),
                        action=_str(r.get("action")),
                        status=_str(r.get("status")),
                        error=_str(r.get("error")),
                        details=_str(r.get("details")),
                    )
                )
    return JobStatus(
        id=str(job["id"]),
        status=_str(job.get("status")) or "queued",
        total=_int(job.get("total")),
        progress=_int(job.get("progress")),
        message=_str(job.get("message")),
        results=tuple(results),
    )
