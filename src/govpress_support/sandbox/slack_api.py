"""A Slack incoming webhook at Slack's own path shape, `<origin>/services/T…/B…/<secret>`.

Answers as Slack does, in plain text: 200 `ok`; 400 `invalid_payload` (not JSON, or not an
object), `no_text` (neither `text`, `blocks` nor `attachments` to show), `invalid_blocks` (Block
Kit the sandbox checks: at most 50 blocks, known types, section text up to 3,000 characters,
header text up to 150, up to 10 fields of 2,000, unique block ids), `too_many_attachments`; 404
`no_service` for a hook that does not exist (or was revoked); 429 `rate_limited` with
`Retry-After` past about one message a second per webhook (bursts of 5 in 5 seconds). Text over
40,000 characters is truncated, as Slack does.

Every request to a hook path is recorded (`GET /_sandbox/slack` lists the accepted posts and the
rejected ones), and `PUT /_sandbox/slack` makes the next posts fail with a chosen error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from govpress_support.core import timeutil
from govpress_support.sandbox import switches
from govpress_support.sandbox.constants import SLACK_WEBHOOK_PATH
from govpress_support.sandbox.limits import Window
from govpress_support.sandbox.routing import Match, Router
from govpress_support.sandbox.stats import Stats
from govpress_support.sandbox.store import Store, loads
from govpress_support.sandbox.wire import Request, Response, dumps, json_response, text_response

HOOKS = {SLACK_WEBHOOK_PATH: "#govpress-support"}  # webhook path -> the channel it posts to

# Slack's webhook error codes and the status each comes with.
ERRORS: dict[str, int] = {
    "invalid_payload": 400,
    "user_not_found": 400,
    "invalid_blocks": 400,
    "no_text": 400,
    "too_many_attachments": 400,
    "action_prohibited": 403,
    "invalid_token": 403,
    "team_disabled": 403,
    "posting_to_general_channel_denied": 403,
    "channel_not_found": 404,
    "no_service": 404,
    "channel_is_archived": 410,
    "rate_limited": 429,
    "rollup_error": 500,
}

POST_LIMIT, POST_WINDOW = 5, 5.0  # about one a second, short bursts allowed
MAX_TEXT = 40_000  # longer text is truncated
MAX_BLOCKS = 50
MAX_ATTACHMENTS = 100
SECTION_TEXT, HEADER_TEXT, FIELD_TEXT, MARKDOWN_TEXT = 3000, 150, 2000, 12_000
MAX_FIELDS, MAX_CONTEXT, MAX_ACTIONS, MAX_BLOCK_ID = 10, 10, 25, 255
BLOCK_TYPES = frozenset(
    {"section", "header", "divider", "context", "actions", "image", "rich_text", "markdown", "input", "file", "video"}
)
SWITCH_KEY = "slack.fail"  # in the settings table


@dataclass(frozen=True)
class FailSwitch:
    """Make the next `times` posts (None: every post until switched off) fail with `error`."""

    error: str | None = None
    times: int | None = 1
    retry_after: int = 1  # the Retry-After of a forced `rate_limited`

    def as_dict(self) -> dict[str, Any]:
        return {"fail": self.error, "times": self.times, "retry_after": self.retry_after}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> FailSwitch:
        if unknown := set(data) - {"fail", "times", "retry_after"}:
            raise ValueError(f"unknown field {sorted(unknown)[0]!r}; fields: fail, times, retry_after")
        error = data.get("fail")
        if error is not None and error not in ERRORS:
            raise ValueError(f"fail must be null or one of {', '.join(ERRORS)}")
        times = data.get("times", 1)
        if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
            raise ValueError("times must be a whole number >= 1, or null for until switched off")
        retry_after = data.get("retry_after", 1)
        if isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 0:
            raise ValueError("retry_after must be a whole number of seconds >= 0")
        return cls(error, times, retry_after)


Handler = Callable[["SlackAPI", Request, dict[str, str]], Response]


class SlackAPI:
    service = "slack"

    def __init__(self, store: Store, stats: Stats):
        self.store = store
        self.stats = stats
        self.window = Window(POST_LIMIT, POST_WINDOW)
        self.router: Router[Handler] = Router()
        self.router.add("POST", "/services/{team}/{bot}/{secret}", SlackAPI.post)

    def match(self, req: Request) -> Match[Handler] | None:
        return self.router.match(req.method, req.path)

    def dispatch(self, req: Request, match: Match[Handler] | None) -> Response:
        if match is None:
            if req.method != "POST" and req.path in HOOKS:
                return text_response(405, "invalid_method")
            return self._answer(req, "no_service")
        return match.route.handler(self, req, match.params)

    # --- the webhook -----------------------------------------------------------------------------

    def post(self, req: Request, params: dict[str, str]) -> Response:
        if req.path not in HOOKS:
            return self._answer(req, "no_service")
        forced = self._take_switch()
        if forced is not None:
            return self._answer(req, forced.error or "rollup_error", retry_after=forced.retry_after)
        if self.store.settings().rate_limits:
            verdict = self.window.hit(req.path)
            if not verdict.allowed:
                self.stats.limit("slack webhook")
                return self._answer(req, "rate_limited", retry_after=verdict.reset)
        payload, error = parse_payload(req)
        if error is not None:
            return self._answer(req, error)
        assert payload is not None
        return self._answer(req, None, payload=payload)

    def _answer(
        self, req: Request, error: str | None, *, retry_after: int = 1, payload: dict[str, Any] | None = None
    ) -> Response:
        status = ERRORS[error] if error else 200
        answer = error or "ok"
        headers = {"retry-after": str(retry_after)} if status == 429 else None
        stored: dict[str, Any] = {"raw": req.body.decode("utf-8", "replace")}
        if payload is not None:
            stored["payload"] = payload
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO slack_posts (hook, status, answer, body, content_type, at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    req.path,
                    status,
                    answer,
                    dumps(stored),
                    req.header("content-type") or "",
                    timeutil.iso(timeutil.now()),
                ),
            )
        return text_response(status, answer, headers)

    # --- switches and records (for the control API) ----------------------------------------------

    def switch(self) -> FailSwitch:
        data = switches.load(self.store, SWITCH_KEY)
        return FailSwitch.parse(data) if data else FailSwitch(None, None)

    def set_switch(self, switch: FailSwitch) -> FailSwitch:
        switches.save(self.store, SWITCH_KEY, switch.as_dict())
        return switch

    def _take_switch(self) -> FailSwitch | None:
        data = switches.take(
            self.store, SWITCH_KEY, lambda d: d.get("fail") is not None, FailSwitch(None, None).as_dict()
        )
        return FailSwitch.parse(data) if data else None

    def records(self, origin: str) -> dict[str, Any]:
        posts: list[dict[str, Any]] = []
        rejected: list[dict[str, Any]] = []
        for row in self.store.all("SELECT * FROM slack_posts ORDER BY id"):
            stored = loads(row["body"]) or {}
            payload = stored.get("payload")
            record = {
                "id": row["id"],
                "hook": row["hook"],
                "channel": HOOKS.get(row["hook"]),
                "at": row["at"],
                "status": row["status"],
                "answer": row["answer"],
                "content_type": row["content_type"],
                "text": payload.get("text") if payload else None,
                "blocks": payload.get("blocks") if payload else None,
                "payload": payload,
                "raw": stored.get("raw", ""),
            }
            (posts if row["status"] == 200 else rejected).append(record)
        return {
            "webhook_url": origin + SLACK_WEBHOOK_PATH,
            "switch": self.switch().as_dict(),
            "posts": posts,
            "rejected": rejected,
        }

    def clear(self) -> None:
        with self.store.write() as conn:
            conn.execute("DELETE FROM slack_posts")


# --- payload checks ------------------------------------------------------------------------------


def parse_payload(req: Request) -> tuple[dict[str, Any] | None, str | None]:
    """The message, or the error code Slack answers for it."""
    text = req.body.decode("utf-8", "replace")
    ctype = (req.header("content-type") or "").lower()
    if "x-www-form-urlencoded" in ctype and text.lstrip().startswith("payload="):
        text = dict(parse_qsl(text, keep_blank_values=True)).get("payload", "")
    try:
        data = json.loads(text)
    except ValueError:
        return None, "invalid_payload"
    if not isinstance(data, dict):
        return None, "invalid_payload"
    message_text = data.get("text")
    if message_text is not None and not isinstance(message_text, str):
        return None, "invalid_payload"
    blocks = data.get("blocks")
    if isinstance(blocks, str):  # a JSON-encoded string is accepted too
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return None, "invalid_blocks"
    if blocks is not None and (not isinstance(blocks, list) or not valid_blocks(blocks)):
        return None, "invalid_blocks"
    attachments = data.get("attachments")
    if attachments is not None and not isinstance(attachments, list):
        return None, "invalid_payload"
    if attachments and len(attachments) > MAX_ATTACHMENTS:
        return None, "too_many_attachments"
    if not (message_text or "").strip() and not blocks and not attachments:
        return None, "no_text"
    message = dict(data)
    if blocks is not None:
        message["blocks"] = blocks
    if message_text and len(message_text) > MAX_TEXT:
        message["text"] = message_text[:MAX_TEXT]
        message["truncated"] = True
    return message, None


def valid_blocks(blocks: list[Any]) -> bool:
    if len(blocks) > MAX_BLOCKS:
        return False
    ids: set[str] = set()
    for block in blocks:
        if not isinstance(block, dict) or block.get("type") not in BLOCK_TYPES:
            return False
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or not block_id or len(block_id) > MAX_BLOCK_ID or block_id in ids:
                return False
            ids.add(block_id)
        if not _valid_block(block):
            return False
    return True


def _valid_block(block: dict[str, Any]) -> bool:
    kind = block["type"]
    if kind == "section":
        text, fields = block.get("text"), block.get("fields")
        if text is None and fields is None:
            return False
        if text is not None and not _text_object(text, SECTION_TEXT):
            return False
        if fields is not None and not (
            isinstance(fields, list)
            and 0 < len(fields) <= MAX_FIELDS
            and all(_text_object(f, FIELD_TEXT) for f in fields)
        ):
            return False
        accessory = block.get("accessory")
        return accessory is None or (isinstance(accessory, dict) and isinstance(accessory.get("type"), str))
    if kind == "header":
        return _text_object(block.get("text"), HEADER_TEXT, plain_only=True)
    if kind == "context":
        elements = block.get("elements")
        return (
            isinstance(elements, list)
            and 0 < len(elements) <= MAX_CONTEXT
            and all(_text_object(e, SECTION_TEXT) or _image_element(e) for e in elements)
        )
    if kind == "actions":
        elements = block.get("elements")
        return (
            isinstance(elements, list)
            and 0 < len(elements) <= MAX_ACTIONS
            and all(isinstance(e, dict) and isinstance(e.get("type"), str) for e in elements)
        )
    if kind == "image":
        return _image_element(block)
    if kind == "markdown":
        text = block.get("text")
        return isinstance(text, str) and 0 < len(text) <= MARKDOWN_TEXT
    if kind == "rich_text":
        return isinstance(block.get("elements"), list)
    return True  # divider, input, file, video: nothing the sandbox checks


def _text_object(value: Any, limit: int, *, plain_only: bool = False) -> bool:
    if not isinstance(value, dict):
        return False
    kinds = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    text = value.get("text")
    return value.get("type") in kinds and isinstance(text, str) and 0 < len(text) <= limit


def _image_element(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and value.get("type") == "image"
        and isinstance(value.get("alt_text"), str)
        and (isinstance(value.get("image_url"), str) or isinstance(value.get("slack_file"), dict))
    )


# --- the control API: `/_sandbox/slack` (handlers take the ControlAPI, whose `app.slack` is us) ---


def control_get(control: Any, req: Request, params: dict[str, str]) -> Response:
    return json_response(200, control.app.slack.records(req.origin))


def control_put(control: Any, req: Request, params: dict[str, str]) -> Response:
    try:
        data = req.json()
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        control.app.slack.set_switch(FailSwitch.parse(data))
    except ValueError as err:
        return json_response(400, {"error": str(err)})
    return json_response(200, control.app.slack.records(req.origin))


def control_delete(control: Any, req: Request, params: dict[str, str]) -> Response:
    control.app.slack.clear()
    return json_response(200, control.app.slack.records(req.origin))
