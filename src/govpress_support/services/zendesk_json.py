"""Zendesk's JSON to `models` records: the one place API dicts are read.

Lenient by design: a field missing or of the wrong type reads as absent (None, "", ()), and an
item without an id is skipped, so one odd record never fails a listing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from govpress_support.core.errors import ApiError
from govpress_support.core.models import (
    Comment,
    CustomStatus,
    FieldValue,
    Group,
    GroupMembership,
    JobResult,
    JobStatus,
    Macro,
    MacroAction,
    MacroComment,
    MacroResult,
    MetricEvent,
    MetricSet,
    Organization,
    Recovery,
    SlaMetric,
    SuspendedTicket,
    Ticket,
    TicketChange,
    TicketEvent,
    User,
)
from govpress_support.core.numbers import whole_number
from govpress_support.core.timeutil import parse_iso

T = TypeVar("T")


def parsed(data: Any, key: str, parse: Callable[[Any], T | None]) -> list[T]:
    """The objects in `data[key]` that `parse` can read (a sideload: users, metric sets)."""
    return [found for found in map(parse, items(data, key)) if found is not None]


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


def metric_event(item: Any) -> MetricEvent | None:
    """One ticket metric event; None without an id, ticket, metric, type or readable time."""
    if not isinstance(item, dict):
        return None
    ids = [as_int(item.get(k)) for k in ("id", "ticket_id")]
    metric, kind, when = as_str(item.get("metric")), as_str(item.get("type")), parse_iso(item.get("time"))
    if ids[0] is None or ids[1] is None or metric is None or kind is None or when is None:
        return None
    sla = item.get("sla") if isinstance(item.get("sla"), dict) else item.get("group_sla")
    policy: str | None = None
    target: int | None = None
    if isinstance(sla, dict):
        named = sla.get("policy")
        policy = as_str(named.get("title")) if isinstance(named, dict) else None
        seconds = as_int(sla.get("target_in_seconds"))
        minutes = as_int(sla.get("target")) if "sla" in item else None  # group SLA targets' unit is unsure
        target = seconds if seconds is not None else (minutes * 60 if minutes is not None else None)
    return MetricEvent(
        id=ids[0],
        ticket_id=ids[1],
        metric=metric,
        instance_id=as_int(item.get("instance_id")) or 0,
        type=kind,
        time=when,
        deleted=item.get("deleted") is True,
        policy=policy,
        target_seconds=target,
    )


def _calendar(item: dict[str, Any], key: str) -> int | None:
    value = item.get(key)
    return as_int(value.get("calendar")) if isinstance(value, dict) else None


def metric_set(item: Any) -> MetricSet | None:
    if not isinstance(item, dict) or as_int(item.get("ticket_id")) is None:
        return None
    return MetricSet(
        ticket_id=as_int(item.get("ticket_id")) or 0,
        created_at=parse_iso(item.get("created_at")),
        solved_at=parse_iso(item.get("solved_at")),
        group_stations=as_int(item.get("group_stations")) or 0,
        reopens=as_int(item.get("reopens")) or 0,
        replies=as_int(item.get("replies")) or 0,
        reply_minutes=_calendar(item, "reply_time_in_minutes"),
        full_resolution_minutes=_calendar(item, "full_resolution_time_in_minutes"),
    )


CHANGE_FIELDS = ("group_id", "status", "custom_status_id", "assignee_id", "tags")


def field_value(name: str, raw: Any) -> FieldValue:
    """A followed field's value as the API sends it: ids as numbers or strings, a status in any
    case, tags as a list or a space-separated string."""
    if name == "status":
        return (as_str(raw) or "").lower() or None
    if name == "tags":
        return _words(raw)
    return as_int(raw)


def _words(raw: Any) -> tuple[str, ...]:
    words = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return tuple(w for w in words if isinstance(w, str))


def ticket_changes(audit: Any) -> list[TicketChange]:
    """The fields an audit set (`Create`) or changed (`Change`) that say where a ticket was, in
    what status and whose: group, status, custom status, assignee and tags."""
    if not isinstance(audit, dict):
        return []
    when = parse_iso(audit.get("created_at"))
    if when is None:
        return []
    found: list[TicketChange] = []
    for event in items(audit, "events"):
        kind, name = event.get("type"), event.get("field_name")
        if kind not in ("Create", "Change") or name not in CHANGE_FIELDS:
            continue
        created = kind == "Create"
        previous = None if created else field_value(str(name), event.get("previous_value"))
        found.append(TicketChange(when, str(name), field_value(str(name), event.get("value")), created, previous))
    return found


def ticket_event(item: Any) -> TicketEvent | None:
    """One update from the incremental ticket event export; None without an id, a ticket or a
    readable time. Its `child_events` name each field set (`event_type: Create`) or changed
    (`Change`, with `previous_value`) by the field's own key; a tag change gives the tags with
    `added_tags` and `removed_tags`, from which the tags before are worked out when there is no
    `previous_value`."""
    if not isinstance(item, dict):
        return None
    event_id, ticket_id = as_int(item.get("id")), as_int(item.get("ticket_id"))
    when = parse_iso(item.get("created_at"))
    stamp = as_int(item.get("timestamp"))
    if when is None and stamp is not None:
        try:
            when = datetime.fromtimestamp(stamp, tz=UTC)
        except (OverflowError, OSError, ValueError):  # past the years a datetime holds: unreadable
            when = None
    if event_id is None or ticket_id is None or when is None:
        return None
    changes: list[TicketChange] = []
    for child in items(item, "child_events"):
        kind = child.get("event_type")
        if kind not in ("Create", "Change"):
            continue
        for name in CHANGE_FIELDS:
            if name not in child:
                continue
            value = field_value(name, child[name])
            previous: FieldValue = None
            if kind == "Change" and "previous_value" in child:
                previous = field_value(name, child["previous_value"])
            elif kind == "Change" and name == "tags" and isinstance(value, tuple):
                added, removed = (set(_words(child.get(key))) for key in ("added_tags", "removed_tags"))
                previous = tuple(sorted((set(value) - added) | removed))
            changes.append(TicketChange(when, name, value, kind == "Create", previous))
    return TicketEvent(event_id, ticket_id, when, as_int(item.get("updater_id")), tuple(changes))


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
