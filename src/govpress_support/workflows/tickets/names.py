"""Names for plans and conflict messages (groups, agents, statuses), and what changed between two
reads of a ticket, in words. Used by the ticket writer (`write.py`) and the planners."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from govpress_support.core.models import Comment, CustomStatus, Ticket
from govpress_support.core.statuses import status_label
from govpress_support.services.zendesk import ZendeskClient


def clip(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return f"“{flat}”" if len(flat) <= width else f"“{flat[: width - 1]}…”"


class Names:
    """Group, agent and status names for plans and conflict messages, fetched once and only
    when a message needs them."""

    def __init__(self, zendesk: ZendeskClient, *, fallback_tag: str | None = None):
        """`fallback_tag`: the believed-solved tag, for status names (see `core.statuses`)."""
        self.zendesk = zendesk
        self.fallback_tag = fallback_tag
        self._users: dict[int, str] = {}
        self._statuses: list[CustomStatus] | bool | None = False

    def group(self, group_id: int | None) -> str:
        if group_id is None:
            return "no group"
        for group in self.zendesk.groups():
            if group.id == group_id:
                return group.name
        return f"group {group_id}"

    def learn(self, user_id: int, name: str) -> None:
        self._users[user_id] = name

    def users(self, ids: Iterable[int | None]) -> None:
        wanted = {i for i in ids if i is not None and i not in self._users}
        if wanted:
            for user in self.zendesk.users(wanted).values():
                self._users[user.id] = user.name or user.email or f"user {user.id}"

    def user(self, user_id: int | None) -> str:
        if user_id is None:
            return "unassigned"
        self.users([user_id])
        return self._users.get(user_id, f"user {user_id}")

    def custom_statuses(self) -> list[CustomStatus] | None:
        if self._statuses is False:
            self._statuses = self.zendesk.custom_statuses()
        return self._statuses  # type: ignore[return-value]

    def status(self, ticket: Ticket) -> str:
        custom = self.custom_statuses() if ticket.custom_status_id is not None else None
        return status_label(ticket, custom, fallback_tag=self.fallback_tag)


def differences(before: Ticket, after: Ticket, comments: Sequence[Comment], names: Names) -> list[str]:
    """What changed between two reads of a ticket, in words, with comments added since."""
    out: list[str] = []
    if names.status(before) != names.status(after):
        out.append(f"status {names.status(before)} → {names.status(after)}")
    for label, old, new in (
        ("priority", before.priority, after.priority),
        ("type", before.type, after.type),
        ("subject", before.subject, after.subject),
    ):
        if old != new:
            out.append(f"{label} {old or 'none'} → {new or 'none'}")
    if before.group_id != after.group_id:
        out.append(f"group {names.group(before.group_id)} → {names.group(after.group_id)}")
    if before.assignee_id != after.assignee_id:
        out.append(f"assignee {names.user(before.assignee_id)} → {names.user(after.assignee_id)}")
    added = [t for t in after.tags if t not in before.tags]
    removed = [t for t in before.tags if t not in after.tags]
    if added or removed:
        out.append("tags " + " ".join([*(f"+{t}" for t in added), *(f"-{t}" for t in removed)]))
    if before.due_at != after.due_at:
        out.append("due date changed")
    for comment in new_comments(before, comments):
        kind = "public reply" if comment.public else "internal note"
        out.append(f"new {kind} by {names.user(comment.author_id)}: {clip(comment.body, 50)}")
    return out


def new_comments(before: Ticket, comments: Sequence[Comment]) -> list[Comment]:
    """Comments made after the read that produced `before`."""
    if before.updated_at is None:
        return []
    return [c for c in comments if c.created_at is not None and c.created_at > before.updated_at]
