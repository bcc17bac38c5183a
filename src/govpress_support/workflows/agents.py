"""Resolving the agent a user names: `me`, `none`, or an agent's email (see `core.refs`)."""

from __future__ import annotations

from collections.abc import Callable

from govpress_support.core.errors import UsageError
from govpress_support.core.models import Ticket, User
from govpress_support.core.refs import ME, NOBODY, parse_agent_ref
from govpress_support.services.zendesk import ZendeskClient


def agent_by_email(zendesk: ZendeskClient, email: str) -> User:
    """The agent with this email, or a usage error."""
    user = zendesk.user_by_email(email)
    if user is None or not user.is_agent:
        raise UsageError(f"no Zendesk agent with email {email}", "check the address, or use me or none")
    return user


def resolve_agent(zendesk: ZendeskClient, value: str) -> User | None:
    """The agent named: you for `me`, None for `none`."""
    who = parse_agent_ref(value)
    if who == ME:
        return zendesk.me()
    if who == NOBODY:
        return None
    return agent_by_email(zendesk, who)


def assignee_filter(zendesk: ZendeskClient, value: str | None) -> Callable[[Ticket], bool] | None:
    """Whether a ticket is assigned to the agent named (`me`, `none`, an agent's email), or None
    for no filter. One request at most (who you are, or the agent's email)."""
    if value is None:
        return None
    who = parse_agent_ref(value)
    if who == NOBODY:
        return lambda ticket: ticket.assignee_id is None
    agent_id = zendesk.me().id if who == ME else agent_by_email(zendesk, who).id
    return lambda ticket: ticket.assignee_id == agent_id
