"""`doctor`: is this machine and account ready for a rotation? One check a line, each failure
with its fix. Checks never raise: a failure is a result.

Zendesk comes as a function that builds its client: a missing credential is then a failed
check, like a rejected one, not an error before any check has run."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from govpress_support.core.config import GroupSettings, Settings
from govpress_support.core.errors import GovPressError
from govpress_support.core.groups import group_name
from govpress_support.core.models import User
from govpress_support.services.rota import RotaClient
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.agents import ONE_PERSON_HINT, other_person


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str | None = None


def check_config(config_path: object, load: Callable[[], Settings]) -> Check:
    try:
        load()
    except GovPressError as exc:
        return Check(
            "config", False, exc.message, exc.hint or "fix the file, or `govpress-support config init --force`"
        )
    from pathlib import Path

    path = Path(str(config_path))
    where = f"{path}" if path.exists() else f"defaults (no file at {path})"
    return Check("config", True, f"readable and valid: {where}")


def check_zendesk(connect: Callable[[], ZendeskClient], groups: GroupSettings) -> list[Check]:
    try:
        zendesk = connect()
        me = zendesk.me()
    except GovPressError as exc:
        return [Check("Zendesk login", False, exc.message, exc.hint)]
    checks = [Check("Zendesk login", True, f"{me.name} <{me.email}> ({me.role}) at {zendesk.base_url}")]
    try:
        names = {g.name.casefold() for g in zendesk.groups()}
    except GovPressError as exc:
        return [*checks, Check("Zendesk groups", False, exc.message, exc.hint)]
    for alias, name in groups.by_alias().items():
        found = name.casefold() in names
        checks.append(
            Check(
                f"group {alias}",
                found,
                f"{name!r} {'exists' if found else 'is missing'}",
                None
                if found
                else f"check groups.{_setting_key(alias)} in the config file (see `govpress-support config show`)",
            )
        )
    second = group_name(groups, "2nd")
    if me.role == "admin":
        checks.append(Check("group memberships", True, "your role (admin) can change group memberships"))
    elif _member_of(zendesk, me.id, second):
        # Already in 2nd line (a handover adds the next engineer): nothing to ask an admin for.
        checks.append(
            Check(
                "group memberships",
                True,
                f"you are in {second!r} (your role, {me.role}, cannot change memberships; none is needed to start)",
            )
        )
    else:
        checks.append(
            Check(
                "group memberships",
                False,
                f"your role ({me.role}) cannot change group memberships",
                f"ask {_admins(zendesk, groups)} to add you to {group_name(groups, '2nd')!r} "
                "at the start of your rotation",
            )
        )
    return checks


def _member_of(zendesk: ZendeskClient, user_id: int, name: str) -> bool:
    try:
        group = zendesk.group(name)
        return any(m.group_id == group.id for m in zendesk.user_memberships(user_id))
    except GovPressError:
        return False


def _me(connect: Callable[[], ZendeskClient]) -> User | None:
    """You in Zendesk (asked once already by the Zendesk checks), or None when it cannot say."""
    try:
        return connect().me()
    except GovPressError:
        return None


def _setting_key(alias: str) -> str:
    return {"1st": "first_line", "2nd": "second_line"}.get(alias, alias)


def _admins(zendesk: ZendeskClient, groups: GroupSettings) -> str:
    """Who to ask: the admins in the 2nd line group, else the process's answer."""
    fallback = "someone in the Maintenance and Support Team or a Delivery Lead"
    try:
        group = zendesk.group(group_name(groups, "2nd"))
        members = zendesk.group_memberships(group.id)
        users = zendesk.users(m.user_id for m in members)
    except GovPressError:
        return fallback
    admins = sorted(u.name for u in users.values() if u.role == "admin")
    return " or ".join(admins) if admins else fallback


def check_trello(trello: TrelloClient | None, settings: Settings, zendesk_me: User | None = None) -> list[Check]:
    if trello is None:
        return [
            Check(
                "Trello login",
                False,
                "no Trello credentials",
                "run `govpress-support auth login trello`, or set TRELLO_API_KEY and TRELLO_TOKEN",
            )
        ]
    try:
        me = trello.me()
    except GovPressError as exc:
        return [Check("Trello login", False, exc.message, exc.hint)]
    problem = other_person(zendesk_me, me) if zendesk_me is not None else None
    if problem is not None:
        return [Check("Trello login", False, problem, ONE_PERSON_HINT)]
    checks = [Check("Trello login", True, f"{me.full_name} (@{me.username})")]
    for label, ref in (
        ("Backlog board", settings.trello.backlog_board),
        ("Week in Progress board", settings.trello.week_board),
    ):
        try:
            board = trello.board(ref)
            members = {m.member_id for m in trello.board_members(board.id)}
        except GovPressError as exc:
            checks.append(Check(label, False, f"cannot read board {ref}: {exc.message}", exc.hint))
            continue
        member = me.id in members
        checks.append(
            Check(
                label,
                member,
                f"{board.name!r}: readable, {'you are a member' if member else 'you are not a member'}",
                None if member else "`govpress-support start-rotation` joins you to it",
            )
        )
    return checks


def check_rota(rota: RotaClient | None, role: str) -> list[Check]:
    if rota is None:
        return [Check("rota service", True, "not configured (set ROTA_URL to use it)")]
    try:
        entries = rota.entries(role)
    except GovPressError as exc:
        return [Check("rota service", False, exc.message, exc.hint or "check ROTA_URL")]
    return [Check("rota service", True, f"answers: {len(entries)} {role} entries")]


def check_tools(tools: Mapping[str, str], which: Callable[[str], str | None] = shutil.which) -> list[Check]:
    checks = []
    for tool, hint in tools.items():
        path = which(tool)
        checks.append(Check(f"tool {tool}", path is not None, path or "not on PATH", None if path else hint))
    return checks


def run_checks(
    settings: Settings,
    *,
    zendesk: Callable[[], ZendeskClient],
    trello: TrelloClient | None,
    rota: RotaClient | None,
    config_path: object,
    load: Callable[[], Settings],
) -> list[Check]:
    checks = [check_config(config_path, load)]
    checks += check_zendesk(zendesk, settings.groups)
    checks += check_trello(trello, settings, _me(zendesk))
    checks += check_rota(rota, settings.rota.role)
    checks += check_tools(settings.rotation.tools)
    return checks
