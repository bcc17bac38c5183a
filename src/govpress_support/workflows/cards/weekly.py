"""The weekly jobs: what a rota engineer does when the 2nd line queue is empty.

The cards of the Weekly tasks list on the Week in Progress board (both named in config), in the
list's order, with their due dates and the first line of each description (each card explains
its job). Three requests: the board, its lists, the list's cards.

Taking one (`plan_take`, `take`) puts you on the card and moves it to the board's doing list
(`trello.doing_list`) where there is one, so two engineers do not pick the same job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from govpress_support.core.config import TrelloSettings
from govpress_support.core.errors import ApiError, NotFoundError, UsageError
from govpress_support.core.models import Board, Card, Member, TrelloList
from govpress_support.services.trello import TrelloClient, short_link_of
from govpress_support.workflows.cards.boards import find_board, find_list
from govpress_support.workflows.cards.text import first_line


@dataclass(frozen=True)
class WeeklyTask:
    card: Card

    @property
    def summary(self) -> str:
        return first_line(self.card.desc)

    def to_record(self) -> dict[str, Any]:
        card = self.card
        return {
            "id": card.id,
            "short_link": card.short_link,
            "name": card.name,
            "url": card.short_url,
            "due": card.due,
            "due_complete": card.due_complete,
            "labels": [label.name or label.color for label in card.labels],
            "summary": self.summary,
        }


@dataclass(frozen=True)
class WeeklyTasks:
    board: Board
    task_list: TrelloList
    tasks: list[WeeklyTask]

    def records(self) -> list[dict[str, Any]]:
        return [task.to_record() for task in self.tasks]


def weekly_tasks(trello: TrelloClient, settings: TrelloSettings) -> WeeklyTasks:
    board = find_board(trello, settings, settings.week_board)
    lst = find_list(trello.lists(board.id), settings.weekly_tasks_list, board)
    cards = [card for card in trello.list_cards(lst.id) if not card.closed]
    return WeeklyTasks(board, lst, [WeeklyTask(card) for card in cards])


# --- taking one -------------------------------------------------------------------------------------

_CARD_KEY = re.compile(r"[A-Za-z0-9]{8}|[0-9a-fA-F]{24}")


@dataclass(frozen=True)
class TakePlan:
    """`weekly-tasks take`: join a card on the Week in Progress board (joining the board first if
    you are not a member: Trello lets only members change cards), and move it to the doing list
    where the board has one."""

    board: Board
    card: Card
    me: Member
    lists: dict[str, TrelloList]  # by id
    doing: TrelloList | None  # None: the board has no doing list
    join_board: bool
    others: tuple[str, ...]  # other people already on the card, by name

    @property
    def joins_card(self) -> bool:
        return self.me.id not in self.card.member_ids

    @property
    def moves(self) -> bool:
        return self.doing is not None and self.card.list_id != self.doing.id

    @property
    def to_do(self) -> bool:
        return self.join_board or self.joins_card or self.moves

    def list_name(self, list_id: str) -> str:
        found = self.lists.get(list_id)
        return found.name if found is not None else "another list"

    def steps(self) -> list[str]:
        said: list[str] = []
        if self.join_board:
            said.append(
                f"join the board {self.board.name!r} as a normal member (Trello lets only members change cards)"
            )
        if self.joins_card:
            said.append(f"join the card as {self.me.full_name or self.me.username}")
        if self.moves and self.doing is not None:
            said.append(f"move it from {self.list_name(self.card.list_id)!r} to {self.doing.name!r}")
        return said


@dataclass(frozen=True)
class TakeResult:
    card: Card
    members: tuple[str, ...]  # the card's members after, by name (from Trello's answer)
    list_name: str  # the card's list after (from Trello's answer)
    done: tuple[str, ...]  # what was done, in words


def find_card(trello: TrelloClient, board: Board, value: str) -> Card:
    """A card on the board by short link, id, URL, or its name (whole, or a part only it has)."""
    key = short_link_of(value.strip())
    if not key:
        raise UsageError("no card given", "name it, or give its short link or URL")
    if _CARD_KEY.fullmatch(key):
        try:
            card = trello.card(key)
        except NotFoundError:
            card = None  # an eight-letter name, perhaps: look among the names
        if card is not None:
            if card.board_id != board.id:
                raise UsageError(
                    f"card {key} is not on {board.name!r}", "weekly-tasks take works on that board's cards"
                )
            return card
    cards = [c for c in trello.cards(board.id) if not c.closed]
    wanted = value.strip().casefold()
    exact = [c for c in cards if c.name.casefold() == wanted]
    partial = exact or [c for c in cards if wanted in c.name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise UsageError(
            f"no card {value.strip()!r} on {board.name!r}", "list them with `govpress-support weekly-tasks`"
        )
    listed = "; ".join(f"{c.short_link} {c.name!r}" for c in partial[:8])
    raise UsageError(
        f"{value.strip()!r} matches {len(partial)} cards: {listed}", "give more of the name, or the short link"
    )


def plan_take(trello: TrelloClient, settings: TrelloSettings, value: str) -> TakePlan:
    """Read the board, the card, its lists and members, and plan what taking it needs."""
    board = find_board(trello, settings, settings.week_board)
    card = find_card(trello, board, value)
    me = trello.me()
    lists = trello.lists(board.id)
    doing = next((lst for lst in lists if lst.name.casefold() == settings.doing_list.strip().casefold()), None)
    membership = next((m.member_type for m in trello.board_members(board.id) if m.member_id == me.id), None)
    others: tuple[str, ...] = ()
    if any(m != me.id for m in card.member_ids):
        named = {m.id: m.full_name or m.username for m in trello.members_of_board(board.id)}
        others = tuple(named.get(m, "someone") for m in card.member_ids if m != me.id)
    return TakePlan(
        board=board,
        card=card,
        me=me,
        lists={lst.id: lst for lst in lists},
        doing=doing,
        join_board=membership not in ("normal", "admin"),
        others=others,
    )


def take(trello: TrelloClient, plan: TakePlan) -> TakeResult:
    """Carry out the plan; the result is what Trello answered."""
    done: list[str] = []
    if plan.join_board:
        trello.add_board_member(plan.board.id, plan.me.id)
        done.append(f"joined the board {plan.board.name!r}")
    card = plan.card
    members = None
    if plan.joins_card:
        after = trello.add_card_member(card.id, plan.me.id)
        members = tuple(m.full_name or m.username for m in after)
        if plan.me.id not in {m.id for m in after}:
            raise ApiError(f"Trello did not add you to the card {card.short_url}", "look at the card and try again")
        done.append("joined the card")
    if plan.moves and plan.doing is not None:
        card = trello.move_card(card.id, plan.doing.id)
        done.append(f"moved it to {plan.list_name(card.list_id)!r}")
    if members is None:
        fresh = trello.card(card.id)
        named = {m.id: m.full_name or m.username for m in trello.members_of_board(plan.board.id)}
        members = tuple(named.get(m, m) for m in fresh.member_ids)
        card = fresh
    return TakeResult(card, members, plan.list_name(card.list_id), tuple(done))
