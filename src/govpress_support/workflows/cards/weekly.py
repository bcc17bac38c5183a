"""The weekly jobs: what a rota engineer does when the 2nd line queue is empty.

The cards of the Weekly tasks list on the Week in Progress board (both named in config), in the
list's order, with their due dates and the first line of each description (each card explains
its job). Three requests: the board, its lists, the list's cards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govpress_support.core.config import TrelloSettings
from govpress_support.core.models import Board, Card, TrelloList
from govpress_support.services.trello import TrelloClient
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
