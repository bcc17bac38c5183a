"""Trello REST client: the few endpoints the rota uses, on the shared HTTP layer.

Not py-trello: that library has no timeouts, no retries, a hard-coded base URL, drops error
details and pulls in requests, requests-oauthlib and pytz. Here every call gets the shared
layer's timeouts, 429 back-off and one-line errors. Auth goes in the `Authorization: OAuth`
header, never the query string, so no key or token lands in a URL or a log line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import httpx

from govpress_support.core.errors import ApiError, AuthError, GovPressError, NotFoundError, UsageError
from govpress_support.core.models import Attachment, Board, BoardMember, Card, Label, Member, TrelloList
from govpress_support.core.timeutil import parse_iso
from govpress_support.services.cache import MetadataCache
from govpress_support.services.http import HttpClient, describe_body

LOGIN_HINT = "run `govpress-support auth login trello`"


def oauth_header(key: str, token: str) -> dict[str, str]:
    return {"Authorization": f'OAuth oauth_consumer_key="{key}", oauth_token="{token}"'}


def classify_error(response: httpx.Response, what: str | None) -> GovPressError | None:
    """Trello says most things in plain text; turn the ones that matter into clear errors."""
    _, text = describe_body(response)
    lowered = text.lower()
    if response.status_code == 401 and "permission" in lowered:
        action = f"you {what}" if what and what.startswith("to ") else "this"
        return AuthError(
            f"Trello does not allow {action} ({text})",
            "join the board first (`govpress-support start-rotation` does it)",
            status=401,
        )
    if response.status_code == 401:
        return AuthError(f"Trello rejected the credentials (401: {text or 'unauthorized'})", LOGIN_HINT, status=401)
    if response.status_code == 400 and "invalid id" in lowered and what:
        return NotFoundError(f"{what} not found (Trello: invalid id)", status=400)
    return None


class TrelloClient:
    def __init__(self, http: HttpClient, cache: MetadataCache | None = None, identity: str = ""):
        """`identity` tells cached answers of different tokens apart (a hash, never the token)."""
        self.http = http
        self.cache = cache
        self.identity = identity
        self._me: Member | None = None
        self._boards: dict[str, Board] = {}

    def _get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str | None = None) -> Any:
        return self.http.json_of(self._send("GET", path, params=params, what=what))

    def _send(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, what: str | None = None
    ) -> httpx.Response:
        return self.http.request(method, path, params=params, what=what)

    # --- who ----------------------------------------------------------------------------------

    def me(self) -> Member:
        """The token's member. Cached on disk: Trello allows 100 `/members` calls per 15 minutes."""
        if self._me is not None:
            return self._me
        key = f"trello me {self.http.base_url} {self.identity}"
        raw = self.cache.get(key) if self.cache is not None else None
        if not isinstance(raw, dict):
            raw = self._get("members/me", {"fields": "id,username,fullName,email"})
            if self.cache is not None and isinstance(raw, dict):
                self.cache.put(key, raw)
        member = _member(raw)
        if member is None:
            raise ApiError("Trello's answer for members/me had no member")
        self._me = member
        return member

    # --- boards and lists ---------------------------------------------------------------------

    def board(self, id_or_short_link: str) -> Board:
        key = id_or_short_link.strip()
        if key not in self._boards:
            data = self._get(
                f"boards/{key}", {"fields": "id,name,shortLink,shortUrl,url,closed"}, what=f"Trello board {key!r}"
            )
            board = _board(data)
            if board is None:
                raise ApiError(f"Trello's answer for board {key!r} had no board")
            self._boards[key] = board
        return self._boards[key]

    def lists(self, board_id: str) -> list[TrelloList]:
        data = self._get(f"boards/{board_id}/lists", {"filter": "open"}, what=f"Trello board {board_id!r}")
        return [lst for lst in (_list(item) for item in _array(data)) if lst is not None]

    def list_named(self, board_id: str, name: str) -> TrelloList:
        lists = self.lists(board_id)
        for lst in lists:
            if lst.name.casefold() == name.strip().casefold():
                return lst
        names = ", ".join(repr(lst.name) for lst in lists)
        raise UsageError(f"no list {name!r} on the board", f"lists: {names}")

    def labels(self, board_id: str) -> list[Label]:
        data = self._get(f"boards/{board_id}/labels", {"limit": 1000}, what=f"Trello board {board_id!r}")
        return [label for label in (_label(item) for item in _array(data)) if label is not None]

    def cards(self, board_id: str) -> list[Card]:
        """The board's open cards with their attachments: one request, however many cards."""
        data = self._get(
            f"boards/{board_id}/cards",
            {"attachments": "true", "attachment_fields": "id,name,url"},
            what=f"Trello board {board_id!r}",
        )
        return [card for card in (_card(item) for item in _array(data)) if card is not None]

    def list_cards(self, list_id: str) -> list[Card]:
        data = self._get(
            f"lists/{list_id}/cards",
            {"attachments": "true", "attachment_fields": "id,name,url"},
            what=f"Trello list {list_id!r}",
        )
        return [card for card in (_card(item) for item in _array(data)) if card is not None]

    def board_members(self, board_id: str) -> list[BoardMember]:
        data = self._get(f"boards/{board_id}/memberships", what=f"Trello board {board_id!r}")
        out: list[BoardMember] = []
        for item in _array(data):
            if isinstance(item.get("idMember"), str):
                out.append(BoardMember(member_id=item["idMember"], member_type=str(item.get("memberType") or "normal")))
        return out

    def add_board_member(self, board_id: str, member_id: str, member_type: str = "normal") -> None:
        # Idempotent on Trello's side: adding an existing member just confirms it.
        self._send(
            "PUT",
            f"boards/{board_id}/members/{member_id}",
            params={"type": member_type},
            what=f"to join Trello board {board_id!r}",
        )

    # --- cards --------------------------------------------------------------------------------

    def card(self, id_or_short_link: str) -> Card:
        data = self._get(
            f"cards/{id_or_short_link}",
            {"attachments": "true", "attachment_fields": "id,name,url"},
            what=f"Trello card {id_or_short_link!r}",
        )
        card = _card(data)
        if card is None:
            raise ApiError(f"Trello's answer for card {id_or_short_link!r} had no card")
        return card

    def create_card(
        self,
        list_id: str,
        name: str,
        *,
        desc: str = "",
        due: str | None = None,
        label_ids: Iterable[str] = (),
        member_ids: Iterable[str] = (),
        url_source: str | None = None,
        pos: str = "bottom",
        source_card_id: str | None = None,
        keep_from_source: str | None = None,
    ) -> Card:
        """Create a card (or copy one with `source_card_id`). Not retried on 5xx: a POST."""
        params: dict[str, Any] = {"idList": list_id, "name": name, "pos": pos}
        if desc:
            params["desc"] = desc
        if due:
            params["due"] = due
        if labels := ",".join(label_ids):
            params["idLabels"] = labels
        if members := ",".join(member_ids):
            params["idMembers"] = members
        if url_source:
            params["urlSource"] = url_source
        if source_card_id:
            params["idCardSource"] = source_card_id
            params["keepFromSource"] = keep_from_source or "all"
        data = self.http.json_of(self._send("POST", "cards", params=params, what="to add cards to this Trello board"))
        card = _card(data)
        if card is None:
            raise ApiError("Trello's answer to the new card had no card")
        return card

    def add_attachment(self, card_id: str, url: str, name: str | None = None) -> Attachment:
        params = {"url": url, **({"name": name} if name else {})}
        data = self.http.json_of(
            self._send("POST", f"cards/{card_id}/attachments", params=params, what=f"Trello card {card_id!r}")
        )
        if isinstance(data, list):  # the spec says an array; the API sends one object
            data = data[0] if data else None
        attachment = _attachment(data)
        if attachment is None:
            raise ApiError("Trello's answer to the new attachment had no attachment")
        return attachment

    def add_card_member(self, card_id: str, member_id: str) -> list[Member]:
        """Add a member to a card (they must be on its board); the card's members after. Adding
        one already there changes nothing."""
        data = self.http.json_of(
            self._send(
                "POST", f"cards/{card_id}/idMembers", params={"value": member_id}, what=f"Trello card {card_id!r}"
            )
        )
        return [member for member in (_member(item) for item in _array(data)) if member is not None]

    def move_card(self, card_id: str, list_id: str, pos: str = "top") -> Card:
        """Move a card to another list of its board; the card after."""
        data = self.http.json_of(
            self._send(
                "PUT", f"cards/{card_id}", params={"idList": list_id, "pos": pos}, what=f"Trello card {card_id!r}"
            )
        )
        card = _card(data)
        if card is None:
            raise ApiError(f"Trello's answer to moving card {card_id!r} had no card")
        return card

    def add_comment(self, card_id: str, text: str) -> None:
        self._send("POST", f"cards/{card_id}/actions/comments", params={"text": text}, what=f"Trello card {card_id!r}")

    def members_of_board(self, board_id: str) -> list[Member]:
        """The board's members with their names (not under `/members/*`, so not rate limited as those)."""
        data = self._get(
            f"boards/{board_id}/members", {"fields": "id,username,fullName"}, what=f"Trello board {board_id!r}"
        )
        return [member for member in (_member(item) for item in _array(data)) if member is not None]

    def my_boards(self) -> list[Board]:
        """The open boards the token's member belongs to: for finding a board by name. One
        `/members` call, so only on demand (those are limited to 100 per 15 minutes)."""
        data = self._get("members/me/boards", {"filter": "open", "fields": "id,name,shortLink,shortUrl,url,closed"})
        return [board for board in (_board(item) for item in _array(data)) if board is not None and not board.closed]


