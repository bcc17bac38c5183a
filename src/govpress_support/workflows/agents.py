"""Resolving the agent a user names: `me`, `none`, or an agent's email (see `core.refs`), and
who "you" are: one person per run, in Zendesk and in Trello."""

from __future__ import annotations

from collections.abc import Callable

from govpress_support.core.errors import AuthError, UsageError
from govpress_support.core.models import Member, Ticket, User
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


def other_person(zendesk_me: User, trello_me: Member) -> str | None:
    """Why Zendesk and Trello credentials of this run are two people, or None (the same person, or
    no way to tell: Trello shows a member's email only to themself, with the account scope). The
    rota follows Zendesk: "you" on it is your Zendesk email."""
    ours, theirs = (zendesk_me.email or "").casefold(), (trello_me.email or "").casefold()
    if not ours or not theirs or ours == theirs:
        return None
    return (
        f"Zendesk says you are {zendesk_me.name} <{zendesk_me.email}>, but the Trello token is "
        f"{trello_me.full_name or trello_me.username}'s <{trello_me.email}>"
    )


ONE_PERSON_HINT = (
    "one person per run: log in to Trello as the same person (`govpress-support auth login trello`), "
    "or set TRELLO_API_KEY and TRELLO_TOKEN (or ZENDESK_EMAIL) to match"
)


def same_person(zendesk_me: User, trello_me: Member) -> None:
    """Refuse (exit 4) a run whose Zendesk and Trello credentials are two people."""
    problem = other_person(zendesk_me, trello_me)
    if problem is not None:
        raise AuthError(problem, ONE_PERSON_HINT)
