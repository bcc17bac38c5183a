"""Resolving the agent a user names: `me`, `none`, or an agent's email (see `core.refs`)."""

from __future__ import annotations

from govpress_support.core.errors import UsageError
from govpress_support.core.models import User
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


def assignee_term(zendesk: ZendeskClient, value: str | None) -> str | None:
    """The agent named, as a search `assignee:` value: `me` and `none` as they are (the search
    knows them, so no request), an email once it is known to be an agent's."""
    if value is None:
        return None
    who = parse_agent_ref(value)
    if who in (ME, NOBODY):
        return who
    return agent_by_email(zendesk, who).email or who
