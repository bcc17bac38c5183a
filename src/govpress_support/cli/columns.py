"""A table's columns and how they fit a terminal: optional columns go first on a narrow one."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType


@dataclass(frozen=True)
class Column:
    """A column: `key` names the record field (the TSV header and JSON name); `cell` renders it
    for the terminal table (default: the plain value)."""

    key: str
    header: str
    cell: Callable[[Mapping[str, Any]], RenderableType] | None = None
    justify: str = "left"
    no_wrap: bool = True
    ratio: int | None = None
    min_width: int | None = None
    max_width: int | None = None
    drop: int = 0  # on a narrow terminal, columns with a higher `drop` go first; 0 never goes


def fit(
    columns: Sequence[Column], widths: Sequence[int], width: int, *, empty: Collection[str] = ()
) -> tuple[list[Column], list[Column]]:
    """(the columns that fit `width`, the ones dropped). While the table is too wide, optional
    columns go: empty ones first (keys in `empty`), then the highest `drop`. The flexible
    (`ratio`) column then gets the room left, so Rich never squeezes a column to nothing, and
    room still left widens columns cut at their `max_width`. `widths` are the columns' content
    widths (header and cells, uncut)."""
    capped = [min(c.max_width or w, w) for c, w in zip(columns, widths, strict=True)]
    kept = list(zip(columns, capped, widths, strict=True))
    dropped: list[Column] = []

    def needed() -> int:
        return sum((c.min_width or 8 if c.ratio else w) + 3 for c, w, _ in kept)

    while needed() > width:
        optional = [entry for entry in kept if entry[0].drop]
        if not optional:
            break
        gone = max(optional, key=lambda entry: (entry[0].key in empty, entry[0].drop))
        kept.remove(gone)
        dropped.append(gone[0])
    room = width - sum(w + 3 for c, w, _ in kept if not c.ratio)
    spare = room
    out: list[Column] = []
    for column, content, _ in kept:
        if column.ratio:
            size = max(column.min_width or 8, min(content, room - 3))
            spare = room - 3 - size
            column = replace(column, ratio=None, min_width=size, max_width=size)
        out.append(column)
    for index, (column, shown, whole) in enumerate(kept):
        if spare <= 0:
            break
        if not column.ratio and whole > shown:  # cut at its max_width: give it what is left
            grow = min(spare, whole - shown)
            out[index] = replace(out[index], max_width=shown + grow)
            spare -= grow
    return out, dropped
