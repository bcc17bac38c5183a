"""Naming the support groups: `triage`, `1st`, `2nd`, `scoping`, a group name or an id."""

from __future__ import annotations

from typing import Protocol

from govpress_support.core.config import GroupSettings
from govpress_support.core.errors import UsageError
from govpress_support.core.models import Group
from govpress_support.core.numbers import MAX_ID, clipped, is_digits, whole_number


class GroupLookup(Protocol):
    """What `resolve_group` needs of a Zendesk client: a group by name or id."""

    def group(self, name_or_id: str | int) -> Group: ...


ALIASES = ("triage", "1st", "2nd", "scoping")

# The cascade: work that grows moves one group down.
CASCADE = {"triage": "1st", "1st": "2nd", "2nd": "scoping"}

GROUP_HINT = "use triage, 1st, 2nd, scoping, a group's name or its id"

# The process puts a Trello card on every ticket in these groups.
CARD_GROUPS = ("2nd", "scoping")


def group_name(groups: GroupSettings, value: str) -> str:
    """The configured name for an alias (`2nd`, `1st-line`, `second`...), else `value` as given
    (stripped); a `UsageError` for nothing, or an id past Zendesk's 64 bits."""
    key = value.strip().lower()
    synonyms = {
        "triage": "triage",
        "1st": "1st",
        "1st-line": "1st",
        "first": "1st",
        "2nd": "2nd",
        "2nd-line": "2nd",
        "second": "2nd",
        "scoping": "scoping",
        "scope": "scoping",
    }
    if key in synonyms:
        return groups.by_alias()[synonyms[key]]
    name = value.strip()
    if not name:
        raise UsageError("no group given", GROUP_HINT)
    if is_digits(name) and whole_number(name) is None:
        raise UsageError(f"group id {clipped(name, 24)} is out of range", f"Zendesk ids are at most {MAX_ID}")
    return name


def group_id_in(name: str) -> int | None:
    """The group id a name spells (ASCII digits), or None for a group's name."""
    return whole_number(name) if is_digits(name.strip()) else None


def resolve_group(zendesk: GroupLookup, groups: GroupSettings, value: str | int) -> Group:
    """The Zendesk group for an alias, name or id; `UsageError` listing the groups if none."""
    return zendesk.group(group_name(groups, str(value)))


def alias_of(groups: GroupSettings, group: Group) -> str | None:
    for alias, name in groups.by_alias().items():
        if name.casefold() == group.name.casefold():
            return alias
    return None


def needs_card(groups: GroupSettings, group: Group | str | None) -> bool:
    """Whether the process wants a Trello card for a ticket in this group (or group name)."""
    if group is None:
        return False
    name = group if isinstance(group, str) else group.name
    return any(groups.by_alias()[alias].casefold() == name.casefold() for alias in CARD_GROUPS)