# --- JSON to models -------------------------------------------------------------------------------

_SHORT_LINK = re.compile(r"trello\.com/[bc]/([A-Za-z0-9]{8})")


def short_link_of(value: str) -> str:
    """`pF46aRdl` from a board or card URL; any other value unchanged."""
    match = _SHORT_LINK.search(value)
    return match.group(1) if match else value.strip()


def _array(data: Any) -> list[dict[str, Any]]:
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _member(data: Any) -> Member | None:
    if not isinstance(data, dict) or not _s(data.get("id")):
        return None
    return Member(
        id=data["id"],
        username=_s(data.get("username")),
        full_name=_s(data.get("fullName")),
        email=_s(data.get("email")) or None,
    )


def _board(data: Any) -> Board | None:
    if not isinstance(data, dict) or not _s(data.get("id")):
        return None
    return Board(
        id=data["id"],
        short_link=_s(data.get("shortLink")),
        name=_s(data.get("name")),
        url=_s(data.get("url")) or _s(data.get("shortUrl")),
        closed=data.get("closed") is True,
    )


def _list(data: dict[str, Any]) -> TrelloList | None:
    if not _s(data.get("id")):
        return None
    pos = data.get("pos")
    return TrelloList(
        id=data["id"],
        name=_s(data.get("name")),
        board_id=_s(data.get("idBoard")),
        closed=data.get("closed") is True,
        pos=float(pos) if isinstance(pos, int | float) else 0.0,
    )


