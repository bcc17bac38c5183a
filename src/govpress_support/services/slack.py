"""A Slack incoming webhook, through the shared HTTP layer, and Block Kit within Slack's limits.

`POST <webhook URL>` with `{"text": fallback, "blocks": [...]}`; Slack answers 200 with the plain
text `ok`, or an error code in plain text (400 `invalid_payload`, `no_text`, `invalid_blocks`;
403 `action_prohibited`; 404 `no_service` for a revoked webhook, `channel_not_found`; 410
`channel_is_archived`; 429 with `Retry-After`, which the HTTP layer waits out). A webhook URL is a
secret: it is registered with the redactor and never printed.

Only Slack's own host takes a webhook URL (`hooks.slack.com`, or GovSlack's), or this machine
(the sandbox, a tunnel): the URL carries the team's channel, so a mistyped or pasted URL that
points elsewhere is refused before anything is sent.

`Message` builds Block Kit that Slack accepts: at most 50 blocks, a header of up to 150
characters, section text of up to 3,000, and text escaped as Slack's mrkdwn wants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from govpress_support.core.errors import ApiError, AuthError, GovPressError, UsageError
from govpress_support.core.redact import SECRETS
from govpress_support.services.http import HttpClient, ServiceInfo

SLACK = ServiceInfo("Slack", "run `govpress-support auth login slack`, or set SLACK_WEBHOOK_URL")
SLACK_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})

MAX_BLOCKS = 50
HEADER_TEXT = 150
SECTION_TEXT = 3000
FALLBACK_TEXT = 3000  # what shows in a notification: kept short, well inside Slack's 40,000

# What Slack's error codes mean for the person posting.
_MEANINGS = {
    "invalid_payload": "the message was malformed",
    "invalid_blocks": "Slack did not accept the message's blocks",
    "no_text": "the message was empty",
    "user_not_found": "a mentioned member does not exist",
    "action_prohibited": "the workspace does not allow this webhook to post",
    "invalid_token": "the webhook is not valid",
    "no_service": "the webhook was revoked or never existed",
    "channel_not_found": "the webhook's channel is gone",
    "channel_is_archived": "the webhook's channel is archived",
    "rollup_error": "Slack failed on its side",
}


def check_webhook_url(url: str, *, where: str = "the Slack webhook URL", also: Sequence[str] = ()) -> None:
    """Refuse (UsageError, exit 2) a URL that is not a Slack incoming webhook: https on Slack's
    hooks host, or this machine (the sandbox), or a host in `also` (the in-process sandbox)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme in ("http", "https") and (host in LOOPBACK or host in also):
        return
    if parts.scheme == "https" and host in SLACK_HOSTS and parts.path.startswith("/services/"):
        return
    shown = host or "no host"
    raise UsageError(
        f"{where} is not a Slack incoming webhook ({shown}): nothing was posted",
        "use the URL Slack gave you, https://hooks.slack.com/services/T…/B…/…, "
        "with `govpress-support auth login slack` or SLACK_WEBHOOK_URL",
    )


def register_secret(url: str) -> None:
    """The URL, its path and its last part (the secret) are redacted wherever they would appear."""
    parts = urlsplit(url.strip())
    SECRETS.add(url.strip(), parts.path)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if len(last) >= 8:
        SECRETS.add(last)


def classify(response: httpx.Response, what: str | None) -> GovPressError | None:
    """Slack's plain-text error codes as one line each (a 429 left to the HTTP layer's wait)."""
    if response.status_code == 429:
        return None
    code = " ".join(response.text.split())[:60] if response.content else ""
    meaning = _MEANINGS.get(code)
    status = response.status_code
    shown = f"{status} {code}".strip() + (f": {meaning}" if meaning else "")
    if status in (403, 404, 410):
        return AuthError(
            f"Slack refused the message ({shown})",
            "make a new incoming webhook for the channel and `govpress-support auth login slack`",
            status=status,
        )
    return ApiError(f"Slack refused the message ({shown})", None, status=status, code=code or None)


class SlackWebhook:
    def __init__(self, http: HttpClient, url: str):
        self.http = http
        self.url = url

    def post(self, payload: dict[str, Any]) -> None:
        """Post one message; returns when Slack answered `ok`, raises otherwise."""
        response = self.http.request("POST", self.url, json=payload, what="the message")
        if response.text.strip() != "ok":
            raise ApiError(
                f"Slack answered {response.status_code} {' '.join(response.text.split())[:60]!r}, not ok",
                "check the webhook URL",
                status=response.status_code,
            )

    def probe(self) -> None:
        """Check the webhook exists without posting anything: an empty message is refused with
        `no_text` (or `invalid_payload`) by a live webhook, and `no_service` by a revoked one."""
        response = self.http.request("POST", self.url, json={}, what="the check", allow=(400,))
        if response.status_code == 400 and response.text.strip() in ("no_text", "invalid_payload"):
            return
        if response.status_code == 400:
            raise ApiError(f"Slack answered the check with 400 {response.text.strip()[:60]!r}", "check the URL")
        raise ApiError("Slack posted an empty message instead of refusing it", "check the webhook URL")


# --- Block Kit -----------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text as Slack's mrkdwn shows it literally: `&`, `<` and `>` escaped, on one line."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, text: str) -> str:
    """`<url|text>`, or the escaped text alone when there is no usable URL."""
    shown = escape(text).replace("|", "¦")
    if not url or not url.startswith(("http://", "https://")) or any(c in url for c in "<>| \n"):
        return shown
    return f"<{url}|{shown}>"


def mention(member_id: str | None, name: str) -> str:
    return f"<@{member_id}>" if member_id else escape(name)


@dataclass
class Message:
    """A Block Kit message with its plain-text fallback, kept within Slack's limits."""

    fallback: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def header(self, text: str) -> None:
        plain = " ".join(text.split())
        if len(plain) > HEADER_TEXT:
            plain = plain[: HEADER_TEXT - 1] + "…"
        self._add({"type": "header", "text": {"type": "plain_text", "text": plain, "emoji": True}})

    def section(self, mrkdwn: str) -> None:
        if not mrkdwn.strip():
            return
        self._add({"type": "section", "text": {"type": "mrkdwn", "text": _clip(mrkdwn, SECTION_TEXT)}})

    def items(self, title: str, lines: Sequence[str], *, shown: int = 10) -> None:
        """A titled list: at most `shown` lines, then "… and N more"; always within one section."""
        if not lines:
            return
        listed = [f"• {line}" for line in lines[:shown]]
        more = len(lines) - len(listed)
        while listed and len("\n".join([title, *listed])) > SECTION_TEXT - 40:
            listed.pop()
            more += 1
        tail = [f"… and {more} more"] if more else []
        self.section("\n".join([title, *listed, *tail]))

    def context(self, mrkdwn: str) -> None:
        self._add({"type": "context", "elements": [{"type": "mrkdwn", "text": _clip(mrkdwn, SECTION_TEXT)}]})

    def _add(self, block: dict[str, Any]) -> None:
        if len(self.blocks) < MAX_BLOCKS:
            self.blocks.append(block)

    def payload(self) -> dict[str, Any]:
        return {"text": _clip(self.fallback, FALLBACK_TEXT), "blocks": list(self.blocks)}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
