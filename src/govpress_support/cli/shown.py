"""Service text (subjects, names, comments, error bodies) shown, never obeyed: the one rule the
renderer (`output.py`) and every other way such text leaves (completion's help, the reply
editor's quoted thread, the error line) apply.

- `visible`: every control character shown as a symbol (`\\x1b[2J` becomes `␛[2J`);
- `safe_link`: only well-formed http(s) URLs become terminal links (OSC 8);
- `safe_console`: a rich console that renders every segment through both, whatever built it;
- `Redacted`: a stream whose every write passes through the redactor (`core.redact.SECRETS`);
- `JSON_ESCAPED`: what JSON escapes besides the C0 controls (C1, bidi), the values unchanged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from govpress_support.core.redact import SECRETS

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

# Bidirectional formatting characters: they reorder what is shown ("Trojan source").
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Every C0 control but newline and tab as its Unicode control picture (ESC as ␛, BEL as ␇), DEL
# as ␡, and the C1 controls and bidi characters as the replacement character: one for one.
_SHOWN: dict[int, int] = {
    **{code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)},
    0x7F: 0x2421,
    **dict.fromkeys(range(0x80, 0xA0), 0xFFFD),
    **dict.fromkeys(map(ord, _BIDI), 0xFFFD),
}
JSON_ESCAPED: dict[int, str] = {code: f"\\u{code:04x}" for code in [*range(0x80, 0xA0), *map(ord, _BIDI)]}
_SAFE_LINK = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f]+", re.IGNORECASE)


def visible(text: str) -> str:
    """`text` safe to show on a terminal or in a TSV line: control characters shown as symbols
    (`\\x1b[2J` becomes `␛[2J`), never obeyed; newlines and tabs stay, CRLF becomes LF."""
    return text.replace("\r\n", "\n").translate(_SHOWN)


def safe_link(url: str | None) -> bool:
    """Whether a URL may become a terminal link: http(s), no spaces or control characters."""
    return bool(url) and _SAFE_LINK.fullmatch(url or "") is not None


class Redacted:
    """A text stream whose every write passes through the redactor first."""

    def __init__(self, stream: IO[str]):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(SECRETS(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@functools.cache
def safe_console() -> type[Console]:
    """A rich console that renders every segment of text through `visible`, whatever built it
    (tables, panels, progress, live displays), and drops any link that is not a well-formed
    http(s) URL; its own control sequences (colour, cursor, links) are untouched."""
    from rich.console import Console, ConsoleOptions
    from rich.segment import Segment

    class SafeConsole(Console):
        def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterator[Segment]:
            for segment in super().render(renderable, options):
                if segment.control:
                    yield segment
                    continue
                text, style = segment.text, segment.style
                shown = visible(text)
                if style is not None and style.link and not safe_link(style.link):
                    style = style.update_link(None)
                yield segment if shown == text and style is segment.style else Segment(shown, style)

    return SafeConsole
