"""Macros: the team's canned replies and field changes, listed, found by name or id, and turned
into ticket changes the way the web UI applies them.

Zendesk applies a macro in two steps: `GET .../macros/{id}/apply` says what the ticket would
become (and writes nothing), then the client sends one update. `macro_changes` reads that answer
against the ticket as it is, so only what the macro really changes is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govpress_support.core.errors import UsageError
from govpress_support.core.models import Macro, MacroAction, MacroResult, Ticket
from govpress_support.core.numbers import clipped, is_digits, whole_number
from govpress_support.core.statuses import LABELS
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.tickets.write import Names, clip

# Ticket fields a macro may set, as the apply answer names them, in the order plans say them.
FIELDS = ("status", "custom_status_id", "priority", "type", "group_id", "assignee_id", "subject")
ACCESS = {None: "shared", "Group": "group", "User": "personal"}
MACROS_HINT = "list them with `govpress-support ticket macros`"


@dataclass(frozen=True)
class MacroRow:
    macro: Macro
    changes: tuple[str, ...]  # what it does, in words

    def to_record(self) -> dict[str, Any]:
        m = self.macro
        return {
            "id": m.id,
            "title": m.title,
            "access": ACCESS.get(m.restriction, (m.restriction or "shared").lower()),
            "changes": list(self.changes),
            "public_reply": public_reply(m),
            "description": m.description,
        }


def public_reply(macro: Macro) -> bool | None:
    """Whether its comment is public: None when it adds no comment."""
    if not any(a.field.startswith("comment_value") for a in macro.actions):
        return None
    mode = next((a for a in macro.actions if a.field == "comment_mode_is_public"), None)
    return mode is None or _text(mode.value).lower() != "false"


def list_macros(zendesk: ZendeskClient, *, search: str | None = None) -> list[MacroRow]:
    """The active macros you can apply, by title; `search`: only titles containing it."""
    names = Names(zendesk)
    wanted = (search or "").strip().casefold()
    macros = [m for m in zendesk.active_macros() if wanted in m.title.casefold()]
    return [MacroRow(m, tuple(describe_actions(m.actions, names))) for m in sorted(macros, key=_order)]


def _order(macro: Macro) -> tuple[str, int]:
    return (macro.title.casefold(), macro.id)


def find_macro(macros: Sequence[Macro], value: str) -> Macro:
    """A macro by id, exact title, or a unique part of its title (case aside)."""
    key = value.strip()
    if not key:
        raise UsageError("--macro is empty", MACROS_HINT)
    if is_digits(key):  # an id: ASCII digits only (core/numbers.py)
        number = whole_number(key)
        found = next((m for m in macros if m.id == number), None)
        if found is None:
            raise UsageError(f"no active macro {clipped(key, 24)} that you can apply", MACROS_HINT)
        return found
    exact = [m for m in macros if m.title.casefold() == key.casefold()]
    if exact:
        return exact[0]
    partial = [m for m in macros if key.casefold() in m.title.casefold()]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise UsageError(f"no active macro called {clipped(key)!r} that you can apply", MACROS_HINT)
    listed = "; ".join(f"{m.id} {m.title!r}" for m in sorted(partial, key=_order))
    raise UsageError(f"{clipped(key)!r} matches {len(partial)} macros: {listed}", "give more of the title, or the id")


# --- what a macro does, in words ------------------------------------------------------------------


def _text(value: object) -> str:
    """An action's value: a string, or (comments) `["channel:all", "text"]`."""
    if isinstance(value, list):
        return str(value[-1]) if value else ""
    return "" if value is None else str(value)


def _status_name(names: Names, value: object) -> str:
    return LABELS.get(_text(value), _text(value))


def _custom_status_name(names: Names, value: object) -> str:
    wanted = _text(value)
    for status in names.custom_statuses() or []:
        if str(status.id) == wanted:
            return status.agent_label
    return f"custom status {wanted}"


def _id_of(value: object) -> int | None:
    return whole_number(_text(value))


def describe_actions(actions: Sequence[MacroAction], names: Names) -> list[str]:
    """`status Pending`, `group GovPress scoping and discussion`, `tags +scoping`, `public reply`."""
    out: list[str] = []
    public = True
    comment = False
    for action in actions:
        field, value = action.field, action.value
        if field == "status":
            out.append(f"status {_status_name(names, value)}")
        elif field == "custom_status_id":
            out.append(f"status {_custom_status_name(names, value)}")
        elif field in ("priority", "type"):
            out.append(f"{field} {_text(value) or 'none'}")
        elif field == "group_id":
            out.append(f"group {names.group(_id_of(value))}")
        elif field == "assignee_id":
            who = _text(value)
            out.append("assignee you" if who == "current_user" else f"assignee {names.user(_id_of(value))}")
        elif field in ("current_tags", "set_tags"):
            out.append("tags " + " ".join(f"+{t}" for t in _text(value).split()))
        elif field == "remove_tags":
            out.append("tags " + " ".join(f"-{t}" for t in _text(value).split()))
        elif field == "subject":
            out.append(f"subject {clip(_text(value), 40)}")
        elif field == "comment_mode_is_public":
            public = _text(value).lower() != "false"
        elif field.startswith("comment_value"):
            comment = True
        else:
            out.append(field.replace("_", " "))
    if comment:
        out.append("public reply" if public else "internal note")
    return out


# --- applying one ---------------------------------------------------------------------------------


def macro_changes(result: MacroResult, ticket: Ticket) -> dict[str, Any]:
    """The update fields that take the ticket to what the macro answered: only fields that differ
    (the answer may be the whole ticket, or only what changed). Tags become additions and
    removals, which merge with tags someone else adds, rather than a list that replaces them."""
    after: Mapping[str, object] = result.ticket
    changes: dict[str, Any] = {}
    for key in FIELDS:
        if key in after and after[key] != getattr(ticket, key):
            changes[key] = after[key]
    tags = after.get("tags")
    if isinstance(tags, list):
        wanted = [t for t in tags if isinstance(t, str)]
        added = [t for t in wanted if t not in ticket.tags]
        removed = [t for t in ticket.tags if t not in wanted]
        if added:
            changes["additional_tags"] = added
        if removed:
            changes["remove_tags"] = removed
    return changes


def describe_changes(changes: Mapping[str, Any], ticket: Ticket, names: Names) -> list[str]:
    """The plan's lines for changes a macro makes: `group: A → B`."""
    lines: list[str] = []
    for key, value in changes.items():
        if key == "status":
            lines.append(f"status: {names.status(ticket)} → {LABELS.get(str(value), str(value))}")
        elif key == "custom_status_id":
            lines.append(f"status: {names.status(ticket)} → {_custom_status_name(names, value)}")
        elif key == "group_id":
            lines.append(f"group: {names.group(ticket.group_id)} → {names.group(_id_of(value))}")
        elif key == "assignee_id":
            lines.append(f"assignee: {names.user(ticket.assignee_id)} → {names.user(_id_of(value))}")
        elif key == "additional_tags":
            lines.append("tags: " + " ".join(f"+{t}" for t in value))
        elif key == "remove_tags":
            lines.append("tags: " + " ".join(f"-{t}" for t in value))
        else:
            lines.append(f"{key}: {getattr(ticket, key, None) or 'none'} → {value or 'none'}")
    return lines
