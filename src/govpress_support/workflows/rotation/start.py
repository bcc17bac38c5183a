"""Starting a 2nd line rotation: plan the changes, apply them, and brief the new engineer.

Planning only reads, so `--dry-run` and a second run are safe: every step is computed from
what is there now, and a step already done is simply not planned. Membership order: you are
added before the previous engineer is removed, so the group is never without its engineer.

Who is removed: the engineer `--previous` names, else the rota's engineer before you; never
anyone else, so at most one member, and only one somebody named. Without either, nobody is
removed and the plan lists the members to choose from. A member who still holds a ticket in the
group stays (`workflows/memberships.py` asks the desk, at planning and again when removing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from govpress_support.core.config import Settings
from govpress_support.core.errors import AuthError, GovPressError, NotFoundError, UsageError
from govpress_support.core.groups import group_name
from govpress_support.core.handover_notes import HandoverNote, PreviousHandover, previous_handover
from govpress_support.core.models import Board, Card, Group, Member, SuspendedTicket, User
from govpress_support.services.rota import RotaClient, has_served, previous_engineer
from govpress_support.services.trello import TrelloClient
from govpress_support.services.zendesk import ZendeskClient
from govpress_support.workflows.agents import ONE_PERSON_HINT, other_person
from govpress_support.workflows.memberships import Member as GroupMember
from govpress_support.workflows.memberships import held_tickets, remove_member
from govpress_support.workflows.queue import QueueOptions, QueueRow, fetch_queue
from govpress_support.workflows.rotation.doctor import Check
from govpress_support.workflows.rotation.handover_notes import handover_notes
from govpress_support.workflows.suspended import peek_suspended


class StepKind(StrEnum):
    ADD_MEMBER = "add_member"
    REMOVE_MEMBER = "remove_member"
    JOIN_BOARD = "join_board"
    COPY_TEMPLATE = "copy_template"


@dataclass(frozen=True)
class RotationStep:
    kind: StepKind
    description: str
    user_id: int | None = None
    group_id: int | None = None
    membership_id: int | None = None
    board_id: str | None = None
    member_id: str | None = None
    card_id: str | None = None
    list_id: str | None = None
    name: str | None = None
    email: str | None = None  # of the member to remove
    group_name: str | None = None


@dataclass(frozen=True)
class RotationStepResult:
    step: RotationStep
    ok: bool
    detail: str
    url: str | None = None


@dataclass
class RotationPlan:
    me: User
    group: Group
    steps: list[RotationStep] = field(default_factory=list)
    done: list[str] = field(default_factory=list)  # what is already as it should be
    warnings: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # parts that cannot be done at all (exit 3)
    previous: User | None = None
    previous_source: str | None = None  # "--previous", "rota"
    choices: list[User] = field(default_factory=list)  # no rota answer: whom --previous could name
    first_time: bool = False

    @property
    def empty(self) -> bool:
        return not self.steps


def plan_rotation(
    zendesk: ZendeskClient,
    trello: TrelloClient | None,
    rota: RotaClient | None,
    settings: Settings,
    *,
    today: date,
    previous_email: str | None = None,
    first_time: bool = False,
) -> RotationPlan:
    me = zendesk.me()
    group = zendesk.group(group_name(settings.groups, "2nd"))
    plan = RotationPlan(me=me, group=group)

    memberships = zendesk.group_memberships(group.id)
    members = zendesk.users({m.user_id for m in memberships} | ({me.id}))
    by_user = {m.user_id: m for m in memberships}
    permanent = {e.strip().casefold() for e in settings.groups.permanent_members}

    if me.id in by_user:
        plan.done.append(f"you are already in {group.name!r}")
    else:
        plan.steps.append(
            RotationStep(
                StepKind.ADD_MEMBER, f"add you ({me.name}) to {group.name!r}", user_id=me.id, group_id=group.id
            )
        )

    # Who was on before you.
    served_before = False
    candidates: list[User] = []
    if previous_email:
        previous = zendesk.user_by_email(previous_email)
        if previous is None:
            raise UsageError(
                f"no Zendesk user with email {previous_email}", "check the address of the previous rota engineer"
            )
        plan.previous, plan.previous_source = previous, "--previous"
        candidates = [previous]
    else:
        rota_previous, served_before = _from_rota(zendesk, rota, settings, me, today, plan)
        if rota_previous is not None:
            plan.previous, plan.previous_source = rota_previous, "rota"
            candidates = [rota_previous]
        elif plan.previous_source is None:  # no answer from a rota: nobody is removed
            plan.choices = sorted(
                (
                    u
                    for uid, u in members.items()
                    if uid in by_user and uid != me.id and (u.email or "").casefold() not in permanent
                ),
                key=lambda u: u.name,
            )
            if plan.choices:
                names = ", ".join(f"{u.name} <{u.email}>" for u in plan.choices)
                plan.warnings.append(
                    f"no rota answer to say who was on before you, so nobody is removed from {group.name!r} "
                    f"(in it: {names}); pass --previous EMAIL to take the previous engineer out"
                )

    for user in candidates:
        if user.id == me.id:
            continue
        if (user.email or "").casefold() in permanent:
            plan.warnings.append(f"{user.name} is a permanent member of {group.name!r} and stays")
            continue
        membership = by_user.get(user.id)
        if membership is None:
            plan.done.append(f"{user.name} (previous engineer) is not in {group.name!r}")
            continue
        held = held_tickets(zendesk, _member(user, group, membership.id))
        if held:
            ids = ", ".join(f"#{i}" for i in held[:10]) + (" …" if len(held) > 10 else "")
            plan.blocked.append(
                f"{user.name} still holds {len(held)} unsolved ticket(s) in {group.name!r} ({ids}), so stays in it "
                "(Zendesk would unassign them): they hand them over first (`govpress-support handover`), "
                "then run this again"
            )
            continue
        plan.steps.append(
            RotationStep(
                StepKind.REMOVE_MEMBER,
                f"remove {user.name} from {group.name!r}",
                user_id=user.id,
                group_id=group.id,
                membership_id=membership.id,
                name=user.name,
                email=user.email,
                group_name=group.name,
            )
        )

    plan.first_time = first_time or (plan.previous_source == "rota" and not served_before)
    _plan_trello(trello, settings, plan)
    return plan


def _from_rota(
    zendesk: ZendeskClient, rota: RotaClient | None, settings: Settings, me: User, today: date, plan: RotationPlan
) -> tuple[User | None, bool]:
    if rota is None:
        return None, False
    try:
        entries = rota.entries(settings.rota.role)
    except GovPressError as exc:
        plan.warnings.append(f"rota service unavailable ({exc.message}); falling back to the group's members")
        return None, False
    served = has_served(entries, me.email or "", today)
    entry = previous_engineer(entries, me.email or "", today)
    if entry is None:
        plan.previous_source = "rota"
        plan.done.append("the rota names nobody before you")
        return None, served
    user = zendesk.user_by_email(entry.email)
    if user is None:
        plan.warnings.append(
            f"the rota's previous engineer {entry.name} <{entry.email}> has no Zendesk account; nobody is removed"
        )
        plan.previous_source = "rota"
        return None, served
    return user, served


def _member(user: User, group: Group, membership_id: int | None) -> GroupMember:
    return GroupMember(user.id, user.email, user.name, group.id, group.name, membership_id)


def template_copy_name(member_name: str) -> str:
    return f"Add {member_name} to the support rota"


def _plan_trello(trello: TrelloClient | None, settings: Settings, plan: RotationPlan) -> None:
    if trello is None:
        plan.warnings.append("no Trello credentials: boards not joined (run `govpress-support auth login trello`)")
        return
    me = trello.me()
    problem = other_person(plan.me, me)
    if problem is not None:  # joining boards and copying the card as someone else: no
        plan.blocked.append(f"{problem}: the Trello boards and the rota card are left alone ({ONE_PERSON_HINT})")
        return
    boards: list[Board] = []
    for ref in (settings.trello.backlog_board, settings.trello.week_board):
        board = trello.board(ref)
        boards.append(board)
        if me.id in {m.member_id for m in trello.board_members(board.id)}:
            plan.done.append(f"you are a member of the Trello board {board.name!r}")
        else:
            plan.steps.append(
                RotationStep(
                    StepKind.JOIN_BOARD,
                    f"join the Trello board {board.name!r}",
                    board_id=board.id,
                    member_id=me.id,
                    name=board.name,
                )
            )
    if plan.first_time:
        _plan_template(trello, settings, plan, me, boards[0])


def _plan_template(trello: TrelloClient, settings: Settings, plan: RotationPlan, me: Member, backlog: Board) -> None:
    name = template_copy_name(me.full_name or me.username)
    mine = _own_template_copy(trello.cards(backlog.id), me, name)
    if mine is not None:
        plan.done.append(f"you already have the card {mine.name!r} ({mine.short_url})")
        return
    ref = settings.trello.rota_template_card
    try:
        template = trello.card(ref)
    except NotFoundError:
        plan.blocked.append(
            f"the rota template card {ref} is gone: ask the maintenance team for "
            "'Add a new developer to the support rota (copy me!)'"
        )
        return
    plan.steps.append(
        RotationStep(
            StepKind.COPY_TEMPLATE,
            f"copy {template.name!r} to {backlog.name!r} as {name!r}, assigned to you",
            card_id=template.id,
            list_id=template.list_id if template.board_id == backlog.id else None,
            board_id=backlog.id,
            member_id=me.id,
            name=name,
        )
    )


def _own_template_copy(cards: list[Card], me: Member, name: str) -> Card | None:
    for card in cards:
        if card.name.strip().casefold() == name.casefold():
            return card
        if (
            me.id in card.member_ids
            and "support rota" in card.name.casefold()
            and "copy me" not in card.name.casefold()
        ):
            return card
    return None


def apply_rotation(
    zendesk: ZendeskClient,
    trello: TrelloClient | None,
    settings: Settings,
    plan: RotationPlan,
    on_step: Callable[[RotationStepResult], None] | None = None,
) -> list[RotationStepResult]:
    """Apply each step; a step that fails is recorded and the rest go on."""
    removals = [s for s in plan.steps if s.kind is StepKind.REMOVE_MEMBER]
    if len(removals) > 1:
        raise UsageError(
            f"the plan would remove {len(removals)} members of {plan.group.name!r}: never more than the one "
            "previous engineer",
            "name them with --previous EMAIL",
        )
    results: list[RotationStepResult] = []
    for step in plan.steps:
        try:
            result = _apply(zendesk, trello, settings, step)
        except AuthError as exc:
            result = RotationStepResult(step, False, _forbidden_advice(plan, step, exc))
        except GovPressError as exc:
            result = RotationStepResult(step, False, exc.one_line())
        results.append(result)
        if on_step:
            on_step(result)
    return results


def _apply(
    zendesk: ZendeskClient, trello: TrelloClient | None, settings: Settings, step: RotationStep
) -> RotationStepResult:
    if step.kind is StepKind.ADD_MEMBER:
        assert step.user_id is not None and step.group_id is not None
        if any(m.user_id == step.user_id for m in zendesk.group_memberships(step.group_id)):
            return RotationStepResult(step, True, "already a member")
        zendesk.add_membership(step.user_id, step.group_id)
        return RotationStepResult(step, True, "added")
    if step.kind is StepKind.REMOVE_MEMBER:
        assert step.membership_id is not None and step.user_id is not None and step.group_id is not None
        member = GroupMember(
            step.user_id, step.email, step.name or "", step.group_id, step.group_name or "", step.membership_id
        )
        removal = remove_member(zendesk, member)  # asks the desk again: tickets may have come meanwhile
        if removal.held:
            return RotationStepResult(step, False, f"not removed: {removal.reason()}")
        return RotationStepResult(step, True, "removed" if removal.removed else "already removed")
    if trello is None:  # Trello steps are planned only with Trello credentials
        raise UsageError(f"{step.description}: no Trello credentials", "run `govpress-support auth login trello`")
    if step.kind is StepKind.JOIN_BOARD:
        assert step.board_id is not None and step.member_id is not None
        trello.add_board_member(step.board_id, step.member_id)
        return RotationStepResult(step, True, "joined")
    assert (
        step.card_id is not None and step.board_id is not None and step.member_id is not None and step.name is not None
    )
    list_id = step.list_id or trello.list_named(step.board_id, settings.trello.backlog_list).id
    card = trello.create_card(
        list_id,
        step.name,
        source_card_id=step.card_id,
        keep_from_source="attachments,checklists,comments,due,labels",
        member_ids=[step.member_id],
        pos="top",
    )
    return RotationStepResult(step, True, "copied", url=card.short_url)


def _forbidden_advice(plan: RotationPlan, step: RotationStep, exc: AuthError) -> str:
    cannot = "your Zendesk role may not change group memberships"
    if step.kind is StepKind.ADD_MEMBER:
        return f"{cannot}: ask an admin to add {plan.me.name} <{plan.me.email}> to {plan.group.name!r}"
    if step.kind is StepKind.REMOVE_MEMBER:
        return f"{cannot}: ask an admin to remove {step.name} from {plan.group.name!r}"
    return exc.one_line()


# --- the briefing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Briefing:
    group: str
    now: datetime
    rows: list[QueueRow]
    trello_checked: bool
    suspended: list[SuspendedTicket] | None
    channels: list[str]
    doctor_failures: list[Check]
    notes: dict[int, HandoverNote] = field(default_factory=dict)  # ticket -> its latest handover note
    previous: PreviousHandover | None = None  # the handover those notes came from

    @property
    def deadlines(self) -> list[QueueRow]:
        dated = [r for r in self.rows if r.ticket.due_at is not None]
        return sorted(dated, key=lambda r: (r.ticket.due_at, r.ticket.id))

    @property
    def without_cards(self) -> list[QueueRow]:
        return [r for r in self.rows if r.card is None] if self.trello_checked else []


def build_briefing(
    zendesk: ZendeskClient,
    trello: TrelloClient | None,
    settings: Settings,
    *,
    now: datetime,
    doctor_failures: list[Check],
) -> Briefing:
    queue = fetch_queue(zendesk, trello, settings, QueueOptions(group="2nd"), now=now, count_suspended=False)
    peek = peek_suspended(zendesk, limit=None)  # every one listed: the queue need not count them too
    notes = handover_notes(zendesk, [row.ticket.id for row in queue.rows])
    return Briefing(
        group=queue.group,
        now=now,
        rows=queue.rows,
        trello_checked=queue.trello.checked,
        suspended=peek.tickets if peek is not None else None,
        channels=list(settings.rotation.slack_channels),
        doctor_failures=doctor_failures,
        notes=notes,
        previous=previous_handover(notes),
    )
