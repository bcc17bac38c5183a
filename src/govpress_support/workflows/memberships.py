"""Taking someone out of a group without costing a client their engineer.

Zendesk unassigns a removed member's working tickets in the group. So whether a member may go is
read from the desk at the moment of removal, never from what a run believes it did: one search
of the group's unsolved tickets assigned to them, and those tickets (plus any the caller knows
it touched, since the search index lags writes) read again. A member who still holds one stays.
`handover` and `start-rotation` both remove members only through `remove_member`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from govpress_support.services.zendesk import ZendeskClient


@dataclass(frozen=True)
class Member:
    """Whom to take out, and of which group."""

    user_id: int
    email: str | None
    name: str
    group_id: int
    group_name: str
    membership_id: int | None = None  # None: looked up when removing


@dataclass(frozen=True)
class Removal:
    removed: bool  # False: they stayed (`held` says why) or were already gone
    held: tuple[int, ...] = ()  # unsolved tickets in the group still assigned to them

    def reason(self, whose: str = "their") -> str:
        listed = ", ".join(f"#{i}" for i in self.held[:10]) + (" …" if len(self.held) > 10 else "")
        return f"{listed} still assigned to {whose} there (Zendesk would unassign them)"


def held_tickets(zendesk: ZendeskClient, member: Member, *, also: Iterable[int] = ()) -> list[int]:
    """The unsolved tickets in the member's group assigned to them, as the desk says now."""
    wanted = set(also)
    if member.email:
        query = f'group:"{member.group_name}" status<solved assignee:{member.email}'
        wanted |= {t.id for t in zendesk.search_tickets(query, sideload=()).tickets}
    if not wanted:
        return []
    fresh = zendesk.tickets(sorted(wanted), sideload=()).tickets
    return sorted(
        t.id for t in fresh if t.assignee_id == member.user_id and t.group_id == member.group_id and t.unsolved
    )


def remove_member(zendesk: ZendeskClient, member: Member, *, also: Iterable[int] = ()) -> Removal:
    """Remove the membership unless the member still holds a ticket in the group (then nothing is
    changed and `Removal.held` names them). `also`: tickets the caller moved or tried to move."""
    held = held_tickets(zendesk, member, also=also)
    if held:
        return Removal(False, tuple(held))
    membership_id = member.membership_id
    if membership_id is None:
        found = [m.id for m in zendesk.group_memberships(member.group_id) if m.user_id == member.user_id]
        if not found:
            return Removal(False)
        membership_id = found[0]
    return Removal(zendesk.remove_membership(membership_id))
