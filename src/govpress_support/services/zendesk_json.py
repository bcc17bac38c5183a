"""Zendesk's JSON to `models` records: the one place API dicts are read.

Lenient by design: a field missing or of the wrong type reads as absent (None, "", ()), and an
item without an id is skipped, so one odd record never fails a listing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govpress_support.core.errors import ApiError
from govpress_support.core.models import (
    Comment,
    CustomStatus,
    Group,
    GroupMembership,
    JobResult,
    JobStatus,
    Macro,
    MacroAction,
    MacroComment,
    MacroResult,
    Organization,
    Recovery,
    SlaMetric,
    SuspendedTicket,
    Ticket,
    User,
)
from govpress_support.core.numbers import whole_number
from govpress_support.core.timeutil import parse_iso


def items(data: Any, key: str) -> list[dict[str, Any]]:
    """The objects in the list `data[key]`; [] when there is none."""
    found = data.get(key) if isinstance(data, dict) else None
    return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return whole_number(value)
    return None


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def sla_metrics(item: dict[str, Any]) -> tuple[SlaMetric, ...] | None:
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
                metric=as_str(metric.get("metric")) or "unknown",
                stage=(as_str(metric.get("stage")) or "unknown").lower(),
                breach_at=parse_iso(metric.get("breach_at")),
            )
        )
    return tuple(out)


def ticket(item: Any, agent_url: Callable[[int], str]) -> Ticket | None:
    if not isinstance(item, dict):
        return None
    ticket_id = as_int(item.get("id"))
    if ticket_id is None:
        return None
    fields = item.get("custom_fields")
    custom: list[tuple[int, object]] = []
    if isinstance(fields, list):
        for f in fields:
            fid = as_int(f.get("id")) if isinstance(f, dict) else None
            if fid is not None and isinstance(f, dict):
                custom.append((fid, f.get("value")))
    tags = item.get("tags")
    return Ticket(
        id=ticket_id,
        subject=as_str(item.get("subject")) or as_str(item.get("raw_subject")) or "(no subject)",
        status=(as_str(item.get("status")) or "new").lower(),
        priority=as_str(item.get("priority")),
        type=as_str(item.get("type")),
        group_id=as_int(item.get("group_id")),
        assignee_id=as_int(item.get("assignee_id")),
        requester_id=as_int(item.get("requester_id")),
        organization_id=as_int(item.get("organization_id")),
        created_at=parse_iso(item.get("created_at")),
        updated_at=parse_iso(item.get("updated_at")),
        updated_stamp=as_str(item.get("updated_at")),
        agent_url=agent_url(ticket_id),
        custom_status_id=as_int(item.get("custom_status_id")),
        due_at=parse_iso(item.get("due_at")),
        tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
        custom_fields=tuple(custom),
        description=as_str(item.get("description")) or "",
        sla_metrics=sla_metrics(item),
        email_cc_ids=int_list(item.get("email_cc_ids")),
    )


def int_list(value: Any) -> tuple[int, ...]:
    """The integers of a JSON list (others skipped); () for anything else."""
    if not isinstance(value, list):
        return ()
    return tuple(i for i in (as_int(v) for v in value) if i is not None)


def user(item: Any) -> User | None:
    if not isinstance(item, dict) or as_int(item.get("id")) is None:
        return None
    return User(
        id=as_int(item.get("id")) or 0,
        name=as_str(item.get("name")) or "",
        email=as_str(item.get("email")),
        role=as_str(item.get("role")) or "end-user",
        default_group_id=as_int(item.get("default_group_id")),
        time_zone=as_str(item.get("time_zone")),
        active=item.get("active", True) is not False,
    )


def group(item: Any) -> Group | None:
    if not isinstance(item, dict) or as_int(item.get("id")) is None:
        return None
    return Group(
        id=as_int(item.get("id")) or 0,
        name=as_str(item.get("name")) or "",
        description=as_str(item.get("description")) or "",
        default=item.get("default") is True,
        deleted=item.get("deleted") is True,
    )


def membership(item: Any) -> GroupMembership | None:
    if not isinstance(item, dict):
        return None
    ids = [as_int(item.get(k)) for k in ("id", "user_id", "group_id")]
    if any(i is None for i in ids):
        return None
    return GroupMembership(
        id=ids[0] or 0, user_id=ids[1] or 0, group_id=ids[2] or 0, default=item.get("default") is True
    )


def organization(item: Any) -> Organization | None:
    if not isinstance(item, dict) or as_int(item.get("id")) is None:
        return None
    return Organization(id=as_int(item.get("id")) or 0, name=as_str(item.get("name")) or "")


def custom_status(item: Any) -> CustomStatus | None:
    if not isinstance(item, dict) or as_int(item.get("id")) is None:
        return None
    return CustomStatus(
        id=as_int(item.get("id")) or 0,
        status_category=as_str(item.get("status_category")) or "open",
        agent_label=as_str(item.get("agent_label")) or "",
        end_user_label=as_str(item.get("end_user_label")) or "",
        active=item.get("active", True) is not False,
        default=item.get("default") is True,
    )


def comment(item: Any) -> Comment | None:
    if not isinstance(item, dict) or as_int(item.get("id")) is None:
        return None
    via = item.get("via")
    source = via.get("source") if isinstance(via, dict) else None
    to = source.get("to") if isinstance(source, dict) else None
    outgoing = item.get("public") is not False and isinstance(via, dict) and via.get("channel") != "email"
    to = to if isinstance(to, dict) and outgoing else {}  # mail that came in was to us, not from us
    named = as_str(to.get("name"))
    address = as_str(to.get("address"))
    return Comment(
        id=as_int(item.get("id")) or 0,
        author_id=as_int(item.get("author_id")),
        body=as_str(item.get("body")) or as_str(item.get("plain_body")) or "",
        public=item.get("public") is not False,
        created_at=parse_iso(item.get("created_at")),
        emailed_to=f"{named} <{address}>" if named and address else address or named,
        emailed_ccs=len(int_list(to.get("email_ccs"))),
    )


def suspended_ticket(item: Any) -> SuspendedTicket | None:
    if not isinstance(item, dict) or as_int(item.get("id")) is None:
        return None
    raw_author = item.get("author")
    author: dict[str, Any] = raw_author if isinstance(raw_author, dict) else {}
    return SuspendedTicket(
        id=as_int(item.get("id")) or 0,
        subject=as_str(item.get("subject")) or "(no subject)",
        cause=as_str(item.get("cause")) or "unknown",
        author_name=as_str(author.get("name")),
        author_email=as_str(author.get("email")),
        ticket_id=as_int(item.get("ticket_id")),
        created_at=parse_iso(item.get("created_at")),
    )


def job_status(data: Any) -> JobStatus:
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
                        id=as_int(r.get("id")),
                        success=r.get("success") is True or (r.get("success") is None and not r.get("error")),
                        action=as_str(r.get("action")),
                        status=as_str(r.get("status")),
                        error=as_str(r.get("error")),
                        details=as_str(r.get("details")),
                    )
                )
    return JobStatus(
        id=str(job["id"]),
        status=as_str(job.get("status")) or "queued",
        total=as_int(job.get("total")),
        progress=as_int(job.get("progress")),
        message=as_str(job.get("message")),
        results=tuple(results),
    )


def macro(item: Any) -> Macro | None:
    if not isinstance(item, dict) or as_int(item.get("id")) is None:
        return None
    actions: list[MacroAction] = []
    for action in item.get("actions") or []:
        if isinstance(action, dict) and as_str(action.get("field")):
            actions.append(MacroAction(field=str(action["field"]), value=action.get("value")))
    restriction = item.get("restriction")
    return Macro(
        id=as_int(item.get("id")) or 0,
        title=as_str(item.get("title")) or as_str(item.get("raw_title")) or "(no title)",
        active=item.get("active", True) is not False,
        description=as_str(item.get("description")) or "",
        actions=tuple(actions),
        restriction=as_str(restriction.get("type")) if isinstance(restriction, dict) else None,
        position=as_int(item.get("position")),
    )


def macro_result(data: Any) -> MacroResult:
    """`{"result": {"ticket": {...}, "comment": {...}}}`: the documented answer. The official
    OpenAPI and zenpy put the comment inside the ticket (`result.ticket.comment`): both are read."""
    result = data.get("result") if isinstance(data, dict) else None
    if not isinstance(result, dict) or not isinstance(result.get("ticket"), dict):
        raise ApiError("Zendesk's answer to the macro had no result ticket")
    ticket = dict(result["ticket"])
    raw = result.get("comment")
    inner = ticket.pop("comment", None)
    if not isinstance(raw, dict):
        raw = inner
    comment = None
    if isinstance(raw, dict):
        body = as_str(raw.get("body")) or as_str(raw.get("value")) or ""
        if body.strip():
            # A comment is public unless it says otherwise, as Zendesk has it.
            comment = MacroComment(body=body, public=raw.get("public") is not False)
    return MacroResult(ticket=ticket, comment=comment)


def recovery(data: Any, agent_url: Callable[[int], str]) -> Recovery:
    """`recover_many`'s answer: `tickets` (recovered), and on a 422 `suspended_tickets` (not)."""
    tickets = tuple(t for t in (ticket(item, agent_url) for item in items(data, "tickets")) if t is not None)
    failed = tuple(s for s in (suspended_ticket(item) for item in items(data, "suspended_tickets")) if s is not None)
    return Recovery(tickets=tickets, failed=failed)