def _label(data: dict[str, Any]) -> Label | None:
    if not _s(data.get("id")):
        return None
    return Label(id=data["id"], name=_s(data.get("name")), color=_s(data.get("color")) or None)


def _attachment(data: Any) -> Attachment | None:
    if not isinstance(data, dict) or not _s(data.get("id")):
        return None
    return Attachment(id=data["id"], name=_s(data.get("name")), url=_s(data.get("url")))


def _card(data: Any) -> Card | None:
    if not isinstance(data, dict) or not _s(data.get("id")):
        return None
    attachments = tuple(a for a in (_attachment(item) for item in _array(data.get("attachments"))) if a is not None)
    short_link = _s(data.get("shortLink"))
    return Card(
        id=data["id"],
        short_link=short_link,
        short_url=_s(data.get("shortUrl")) or (f"https://trello.com/c/{short_link}" if short_link else ""),
        url=_s(data.get("url")),
        name=_s(data.get("name")),
        desc=_s(data.get("desc")),
        list_id=_s(data.get("idList")),
        board_id=_s(data.get("idBoard")),
        due=parse_iso(data.get("due")),
        closed=data.get("closed") is True,
        member_ids=tuple(m for m in data.get("idMembers") or () if isinstance(m, str)),
        label_ids=tuple(m for m in data.get("idLabels") or () if isinstance(m, str)),
        attachments=attachments,
        labels=tuple(label for label in (_label(item) for item in _array(data.get("labels"))) if label is not None),
        due_complete=data.get("dueComplete") is True,
    )
