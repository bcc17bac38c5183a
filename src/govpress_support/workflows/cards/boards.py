"""Naming Trello boards, lists and labels the way people do: by name, short link or URL.

`backlog` and `week` stand for the configured Support and Maintenance Backlog and Week in
Progress boards. Anything that does not resolve is a `UsageError` listing what there is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from govpress_support.core.config import TrelloSettings
from govpress_support.core.errors import NotFoundError, UsageError
from govpress_support.core.models import Board, Label, TrelloList
from govpress_support.services.trello import TrelloClient, short_link_of

_BOARD_KEY = re.compile(r"[A-Za-z0-9]{8}|[0-9a-fA-F]{24}")


def board_aliases(settings: TrelloSettings) -> dict[str, str]:
    return {
        "backlog": settings.backlog_board,
        "week": settings.week_board,
        "week-in-progress": settings.week_board,
    }


def find_board(trello: TrelloClient, settings: TrelloSettings, value: str) -> Board:
    """A board by alias, id, short link, URL, or (one `/members` call) its exact name."""
    wanted = value.strip()
    if not wanted:
        raise UsageError("--board is empty", "give a board name, its short link (pF46aRdl) or URL")
    key = short_link_of(board_aliases(settings).get(wanted.casefold(), wanted))
    if _BOARD_KEY.fullmatch(key):
        try:
            return trello.board(key)
        except NotFoundError:
            pass  # an eight-letter name, perhaps: look among the boards by name
    boards = trello.my_boards()
    for board in boards:
        if board.name.casefold() == wanted.casefold():
            return board
    listed = ", ".join(f"{b.name!r} ({b.short_link})" for b in boards)
    raise UsageError(
        f"no Trello board {wanted!r}",
        f"your boards: {listed}" if listed else "use the short link from the board's URL, e.g. pF46aRdl",
    )


def find_list(lists: Sequence[TrelloList], name: str, board: Board) -> TrelloList:
    wanted = name.strip().casefold()
    for lst in lists:
        if lst.name.casefold() == wanted and not lst.closed:
            return lst
    names = ", ".join(repr(lst.name) for lst in lists if not lst.closed)
    raise UsageError(f"no list {name!r} on Trello board {board.name!r}", f"lists there: {names or 'none'}")


def find_labels(labels: Sequence[Label], names: Sequence[str], board: Board) -> tuple[Label, ...]:
    """Labels by name (case-insensitive); a label without a name matches its colour."""
    found: list[Label] = []
    for name in names:
        wanted = name.strip().casefold()
        match = next((label for label in labels if label.name.casefold() == wanted), None)
        if match is None:
            match = next((label for label in labels if not label.name and (label.color or "") == wanted), None)
        if match is None:
            known = ", ".join(repr(label.name or label.color) for label in labels)
            raise UsageError(f"no label {name!r} on Trello board {board.name!r}", f"labels there: {known or 'none'}")
        if match not in found:
            found.append(match)
    return tuple(found)
