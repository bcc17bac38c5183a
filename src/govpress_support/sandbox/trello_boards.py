"""Trello boards and lists, read-only: a board by id or short link, its lists (open, closed or
all), labels and cards (in list order, then card order), and a list with its open cards."""

from __future__ import annotations

from govpress_support.sandbox.trello_records import Call, Routes, TrelloRecords, invalid_value
from govpress_support.sandbox.wire import Response, json_response

CARD_FILTERS = {
    "open": "AND c.closed = 0",
    "visible": "AND c.closed = 0",
    "closed": "AND c.closed = 1",
    "all": "",
}


def board_show(trello: TrelloRecords, c: Call) -> Response:
    return json_response(200, trello.render_board(trello.board(c.params["id"])))


def board_lists(trello: TrelloRecords, c: Call) -> Response:
    board = trello.board(c.params["id"])
    rows = trello.store.all("SELECT * FROM trello_lists WHERE board_id = ? ORDER BY pos", (board["id"],))
    wanted = (c.args.get("filter") or "open").lower()
    rows = [r for r in rows if wanted == "all" or bool(r["closed"]) == (wanted == "closed")]
    return json_response(200, [trello.render_list(r) for r in rows])


def board_labels(trello: TrelloRecords, c: Call) -> Response:
    board = trello.board(c.params["id"])
    rows = trello.store.all("SELECT * FROM trello_labels WHERE board_id = ? ORDER BY rowid", (board["id"],))
    return json_response(200, [trello.render_label(r) for r in rows])


def board_cards(trello: TrelloRecords, c: Call) -> Response:
    board = trello.board(c.params["id"])
    wanted = (c.params.get("filter") or c.args.get("filter") or "open").lower()
    if wanted not in CARD_FILTERS:
        raise invalid_value("filter")
    rows = trello.store.all(
        "SELECT c.* FROM trello_cards c JOIN trello_lists l ON l.id = c.list_id "  # noqa: S608
        f"WHERE c.board_id = ? {CARD_FILTERS[wanted]} ORDER BY l.pos, c.pos",
        (board["id"],),
    )
    return json_response(200, trello.render_cards(rows, c.now, c.args))


def list_show(trello: TrelloRecords, c: Call) -> Response:
    return json_response(200, trello.render_list(trello.list_row(c.params["id"])))


def list_cards(trello: TrelloRecords, c: Call) -> Response:
    lst = trello.list_row(c.params["id"])
    rows = trello.store.all("SELECT * FROM trello_cards WHERE list_id = ? AND closed = 0 ORDER BY pos", (lst["id"],))
    return json_response(200, trello.render_cards(rows, c.now, c.args))


BOARD_ROUTES: Routes = (
    ("GET", "/1/boards/{id}", board_show),
    ("GET", "/1/boards/{id}/lists", board_lists),
    ("GET", "/1/boards/{id}/labels", board_labels),
    ("GET", "/1/boards/{id}/cards", board_cards),
    ("GET", "/1/boards/{id}/cards/{filter}", board_cards),
)
LIST_ROUTES: Routes = (
    ("GET", "/1/lists/{id}", list_show),
    ("GET", "/1/lists/{id}/cards", list_cards),
)
