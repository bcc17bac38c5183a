"""Whole numbers in text, read one way everywhere: ASCII digits only, within a bound.

`str.isdigit` accepts superscripts (`²`) that `int()` refuses, and `int()` accepts other
scripts' digits and refuses strings over 4,300 digits: neither is a rule for user input. Every
id, count and duration the tool reads from a person or a service goes through `whole_number`
(`decimal_number` for the seconds a service asks to wait, which may have a fraction).
"""

from __future__ import annotations

import re

# Zendesk ids (tickets, groups, users) are signed 64-bit integers.
MAX_ID = 2**63 - 1

_DIGITS = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def is_digits(text: str) -> bool:
    """Only ASCII digits, at least one (no sign, no spaces)."""
    return _DIGITS.fullmatch(text) is not None


def whole_number(text: str, *, maximum: int = MAX_ID) -> int | None:
    """The number `text` spells in ASCII digits (spaces around it allowed), or None when it
    spells none or one above `maximum`."""
    digits = text.strip()
    if not is_digits(digits):
        return None
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(maximum)):  # also keeps int() clear of its 4,300-digit limit
        return None
    number = int(digits)
    return number if number <= maximum else None


def decimal_number(text: str) -> float | None:
    """The number of seconds (or the like) `text` spells in ASCII digits with an optional
    fraction (`7`, `0.5`; spaces around it allowed), or None: no sign, exponent, `nan`, `inf`
    or other scripts' digits, which `float()` would take. Too long to hold is infinite."""
    digits = text.strip()
    if _DECIMAL.fullmatch(digits) is None:
        return None
    return float(digits)


def clipped(text: str, limit: int = 60) -> str:
    """`text` for an error message: at most `limit` characters, then `…`."""
    return text if len(text) <= limit else text[:limit] + "…"
