"""Trello's identifiers and timestamps as the sandbox makes them: deterministic 24-hex ids,
short links, name slugs, millisecond times. The emulator and the seed both use them; kept apart
from the seed so that serving a seeded sandbox does not import the seed's data and history."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

SHORT_LINK_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

# Trello object kinds, for readable deterministic 24-hex ids.
ORG, MEMBER, BOARD, LIST, LABEL, CARD, ATTACHMENT, ACTION, MEMBERSHIP, CHECKLIST = range(1, 11)


def trello_id(kind: int, n: int) -> str:
    """A 24-hex Trello id; like real ones it starts with a (here fixed, 2020) timestamp."""
    return f"{0x5F1E0000 + kind:08x}{n:016x}"


def short_link(rng: random.Random) -> str:
    return "".join(rng.choice(SHORT_LINK_CHARS) for _ in range(8))


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:128]


def trello_time(when: datetime) -> str:
    """Trello's timestamp form: milliseconds and a Z."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
